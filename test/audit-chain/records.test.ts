import { verifyCommand } from './verify-command.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyScores, verifySums } from '../../src/audit-chain/records.js';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { bucketId, bucketOf } from '../../src/scores/sums/daily-sums.js';
import { eraseCitizen } from '../../src/retention/erase.js';
import { purgeExpiredPersonalData } from '../../src/retention/purge.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Call } from '../support/voice.js';

// Issue 30, item 1: the records reports and exports are read from (verified_scores, daily_sums)
// must follow from the sealed answers; `npm run chain:verify` names the first that does not.
const KEY = 'test-integrity-key-0123456789abcdef0123456789';
const DAY = 86_400_000;
const DISPUTED = '+966501240001';
const SOLVED = '+966501240002';
const STOPPED = '+966501240003';
const SILENT = '+966501240004';
const EXPIRED = '+966501240008';

let sys: TestSystem;
let admin: string;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: {
      ...FAST_FOLLOWUP_ENV,
      INTEGRITY_KEY: KEY,
      CHAIN_CHECKPOINT_EVERY: '5',
      // One agency none of whose closures is drawn in the sample; closures older than a month not asked.
      AGENCY_SAMPLE_RATES: 'unsampled=0',
      FOLLOWUP_MAX_AGE_HOURS: String(24 * 30),
    },
  });
  admin = await sys.token('admin');
  // Not solved, rated 3, with a reason and a comment of the citizen's own.
  await ticketEvent(sys, admin, 'T-1001', 'closed', { phone: DISPUTED });
  await waitForMessages(sys, DISPUTED, 1);
  await reply(sys, DISPUTED, '2');
  await reply(sys, DISPUTED, '3');
  await reply(sys, DISPUTED, '4 the pipe still leaks');
  // Solved, rated 5, and the agent rated 4 on the call before.
  await ticketEvent(sys, admin, 'T-1002', 'closed', { phone: SOLVED });
  await waitForMessages(sys, SOLVED, 1);
  await reply(sys, SOLVED, '1');
  await reply(sys, SOLVED, '5');
  const call = new Call(sys);
  const q1 = await call.post('/voice/rating?agent=agent-42&ticket=T-1002');
  const q2 = await call.press(q1, '4');
  await call.press(q2, '1');
  await call.hangUp(30);
  // Opted out before answering; and one not answered yet.
  await ticketEvent(sys, admin, 'T-1003', 'closed', { phone: STOPPED });
  await waitForMessages(sys, STOPPED, 1);
  await reply(sys, STOPPED, 'STOP');
  await ticketEvent(sys, admin, 'T-1004', 'closed', { phone: SILENT });
  await waitForMessages(sys, SILENT, 1);
  // A number Twilio refuses (21211): undeliverable, never asked.
  await ticketEvent(sys, admin, 'T-1005', 'closed', { phone: '+15005550001' });
  // Reported seven months after the closure: too old to ask. Not drawn in the sample: not asked.
  await ticketEvent(sys, admin, 'T-1006', 'closed', {
    phone: '+966501240006',
    at: new Date(Date.now() - 210 * DAY).toISOString(),
  });
  await ticketEvent(sys, admin, 'T-1007', 'closed', { phone: '+966501240007', agency: 'unsampled' });
  // Asked, never answered: its expiry job runs now rather than in a week.
  await ticketEvent(sys, admin, 'T-1008', 'closed', { phone: EXPIRED });
  await waitForMessages(sys, EXPIRED, 1);
  const expiry = await eventually(
    async () =>
      (await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('expire', 'T-1008', 1))) ?? undefined,
    { what: 'the expiry job of T-1008' },
  );
  await expiry.promote();
  await eventually(
    async () => {
      const scores = await sys.ctx.models.VerifiedScore.find({}).lean();
      const outcomeOf = (ref: string) => scores.find((s) => s.ticketRef === ref)?.outcome;
      const settled =
        scores.length === 8 &&
        outcomeOf('T-1006') === 'too_old' &&
        outcomeOf('T-1007') === 'not_sampled' &&
        outcomeOf('T-1008') === 'no_response' &&
        scores.every((s) => s.sumsPending !== true) &&
        scores.find((s) => s.ticketRef === 'T-1002')?.postCallRating === 4 &&
        scores.find((s) => s.ticketRef === 'T-1003')?.outcome === 'opted_out' &&
        scores.find((s) => s.ticketRef === 'T-1005')?.outcome === 'undeliverable' &&
        scores.find((s) => s.ticketRef === 'T-1001')?.reason != null;
      return settled ? true : undefined;
    },
    {
      what: 'eight scores counted, with the post-call rating, the opt-out, the refused number, the closures not asked and the expiry',
    },
  );
});
afterAll(async () => {
  await sys?.stop();
});

const scores = () => sys.ctx.models.VerifiedScore.collection;
const sums = () => sys.ctx.models.DailySum.collection;

async function bucketKeyOf(ticketRef: string): Promise<string> {
  const score = await scores().findOne({ ticketRef });
  return bucketId(bucketOf(score ?? {}));
}

describe('npm run chain:verify checks the records against the sealed answers', () => {
  it('finds a dataset made through the real flows intact, with no argument checking everything', async () => {
    const out = await verifyCommand(sys, KEY);
    expect(out.stdout).toMatch(/chain audit: \d+ entries/);
    expect(out.stdout).toMatch(/chain answers: [1-9]\d* entries/);
    // Opted out, undeliverable, too old, not sampled, no response: each sealed once.
    expect(out.stdout).toMatch(/chain outcomes: 5 entries/);
    const sealedOutcomes = await sys.ctx.models.ChainEntry.collection
      .find<{ payload: string }>({ chain: 'outcomes' })
      .toArray();
    expect(
      sealedOutcomes
        .map((e) => JSON.parse(e.payload) as { outcome: string })
        .map((p) => p.outcome)
        .sort(),
    ).toEqual(['no_response', 'not_sampled', 'opted_out', 'too_old', 'undeliverable']);
    // No number and no free text: the seal is what decided the outcome, nothing personal.
    expect(Object.keys(JSON.parse(sealedOutcomes[0]?.payload ?? '{}') as object).sort()).toEqual([
      'closureNumber',
      'delivered',
      'followUpId',
      'outcome',
      'revision',
      'sent',
      'ticketRef',
    ]);
    expect(sealedOutcomes.map((e) => e.payload).join('')).not.toMatch(/9665012400|1500555/);
    expect(out.stdout).toContain('verified_scores: 8 scores checked against the answers and outcomes chains');
    expect(out.stdout).toMatch(/daily_sums: [1-9]\d* daily sums checked against 8 scores/);
    expect(out.stdout).not.toContain('MISMATCH');
    expect(out.code).toBe(0);
    // Batches smaller than the dataset: the same answer across batch boundaries.
    expect(await verifyScores(sys.ctx.models, { batchSize: 2 })).toMatchObject({ ok: true, checked: 8 });
  });

  it('names a score edited in the database, and the daily sum that no longer adds up to it', async () => {
    const before = await scores().findOne({ ticketRef: 'T-1001' });
    expect(before).toMatchObject({ solved: false, outcome: 'disputed', rating: 3 });
    await scores().updateOne(
      { ticketRef: 'T-1001' },
      { $set: { solved: true, outcome: 'confirmed_solved', rating: 5 } },
    );
    const out = await verifyCommand(sys, KEY);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      'FIRST MISMATCH: verified_scores T-1001 closure 1: solved is true, the sealed answers give false',
    );
    expect(out.stdout).toContain('verified_scores T-1001 closure 1: outcome is "confirmed_solved"');
    expect(out.stdout).toContain('verified_scores T-1001 closure 1: rating is 5, the sealed answers give 3');
    // The sums were counted from the score as it was.
    expect(out.stdout).toContain(`FIRST MISMATCH: daily_sums ${await bucketKeyOf('T-1001')}`);
    const report = await verifyScores(sys.ctx.models, { batchSize: 2 });
    expect(report.first).toMatchObject({
      collection: 'verified_scores',
      key: 'T-1001 closure 1',
      field: 'solved',
      stored: true,
      expected: false,
    });
    expect(report.problems.map((p) => p.field)).toEqual(['solved', 'outcome', 'rating']);
    expect((await verifySums(sys.ctx.models)).first).toMatchObject({
      collection: 'daily_sums',
      key: await bucketKeyOf('T-1001'),
    });
    // Scores alone, as the usage names them.
    expect((await verifyCommand(sys, KEY, 'scores')).stdout).toContain(
      'FIRST MISMATCH: verified_scores T-1001',
    );
    await scores().updateOne(
      { ticketRef: 'T-1001' },
      { $set: { solved: false, outcome: 'disputed', rating: 3 } },
    );
    expect((await verifyCommand(sys, KEY)).code).toBe(0);
  });

  it('names an outcome no answer decides edited in the database: undeliverable and no response swapped', async () => {
    expect(await scores().findOne({ ticketRef: 'T-1005' })).toMatchObject({
      outcome: 'undeliverable',
      sent: false,
    });
    // Hides the "undeliverable numbers" signal that catches agents entering made-up numbers.
    await scores().updateOne({ ticketRef: 'T-1005' }, { $set: { outcome: 'no_response' } });
    let out = await verifyCommand(sys, KEY);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /FIRST MISMATCH: verified_scores T-1005 closure 1: outcome is "no_response", the sealed outcome gives "undeliverable" \(outcomes:\d+\)/,
    );
    await scores().updateOne({ ticketRef: 'T-1005' }, { $set: { outcome: 'undeliverable' } });

    expect(await scores().findOne({ ticketRef: 'T-1008' })).toMatchObject({
      outcome: 'no_response',
      sent: true,
    });
    await scores().updateOne({ ticketRef: 'T-1008' }, { $set: { outcome: 'undeliverable', sent: false } });
    out = await verifyCommand(sys, KEY, 'scores');
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /FIRST MISMATCH: verified_scores T-1008 closure 1: outcome is "undeliverable", the sealed outcome gives "no_response" \(outcomes:\d+\)/,
    );
    expect(out.stdout).toContain(
      'verified_scores T-1008 closure 1: sent is false, the sealed outcome gives true',
    );
    await scores().updateOne({ ticketRef: 'T-1008' }, { $set: { outcome: 'no_response', sent: true } });

    // A closure not asked made to look open (still to be asked) is named too.
    await scores().updateOne({ ticketRef: 'T-1007' }, { $unset: { outcome: 1 } });
    expect((await verifyCommand(sys, KEY, 'scores')).stdout).toMatch(
      /FIRST MISMATCH: verified_scores T-1007 closure 1: outcome is null, the sealed outcome gives "not_sampled"/,
    );
    await scores().updateOne({ ticketRef: 'T-1007' }, { $set: { outcome: 'not_sampled' } });

    // A score inserted directly, as before outcomes were sealed: its outcome is unsealed.
    await scores().insertOne({
      ticketRef: 'T-0999',
      closureNumber: 1,
      outcome: 'no_response',
      sent: true,
    });
    expect((await verifyCommand(sys, KEY, 'scores')).stdout).toContain(
      'FIRST MISMATCH: verified_scores T-0999 closure 1: outcome is "no_response", unsealed: no sealed outcome gives it (outcomes chain)',
    );
    await scores().deleteOne({ ticketRef: 'T-0999' });
    expect((await verifyCommand(sys, KEY)).code).toBe(0);
  });

  it('names a daily sum edited in the database, by its key and counter', async () => {
    const key = await bucketKeyOf('T-1002');
    const bucket = await sums().findOne({ _id: key as never });
    const solvedYes = (bucket as { all?: { solvedYes?: number } } | null)?.all?.solvedYes;
    expect(solvedYes).toBe(1);
    await sums().updateOne({ _id: key as never }, { $inc: { 'all.solvedYes': 7 } });
    const out = await verifyCommand(sys, KEY, 'sums');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`FIRST MISMATCH: daily_sums ${key}: all.solvedYes is 8, the scores give 1`);
    await sums().updateOne({ _id: key as never }, { $inc: { 'all.solvedYes': -7 } });
    expect((await verifyCommand(sys, KEY, 'sums')).code).toBe(0);
  });

  it('names an edit of what the score export serves (verified_scores) outside the answers: the post-call rating', async () => {
    await scores().updateOne({ ticketRef: 'T-1002' }, { $set: { postCallRating: 1 } });
    // The export reads this collection: it serves the edited value.
    const res = await sys.api('/api/exports/scores.json', { token: admin });
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r.ticket_ref === 'T-1002')).toMatchObject({ post_call_rating: 1 });
    const out = await verifyCommand(sys, KEY);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      'FIRST MISMATCH: verified_scores T-1002 closure 1: postCallRating is 1, the post-call rating record gives 4',
    );
    await scores().updateOne({ ticketRef: 'T-1002' }, { $set: { postCallRating: 4 } });
    expect((await verifyCommand(sys, KEY)).code).toBe(0);
  });

  it('still finds everything intact after a citizen’s erasure and the retention purge', async () => {
    // The erasure ends the open conversation as opted out: an outcome it seals.
    await eraseCitizen(sys.ctx, SILENT, { actor: 'user:test' });
    expect(await scores().findOne({ ticketRef: 'T-1004' })).toMatchObject({ outcome: 'opted_out' });
    await scores().updateOne({ ticketRef: 'T-1004' }, { $set: { outcome: 'no_response' } });
    expect((await verifyCommand(sys, KEY, 'scores')).stdout).toContain(
      'FIRST MISMATCH: verified_scores T-1004 closure 1: outcome is "no_response", the sealed outcome gives "opted_out"',
    );
    await scores().updateOne({ ticketRef: 'T-1004' }, { $set: { outcome: 'opted_out' } });
    await eraseCitizen(sys.ctx, EXPIRED, { actor: 'user:test' });
    await eraseCitizen(sys.ctx, DISPUTED, { actor: 'user:test' });
    const purged = await purgeExpiredPersonalData(sys.ctx, { now: new Date(Date.now() + 4000 * DAY) });
    expect(purged.changed['VerifiedScore.phone']).toBeGreaterThan(0);
    const disputed = await scores().findOne({ ticketRef: 'T-1001' });
    expect(disputed).toMatchObject({ solved: false, rating: 3 });
    expect(disputed?.comment).toBeUndefined();
    expect(disputed?.citizenPhone).toBeUndefined();
    await eventually(async () =>
      (await scores().countDocuments({ sumsPending: true })) === 0 ? true : undefined,
    );
    const out = await verifyCommand(sys, KEY);
    expect(out.stdout).not.toContain('MISMATCH');
    expect(out.code).toBe(0);
  });
});
