/**
 * Erases one citizen's personal data on request (Saudi PDPL). Usage:
 *   npm run erase -- --by "dpo:sara"            (reads the number from standard input)
 *   echo +966501234567 | npm run erase -- --by "dpo:sara"
 * The number is read from standard input, so it stays out of shell history and process lists, and
 * is never printed: the output and the audit entry name the citizen by a keyed hash.
 * Reaches REDIS_URL and MONGODB_URI, or the services of a running `npm start`.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/index.js';
import { eraseCitizen } from '../src/retention/erase.js';
import { runningServices, withRunningContext } from './running-services.js';

const { values } = parseArgs({ options: { by: { type: 'string' } } });

async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line.trim();
  }
  return '';
}

async function main(): Promise<void> {
  if (!values.by || !/^[\w.:@-]{1,80}$/.test(values.by))
    throw new Error(
      '--by is required: who asked for this erasure (e.g. "dpo:sara", letters, digits, . _ : @ -)',
    );
  const config = loadConfig();
  // Found before the number is asked for: a typo in the set-up fails before anyone types it.
  runningServices(config);
  const phone = await readLine();
  if (!phone) throw new Error('give the citizen number on standard input');
  await withRunningContext(config, async (ctx) => {
    const report = await eraseCitizen(ctx, phone, { actor: `cli:${values.by}` });
    console.log(
      `Erased citizen ${report.subject}: ${Object.entries(report.changed)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}; queued replies ${report.inboundJobsRemoved}${
        report.optOutKept ? '; opt-out kept (it stops further messages)' : ''
      }`,
    );
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
