import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/**
 * A short Redis lock around the writes to one closure's (or one ticket's) documents.
 *
 * Why: FerretDB v1 applies an update by reading the document, changing it in Go and writing it back
 * outside one transaction, so two concurrent updates of one document lose one of them (measured: 50
 * concurrent `$inc` left 11). MongoDB updates are atomic per document, but the same code must be
 * right on both, and every writer of a closure's follow-up and score goes through this lock.
 */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class LockTimeoutError extends Error {}
export class LockLostError extends Error {}

export interface LockOptions {
  /** How long the lock outlives a holder that died (default 10 s). */
  ttlMs?: number;
  /** How long to wait for another holder (default 10 s). */
  waitMs?: number;
  /**
   * Extends the lock every `ttlMs / 2` while `fn` runs, for holders that wait on the network (a send
   * through Twilio): the TTL can then stay as short as the time a dead holder may block others.
   */
  renew?: boolean;
}

export async function withLock<T>(
  redis: Redis,
  key: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const token = randomUUID();
  const ttlMs = opts.ttlMs ?? 10_000;
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new LockTimeoutError(`lock ${key} still held after ${opts.waitMs ?? 10_000} ms`);
    await delay(2 + Math.random() * 8);
  }
  let lost: Error | undefined;
  const renewal = opts.renew
    ? setInterval(() => {
        redis.eval(EXTEND, 1, key, token, ttlMs).then(
          (extended) => {
            if (extended !== 1) lost ??= new LockLostError(`lock ${key} expired while held`);
          },
          (err: unknown) => {
            lost ??= new LockLostError(`lock ${key} could not be extended`, { cause: err });
          },
        );
      }, ttlMs / 2)
    : undefined;
  try {
    const result = await fn();
    // What `fn` wrote may have interleaved with another holder's writes: say so, so the job retries
    // and re-reads, rather than report success.
    if (lost) throw lost;
    return result;
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE, 1, key, token);
  }
}

export function closureLockKey(prefix: string, ticketRef: string, closureNumber: number): string {
  return `${prefix}:lock:closure:${ticketRef}:${closureNumber}`;
}

export function ticketLockKey(prefix: string, ticketRef: string): string {
  return `${prefix}:lock:ticket:${ticketRef}`;
}

/** One citizen's number: its follow-up list, and the handling of its inbound messages in turn. */
export function phoneLockKey(prefix: string, phone: string): string {
  return `${prefix}:lock:phone:${phone}`;
}
