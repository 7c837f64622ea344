/**
 * CSV export of verified scores: the real path (HTTP GET /api/exports/scores.csv with an auditor's
 * token: validation, scope, phone masking, local timestamps, formula guard, audit entry) against a
 * bare baseline in the same run that reads the same documents from a MongoDB cursor and joins their
 * fields with commas into a sink. Reports rows per second and peak memory (RSS sampled every 20 ms)
 * of this process, which holds both the web app and the client reading the response.
 *
 * Usage: npm run bench -- export-csv            (1,000,000 rows)
 *        node --import tsx bench/export-csv.bench.ts --rows 100000   (or BENCH_EXPORT_ROWS=100000)
 * Target (issue 5): at least 60% of the baseline's rows/s, peak RSS under 300 MB.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../src/config/index.js';
import { SCORE_PROJECTION, type ScoreDoc } from '../src/reports/exports/export-rows.js';
import { startMongo, startRedis, type EmbeddedService } from '../src/services/embedded.js';
import { startTestSystem, useSharedServers } from '../test/support/system.js';
import { ratio } from './lib.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string' } } });
const ROWS = Number(args.rows ?? process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const BATCH = 10_000;
const MB = 1024 * 1024;

// Collect the seeding's garbage before measuring, so only the exports' own memory shows in the peaks.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const rss = () =>
  `${(process.memoryUsage.rss() / MB).toFixed(0)} MB RSS, heap ${(process.memoryUsage().heapUsed / MB).toFixed(0)} MB`;

/** Peak resident memory of this process (and of the database server, read from /proc) while `fn` runs. */
async function withPeakMemory<T>(
  dbPid: number | undefined,
  fn: () => Promise<T>,
): Promise<{ result: T; peakRss: number; peakHeap: number; peakDbRss: number }> {
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  let peakDbRss = 0;
  const dbRss = (): number => {
    if (dbPid === undefined) return 0;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${dbPid}/status`, 'utf8'));
      return m?.[1] ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    peakDbRss = Math.max(peakDbRss, dbRss());
  }, 20);
  try {
    const result = await fn();
    return { result, peakRss, peakHeap, peakDbRss };
  } finally {
    clearInterval(timer);
  }
}

const AGENCIES = ['MOMAH', 'MOH', 'HRSD', 'MOE', 'MOI'];
const DEPARTMENTS = ['roads', 'lighting', 'appointments', 'records', 'support', 'permits'];
const OUTCOMES = [
  'confirmed_solved',
  'disputed',
  'no_response',
  'opted_out',
  'undeliverable',
  'cancelled_reopened',
];
const COMMENTS = [
  '',
  '',
  '',
  'ما زالت المشكلة قائمة، لم يتواصل معي أحد',
  'Fixed quickly, thanks',
  '=HYPERLINK("x")',
];

function scoreDoc(i: number) {
  const dayOfYear = i % 365;
  const closedAt = new Date(Date.UTC(2025, 0, 1, 6) + dayOfYear * 86_400_000 + (i % 600) * 60_000);
  const answered = i % 3 !== 0;
  const solved = answered ? i % 5 !== 0 : undefined;
  return {
    ticketRef: `B-${i}`,
    closureNumber: 1,
    agency: AGENCIES[i % AGENCIES.length],
    department: DEPARTMENTS[i % DEPARTMENTS.length],
    agentId: `agent-${i % 400}`,
    citizenPhone: `+9665${String(i).padStart(8, '0')}`,
    language: i % 4 === 0 ? 'en' : 'ar',
    closedAt,
    day: new Date(closedAt.getTime() + 3 * 3_600_000).toISOString().slice(0, 10),
    outcome: answered ? (solved ? 'confirmed_solved' : 'disputed') : OUTCOMES[2 + (i % 4)],
    sent: i % 7 !== 0,
    delivered: i % 7 !== 0 && i % 11 !== 0,
    channel: ['sms', 'whatsapp', 'web'][i % 3],
    ...(answered
      ? { solved, rating: 1 + (i % 5), answeredAt: new Date(closedAt.getTime() + 3 * 86_400_000) }
      : {}),
    ...(answered && !solved ? { reason: 'still_broken' } : {}),
    ...(COMMENTS[i % COMMENTS.length] ? { comment: COMMENTS[i % COMMENTS.length] } : {}),
    ...(i % 2 === 0 ? { postCallRating: 1 + (i % 5) } : {}),
  };
}

/** The baseline: the cursor, a comma join per document, and chunked writes to a sink that discards. */
async function bareCursorToCsv(
  cursor: AsyncIterable<ScoreDoc>,
  keys: (keyof ScoreDoc)[],
): Promise<{ rows: number; bytes: number }> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  let rows = 0;
  let chunk = keys.join(',') + '\r\n';
  for await (const doc of cursor) {
    let line = '';
    for (const k of keys) {
      const v = doc[k];
      line += (v instanceof Date ? v.toISOString() : v == null ? '' : String(v)) + ',';
    }
    chunk += line + '\r\n';
    rows += 1;
    if (chunk.length >= 64 * 1024) {
      if (!sink.write(chunk)) await new Promise((r) => sink.once('drain', r));
      chunk = '';
    }
  }
  sink.end(chunk);
  return { rows, bytes };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-bench-export-'));
  const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
  const started: EmbeddedService[] = [];
  try {
    const redis = await startRedis({ dataDir: path.join(dir, 'redis'), searchPath, persistent: false });
    started.push(redis);
    const mongo = process.env.MONGODB_URI
      ? undefined
      : await startMongo({ dataDir: path.join(dir, 'mongo'), searchPath, persistent: false, javaHeap: '6g' });
    if (mongo) started.push(mongo);
    const mongoUrl = process.env.MONGODB_URI ?? mongo?.url ?? '';
    useSharedServers(() => ({ redisUrl: redis.url, mongoUrl }));
    const sys = await startTestSystem({ env: { LOG_LEVEL: 'warn' } });
    const coll = sys.ctx.models.VerifiedScore.collection;
    console.log(
      `database: ${mongo?.name ?? 'MONGODB_URI'}; rows: ${ROWS.toLocaleString('en')}; after start-up ${rss()}`,
    );

    const t0 = performance.now();
    for (let from = 0; from < ROWS; from += BATCH) {
      const docs = Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, k) => scoreDoc(from + k));
      await coll.insertMany(docs, { ordered: false });
      if ((from / BATCH) % 20 === 19) console.log(`  inserted ${(from + BATCH).toLocaleString('en')}`);
    }
    const insertSeconds = (performance.now() - t0) / 1000;
    const filter = { day: { $gte: '2025-01-01', $lte: '2025-12-31' } };
    console.log(
      `seeded ${ROWS.toLocaleString('en')} scores in ${insertSeconds.toFixed(1)} s (${(ROWS / insertSeconds).toFixed(0)}/s)`,
    );

    const keys = Object.keys(SCORE_PROJECTION) as (keyof ScoreDoc)[];
    console.log(`after seeding: ${rss()}`);
    // One full scan first, so neither contender pays for a cold database file.
    console.log(`warm-up count: ${(await coll.countDocuments(filter)).toLocaleString('en')}`);
    gc();
    const rssBefore = process.memoryUsage.rss();

    // Ours first: the peak RSS we report is then our own, not what the baseline left in the heap.
    const token = await sys.token('auditor');
    const ours = await withPeakMemory(mongo?.pid, async () => {
      const start = performance.now();
      const res = await fetch(`${sys.baseUrl}/api/exports/scores.csv?from=2025-01-01&to=2025-12-31&lang=ar`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
      let bytes = 0;
      // Preact's types bring the DOM's ReadableStream, which TypeScript does not know is async-iterable
      // (Node's is).
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      const seconds = (performance.now() - start) / 1000;
      const audit = await sys.ctx.models.AuditLog.findOne({ action: 'export' }).sort({ at: -1 }).lean();
      return { rows: audit?.rows ?? -1, bytes, seconds };
    });

    gc();
    const base = await withPeakMemory(mongo?.pid, async () => {
      const start = performance.now();
      const cursor = coll.find<ScoreDoc>(filter, { projection: SCORE_PROJECTION, batchSize: 2000 });
      const out = await bareCursorToCsv(cursor, keys);
      return { ...out, seconds: (performance.now() - start) / 1000 };
    });

    const line = (
      label: string,
      r: { rows: number; bytes: number; seconds: number },
      m: { peakRss: number; peakHeap: number; peakDbRss: number },
    ) =>
      console.log(
        `${label.padEnd(46)} ${(r.rows / r.seconds).toFixed(0).padStart(7)} rows/s  ${r.seconds.toFixed(1)} s  ${(r.bytes / MB).toFixed(0)} MB out  peak RSS ${(m.peakRss / MB).toFixed(0)} MB, JS heap ${(m.peakHeap / MB).toFixed(0)} MB (db ${(m.peakDbRss / MB).toFixed(0)} MB)`,
      );
    console.log(`RSS before exports: ${(rssBefore / MB).toFixed(0)} MB`);
    line('bare cursor → CSV (baseline)', base.result, base);
    line('GET /api/exports/scores.csv (ours)', ours.result, ours);
    if (ours.result.rows !== ROWS || base.result.rows !== ROWS) {
      console.log(
        `ROW COUNT MISMATCH: ours ${ours.result.rows}, baseline ${base.result.rows}, expected ${ROWS}`,
      );
    }
    ratio(
      'export rows/s vs bare cursor',
      ours.result.rows / ours.result.seconds,
      base.result.rows / base.result.seconds,
      0.6,
    );
    console.log(
      `${'peak RSS during our export'.padEnd(46)} ${(ours.peakRss / MB).toFixed(0)} MB (target < 300 MB: ${ours.peakRss < 300 * MB ? 'met' : 'NOT met'})`,
    );
    await sys.stop();
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
