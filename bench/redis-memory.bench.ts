/**
 * Redis memory per pending follow-up at 10,000, 100,000 and 1,000,000 scheduled follow-ups: each is
 * one delayed send job added exactly as the scheduler adds it (addFollowUpJobs: the same name, data,
 * deterministic id, attempts, backoff and retention), in bulk. Measured as the growth of INFO
 * memory's `used_memory` divided by the count, on a fresh Redis per size. Baseline in the same run:
 * the smallest delayed job BullMQ can hold (empty data, generated id, no options but the delay).
 *
 * Usage: npm run bench -- redis-memory
 *        BENCH_REDIS_SIZES=10000,100000 node --import tsx bench/redis-memory.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/index.js';
import { createContext } from '../src/context.js';
import { addFollowUpJobs } from '../src/followup/schedule/scheduler.js';
import { createLogger } from '../src/log.js';
import { benchServices, ratio } from './lib.js';

const SIZES = (process.env.BENCH_REDIS_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const BATCH = 2_000;
const DAY = 86_400_000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match?.[1]) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** Bytes per job: used_memory after adding `count` jobs through `add`, less before, over count. */
async function perJob(redis: Redis, count: number, add: (from: number, n: number) => Promise<void>) {
  await redis.flushall();
  await redis.call('MEMORY', 'PURGE').catch(() => undefined);
  const before = await usedMemory(redis);
  const started = performance.now();
  for (let from = 0; from < count; from += BATCH) await add(from, Math.min(BATCH, count - from));
  const seconds = (performance.now() - started) / 1000;
  const after = await usedMemory(redis);
  return { bytes: (after - before) / count, total: after - before, seconds };
}

const services = await benchServices();
try {
  const prefix = `mem${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', QUEUE_PREFIX: prefix });
  const ctx = await createContext(
    config,
    { redisUrl: services.redisUrl, mongoUri: services.mongoUrl, dbName: 'bench_memory' },
    { log: createLogger({ level: 'warn' }) },
  );
  const redis = new Redis(services.redisUrl);
  const bareConnection = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const bare = new Queue('bare', { connection: bareConnection });
  // Spread over the next three days, as a day's closures wait for their send time.
  const sendAt = (i: number) => new Date(Date.now() + DAY + (i % 3) * DAY + (i % 86_400) * 1000);

  console.log('scheduled follow-ups   ours bytes/follow-up   bare job bytes   ratio   ours total');
  for (const size of SIZES) {
    const ours = await perJob(redis, size, async (from, n) => {
      await addFollowUpJobs(
        ctx,
        Array.from({ length: n }, (_, k) => {
          const i = from + k;
          return {
            followUp: {
              _id: randomBytes(12).toString('hex'),
              ticketRef: `MOMAH-2026-${i}`,
              closureNumber: 1,
              agency: 'MOMAH',
            },
            kind: 'send' as const,
            runAt: sendAt(i),
          };
        }),
      );
    });
    const baseline = await perJob(redis, size, async (from, n) => {
      await bare.addBulk(
        Array.from({ length: n }, (_, k) => ({
          name: 'j',
          data: {},
          opts: { delay: sendAt(from + k).getTime() - Date.now() },
        })),
      );
    });
    console.log(
      `${String(size).padStart(21)}   ${ours.bytes.toFixed(0).padStart(20)}   ${baseline.bytes.toFixed(0).padStart(14)}   ${((ours.bytes / baseline.bytes) * 100).toFixed(0).padStart(4)}%   ${(ours.total / 1024 / 1024).toFixed(1)} MiB (added in ${ours.seconds.toFixed(1)} s)`,
    );
    ratio(`redis bytes per pending follow-up at ${size}: ours / bare job`, ours.bytes, baseline.bytes);
  }
  await redis.flushall();
  redis.disconnect();
  await bare.close();
  bareConnection.disconnect();
  await ctx.queues.close();
  ctx.redis.disconnect();
  await ctx.db.close();
} finally {
  await services.stop();
}
