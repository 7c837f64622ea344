/**
 * Summary report latency as the records grow: GET /api/reports/summary (no groupBy, and
 * groupBy=agency) over 90 days, read from the per-day partial sums, at 10,000, 100,000 and
 * 1,000,000 records. Baselines measured in the same run: the old per-request aggregation of the
 * records (buildSummaryFromRecords, in process, so it is not even charged for HTTP) at the smaller
 * sizes, and the bare `/healthz` route (what any HTTP request costs here).
 *
 * Records are inserted in bulk straight into the collection, then the sums are rebuilt
 * (rebuildDailySums, the function behind `npm run sums:rebuild`), as a deployment with existing data
 * would. Each size adds records to the previous ones. Each measurement is ROUNDS rounds of sequential
 * requests; the figures are the medians of the rounds' percentiles.
 *
 * Usage: npm run bench -- summary
 *        node --import tsx bench/summary.bench.ts --sizes 10000,100000 --baseline-max 100000
 *        (or BENCH_SUMMARY_SIZES=…, BENCH_SUMMARY_BASELINE_MAX=…)
 * Target: at 1,000,000 records, p50 at most twice the 10,000 figure and p95 under 200 ms.
 */
import { parseArgs } from 'node:util';
import { rebuildDailySums } from '../src/scores/sums/daily-sums.js';
import { buildSummaryFromRecords } from '../src/reports/sums/aggregate.js';
import type { GroupBy } from '../src/reports/filters.js';
import { addDays } from '../src/reports/periods.js';
import { startTestSystem, useSharedServers, type TestSystem } from '../test/support/system.js';
import { benchServices } from './lib.js';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string' }, 'baseline-max': { type: 'string' }, rounds: { type: 'string' } },
});
const SIZES = (args.sizes ?? process.env.BENCH_SUMMARY_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const BASELINE_MAX = Number(args['baseline-max'] ?? process.env.BENCH_SUMMARY_BASELINE_MAX ?? 100_000);
const ROUNDS = Number(args.rounds ?? 5);
const REQUESTS = 40;
const BATCH = 10_000;

const LAST_DAY = '2025-06-29';
const FIRST_DAY = addDays(LAST_DAY, -89);
const AGENCIES = ['MOMAH', 'MOH', 'HRSD'];
const DEPARTMENTS = ['roads', 'permits', 'support'];
const AGENTS_PER_DEPARTMENT = 4;
const ANSWER_CHANNELS = ['sms', 'web', 'whatsapp', 'voice'] as const;

/** Deterministic pseudo-random numbers, so two runs seed the same records. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One record of a plausible mix: most asked, most delivered, about half answer, some post-call ratings. */
function record(i: number, random: () => number) {
  const agency = AGENCIES[Math.floor(random() * AGENCIES.length)] ?? 'MOMAH';
  const department = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)] ?? 'roads';
  const agentId = `${agency}-${department}-${Math.floor(random() * AGENTS_PER_DEPARTMENT)}`;
  const day = addDays(FIRST_DAY, Math.floor(random() * 90));
  const sent = random() < 0.95;
  const delivered = sent && random() < 0.93;
  const answered = delivered && random() < 0.55;
  const solved = answered ? random() < 0.7 : undefined;
  const rating = answered && random() < 0.9 ? 1 + Math.floor(random() * 5) : undefined;
  const postCallRating = random() < 0.4 ? 1 + Math.floor(random() * 5) : undefined;
  const channel = answered ? ANSWER_CHANNELS[Math.floor(random() * ANSWER_CHANNELS.length)] : 'sms';
  return {
    ticketRef: `B-${i}`,
    closureNumber: 1,
    agency,
    department,
    agentId,
    citizenPhone: `+9665${String(10_000_000 + i).padStart(8, '0')}`,
    language: 'ar',
    closedAt: new Date(`${day}T09:00:00Z`),
    day,
    outcome: answered ? (solved ? 'confirmed_solved' : 'disputed') : 'no_response',
    sent,
    delivered,
    channel,
    ...(solved !== undefined ? { solved } : {}),
    ...(rating !== undefined ? { rating } : {}),
    ...(postCallRating !== undefined ? { postCallRating } : {}),
  };
}

async function seedTo(sys: TestSystem, from: number, to: number): Promise<void> {
  const coll = sys.ctx.models.VerifiedScore.collection;
  const random = rng(from + 1);
  for (let start = from; start < to; start += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, to - start) }, (_, k) => record(start + k, random));
    await coll.insertMany(docs, { ordered: false });
  }
}

interface Figures {
  p50: number;
  p95: number;
  p99: number;
}

function quantiles(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;

/** ROUNDS rounds of `requests` sequential calls; the median over rounds of each percentile. */
async function measure(requests: number, fn: () => Promise<void>): Promise<Figures> {
  await fn(); // warm-up: connection, JIT, the server's caches
  const rounds: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
    rounds.push(quantiles(samples));
  }
  return {
    p50: middle(rounds.map((f) => f.p50)),
    p95: middle(rounds.map((f) => f.p95)),
    p99: middle(rounds.map((f) => f.p99)),
  };
}

function line(label: string, f: Figures): void {
  console.log(
    `${label.padEnd(52)} p50 ${f.p50.toFixed(1).padStart(8)} ms  p95 ${f.p95.toFixed(1).padStart(8)} ms  p99 ${f.p99.toFixed(1).padStart(8)} ms`,
  );
}

async function main(): Promise<void> {
  // A million in-memory records need more than the embedded server's default 512 MB heap.
  const services = await benchServices({ javaHeap: '6g' });
  useSharedServers(() => services);
  const sys = await startTestSystem();
  try {
    const token = await sys.token('auditor');
    const range = `from=${FIRST_DAY}&to=${LAST_DAY}`;
    const getOk = async (path: string, auth: boolean) => {
      const res = await fetch(
        `${sys.baseUrl}${path}`,
        auth ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    };
    const healthz = await measure(REQUESTS, () => getOk('/healthz', false));
    line('GET /healthz (bare route, baseline)', healthz);

    const ours = new Map<string, Figures>();
    let seeded = 0;
    for (const size of SIZES) {
      const t0 = performance.now();
      await seedTo(sys, seeded, size);
      seeded = size;
      const t1 = performance.now();
      const rebuilt = await rebuildDailySums(sys.ctx.models);
      const t2 = performance.now();
      console.log(
        `\n${size.toLocaleString('en')} records: seeded in ${((t1 - t0) / 1000).toFixed(1)} s, ` +
          `sums rebuilt in ${((t2 - t1) / 1000).toFixed(1)} s (${rebuilt.buckets} buckets)`,
      );
      for (const groupBy of [null, 'agency'] as (GroupBy | null)[]) {
        const path = `/api/reports/summary?${range}${groupBy ? `&groupBy=${groupBy}` : ''}`;
        const f = await measure(REQUESTS, () => getOk(path, true));
        ours.set(`${size}:${groupBy}`, f);
        line(`  summary ${groupBy ? `groupBy=${groupBy}` : 'overall'} (daily sums, HTTP)`, f);
        if (size <= BASELINE_MAX) {
          // The old path costs seconds per call at 100,000 records: fewer calls, same rounds.
          const filter = { from: FIRST_DAY, to: LAST_DAY };
          const base = await measure(size > 20_000 ? 3 : 10, async () => {
            await buildSummaryFromRecords(sys.ctx.models, filter, groupBy, sys.ctx.config.reports.minN);
          });
          line(
            `  records aggregation ${groupBy ? `groupBy=${groupBy}` : 'overall'} (old path, baseline)`,
            base,
          );
          console.log(
            `  ${''.padEnd(50)} daily sums p50 = ${((f.p50 / base.p50) * 100).toFixed(1)}% of the old path`,
          );
        }
      }
    }
    const smallest = SIZES[0];
    const largest = SIZES[SIZES.length - 1];
    if (smallest !== undefined && largest !== undefined && largest > smallest) {
      console.log('');
      for (const groupBy of [null, 'agency']) {
        const small = ours.get(`${smallest}:${groupBy}`);
        const large = ours.get(`${largest}:${groupBy}`);
        if (!small || !large) continue;
        const r = large.p50 / small.p50;
        console.log(
          `${`summary ${groupBy ? `groupBy=${groupBy}` : 'overall'} ${largest.toLocaleString('en')} vs ${smallest.toLocaleString('en')}`.padEnd(52)} ` +
            `p50 ratio ${r.toFixed(2)} (target ≤ 2: ${r <= 2 ? 'met' : 'NOT met'}), ` +
            `p95 ${large.p95.toFixed(1)} ms (target < 200 ms: ${large.p95 < 200 ? 'met' : 'NOT met'})`,
        );
      }
    }
  } finally {
    await sys.stop();
    await services.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
