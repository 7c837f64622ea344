import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

let on: TestSystem;
let off: TestSystem;

beforeAll(async () => {
  [on, off] = await Promise.all([
    startTestSystem(),
    startTestSystem({ env: { PUBLIC_SCOREBOARD: 'false' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([on?.stop(), off?.stop()]);
});

describe('public scoreboard switch', () => {
  it('is on by default, cacheable, script-free, and can be switched off', async () => {
    const res = await fetch(`${on.baseUrl}/public?lang=en`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain('No data in this period.');
    expect((await fetch(`${off.baseUrl}/public`)).status).toBe(404);
    expect((await fetch(`${on.baseUrl}/public?agent=a1`)).status).toBe(400);
  });
});

/**
 * What the reports ask of the database, stated once so a deployment on another MongoDB-wire server
 * learns early if it breaks: $match with $gte/$lte on strings, $group on a compound _id with
 * `$sum: 1`, and (for the daily sums) `$sum` of a nested field path, missing fields counting 0 and
 * a null _id for totals (FerretDB v1 returns 0 for `$sum` of a field path: reports need MongoDB or
 * mongo-java-server). Nothing relies on `$avg`, `$cond`, `$dateToString` or `$facet`.
 */
describe('database assumptions (FerretDB v1 and MongoDB)', () => {
  it('groups on a compound _id, leaving missing fields out or null, and counts with $sum: 1', async () => {
    const coll = on.ctx.db.conn.collection('assumption_probe');
    await coll.insertMany([
      { a: 'x', s: true, r: 5, day: '2025-03-01' },
      { a: 'x', s: true, r: 5, day: '2025-03-02' },
      { a: 'x', day: '2025-03-02' },
      { a: 'y', s: false, day: '2025-04-01' },
    ]);
    const rows = await coll
      .aggregate<{ _id: { a: string; s?: boolean | null; r?: number | null }; n: number }>([
        { $match: { day: { $gte: '2025-03-01', $lte: '2025-03-31' } } },
        { $group: { _id: { a: '$a', s: '$s', r: '$r' }, n: { $sum: 1 } } },
      ])
      .toArray();
    const simplified = rows
      .map((r) => ({ a: r._id.a, s: r._id.s ?? null, r: r._id.r ?? null, n: r.n }))
      .sort((p, q) => q.n - p.n);
    expect(simplified).toEqual([
      { a: 'x', s: true, r: 5, n: 2 },
      { a: 'x', s: null, r: null, n: 1 },
    ]);
  });

  it('sums nested field paths per group, a missing field counting as 0', async () => {
    const coll = on.ctx.db.conn.collection('assumption_sums_probe');
    await coll.insertMany([
      { a: 'x', all: { n: 2, r1: 1 }, channels: { sms: { n: 2 } } },
      { a: 'x', all: { n: 3 } },
      { a: 'y', all: { n: 4, r1: 2 } },
    ]);
    const rows = await coll
      .aggregate<{ _id: string | null; n: number; r1: number; sms: number }>([
        {
          $group: {
            _id: '$a',
            n: { $sum: '$all.n' },
            r1: { $sum: '$all.r1' },
            sms: { $sum: '$channels.sms.n' },
          },
        },
      ])
      .toArray();
    expect(rows.sort((p, q) => String(p._id).localeCompare(String(q._id)))).toEqual([
      { _id: 'x', n: 5, r1: 1, sms: 2 },
      { _id: 'y', n: 4, r1: 2, sms: 0 },
    ]);
    const [total] = await coll.aggregate([{ $group: { _id: null, n: { $sum: '$all.n' } } }]).toArray();
    expect(total).toEqual({ _id: null, n: 9 });
  });
});
