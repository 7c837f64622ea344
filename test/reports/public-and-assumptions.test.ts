import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { startOwnMongo } from '../support/own-mongo.js';
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

/**
 * Pipelines led by a `$match`, which MongoDB starts with an index scan and the embedded server now
 * reads through its indexes too: the same answers as the rule computed here, and a collection read
 * whole again by a later stage or a later pipeline.
 */
async function pipelineAssumptions(db: Db): Promise<void> {
  const records = db.collection('pipeline_records');
  const names = db.collection('pipeline_names');
  await records.createIndex({ agent: 1, day: 1 });
  await records.createIndex({ day: 1 });
  const docs = Array.from({ length: 200 }, (_, i) => ({
    _id: `p${i}` as never,
    agent: `a${i % 10}`,
    day: `2025-01-${String(1 + (i % 20)).padStart(2, '0')}`,
    solved: i % 3 === 0,
  }));
  await records.insertMany(docs);
  await names.insertMany(Array.from({ length: 10 }, (_, i) => ({ code: `a${i}`, name: `Agent ${i}` })));
  const byDay = (rows: { day: string }[]) => {
    const out = new Map<string, number>();
    for (const r of rows) out.set(r.day, (out.get(r.day) ?? 0) + 1);
    return [...out].sort(([a], [b]) => a.localeCompare(b));
  };
  const grouped = async (match: Record<string, unknown>) =>
    (
      await records
        .aggregate<{ _id: string; n: number }>([
          { $match: match },
          { $group: { _id: '$day', n: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ])
        .toArray()
    ).map((g) => [g._id, g.n]);
  expect(await grouped({ agent: 'a3', day: { $gte: '2025-01-05', $lte: '2025-01-14' } })).toEqual(
    byDay(docs.filter((d) => d.agent === 'a3' && d.day >= '2025-01-05' && d.day <= '2025-01-14')),
  );
  expect(await grouped({ day: { $lt: '2025-01-03' }, solved: true })).toEqual(
    byDay(docs.filter((d) => d.day < '2025-01-03' && d.solved)),
  );
  // A regular expression on an indexed field is a pattern, not a value to look up.
  expect(await grouped({ agent: /^a[12]$/ })).toEqual(byDay(docs.filter((d) => /^a[12]$/.test(d.agent))));
  expect(await records.countDocuments({ agent: /^a1/ })).toBe(20);
  expect(await records.countDocuments({ day: /-0[1-3]$/ })).toBe(30);
  expect(await grouped({ $or: [{ agent: 'a1' }, { day: '2025-01-20' }] })).toEqual(
    byDay(docs.filter((d) => d.agent === 'a1' || d.day === '2025-01-20')),
  );
  // A later stage reads another collection, or the same one, whole.
  const joined = await records
    .aggregate<{ _id: string; names: unknown[]; same: unknown[] }>([
      { $match: { agent: 'a4' } },
      { $lookup: { from: 'pipeline_names', localField: 'agent', foreignField: 'code', as: 'names' } },
      { $lookup: { from: 'pipeline_records', localField: 'day', foreignField: 'day', as: 'same' } },
    ])
    .toArray();
  expect(joined).toHaveLength(20);
  for (const j of joined) {
    expect(j.names).toHaveLength(1);
    const day = docs.find((d) => String(d._id) === String(j._id))?.day;
    expect(j.same).toHaveLength(docs.filter((d) => d.day === day).length);
  }
  // …and the next pipeline on the collection, with no $match, reads every document.
  expect(await records.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }]).toArray()).toEqual([
    { _id: null, n: 200 },
  ]);
  expect(await records.countDocuments({ agent: 'a4' })).toBe(20);
}

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
 * a null _id for totals. Nothing relies on `$avg`, `$cond`, `$dateToString` or `$facet`.
 */
describe('database assumptions (MongoDB and the embedded server)', () => {
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

  it('answers a pipeline led by $match as MongoDB does, later stages reading collections whole', async () => {
    await pipelineAssumptions(on.ctx.db.conn.db!);
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

/**
 * What the writers ask of the database: a conditional update has exactly one winner, and queries
 * that the embedded server answers through our launcher's indexes (scripts/mongo-java-server: a
 * unique index with extra conditions, a non-unique index by its first field) give what a scan
 * gives, also after the indexed field changes and after a delete.
 */
describe('database assumptions for writers', () => {
  it('answers indexed queries with extra conditions as a scan would, through updates and deletes', async () => {
    const coll = on.ctx.db.conn.collection('assumption_writes');
    await coll.createIndex({ phone: 1, state: 1 });
    await coll.createIndex({ ref: 1, n: 1 }, { unique: true });
    await coll.createIndex({ pending: 1 }, { sparse: true });
    await coll.insertMany(
      Array.from({ length: 300 }, (_, i) => ({
        _id: `w${i}` as never,
        phone: `+9665000${i % 30}`,
        state: i % 2 ? 'open' : 'closed',
        ref: `R${i}`,
        n: 1,
        revision: 0,
        ...(i % 50 === 0 ? { pending: true } : {}),
      })),
    );
    const ids = async (filter: Record<string, unknown>) =>
      (await coll.find(filter).toArray()).map((d) => String(d._id)).sort();

    // 20 racing writers of one revision: one wins.
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        coll.findOneAndUpdate({ _id: 'w7' as never, revision: 0 }, { $inc: { revision: 1 } }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await ids({ _id: 'w7', revision: 1 })).toEqual(['w7']);
    expect(await ids({ _id: 'w7', revision: 0 })).toEqual([]);
    expect(await ids({ ref: 'R7', n: 1, revision: { $gte: 1 } })).toEqual(['w7']);

    expect(await ids({ phone: '+96650003' })).toEqual([
      'w123',
      'w153',
      'w183',
      'w213',
      'w243',
      'w273',
      'w3',
      'w33',
      'w63',
      'w93',
    ]);
    expect(await ids({ phone: '+96650003', state: 'closed' })).toEqual([]);
    await coll.updateOne({ _id: 'w33' as never }, { $set: { phone: '+966500099', pending: true } });
    await coll.deleteOne({ _id: 'w63' as never });
    expect(await ids({ phone: '+96650003' })).toEqual([
      'w123',
      'w153',
      'w183',
      'w213',
      'w243',
      'w273',
      'w3',
      'w93',
    ]);
    expect(await ids({ phone: '+966500099', state: 'open' })).toEqual(['w33']);
    expect(await ids({ pending: true })).toEqual(['w0', 'w100', 'w150', 'w200', 'w250', 'w33', 'w50']);
    await coll.updateOne({ _id: 'w0' as never }, { $unset: { pending: '' } });
    expect(await ids({ pending: true })).toEqual(['w100', 'w150', 'w200', 'w250', 'w33', 'w50']);
  });

  it('answers ranges, sorted pages and id lists with other conditions as MongoDB does, after updates', async () => {
    const coll = on.ctx.db.conn.collection('assumption_ranges');
    await coll.createIndex({ at: 1 });
    await coll.createIndex({ tag: 1, at: 1 });
    const t0 = Date.UTC(2025, 0, 1);
    type Row = { _id: string; at?: Date | string | null; tag: string; kept: boolean };
    // Dates with repeats, plus the values a date range must not match: a string, a null, none.
    const rows: Row[] = Array.from({ length: 400 }, (_, i) => ({
      _id: `r${String(i).padStart(3, '0')}`,
      at: new Date(t0 + ((i * 7919) % 200) * 3_600_000),
      tag: i % 3 ? 'a' : 'b',
      kept: i % 5 !== 0,
    }));
    rows.push({ _id: 'x-string', at: '2025-01-02', tag: 'a', kept: true });
    rows.push({ _id: 'x-null', at: null, tag: 'a', kept: true });
    rows.push({ _id: 'x-missing', tag: 'a', kept: true });
    await coll.insertMany(rows as never[]);
    // Moved in the index after the insert: an update must move it.
    await coll.updateOne({ _id: 'r001' as never }, { $set: { at: new Date(t0 + 30 * 3_600_000) } });
    (rows[1] as Row).at = new Date(t0 + 30 * 3_600_000);

    const lo = new Date(t0 + 20 * 3_600_000);
    const hi = new Date(t0 + 90 * 3_600_000);
    const time = (r: Row) => (r.at instanceof Date ? r.at.getTime() : NaN);
    const inRange = (r: Row) => time(r) >= lo.getTime() && time(r) < hi.getTime();
    const ids = (docs: { _id: unknown }[]) => docs.map((d) => String(d._id));
    // Counted with a find: an aggregation (countDocuments) never reads an index there.
    const count = async (filter: Record<string, unknown>) => (await coll.find(filter).toArray()).length;

    // A range, unsorted: the same set as a scan (only dates, never the string, null or missing).
    expect(ids(await coll.find({ at: { $gte: lo, $lt: hi } }).toArray()).sort()).toEqual(
      rows
        .filter(inRange)
        .map((r) => r._id)
        .sort(),
    );
    // Sorted by the indexed field with a limit, with another condition: the first page of the
    // matching documents in date order (ties in any order, as on MongoDB).
    const page = await coll
      .find({ at: { $gte: lo, $lt: hi }, kept: true }, { sort: { at: 1 }, limit: 25 })
      .toArray();
    const expected = rows.filter((r) => inRange(r) && r.kept).sort((a, b) => time(a) - time(b));
    expect(page.map((d) => (d.at as Date).getTime())).toEqual(expected.slice(0, 25).map(time));
    expect(page.every((d) => d.kept === true)).toBe(true);
    // An empty range and one bounded on one side only.
    expect(await count({ at: { $gte: hi, $lt: lo } })).toBe(0);
    expect(await count({ at: { $lte: new Date(t0 + 10 * 3_600_000) } })).toBe(
      rows.filter((r) => time(r) <= t0 + 10 * 3_600_000).length,
    );
    // A plain value on another index is still how it is found, with a range beside it.
    expect(ids(await coll.find({ tag: 'b', at: { $gte: lo, $lt: hi } }).toArray()).sort()).toEqual(
      rows
        .filter((r) => r.tag === 'b' && inRange(r))
        .map((r) => r._id)
        .sort(),
    );
    // Ids with other conditions: written only where all hold, and the count says so.
    const batch = rows.slice(0, 60).map((r) => r._id);
    const written = await coll.updateMany(
      { _id: { $in: batch as never[] }, kept: true, at: { $lt: hi } },
      {
        $unset: { tag: '' },
      },
    );
    const should = rows.slice(0, 60).filter((r) => r.kept && time(r) < hi.getTime());
    expect(written.modifiedCount).toBe(should.length);
    expect(ids(await coll.find({ tag: { $exists: false } }).toArray()).sort()).toEqual(
      should.map((r) => r._id).sort(),
    );
    // Deleted, then gone from the ranges too.
    await coll.deleteMany({ _id: { $in: batch as never[] }, kept: false });
    expect(await count({ at: { $gte: lo, $lt: hi } })).toBe(
      rows.filter((r) => inRange(r) && !(batch.includes(r._id) && !r.kept)).length,
    );
  });

  it('answers ranges over an array field: every document with a closure in the range, each once', async () => {
    // A ticket's closures, read by the reopen signal as a $match on the array then one per closure.
    // MongoDB also matches a ticket whose closures straddle the range (one element meets $gte and
    // another $lt); the embedded server's matcher wants one element to meet both. The per-closure
    // $match after the $unwind drops such a ticket either way, so the signal's counts agree.
    const coll = on.ctx.db.conn.collection('assumption_multikey');
    await coll.createIndex({ 'closures.closedAt': 1 });
    const day = (d: number) => new Date(Date.UTC(2025, 0, d));
    await coll.insertMany([
      { _id: 'inside' as never, closures: [{ closedAt: day(10) }, { closedAt: day(11) }] },
      { _id: 'straddles' as never, closures: [{ closedAt: day(2) }, { closedAt: day(28) }] },
      { _id: 'before' as never, closures: [{ closedAt: day(1) }, { closedAt: day(3) }] },
      { _id: 'one' as never, closures: [{ closedAt: day(15) }] },
      { _id: 'none' as never, closures: [] },
    ]);
    const found = async (filter: Record<string, unknown>, sort?: Record<string, 1>) =>
      (await coll.find(filter, sort ? { sort } : {}).toArray()).map((d) => String(d._id)).sort();
    const range = { 'closures.closedAt': { $gte: day(5), $lt: day(20) } };
    const withoutStraddle = (ids: string[]) => ids.filter((id) => id !== 'straddles');
    expect(withoutStraddle(await found(range))).toEqual(['inside', 'one']);
    expect(withoutStraddle(await found(range, { 'closures.closedAt': 1 }))).toEqual(['inside', 'one']);
    expect(await found({ 'closures.closedAt': { $lt: day(4) } })).toEqual(['before', 'straddles']);
    expect(await found({ 'closures.closedAt': day(15) })).toEqual(['one']);
    const unwound = await coll
      .aggregate([{ $match: range }, { $unwind: '$closures' }, { $match: range }])
      .toArray();
    expect(unwound.map((d) => String(d._id)).sort()).toEqual(['inside', 'inside', 'one']);
  });

  it("gives a field's distinct values as MongoDB does, through updates and deletes", async () => {
    const coll = on.ctx.db.conn.collection('assumption_distinct');
    await coll.createIndex({ day: 1 });
    await coll.insertMany(
      Array.from({ length: 90 }, (_, i) => ({
        _id: `d${i}` as never,
        day: `2025-01-${String((i % 9) + 1).padStart(2, '0')}`,
      })),
    );
    await coll.updateOne({ _id: 'd0' as never }, { $set: { day: '2025-02-01' } });
    await coll.deleteMany({ day: '2025-01-05' });
    expect(await coll.distinct('day')).toEqual([
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-04',
      '2025-01-06',
      '2025-01-07',
      '2025-01-08',
      '2025-01-09',
      '2025-02-01',
    ]);
    // A document without the field is not a value; a filter is applied.
    await coll.insertOne({ _id: 'no-day' as never });
    expect(await coll.distinct('day')).toHaveLength(9);
    expect(await coll.distinct('day', { day: { $gte: '2025-01-09' } })).toEqual(['2025-01-09', '2025-02-01']);
  });
});

describe('database assumptions on the database file', () => {
  it('answers ranges and distinct over ids of every kind, as in memory', async () => {
    // The file-backed store keys documents by their ids, of any type: a range read without a sort
    // puts its candidates back in that order.
    const mongo = await startOwnMongo();
    const client = await MongoClient.connect(mongo.url);
    try {
      const coll = client.db('assumptions').collection('mixed_ids');
      await coll.createIndex({ at: 1 });
      const ids: unknown[] = ['s-1', new ObjectId(), 7, { k: 'compound' }, 's-0', new ObjectId()];
      await coll.insertMany(
        ids.map((_id, i) => ({ _id: _id as never, at: new Date(Date.UTC(2025, 0, 1 + i)) })),
      );
      const range = await coll.find({ at: { $gte: new Date(Date.UTC(2025, 0, 2)) } }).toArray();
      expect(range).toHaveLength(5);
      const page = await coll
        .find({ at: { $gte: new Date(Date.UTC(2025, 0, 2)) } }, { sort: { at: 1 }, limit: 2 })
        .toArray();
      expect(page.map((d) => (d.at as Date).toISOString().slice(0, 10))).toEqual([
        '2025-01-02',
        '2025-01-03',
      ]);
      expect(await coll.distinct('at')).toHaveLength(6);
      await pipelineAssumptions(client.db('assumptions'));
    } finally {
      await client.close();
      await mongo.remove();
    }
  });
});
