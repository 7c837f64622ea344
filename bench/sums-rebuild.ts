/**
 * The sums rebuild (`npm run sums:rebuild`) from records at national size: time and peak RSS of the
 * rebuild's own process and of the database's, at each size of BENCH_REBUILD_SIZES, with the scaling
 * between them. Called from national-year.bench.ts, or alone (sums-rebuild.bench.ts).
 *
 * The records are seeded straight into a database of their own (unordered insertMany of 10,000),
 * with the indexes the application creates: mongo-java-server on its H2 file (persistent mode, as
 * `npm start` runs it), so the records live on disk and not in the JVM heap, or MONGODB_URI. Each
 * size adds records to the previous one's. At each size it measures, in this order:
 *   - the floor: the database alone reading every record the way the rebuild does (a day at a time,
 *     the rebuild's fields), nothing computed or written;
 *   - the same read grouped by the database (one `$group` per day by bucket and cell, the members
 *     pushed), the alternative to grouping in Node;
 *   - the rebuild itself, as the command runs it: a child process (scripts/rebuild-sums.ts), whose
 *     peak RSS is its own (the kernel's high-water mark), and the database's peak RSS over the
 *     rebuild alone (its high-water mark reset before, /proc/<pid>/clear_refs).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { connectDatabase, type Database } from '../src/db/connection.js';
import { startMongo, type EmbeddedService } from '../src/services/embedded.js';
import { rng, yearRecord, type YearShape } from '../test/reports/year-dataset.js';

export interface SumsRebuildOptions {
  shape: YearShape;
  /** Record counts to rebuild at, ascending. */
  sizes: number[];
  /** mongo-java-server's heap (default BENCH_REBUILD_HEAP, else heapFor the largest size). */
  javaHeap?: string;
  /** Also measure the floor and the database's grouping (default true; BENCH_REBUILD_FLOOR=0 skips). */
  floor?: boolean;
}

/**
 * mongo-java-server keeps every index in its heap: about 1 KB a record with the application's 8
 * score indexes (its old generation held 9.5 GB after seeding 10,000,000), plus room to work:
 * 14g at 10,000,000, the heap the run of record used.
 */
export function heapFor(records: number): string {
  return `${Math.max(4, Math.ceil(records / 1_000_000) + 4)}g`;
}

export interface SumsRebuildFigure {
  size: number;
  seconds: number;
  floorSeconds?: number;
  groupSeconds?: number;
  rebuildPeakMb: number;
  databasePeakMb: number;
}

const SEED_BATCH = 10_000;
const MB = 2 ** 20;

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/** VmHWM (peak resident set) of a process, in bytes; 0 when it cannot be read. */
export function peakRssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resets a process's VmHWM to its current RSS (Linux ≥ 4.0), so a later read is the peak since. */
function resetPeakRss(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** What the rebuild reads of a record (REBUILD_FIELDS in daily-sums.ts). */
const READ_FIELDS = {
  _id: 1,
  day: 1,
  agency: 1,
  department: 1,
  agentId: 1,
  solved: 1,
  rating: 1,
  postCallRating: 1,
  sent: 1,
  delivered: 1,
  channel: 1,
  outcome: 1,
  sumsRev: 1,
  sumsPending: 1,
} as const;

/** A stored record as the writers leave it: counted (revision 1, not pending), with its timestamps. */
function record(shape: YearShape, i: number, random: () => number) {
  const r = yearRecord(shape, i, random);
  const at = new Date(r.closedAt.getTime() + 3_600_000);
  return {
    ...r,
    attempts: [{ channel: 'sms', at: r.closedAt, result: r.delivered ? 'delivered' : 'failed' }],
    followUpRevision: 3,
    sumsRev: 1,
    createdAt: r.closedAt,
    updatedAt: at,
    ...(r.outcome === 'disputed' ? { reason: 'not_fixed', comment: 'لم تُحل المشكلة بعد' } : {}),
  };
}

async function seed(db: Database, shape: YearShape, from: number, to: number): Promise<number> {
  const coll = db.models.VerifiedScore.collection;
  const random = rng(31337 + from);
  const t0 = performance.now();
  let lastPrint = t0;
  for (let i = from; i < to; i += SEED_BATCH) {
    const n = Math.min(SEED_BATCH, to - i);
    await coll.insertMany(
      Array.from({ length: n }, (_, k) => record(shape, i + k, random)),
      { ordered: false },
    );
    if (performance.now() - lastPrint > 30_000) {
      lastPrint = performance.now();
      const rate = (i + n - from) / ((lastPrint - t0) / 1000);
      console.log(
        `  seeding: ${(i + n).toLocaleString('en')} of ${to.toLocaleString('en')} records, ${Math.round(rate).toLocaleString('en')}/s (load ${loadAverage()})`,
      );
    }
  }
  return (performance.now() - t0) / 1000;
}

async function daysOf(db: Database): Promise<string[]> {
  const days: unknown[] = await db.models.VerifiedScore.collection.distinct('day');
  return days.filter((d): d is string => typeof d === 'string').sort();
}

/** Every record read a day at a time, the rebuild's fields, nothing done with them: the floor. */
async function scanFloor(db: Database): Promise<{ seconds: number; records: number }> {
  const coll = db.models.VerifiedScore.collection;
  const t0 = performance.now();
  let records = 0;
  for (const day of await daysOf(db)) {
    for await (const _doc of coll.find({ day }, { projection: READ_FIELDS, batchSize: 10_000 })) records += 1;
  }
  return { seconds: (performance.now() - t0) / 1000, records };
}

/** The same read grouped by the database: per day, by bucket and cell, members pushed. */
async function groupInDatabase(db: Database): Promise<{ seconds: number; records: number }> {
  const coll = db.models.VerifiedScore.collection;
  const t0 = performance.now();
  let records = 0;
  for (const day of await daysOf(db)) {
    const rows = coll.aggregate<{ n: number }>(
      [
        { $match: { day } },
        {
          $group: {
            _id: {
              agency: '$agency',
              department: '$department',
              agentId: '$agentId',
              solved: '$solved',
              rating: '$rating',
              postCallRating: '$postCallRating',
              sent: '$sent',
              delivered: '$delivered',
              channel: '$channel',
              outcome: '$outcome',
            },
            n: { $sum: 1 },
            m: { $push: { i: '$_id', r: '$sumsRev', p: '$sumsPending' } },
          },
        },
      ],
      { batchSize: 10_000 },
    );
    for await (const row of rows) records += row.n;
  }
  return { seconds: (performance.now() - t0) / 1000, records };
}

/** `npm run sums:rebuild` as a child process against `uri`; its output, prefixed, and its peak RSS. */
async function runRebuild(
  uri: string,
  databasePid: number | undefined,
): Promise<{ seconds: number; peakMb: number; databasePeakMb: number }> {
  const reset = resetPeakRss(databasePid);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rebuild-sums.ts'], {
    env: { ...process.env, MONGODB_URI: uri },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  let databasePeak = 0;
  // The child's VmHWM is gone once it exits: sample it (it never falls), and take its own last word.
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssOf(child.pid));
    databasePeak = Math.max(databasePeak, peakRssOf(databasePid));
  }, 250);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of chunk.toString().split('\n').filter(Boolean)) console.log(`  rebuild| ${l}`);
  });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`sums rebuild exited with ${code}: ${err.slice(-2000)}`);
  const own = /peak RSS (\d+) MB/.exec(out);
  databasePeak = Math.max(databasePeak, peakRssOf(databasePid));
  return {
    seconds,
    peakMb: Math.max(own ? Number(own[1]) : 0, peak / MB),
    // Without a reset the high-water mark includes the seeding: say so by reporting nothing smaller.
    databasePeakMb: reset ? databasePeak / MB : Math.max(databasePeak, peakRssOf(databasePid)) / MB,
  };
}

export async function measureSumsRebuild(opts: SumsRebuildOptions): Promise<SumsRebuildFigure[]> {
  const sizes = [...opts.sizes].sort((a, b) => a - b);
  const withFloor = opts.floor ?? process.env.BENCH_REBUILD_FLOOR !== '0';
  // mongo-java-server's aggregation reads the whole collection for each day's `$match` (its
  // indexes serve finds only), so the grouping alternative costs days × records there: more than 7
  // minutes at 100,000 records on a quiet machine (stopped unfinished), hours at millions. It is
  // compared at small sizes only.
  const groupMax = Number(process.env.BENCH_REBUILD_GROUP_MAX ?? 30_000);
  const javaHeap = opts.javaHeap ?? process.env.BENCH_REBUILD_HEAP ?? heapFor(Math.max(...sizes));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-rebuild-'));
  let mongo: EmbeddedService | undefined;
  let base = process.env.MONGODB_URI;
  if (!base) {
    mongo = await startMongo({
      dataDir: dir,
      searchPath: loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath,
      persistent: true,
      javaHeap,
      startTimeoutMs: 120_000,
    });
    base = mongo.url;
  }
  const uri = `${base.replace(/\/[^/]*$/, '/')}verisat_rebuild_bench`;
  const db = await connectDatabase(uri);
  const figures: SumsRebuildFigure[] = [];
  try {
    await db.models.VerifiedScore.collection.deleteMany({});
    console.log(
      `sums rebuild: ${mongo ? `${mongo.name} on its H2 file (heap ${javaHeap})` : 'MONGODB_URI'}, ` +
        `sizes ${sizes.map((s) => s.toLocaleString('en')).join(', ')} (load ${loadAverage()})`,
    );
    let seeded = 0;
    for (const size of sizes) {
      const seedSeconds = await seed(db, opts.shape, seeded, size);
      console.log(
        `seeded ${(size - seeded).toLocaleString('en')} records to ${size.toLocaleString('en')} in ${seedSeconds.toFixed(0)} s ` +
          `(${Math.round((size - seeded) / seedSeconds).toLocaleString('en')}/s; load ${loadAverage()})`,
      );
      seeded = size;
      const figure: SumsRebuildFigure = { size, seconds: 0, rebuildPeakMb: 0, databasePeakMb: 0 };
      if (withFloor) {
        const floor = await scanFloor(db);
        figure.floorSeconds = floor.seconds;
        console.log(
          `floor at ${size.toLocaleString('en')} records: the database reads them a day at a time in ${floor.seconds.toFixed(1)} s ` +
            `(${Math.round(floor.records / floor.seconds).toLocaleString('en')} records/s; load ${loadAverage()})`,
        );
        if (size <= groupMax) {
          const grouped = await groupInDatabase(db);
          figure.groupSeconds = grouped.seconds;
          console.log(
            `grouped by the database at ${size.toLocaleString('en')} records: ${grouped.seconds.toFixed(1)} s ` +
              `(${Math.round(grouped.records / grouped.seconds).toLocaleString('en')} records/s; load ${loadAverage()})`,
          );
        }
      }
      const run = await runRebuild(uri, mongo?.pid);
      Object.assign(figure, {
        seconds: run.seconds,
        rebuildPeakMb: run.peakMb,
        databasePeakMb: run.databasePeakMb,
      });
      figures.push(figure);
      const buckets = await db.models.DailySum.collection.estimatedDocumentCount();
      console.log(
        `sums rebuild at ${size.toLocaleString('en')} records: ${run.seconds.toFixed(1)} s ` +
          `(${Math.round(size / run.seconds).toLocaleString('en')} records/s, ${buckets.toLocaleString('en')} daily buckets), ` +
          `peak RSS rebuild process ${run.peakMb.toFixed(0)} MB, database process ${run.databasePeakMb.toFixed(0)} MB ` +
          `(load ${loadAverage()})`,
      );
    }
    const first = figures[0];
    const last = figures[figures.length - 1];
    if (first && last && last.size > first.size) {
      const exponent = Math.log(last.seconds / first.seconds) / Math.log(last.size / first.size);
      const memory = last.rebuildPeakMb / first.rebuildPeakMb;
      console.log(
        `rebuild scaling ${first.size.toLocaleString('en')} → ${last.size.toLocaleString('en')}: time ∝ size^${exponent.toFixed(2)}, ` +
          `rebuild peak RSS ×${memory.toFixed(2)} for ×${(last.size / first.size).toFixed(1)} the records` +
          (last.size < 10_000_000
            ? `; extrapolated to 10,000,000 records: ${((last.seconds * (10_000_000 / last.size) ** exponent) / 60).toFixed(1)} min ` +
              `(linear: ${((last.seconds * 10_000_000) / last.size / 60).toFixed(1)} min; a fit between runs at different loads means little)`
            : ''),
      );
    }
  } finally {
    await db.close();
    await mongo?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
