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
 * learns early if it breaks: $match with $gte/$lte on strings, and $group on a compound _id with
 * `$sum: 1`. Nothing relies on `$sum` of a field path (FerretDB v1 returns 0), `$avg`, `$cond`,
 * `$dateToString` or `$facet`.
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
});
