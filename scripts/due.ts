/**
 * Time travel for the sandbox: runs a ticket's delayed follow-up work now (BullMQ's job.promote()).
 *   npm run due -- T-1001          the next delayed job of each closure (send, then reminder, then expiry)
 *   npm run due -- T-1001 --all    every delayed job at once
 *   npm run due -- T-1001 --list   only show the jobs and when they would run
 * Reaches REDIS_URL / MONGODB_URI, or the services of a running `npm start`. Live mode refuses it.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { connectDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/log.js';
import { createProducerConnection } from '../src/queue/connection.js';
import { QueueRegistry } from '../src/queue/registry.js';
import {
  assertTimeTravelAllowed,
  listDueWork,
  runDueWork,
  TimeTravelRefusedError,
  type DueJob,
} from '../src/sandbox/time-travel.js';
import { runningServices } from './running-services.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { all: { type: 'boolean', default: false }, list: { type: 'boolean', default: false } },
});

const line = (j: DueJob) =>
  `  closure ${j.closureNumber} ${j.kind.padEnd(8)} ${j.state}${j.runsAt ? `, would run at ${j.runsAt}` : ''}`;

async function main(): Promise<void> {
  const config = loadConfig();
  // Refused before anything is reached: in live mode nothing is promoted, or even looked at.
  assertTimeTravelAllowed(config);
  const ticketRef = positionals[0];
  if (!ticketRef || !/^[A-Za-z0-9._-]{1,64}$/.test(ticketRef))
    throw new Error('usage: npm run due -- <ticketRef> [--all] [--list]');
  const { redisUrl, mongoUri } = runningServices(config);
  const db = await connectDatabase(mongoUri);
  // No offline queue on a producer connection: it must be connected before the first command.
  const redis = createProducerConnection(redisUrl, { lazyConnect: true });
  await redis.connect();
  const queues = new QueueRegistry(redis, config.queuePrefix);
  try {
    const deps = { config, models: db.models, queues, log: createLogger({ level: config.logLevel }) };
    if (values.list) {
      const jobs = await listDueWork(deps, ticketRef);
      console.log(
        jobs.length ? `${ticketRef}:\n${jobs.map(line).join('\n')}` : `${ticketRef}: no follow-up jobs`,
      );
      return;
    }
    const report = await runDueWork(deps, ticketRef, { all: values.all });
    if (report.promoted.length === 0) console.log(`${ticketRef}: nothing delayed to run now`);
    else console.log(`${ticketRef}: running now\n${report.promoted.map(line).join('\n')}`);
    if (report.windowOpensAt)
      console.log(
        `  outside the send window of agency ${report.windowAgency ?? '?'}: the message goes out when it opens, at ${report.windowOpensAt}`,
      );
  } finally {
    await queues.close();
    await redis.quit().catch(() => undefined);
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(err instanceof TimeTravelRefusedError || err instanceof ConfigError ? 2 : 1);
});
