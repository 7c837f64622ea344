import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LockLostError, LockTimeoutError, withLock } from '../../src/db/doc-lock.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());
const key = () => `test:lock:${randomUUID()}`;

describe('withLock', () => {
  it('keeps a renewed lock past its TTL while the holder works, then releases it', async () => {
    const k = key();
    const order: string[] = [];
    const holder = withLock(
      redis,
      k,
      async () => {
        await delay(1500);
        order.push('holder done');
      },
      { ttlMs: 400, renew: true },
    );
    await delay(50);
    // Two and a half TTLs later the holder still has it: a second caller gives up waiting.
    await expect(withLock(redis, k, () => Promise.resolve('second'), { waitMs: 1000 })).rejects.toThrow(
      LockTimeoutError,
    );
    await holder;
    expect(order).toEqual(['holder done']);
    expect(await redis.exists(k)).toBe(0);
    await expect(withLock(redis, k, () => Promise.resolve('third'))).resolves.toBe('third');
  });

  it('lets an unrenewed lock expire with its TTL', async () => {
    const k = key();
    const holder = withLock(redis, k, () => delay(600), { ttlMs: 150 });
    await delay(50);
    await expect(withLock(redis, k, () => Promise.resolve('second'), { waitMs: 400 })).resolves.toBe(
      'second',
    );
    await holder;
  });

  it('fails the holder whose lock was lost while it worked, so its job retries', async () => {
    const k = key();
    const holder = withLock(
      redis,
      k,
      async () => {
        await redis.del(k);
        await delay(600);
        return 'done';
      },
      { ttlMs: 200, renew: true },
    );
    await expect(holder).rejects.toThrow(LockLostError);
  });
});
