import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { MARCH, seedScores } from './dataset.js';
import { createStaff, get, login } from './helpers.js';

interface MetricJson {
  value: number | null;
  count: number;
  n: number;
  interval: { low: number; high: number } | null;
}
interface GroupJson {
  key: string;
  rank: number | null;
  rankInterval: { low: number; high: number } | null;
  funnel: { band: string } | null;
  low_n: boolean;
  closures: number;
  sent: number;
  messagesDelivered: number;
  answers: number;
  verifiedResolutionRate: MetricJson;
  falseClosureRate: MetricJson;
  responseRate: MetricJson;
  csat: MetricJson;
  meanRating: MetricJson;
  postCallRatingMean: MetricJson;
  brushOffGap: MetricJson;
  ratingDistribution: { rating: number; count: number }[];
}
interface SummaryJson {
  filter: Record<string, string>;
  minN: number;
  overall: GroupJson;
  groups: GroupJson[];
  definitions: { key: string; definition: string }[];
}

let system: TestSystem;
let adminToken: string;

beforeAll(async () => {
  system = await startTestSystem();
  await seedScores(system.ctx.models);
  await createStaff(system);
  adminToken = await system.token('admin');
});
afterAll(async () => {
  await system?.stop();
});

async function summary(query: string, token = adminToken): Promise<SummaryJson> {
  const res = await system.api(`/api/reports/summary?${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as SummaryJson;
}

const march = `from=${MARCH.from}&to=${MARCH.to}`;

function expectRate(m: MetricJson, count: number, n: number): void {
  expect({ count: m.count, n: m.n }).toEqual({ count, n });
  expect(m.value).toBe(n === 0 ? null : count / n);
}

/** The Wilson score bounds written out here, independently of src/reports/stats. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.959964;
  const p = x / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [c - h, c + h];
}

function expectWilson(m: MetricJson): void {
  if (m.n === 0) return expect(m.interval).toBeNull();
  const [low, high] = wilson(m.count, m.n);
  expect(m.interval?.low).toBeCloseTo(low, 6);
  expect(m.interval?.high).toBeCloseTo(high, 6);
}

/**
 * The ranking rule applied by hand to the groups' own counts: ranked groups (not low_n) by the
 * Wilson lower bound of the verified resolution rate, best first, each with a position of its own.
 */
function expectedRanks(groups: GroupJson[]): [string, number | null][] {
  const low = new Map(
    groups.map((g) => [g.key, wilson(g.verifiedResolutionRate.count, g.verifiedResolutionRate.n)[0]]),
  );
  const ranked = groups.filter((g) => !g.low_n).sort((a, b) => low.get(b.key)! - low.get(a.key)!);
  const out = new Map<string, number | null>(groups.map((g) => [g.key, null]));
  ranked.forEach((g, i) => out.set(g.key, i + 1));
  return groups.map((g) => [g.key, out.get(g.key)!]);
}

describe('summary metrics against hand-computed values', () => {
  it('computes every overall figure for March', async () => {
    const s = await summary(march);
    const o = s.overall;
    expect(s.filter).toEqual({ from: '2025-03-01', to: '2025-03-31' });
    expect({
      closures: o.closures,
      sent: o.sent,
      delivered: o.messagesDelivered,
      answers: o.answers,
    }).toEqual({
      closures: 59,
      sent: 56,
      delivered: 55,
      answers: 46,
    });
    expectRate(o.verifiedResolutionRate, 30, 46);
    expectRate(o.falseClosureRate, 16, 46);
    expectRate(o.responseRate, 46, 55);
    expectRate(o.csat, 25, 45);
    expectRate(o.meanRating, 158, 45);
    expectRate(o.postCallRatingMean, 160, 37);
    expectRate(o.brushOffGap, 11, 37);
    expect(o.ratingDistribution.map((r) => r.count)).toEqual([9, 4, 7, 5, 20]);
    expect(o.low_n).toBe(false);
    expect(s.groups).toEqual([]);
    expect(s.definitions.map((d) => d.key)).toContain('brushOffGap');
  });

  it('groups by agency, ranks by the interval and never ranks a low-n agency', async () => {
    const s = await summary(`${march}&groupBy=agency`);
    // 11/13 and 17/31 overlap at 95% (0.58–0.96 and 0.38–0.70): each keeps its own position, and the
    // rank intervals (both 1–2) say the two cannot be told apart.
    expect(s.groups.map((g) => [g.key, g.rank, g.rankInterval, g.low_n])).toEqual([
      ['MOH', 1, { low: 1, high: 2 }, false],
      ['MOMAH', 2, { low: 1, high: 2 }, false],
      ['HRSD', null, null, true],
    ]);
    expect(s.groups.map((g) => [g.key, g.rank])).toEqual(expectedRanks(s.groups));
    for (const g of s.groups)
      for (const k of [
        'verifiedResolutionRate',
        'falseClosureRate',
        'responseRate',
        'csat',
        'brushOffGap',
      ] as const)
        expectWilson(g[k]);
    expectWilson(s.overall.verifiedResolutionRate);
    const [moh, momah, hrsd] = s.groups as [GroupJson, GroupJson, GroupJson];
    expect([moh.closures, momah.closures, hrsd.closures]).toEqual([18, 38, 3]);
    expectRate(moh.verifiedResolutionRate, 11, 13);
    expectRate(momah.verifiedResolutionRate, 17, 31);
    expectRate(momah.falseClosureRate, 14, 31);
    expectRate(hrsd.verifiedResolutionRate, 2, 2);
  });

  it('groups by department and by agent', async () => {
    const d = await summary(`${march}&groupBy=department`);
    expect(d.groups.map((g) => [g.key, g.closures, g.answers])).toEqual([
      ['MOH/appointments', 12, 12],
      ['MOMAH/roads', 25, 18],
      ['MOMAH/lighting', 13, 13],
      ['HRSD/support', 3, 2],
      ['MOH/records', 6, 1],
    ]);
    expect(d.groups.map((g) => [g.key, g.rank])).toEqual(expectedRanks(d.groups));
    const a = await summary(`${march}&groupBy=agent`);
    // By the Wilson lower bound: h1 (see dataset.ts) above a1 (9/13) above a3.
    expect(a.groups.map((g) => [g.key, g.low_n])).toEqual([
      ['h1', false],
      ['a1', false],
      ['a3', false],
      ['a2', true],
      ['h2', true],
      ['s1', true],
    ]);
    expect(a.groups.map((g) => [g.key, g.rank])).toEqual(expectedRanks(a.groups));
    const a1 = a.groups.find((g) => g.key === 'a1') as GroupJson;
    expect([a1.closures, a1.sent, a1.messagesDelivered, a1.answers]).toEqual([18, 16, 15, 13]);
    expectRate(a1.verifiedResolutionRate, 9, 13);
    expectRate(a1.responseRate, 13, 15);
    expectRate(a1.csat, 8, 12);
    expectRate(a1.meanRating, 45, 12);
    expectRate(a1.postCallRatingMean, 47, 10);
    expectRate(a1.brushOffGap, 3, 10);
    const a3 = a.groups.find((g) => g.key === 'a3') as GroupJson;
    expectRate(a3.brushOffGap, 8, 11);
    expectRate(a3.meanRating, 29, 13);
    expectRate(a3.postCallRatingMean, 41, 11);
    const a2 = a.groups.find((g) => g.key === 'a2') as GroupJson;
    expectRate(a2.brushOffGap, 0, 4);
    expectRate(a2.csat, 0, 5);
  });

  it('groups by Sunday-start local week, by day and by month, with empty periods present', async () => {
    const w = await summary(`${march}&groupBy=week`);
    expect(
      w.groups.map((g) => [g.key, g.closures, g.verifiedResolutionRate.count, g.falseClosureRate.count]),
    ).toEqual([
      ['2025-02-23', 0, 0, 0],
      ['2025-03-02', 36, 18, 13],
      ['2025-03-09', 20, 10, 3],
      ['2025-03-16', 3, 2, 0],
      ['2025-03-23', 0, 0, 0],
      ['2025-03-30', 0, 0, 0],
    ]);
    expect(w.groups[0]?.verifiedResolutionRate.value).toBeNull();
    expect(w.groups.every((g) => g.rank === null)).toBe(true);

    const d = await summary(`${march}&groupBy=day`);
    expect(d.groups).toHaveLength(31);
    // Closed at 22:30 UTC on 1 March = 01:30 on 2 March in Riyadh.
    expect(d.groups.find((g) => g.key === '2025-03-01')?.closures).toBe(0);
    expect(d.groups.find((g) => g.key === '2025-03-02')?.closures).toBe(16);

    const m = await summary(`${march}&groupBy=month`);
    expect(m.groups.map((g) => [g.key, g.closures])).toEqual([['2025-03', 59]]);
  });

  it('applies channel, department, agent and date filters', async () => {
    const wa = await summary(`${march}&channel=whatsapp`);
    expect(wa.overall.closures).toBe(11);
    expectRate(wa.overall.verifiedResolutionRate, 10, 11);
    expect((await summary(`${march}&department=lighting`)).overall.closures).toBe(13);
    expect((await summary(`${march}&agent=a3`)).overall.closures).toBe(13);
    expect((await summary(`${march}&agency=MOH&department=records`)).overall.answers).toBe(1);
    expect((await summary('from=2025-04-01&to=2025-04-01')).overall.closures).toBe(2);
    expect((await summary('from=2025-02-01&to=2025-02-28')).overall.closures).toBe(5);
  });
});

describe('summary exports', () => {
  it('carry every rate with its interval, n, rank and rank interval, in CSV and JSON', async () => {
    const json = await system.api(`/api/exports/summary.json?${march}&groupBy=agency`, { token: adminToken });
    expect(json.status).toBe(200);
    const body = (await json.json()) as {
      rows: {
        group: string;
        rank: number | null;
        rankLow: number | null;
        rankHigh: number | null;
        funnelBand: string | null;
        metrics: Record<string, MetricJson & { low: number; high: number }>;
      }[];
    };
    const moh = body.rows.find((r) => r.group === 'MOH');
    expect(moh).toMatchObject({ rank: 1, rankLow: 1, rankHigh: 2, funnelBand: 'within' });
    const [low, high] = wilson(11, 13);
    expect(moh?.metrics.verifiedResolutionRate?.low).toBeCloseTo(low, 6);
    expect(moh?.metrics.verifiedResolutionRate?.high).toBeCloseTo(high, 6);
    expect(moh?.metrics.verifiedResolutionRate).toMatchObject({ count: 11, n: 13 });

    const csv = await system.api(`/api/exports/summary.csv?${march}&groupBy=agency&lang=en`, {
      token: adminToken,
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    const [head, ...rows] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = head?.split(',') ?? [];
    expect(columns.slice(0, 7)).toEqual([
      'Group',
      'Rank',
      'Rank 95% low',
      'Rank 95% high',
      'Funnel',
      'Beyond 99.8% limits',
      'Low n',
    ]);
    const mohCells = rows.map((r) => r.split(',')).find((c) => c[0] === 'MOH') ?? [];
    const at = (name: string) => Number(mohCells[columns.indexOf(name)]);
    expect(at('Verified resolution rate low 95%')).toBeCloseTo(low, 6);
    expect(at('Verified resolution rate high 95%')).toBeCloseTo(high, 6);
    expect(at('Verified resolution rate n')).toBe(13);
    expect(rows).toHaveLength(3);
  });
});

describe('bad input', () => {
  async function bad(query: string): Promise<{ status: number; message: string; fields: string[] }> {
    const res = await system.api(`/api/reports/summary?${query}`, { token: adminToken });
    const body = (await res.json()) as { message: string; details?: { fields: { field: string }[] } };
    return {
      status: res.status,
      message: body.message,
      fields: body.details?.fields.map((f) => f.field) ?? [],
    };
  }

  it('names the parameter in every 400', async () => {
    expect(await bad(`${march}&groupBy=year`)).toMatchObject({ status: 400, fields: ['groupBy'] });
    expect(await bad('from=2025-03-10&to=2025-03-01')).toMatchObject({ status: 400, fields: ['from'] });
    expect(await bad('from=2024-01-01&to=2025-03-31')).toMatchObject({ status: 400, fields: ['to'] });
    expect((await bad('from=2024-01-01&to=2025-03-31')).message).toMatch(/456 days; at most 366/);
    expect(await bad('from=2025-02-30')).toMatchObject({ status: 400, fields: ['from'] });
    expect(await bad(`${march}&channel=fax`)).toMatchObject({ status: 400, fields: ['channel'] });
    expect(await bad(`${march}&agency=NOPE`)).toMatchObject({ status: 400, fields: ['agency'] });
    expect(await bad(`${march}&agent=zz`)).toMatchObject({ status: 400, fields: ['agent'] });
    expect(await bad(`${march}&colour=red`)).toMatchObject({ status: 400, fields: ['colour'] });
  });

  it('never lets a query parameter reach MongoDB as an operator', async () => {
    const op = await bad(`${march}&agency[$ne]=x`);
    expect(op).toMatchObject({ status: 400, fields: ['agency[$ne]'] });
    expect(op.message).toContain('agency[$ne]');
    expect(await bad(`${march}&agency=MOMAH&agency=MOH`)).toMatchObject({ status: 400, fields: ['agency'] });
    expect(await bad(`${march}&agency=%24ne`)).toMatchObject({ status: 400, fields: ['agency'] });
  });

  it('answers 401 without credentials and 403 to a role that may not read reports', async () => {
    expect((await system.api(`/api/reports/summary?${march}`)).status).toBe(401);
    const ticketSystem = await system.token('ticket_system');
    expect((await system.api(`/api/reports/summary?${march}`, { token: ticketSystem })).status).toBe(403);
  });
});

describe('role scoping', () => {
  it('keeps a manager inside their agency and audits an attempt to leave it', async () => {
    const cookie = await login(system, 'momah.manager');
    const own = await get(system, `/api/reports/summary?${march}&groupBy=agency`, cookie);
    expect(own.status).toBe(200);
    const body = (await own.json()) as SummaryJson;
    expect(body.overall.closures).toBe(38);
    expect(body.groups.map((g) => g.key)).toEqual(['MOMAH']);

    const other = await get(system, `/api/reports/summary?${march}&agency=MOH`, cookie);
    expect(other.status).toBe(403);
    const entry = await system.ctx.models.AuditLog.findOne({
      action: 'access_denied',
      actorName: 'momah.manager',
    }).lean();
    expect(entry?.outcome).toBe('denied');
    expect(entry?.detail).toMatchObject({ filter: { agency: 'MOH' } });
  });

  it('keeps a department manager inside their department', async () => {
    const cookie = await login(system, 'lighting.manager');
    const res = await get(system, `/api/reports/summary?${march}&groupBy=agent`, cookie);
    const body = (await res.json()) as SummaryJson;
    expect(body.groups.map((g) => g.key)).toEqual(['a3']);
    expect((await get(system, `/api/reports/summary?${march}&department=roads`, cookie)).status).toBe(403);
  });

  it('scopes manager API tokens the same way, and lets auditors read every agency', async () => {
    const mohToken = await system.token('manager', { agency: 'MOH' });
    expect((await summary(march, mohToken)).overall.closures).toBe(18);
    expect((await system.api(`/api/reports/summary?${march}&agency=MOMAH`, { token: mohToken })).status).toBe(
      403,
    );
    const auditor = await login(system, 'auditor');
    const res = await get(system, `/api/reports/summary?${march}`, auditor);
    expect(((await res.json()) as SummaryJson).overall.closures).toBe(59);
  });
});
