/**
 * Recomputes every per-day and per-month sum (daily_sums, monthly_sums) from the verified score
 * records, a day at a time in bounded batches, printing progress (records, rate, time left). Safe
 * while the system runs: a bucket a live writer counts in meanwhile is counted score by score, as
 * every write is (src/scores/sums/daily-sums.ts). Usage:
 *   npm run sums:rebuild                 start over
 *   npm run sums:rebuild -- --resume     continue a rebuild that was stopped, after its last month
 * Reaches MONGODB_URI, or the embedded database of a running `npm start`, or starts that database itself.
 */
import { loadConfig } from '../src/config/index.js';
import { rebuildDailySums, type RebuildProgress } from '../src/scores/sums/daily-sums.js';
import { openCliDatabase } from '../src/services/cli-database.js';

const PRINT_EVERY_MS = 5000;

function minutes(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--resume');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')} (only --resume)`);
  const resume = args.includes('--resume');
  const config = loadConfig();
  const db = await openCliDatabase(config);
  try {
    const started = performance.now();
    let printed = 0;
    const print = (p: RebuildProgress) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = p.scores / Math.max(seconds, 0.001);
      const left = Math.max(p.total - p.scores, 0) / Math.max(rate, 1);
      console.log(
        `  ${p.scores.toLocaleString('en')} of about ${p.total.toLocaleString('en')} records, ` +
          `day ${p.days} of ${p.totalDays}, ${p.buckets.toLocaleString('en')} buckets, ` +
          `${Math.round(rate).toLocaleString('en')} records/s, about ${minutes(left)} left`,
      );
    };
    const result = await rebuildDailySums(db.models, {
      resume,
      onProgress: (p) => {
        if (performance.now() - printed < PRINT_EVERY_MS) return;
        printed = performance.now();
        print(p);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    // maxRSS is the peak resident set of this process, in kilobytes.
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `Rebuilt ${result.buckets} daily and ${result.months} monthly sums from ${result.scores} scores in ` +
        `${seconds.toFixed(1)} s (peak RSS ${peakMb.toFixed(0)} MB).`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
