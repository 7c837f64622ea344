import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildDailySums } from '../../src/reports/sums/daily-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { buildScores } from './dataset.js';

/**
 * Issue 25's acceptance case, black-box through the summary API and its exports: five agents of one
 * agency with 57, 54, 45, 44 and 20 of 60 closures verified solved. Chained "=" ranks showed all five
 * level ("=1") because each overlapped its neighbour. The API must never show 57/60 level with 45/60
 * or 20/60, and must list them in the order of their pessimistic bounds (the Wilson lower bounds,
 * written out again below).
 */

const SOLVED = { w1: 57, w2: 54, w3: 45, w4: 44, w5: 20 } as const;
const JUNE = { from: '2025-06-01', to: '2025-06-30' };

interface GroupJson {
  key: string;
  rank: number | null;
  rankInterval: { low: number; high: number } | null;
  rankTied?: unknown;
  funnel: { band: 'above' | 'within' | 'below'; beyond998: boolean } | null;
  verifiedResolutionRate: { count: number; n: number };
}
interface SummaryJson {
  groups: GroupJson[];
  comparison: {
    target: number;
    orderedBy: string;
    draws: number;
    seed: number;
    overdispersion: { applied: boolean; overdispersed: boolean; phi: number };
  };
}

function wilsonLow(x: number, n: number): number {
  const z = 1.959964;
  const p = x / n;
  const d = 1 + (z * z) / n;
  return (p + (z * z) / (2 * n)) / d - (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
}

let system: TestSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem();
  const specs = Object.entries(SOLVED).flatMap(([agent, yes], i) =>
    [true, false].map((solved) => ({
      count: solved ? yes : 60 - yes,
      agency: 'WATER',
      department: 'network',
      agent,
      closedAtUtc: `2025-06-${String(2 + i).padStart(2, '0')}T07:00:00Z`,
      day: `2025-06-${String(2 + i).padStart(2, '0')}`,
      outcome: solved ? 'confirmed_solved' : 'disputed',
      sent: true,
      delivered: true,
      solved,
    })),
  );
  await system.ctx.models.VerifiedScore.insertMany(buildScores(specs));
  await rebuildDailySums(system.ctx.models);
  token = await system.token('admin');
});
afterAll(async () => {
  await system?.stop();
});

async function summary(): Promise<SummaryJson> {
  const res = await system.api(
    `/api/reports/summary?from=${JUNE.from}&to=${JUNE.to}&agency=WATER&groupBy=agent`,
    {
      token,
    },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as SummaryJson;
}

describe('comparison of five agents of one agency (57, 54, 45, 44, 20 of 60)', () => {
  it('never shows 57/60 level with 45/60 or 20/60 and lists them by their pessimistic bounds', async () => {
    const s = await summary();
    const byKey = new Map(s.groups.map((g) => [g.key, g]));
    const expectedOrder = Object.entries(SOLVED)
      .sort(([, a], [, b]) => wilsonLow(b, 60) - wilsonLow(a, 60))
      .map(([k]) => k);
    expect(s.groups.map((g) => g.key)).toEqual(expectedOrder);
    expect(s.groups.map((g) => g.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(s.groups.every((g) => g.rankTied === undefined || g.rankTied === false)).toBe(true);
    const best = byKey.get('w1')!;
    for (const other of ['w3', 'w5'].map((k) => byKey.get(k)!)) {
      expect(best.rank).not.toBe(other.rank);
      // Their 95% rank intervals share no position, and their funnel labels differ.
      expect(best.rankInterval!.high).toBeLessThan(other.rankInterval!.low);
      expect(best.funnel!.band).not.toBe(other.funnel!.band);
    }
    expect(s.groups.map((g) => g.funnel?.band)).toEqual(['above', 'above', 'within', 'within', 'below']);
    expect(s.comparison.target).toBeCloseTo(220 / 300, 12);
    expect(s.comparison.orderedBy).toBe('wilsonLower95');
    // Same data, same intervals: the draws are seeded.
    expect((await summary()).groups).toEqual(s.groups);
  });

  it('the summary export carries the same order, rank intervals and funnel labels', async () => {
    const res = await system.api(
      `/api/exports/summary.json?from=${JUNE.from}&to=${JUNE.to}&agency=WATER&groupBy=agent`,
      { token },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      rows: { group: string; rank: number; rankLow: number; rankHigh: number; funnelBand: string }[];
    };
    const s = await summary();
    expect(body.rows.map((r) => [r.group, r.rank, r.rankLow, r.rankHigh, r.funnelBand])).toEqual(
      s.groups.map((g) => [g.key, g.rank, g.rankInterval?.low, g.rankInterval?.high, g.funnel?.band]),
    );
    const csv = await (
      await system.api(
        `/api/exports/summary.csv?from=${JUNE.from}&to=${JUNE.to}&agency=WATER&groupBy=agent&lang=en`,
        {
          token,
        },
      )
    ).text();
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0] ?? '';
    expect(header).toContain('Rank 95% low');
    expect(header).toContain('Funnel');
    expect(header).not.toContain('Rank shared');
  });
});
