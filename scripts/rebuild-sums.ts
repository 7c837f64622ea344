/**
 * Recomputes every per-day partial sum (daily_sums) from the verified score records, reading each
 * record once and printing progress. Safe while the system runs: a bucket a live writer re-creates
 * meanwhile is counted score by score, as every write is (src/scores/sums/daily-sums.ts). Usage:
 *   npm run sums:rebuild
 * Reaches MONGODB_URI, or the embedded database of a running `npm start`, or starts that database itself.
 */
import { loadConfig } from '../src/config/index.js';
import { rebuildDailySums } from '../src/scores/sums/daily-sums.js';
import { openCliDatabase } from '../src/services/cli-database.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    const started = performance.now();
    const result = await rebuildDailySums(db.models, {
      // Every 50,000 scores read, then once at the end.
      onProgress: (p) => console.log(`  ${p.scores.toLocaleString('en')} scores read, ${p.buckets} buckets`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Rebuilt ${result.buckets} daily sums from ${result.scores} scores in ${seconds} s.`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
