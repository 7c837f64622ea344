/**
 * Verifies the tamper-evident chains (src/audit-chain) and the records reports and exports are read
 * from, and names the first entry or record that does not match.
 * Usage:
 *   npm run chain:verify               everything below, in this order
 *   npm run chain:verify -- audit      the audit log (and every audit_log document against its seal)
 *   npm run chain:verify -- answers    the stream of citizen answers
 *   npm run chain:verify -- outcomes   the outcomes no answer decides (no response, undeliverable…)
 *   npm run chain:verify -- scores     every verified score against the sealed answers and outcomes
 *   npm run chain:verify -- sums       every daily sum against the verified scores
 * Exit status 0 when everything checked is intact, 1 when something does not match, 2 on a usage
 * error. Needs the same INTEGRITY_KEY (or ANSWER_LINK_SECRET it is derived from) as the system that
 * wrote the chain; reaches MONGODB_URI, or the embedded database of a running `npm start`.
 */
import { loadConfig } from '../src/config/index.js';
import { CHAINS, type ChainName } from '../src/audit-chain/chain.js';
import { describeProblem, verifyScores, verifySums, type RecordsReport } from '../src/audit-chain/records.js';
import { chainKeys } from '../src/audit-chain/seal.js';
import { verifyChain } from '../src/audit-chain/verify.js';
import type { Database } from '../src/db/connection.js';
import { openCliDatabase } from '../src/services/cli-database.js';

const RECORDS = ['scores', 'sums'] as const;
type Check = ChainName | (typeof RECORDS)[number];
const CHECKS: readonly Check[] = [...CHAINS, ...RECORDS];

function checksToRun(): Check[] | undefined {
  const arg = process.argv[2];
  if (arg === undefined) return [...CHECKS];
  return (CHECKS as readonly string[]).includes(arg) ? [arg as Check] : undefined;
}

async function runChain(
  db: Database,
  keys: ReturnType<typeof chainKeys>,
  chain: ChainName,
): Promise<boolean> {
  const report = await verifyChain(db.models, keys, chain);
  console.log(`chain ${chain}: ${report.entries} entries, ${report.checkpoints} keyed checkpoints`);
  if (report.ok) {
    console.log('intact');
    return true;
  }
  const first = report.first;
  if (first) console.log(`FIRST MISMATCH: ${first.id} (${first.kind}): ${first.detail}`);
  for (const p of report.problems.slice(1, 20)) console.log(`  also ${p.id} (${p.kind}): ${p.detail}`);
  if (report.problems.length > 20) console.log(`  … ${report.problems.length - 20} more`);
  return false;
}

function printRecords(report: RecordsReport, heading: string): boolean {
  console.log(heading);
  if (report.ok) {
    console.log('intact');
    return true;
  }
  if (report.first) console.log(`FIRST MISMATCH: ${describeProblem(report.first)}`);
  for (const p of report.problems.slice(1, 20)) console.log(`  also ${describeProblem(p)}`);
  if (report.problems.length > 20) console.log(`  … ${report.problems.length - 20} more`);
  return false;
}

async function main(): Promise<number> {
  const checks = checksToRun();
  if (!checks) {
    console.error(`usage: npm run chain:verify [-- <${CHECKS.join('|')}>]  (no argument: all of them)`);
    return 2;
  }
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    let ok = true;
    for (const check of checks) {
      if (check === 'scores') {
        const report = await verifyScores(db.models);
        ok =
          printRecords(
            report,
            `verified_scores: ${report.checked} scores checked against the answers and outcomes chains`,
          ) && ok;
      } else if (check === 'sums') {
        const report = await verifySums(db.models);
        ok =
          printRecords(
            report,
            `daily_sums: ${report.checked} daily sums checked against ${report.scores ?? 0} scores`,
          ) && ok;
      } else ok = (await runChain(db, chainKeys(config), check)) && ok;
    }
    return ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
