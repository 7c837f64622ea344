import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createWorkerConnection, type RedisConnection } from '../../src/queue/connection.js';
import { startWorkers, type RunningWorkers } from '../../src/queue/workers.js';
import { eventually } from '../support/system.js';

// A worker definition's `failed` hook runs once a job has failed for good, never after an attempt
// that is retried (the inbound replies free their place in the order with it).

const prefix = `t${randomBytes(5).toString('hex')}`;
let connection: RedisConnection;
let workers: RunningWorkers;
let queue: Queue;
const failedForGood: { id: string | undefined; attemptsMade: number; message: string }[] = [];

beforeAll(() => {
  connection = createWorkerConnection(inject('redisUrl'));
  queue = new Queue('hooked', { connection, prefix });
  workers = startWorkers(
    [
      {
        queue: 'hooked',
        process: (job: Job) =>
          Promise.reject(
            (job.data as { permanent: boolean }).permanent
              ? new UnrecoverableError('refused for good')
              : new Error('down for now'),
          ),
        failed: (job, err) => {
          failedForGood.push({ id: job.id, attemptsMade: job.attemptsMade, message: err.message });
          return Promise.resolve();
        },
      },
    ],
    { connection, prefix, log: createLogger({ level: 'silent' }) },
  );
});
afterAll(async () => {
  await workers?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await connection?.quit();
});

it('is called once per job that failed for good, after its last attempt', async () => {
  await queue.add('x', { permanent: false }, { jobId: 'retried', attempts: 3, backoff: 10 });
  await queue.add('x', { permanent: true }, { jobId: 'unrecoverable', attempts: 3 });
  await eventually(async () => ((await queue.getJobCounts('failed')).failed === 2 ? true : undefined), {
    what: 'both jobs failed for good',
  });
  await eventually(() => Promise.resolve(failedForGood.length === 2 ? true : undefined), {
    what: 'the hook called for both',
  });
  expect([...failedForGood].sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
    { id: 'retried', attemptsMade: 3, message: 'down for now' },
    { id: 'unrecoverable', attemptsMade: 1, message: 'refused for good' },
  ]);
});
