import type { AppContext } from '../context.js';
import { closureLockKey, withLock, type LockOptions } from '../db/doc-lock.js';

/** Serialises the writes to one closure's follow-up, messages and score (see db/doc-lock.ts). */
export function lockClosure<T>(
  ctx: AppContext,
  f: { ticketRef: string; closureNumber: number },
  fn: () => Promise<T>,
  opts?: LockOptions,
): Promise<T> {
  return withLock(ctx.redis, closureLockKey(ctx.config.queuePrefix, f.ticketRef, f.closureNumber), fn, opts);
}
