/**
 * Verifies a tamper-evident chain (src/audit-chain) and names the first entry that does not match.
 * Usage:
 *   npm run chain:verify -- audit      the audit log (and every audit_log document against its seal)
 *   npm run chain:verify -- answers    the stream of citizen answers
 * Exit status 0 when the chain is intact, 1 when something does not match, 2 on a usage error.
 * Needs the same INTEGRITY_KEY (or ANSWER_LINK_SECRET it is derived from) as the system that wrote
 * the chain; reaches MONGODB_URI, or the embedded database of a running `npm start`.
 */
import { loadConfig } from '../src/config.js';
import { CHAINS, type ChainName } from '../src/audit-chain/chain.js';
import { chainKeys } from '../src/audit-chain/seal.js';
import { verifyChain } from '../src/audit-chain/verify.js';
import { openCliDatabase } from '../src/services/cli-database.js';

function chainArg(): ChainName | undefined {
  const arg = process.argv[2];
  return (CHAINS as readonly string[]).includes(arg ?? '') ? (arg as ChainName) : undefined;
}

async function main(): Promise<number> {
  const chain = chainArg();
  if (!chain) {
    console.error(`usage: npm run chain:verify -- <${CHAINS.join('|')}>`);
    return 2;
  }
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    const report = await verifyChain(db.models, chainKeys(config), chain);
    console.log(`chain ${chain}: ${report.entries} entries, ${report.checkpoints} keyed checkpoints`);
    if (report.ok) {
      console.log('intact');
      return 0;
    }
    const first = report.first;
    if (first) console.log(`FIRST MISMATCH: ${first.id} (${first.kind}): ${first.detail}`);
    for (const p of report.problems.slice(1, 20)) console.log(`  also ${p.id} (${p.kind}): ${p.detail}`);
    if (report.problems.length > 20) console.log(`  … ${report.problems.length - 20} more`);
    return 1;
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
