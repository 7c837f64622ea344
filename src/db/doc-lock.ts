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

export class LockTimeoutError extends Error {}

export async function withLock<T>(
  redis: Redis,
  key: string,
  fn: () => Promise<T>,
  opts: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const token = randomUUID();
  const ttlMs = opts.ttlMs ?? 10_000;
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new LockTimeoutError(`lock ${key} still held after ${opts.waitMs ?? 10_000} ms`);
    await delay(2 + Math.random() * 8);
  }
  try {
    return await fn();
  } finally {
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
