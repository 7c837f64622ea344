/**
 * A national year on the managers' pages: 20 agencies, 40 departments, 2,000 agents, 365 days at
 * 200,000 closures a day (73 million closures), read through the sums (src/reports/sums/ranged-sums.ts).
 *
 * The sums are seeded directly (730,000 daily buckets and 24,000 monthly ones, as a rebuild would
 * leave them), with the organisation registry and a sample of records; each view is then measured
 * over HTTP against `/healthz` in the same run, ROUNDS rounds of REQUESTS sequential requests, the
 * median over rounds of each percentile. Each view is measured twice: "computed", with the
 * revision of its months raised before every request (what the first reader after a write pays),
 * and "cached", asked again with nothing written (what every other reader pays). Targets hold for
 * the computed figures. Last, the sums rebuild from records (`npm run sums:rebuild`) at each size of
 * BENCH_REBUILD_SIZES, on a database of its own with the records on its H2 file: time and peak RSS of
 * the rebuild's process and of the database's, and the scaling between sizes (bench/sums-rebuild.ts).
 *
 * Usage: npm run bench -- national-year
 *        BENCH_NATIONAL_PER_DAY=20000 BENCH_REBUILD_SIZES=100000,200000 npm run bench -- national-year
 *        BENCH_NATIONAL_AGENTS=500 (fewer agents, still 365 days: a smaller run while developing)
 *        BENCH_VIEWS=agent-page,agent (only these views, by key; no board, no rebuild) with
 *        BENCH_CPU_PROFILE=<dir> (a V8 CPU profile of each view's computed requests)
 * Targets: p95 < 300 ms for each year view, < 100 ms for the public board, year view ≤ 2× month view.
 */
import os from 'node:os';
import { createUser } from '../src/auth/users.js';
import { bucketId, storedSums } from '../src/scores/sums/daily-sums.js';
import { addCell, emptySums } from '../src/scores/sums/partial-sums.js';
import {
  bumpSumsRevision,
  addCounters,
  markMonths,
  monthBucketId,
  monthOf,
} from '../src/scores/sums/month-sums.js';
import { publicBoardLoader } from '../src/reports/pages/public-page.js';
import { addDays } from '../src/reports/periods.js';
import { startTestSystem, useSharedServers, type TestSystem } from '../test/support/system.js';
import {
  agencyCode,
  agentCode,
  agentPlace,
  departmentCode,
  rng,
  yearRecord,
  type YearShape,
} from '../test/reports/year-dataset.js';
import { benchServices, profilePhase } from './lib.js';
import { measureSumsRebuild } from './sums-rebuild.js';

const SHAPE: YearShape = {
  from: '2025-01-01',
  to: '2025-12-31',
  agencies: 20,
  departments: 40,
  agents: Number(process.env.BENCH_NATIONAL_AGENTS ?? 2000),
};
const PER_DAY = Number(process.env.BENCH_NATIONAL_PER_DAY ?? 200_000);
/** BENCH_REBUILD_SIZES=0 skips the rebuild (run it alone with sums-rebuild.bench.ts). */
const REBUILD_SIZES = (process.env.BENCH_REBUILD_SIZES ?? '1000000,2000000,10000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RECORD_SAMPLE = Number(process.env.BENCH_RECORD_SAMPLE ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
/** Only these views (their keys below), to profile one while developing; the report needs them all. */
const ONLY_VIEWS = process.env.BENCH_VIEWS?.split(',').filter(Boolean);
const BENCH_PASSWORD = 'national year bench sign-in 2025';
const YEAR_MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

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

/** ROUNDS rounds of REQUESTS calls of `fn` (after `before`, untimed); the median of each percentile. */
async function measure(fn: () => Promise<void>, before?: () => Promise<void>): Promise<Figures> {
  await before?.();
  await fn();
  const rounds: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      await before?.();
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
    `${label.padEnd(58)} p50 ${f.p50.toFixed(1).padStart(8)} ms  p95 ${f.p95.toFixed(1).padStart(8)} ms  p99 ${f.p99.toFixed(1).padStart(8)} ms  (load ${load()})`,
  );
}

/** One agent-day's sums at about PER_DAY / agents closures: most asked and delivered, about half answer. */
function agentDay(random: () => number): Record<string, number> {
  const n = Math.max(1, Math.round((PER_DAY / SHAPE.agents) * (0.5 + random())));
  const sent = Math.round(n * 0.95);
  const delivered = Math.round(sent * 0.93);
  const answered = Math.round(delivered * (0.45 + 0.2 * random()));
  const solved = Math.round(answered * (0.6 + 0.2 * random()));
  const p = emptySums();
  const cells = [
    { solved: true, rating: 5, postCallRating: 5, outcome: 'confirmed_solved', count: Math.ceil(solved / 2) },
    {
      solved: true,
      rating: 4,
      postCallRating: null,
      outcome: 'confirmed_solved',
      count: Math.floor(solved / 2),
    },
    { solved: false, rating: 2, postCallRating: 3, outcome: 'disputed', count: answered - solved },
    { solved: null, rating: null, postCallRating: null, outcome: 'no_response', count: delivered - answered },
  ];
  for (const c of cells) addCell(p, { ...c, sent: true, delivered: true });
  addCell(p, { sent: true, delivered: false, outcome: 'undeliverable', count: sent - delivered });
  addCell(p, { sent: false, delivered: false, outcome: 'not_sampled', count: n - sent });
  return storedSums(p);
}

async function seedSums(sys: TestSystem): Promise<void> {
  const models = sys.ctx.models;
  const random = rng(2025);
  const months = new Map<string, Record<string, unknown>>();
  const t0 = performance.now();
  let docs = 0;
  for (let day = SHAPE.from; day <= SHAPE.to; day = addDays(day, 1)) {
    const batch = [];
    for (let g = 0; g < SHAPE.agents; g++) {
      const place = agentPlace(SHAPE, g);
      const all = agentDay(random);
      batch.push({ _id: bucketId({ day, ...place }), day, ...place, all });
      const key = { month: monthOf(day), ...place };
      const id = monthBucketId(key);
      let month = months.get(id);
      if (!month) months.set(id, (month = { _id: id, ...key, all: {}, dirty: false, gen: 0 }));
      addCounters(month, { all });
    }
    await models.DailySum.collection.insertMany(batch as never[], { ordered: false });
    docs += batch.length;
  }
  const monthDocs = [...months.values()];
  for (let i = 0; i < monthDocs.length; i += 5000)
    await models.MonthSum.collection.insertMany(monthDocs.slice(i, i + 5000), { ordered: false });
  await bumpSumsRevision(models, { rebuilt: true });
  console.log(
    `seeded ${docs.toLocaleString('en')} daily and ${monthDocs.length.toLocaleString('en')} monthly buckets ` +
      `(${PER_DAY.toLocaleString('en')} closures a day) in ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${load()})`,
  );
  await models.Agency.insertMany(
    Array.from({ length: SHAPE.agencies }, (_, a) => ({
      code: agencyCode(a),
      name: { ar: `جهة ${a}`, en: `Agency ${a}` },
    })),
  );
  await models.Department.insertMany(
    Array.from({ length: SHAPE.departments }, (_, d) => ({
      code: departmentCode(d),
      agency: agencyCode(d % SHAPE.agencies),
      name: { ar: `إدارة ${d}`, en: `Department ${d}` },
    })),
  );
  await models.Agent.insertMany(
    Array.from({ length: SHAPE.agents }, (_, g) => {
      const place = agentPlace(SHAPE, g);
      return {
        agentId: agentCode(g),
        agency: place.agency,
        department: place.department,
        name: { ar: `موظف ${g}`, en: `Agent ${g}` },
      };
    }),
  );
  const sample = rng(99);
  await models.VerifiedScore.collection.insertMany(
    Array.from({ length: RECORD_SAMPLE }, (_, i) => yearRecord(SHAPE, i, sample)),
    { ordered: false },
  );
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function main(): Promise<void> {
  const services = await benchServices({ javaHeap: process.env.BENCH_JAVA_HEAP ?? '6g' });
  useSharedServers(() => services);
  const sys = await startTestSystem();
  try {
    console.log(`load average at start: ${load()}`);
    await seedSums(sys);
    const token = await sys.token('auditor');
    // Pages read a signed-in person's session (an API token is for /api, and a page sends a visitor
    // without a session to the sign-in form, which a following fetch would measure instead).
    await createUser(sys.ctx.models, {
      username: 'bench-auditor',
      password: BENCH_PASSWORD,
      role: 'auditor',
    });
    const signIn = await fetch(`${sys.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'bench-auditor', password: BENCH_PASSWORD, next: '/dashboard' }),
    });
    if (signIn.status !== 303) throw new Error(`sign-in for the pages answered ${signIn.status}`);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const get = async (path: string, auth = true) => {
      const headers: Record<string, string> = !auth
        ? {}
        : path.startsWith('/api/')
          ? { authorization: `Bearer ${token}` }
          : { cookie };
      const res = await fetch(`${sys.baseUrl}${path}`, { headers, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    };
    const touch = (months: string[]) => () => bumpSumsRevision(sys.ctx.models, { months });

    const healthz = await measure(() => get('/healthz', false));
    line('GET /healthz (bare route, baseline)', healthz);

    const year = `from=${SHAPE.from}&to=${SHAPE.to}`;
    const june = 'from=2025-06-01&to=2025-06-30';
    const agent = agentCode(4);
    const department = departmentCode(7);
    const views: { key: string; label: string; path: string; months: string[]; yearView?: boolean }[] = [
      {
        key: 'agency',
        label: 'year summary by agency',
        path: `/api/reports/summary?${year}&groupBy=agency`,
        months: YEAR_MONTHS,
        yearView: true,
      },
      {
        key: 'department',
        label: 'year summary by department',
        path: `/api/reports/summary?${year}&groupBy=department`,
        months: YEAR_MONTHS,
        yearView: true,
      },
      {
        key: 'agent',
        label: 'year summary by agent',
        path: `/api/reports/summary?${year}&groupBy=agent`,
        months: YEAR_MONTHS,
        yearView: true,
      },
      {
        key: 'agent-year',
        label: "an agent's year (summary by month)",
        path: `/api/reports/summary?${year}&agent=${agent}&groupBy=month`,
        months: YEAR_MONTHS,
        yearView: true,
      },
      {
        key: 'agent-page',
        label: "an agent's page for the year (dashboard)",
        path: `/dashboard?${year}&agent=${agent}&lang=en`,
        months: YEAR_MONTHS,
        yearView: true,
      },
      {
        key: 'month-agency',
        label: 'one month summary by agency',
        path: `/api/reports/summary?${june}&groupBy=agency`,
        months: ['2025-06'],
      },
      {
        key: 'dept-month',
        label: "a department's month (dashboard)",
        path: `/dashboard?${june}&department=${department}&lang=en`,
        months: ['2025-06'],
      },
      {
        key: 'rolling',
        label: 'rolling year by agency (edges from days)',
        path: `/api/reports/summary?from=2025-01-15&to=2025-12-14&groupBy=agency`,
        months: YEAR_MONTHS,
      },
    ];
    const computed = new Map<string, Figures>();
    for (const v of views.filter((x) => !ONLY_VIEWS || ONLY_VIEWS.includes(x.key))) {
      const c = await profilePhase(v.key, () => measure(() => get(v.path), touch(v.months)));
      computed.set(v.key, c);
      line(`${v.label}, computed`, c);
      line(`${v.label}, cached`, await measure(() => get(v.path)));
    }
    if (ONLY_VIEWS) return;
    // What the first reader after live counts pays: before each request one more agent's June is
    // marked as a count marks it, so the read takes that month from its days and the year of the
    // agent marked before from its months (src/reports/sums/year-sums.ts).
    let marked = 0;
    const afterCount = await measure(
      () => get(`/api/reports/summary?${year}&groupBy=agency`),
      () =>
        markMonths(sys.ctx.models, [{ day: '2025-06-10', ...agentPlace(SHAPE, marked++ % SHAPE.agents) }]),
    );
    line('year summary by agency, after a count (one month dirty)', afterCount);
    const board = await measure(() => get('/public?lang=en', false));
    line('public board (HTTP, as served: computed at most once a minute)', board);
    const boardComputed = await measure(async () => {
      await publicBoardLoader(sys.ctx.models, {
        timeZone: sys.ctx.config.timeZone,
        minN: sys.ctx.config.reports.minN,
      })();
    }, touch(YEAR_MONTHS));
    line('public board data, computed in process (no HTTP)', boardComputed);

    console.log('');
    for (const v of views.filter((x) => x.yearView)) {
      const f = computed.get(v.key);
      if (f)
        console.log(`${v.label}: p95 ${f.p95.toFixed(1)} ms (target p95 < 300 ms: ${verdict(f.p95 < 300)})`);
    }
    console.log(
      `public board: p95 ${board.p95.toFixed(1)} ms (target p95 < 100 ms: ${verdict(board.p95 < 100)})`,
    );
    console.log(
      `public board data, computed: p95 ${boardComputed.p95.toFixed(1)} ms (target p95 < 100 ms: ${verdict(boardComputed.p95 < 100)})`,
    );
    const yearAgency = computed.get('agency');
    const monthAgency = computed.get('month-agency');
    if (yearAgency && monthAgency) {
      const r = yearAgency.p50 / monthAgency.p50;
      console.log(
        `year view / one-month view (by agency, p50): ${r.toFixed(2)}× (target ≤ 2×: ${verdict(r <= 2)})`,
      );
    }
    console.log(`healthz p50 ${healthz.p50.toFixed(1)} ms in the same run (load ${load()})`);
  } finally {
    await sys.stop();
    await services.stop();
  }
  // Last, on a database of its own (the records on its H2 file), once the views' is stopped.
  console.log('');
  if (REBUILD_SIZES.length > 0) await measureSumsRebuild({ shape: SHAPE, sizes: REBUILD_SIZES });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
