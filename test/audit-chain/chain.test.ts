import { Types } from 'mongoose';
import { verifyCommand } from './verify-command.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical } from '../../src/audit-chain/canonical.js';
import { appendEntry, entryHash, GENESIS_HASH } from '../../src/audit-chain/chain.js';
import { chainKeys } from '../../src/audit-chain/seal.js';
import { verifyChain } from '../../src/audit-chain/verify.js';
import { writeAudit } from '../../src/auth/audit.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
const KEY = 'test-integrity-key-0123456789abcdef0123456789';

beforeAll(async () => {
  sys = await startTestSystem({ env: { INTEGRITY_KEY: KEY, CHAIN_CHECKPOINT_EVERY: '5' } });
});
afterAll(async () => {
  await sys?.stop();
});

async function auditEntries(n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++)
    await writeAudit(sys.ctx, { actor: `user:${tag}`, action: 'export', rows: i, detail: { i, tag } });
}

interface StoredEntry {
  _id: string;
  seq: number;
  at: Date;
  ref?: string;
  payload: string;
  prevHash: string;
  hash: string;
  checkpoint?: string;
}
const entries = () => sys.ctx.models.ChainEntry.collection;
const entryAt = (seq: number) => entries().findOne<StoredEntry>({ chain: 'audit', seq });

describe('hash chain appends', () => {
  it('gives 40 concurrent writers 40 consecutive entries, each linked to the one before', async () => {
    const keys = chainKeys(sys.ctx.config);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendEntry(sys.ctx.models, keys, { chain: 'answers', payload: JSON.stringify({ i }) }),
      ),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const stored = await entries().find<StoredEntry>({ chain: 'answers' }).sort({ seq: 1 }).toArray();
    expect(stored[0]?.prevHash).toBe(GENESIS_HASH);
    stored.slice(1).forEach((e, i) => expect(e.prevHash).toBe(stored[i]?.hash));
    // A keyed checkpoint every 5 entries.
    expect(stored.filter((e) => typeof e.checkpoint === 'string').map((e) => e.seq)).toEqual([
      5, 10, 15, 20, 25, 30, 35, 40,
    ]);
    const report = await verifyChain(sys.ctx.models, keys, 'answers');
    expect(report).toMatchObject({ ok: true, entries: 40, checkpoints: 8, first: null });
  });
});

describe('npm run chain:verify', () => {
  it('reports an intact audit chain, then names a record modified in the database', async () => {
    await auditEntries(12, 'clean');
    const intact = await verifyCommand(sys, KEY, 'audit');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('intact');

    const seventh = await entryAt(7);
    await sys.ctx.models.AuditLog.collection.updateOne(
      { _id: new Types.ObjectId(seventh?.ref) },
      { $set: { rows: 9999 } },
    );
    const out = await verifyCommand(sys, KEY, 'audit');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('FIRST MISMATCH: audit:7 (source_modified)');
  });

  it('names an edited chain entry, a deleted one and an inserted one', async () => {
    // Edit: entry 3's sealed copy is changed so it matches an edited record; its hash no longer does.
    await entries().updateOne({ _id: 'audit:3' as never }, { $set: { payload: '{"rows":1}' } });
    let report = await verifyChain(sys.ctx.models, chainKeys(sys.ctx.config), 'audit');
    expect(report.first).toMatchObject({ id: 'audit:3', kind: 'modified' });

    // Deletion of an entry (and of its record, as someone hiding an export would).
    const ninth = await entryAt(9);
    await entries().deleteOne({ _id: 'audit:9' as never });
    report = await verifyChain(sys.ctx.models, chainKeys(sys.ctx.config), 'audit');
    expect(report.problems).toContainEqual(expect.objectContaining({ id: 'audit:9', kind: 'missing' }));
    expect(report.problems).toContainEqual(
      expect.objectContaining({ id: String(ninth?.ref), kind: 'source_unsealed' }),
    );

    // Insertion: a record written straight into the collection, and a forged entry appended for it
    // by someone who knows the hashing but not the key.
    const forged = await sys.ctx.models.AuditLog.collection.insertOne({
      at: new Date(),
      actor: 'user:ghost',
      action: 'export',
    });
    const last = await entries().find<StoredEntry>({ chain: 'audit' }).sort({ seq: -1 }).limit(1).next();
    const doc = await sys.ctx.models.AuditLog.collection.findOne({ _id: forged.insertedId });
    const seq = (last?.seq ?? 0) + 1;
    const fields = {
      chain: 'audit',
      seq,
      at: new Date(),
      ref: String(forged.insertedId),
      payload: canonical(doc),
      prevHash: String(last?.hash),
    };
    await entries().insertOne({ _id: `audit:${seq}` as never, ...fields, hash: entryHash(fields) });
    report = await verifyChain(sys.ctx.models, chainKeys(sys.ctx.config), 'audit');
    expect(report.problems).toContainEqual(
      expect.objectContaining({ id: `audit:${seq}`, kind: 'beyond_head' }),
    );

    const out = await verifyCommand(sys, KEY, 'audit');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('FIRST MISMATCH: audit:3 (modified)');
    expect(out.stdout).toContain('audit:9 (missing)');
    expect(out.stdout).toContain(`audit:${seq} (beyond_head)`);
  });

  it('detects a rewritten chain at the first keyed checkpoint after the change', async () => {
    // Someone rewrites every hash from entry 2 of the answers chain on: links and hashes all agree,
    // but checkpoints (HMAC with the key they lack) do not.
    const all = await entries().find<StoredEntry>({ chain: 'answers' }).sort({ seq: 1 }).toArray();
    let prevHash = String(all[0]?.hash);
    for (const e of all.slice(1)) {
      const fields = {
        chain: 'answers',
        seq: Number(e.seq),
        at: e.at,
        payload: e.seq === 2 ? '{"i":"forged"}' : String(e.payload),
        prevHash,
      };
      const hash = entryHash(fields);
      await entries().updateOne(
        { _id: e._id as never },
        { $set: { payload: fields.payload, prevHash, hash } },
      );
      prevHash = hash;
    }
    const out = await verifyCommand(sys, KEY, 'answers');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('FIRST MISMATCH: answers:5 (bad_checkpoint)');
    expect(await verifyCommand(sys, KEY, 'nonsense')).toMatchObject({ code: 2 });
  });
});
