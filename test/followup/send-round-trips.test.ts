import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { Types } from 'mongoose';
import { addScoreCounters, SCORE_SUMS_FIELDS } from '../../src/scores/sums/daily-sums.js';
import { readSumsState } from '../../src/scores/sums/month-sums.js';
import { markScoresSent, recordPostCallRating } from '../../src/scores/writes.js';
import { FAST_FOLLOWUP_ENV, ticketEvent } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * What a send costs the database, beyond what it must: the score it marks sent is read once, beside
 * the ticket, before the message goes; its daily bucket is then written without being read, and its
 * month marked and the sums' revision raised after it (the read side's contract, month-sums.ts).
 */
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  // Scheduled three days out, then promoted: the send runs alone, after the closure has settled, and
  // before any delivery receipt (a write of the score of its own).
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '72', SANDBOX_STATUS_DELAY_MS: '60000' },
  });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

const SUMS_COLLECTIONS = new Set(['verified_scores', 'daily_sums', 'monthly_sums', 'sums_meta']);

describe('the database work of a send', () => {
  it('reads the score once and its daily bucket not at all, and keeps the sums exact', async () => {
    await ticketEvent(sys, token, 'RT-1', 'closed', { phone: '+966501230001' });
    const score = await eventually(async () => {
      const s = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'RT-1' }).lean();
      return s && !s.sumsPending ? s : undefined;
    });
    const monthsBefore = await sys.ctx.models.MonthSum.find({}).lean();
    const stateBefore = await readSumsState(sys.ctx.models);

    const ops: string[] = [];
    const note = (e: { collectionName: string; method: string }) => {
      if (SUMS_COLLECTIONS.has(e.collectionName)) ops.push(`${e.collectionName}.${e.method}`);
    };
    sys.ctx.db.conn.on('operation-start', note);
    try {
      const job = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', 'RT-1', 1));
      await job?.promote();
      await eventually(async () => {
        const s = await sys.ctx.models.VerifiedScore.findById(score._id).lean();
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'RT-1' }).lean();
        return s?.sent && !s.sumsPending && f?.state === 'awaiting_solved' ? true : undefined;
      });
    } finally {
      sys.ctx.db.conn.off('operation-start', note);
    }

    expect(ops.filter((o) => o.startsWith('daily_sums.'))).toEqual(['daily_sums.bulkWrite']);
    expect(ops.filter((o) => o === 'verified_scores.find')).toHaveLength(1);
    expect(ops.filter((o) => !o.endsWith('.findOne'))).toEqual([
      'verified_scores.find',
      'verified_scores.bulkWrite',
      'daily_sums.bulkWrite',
      'monthly_sums.bulkWrite',
      'sums_meta.updateOne',
      'verified_scores.bulkWrite',
    ]);
    // Exact: the bucket counts the score once, sent, at its new revision.
    const [bucket] = await sys.ctx.models.DailySum.find({ agentId: 'agent-42' }).lean();
    const stored = bucket as unknown as { all: Record<string, number>; m: Record<string, { r: number }> };
    expect(stored.all).toMatchObject({ closures: 1, sent: 1 });
    expect(stored.m[String(score._id)]?.r).toBe((score.sumsRev ?? 0) + 1);
    // The read side's contract: the month marked dirty (its gen raised) and the revision raised.
    const [month] = await sys.ctx.models.MonthSum.find({}).lean();
    expect(month).toMatchObject({ dirty: true, gen: (monthsBefore[0]?.gen ?? 0) + 1 });
    const stateAfter = await readSumsState(sys.ctx.models);
    expect(stateAfter.rev).toBeGreaterThan(stateBefore.rev);
    const m = month?.month ?? '';
    expect(stateAfter.months[m]).toBeGreaterThan(stateBefore.months[m] ?? 0);
  });
  it('a score written between its read and the send is still counted exactly once, sent', async () => {
    await ticketEvent(sys, token, 'RT-2', 'closed', { phone: '+966501230002' });
    const f = await eventually(async () => {
      const x = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'RT-2' }).lean();
      const s = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'RT-2' }).lean();
      return x && s && !s.sumsPending ? x : undefined;
    });
    const read = await sys.ctx.models.VerifiedScore.collection.findOne(
      { _id: f.scoreId as never },
      { projection: { ...SCORE_SUMS_FIELDS, sumsPending: 1 } },
    );
    if (!read) throw new Error('no score');
    // A post-call rating lands after the sender read the score and before it marks it sent.
    await recordPostCallRating(sys.ctx, { ticketRef: 'RT-2', ratingId: new Types.ObjectId(), value: 4 });
    const count = await markScoresSent(sys.ctx, [f], new Map([[String(read._id), read]]));
    await count();

    const score = await sys.ctx.models.VerifiedScore.findById(f.scoreId).lean();
    expect(score).toMatchObject({ sent: true, postCallRating: 4 });
    expect(score?.sumsPending).toBeUndefined();
    const buckets = await sys.ctx.models.DailySum.find({}).lean();
    const holding = buckets.filter((b) => (b as { m?: Record<string, unknown> }).m?.[String(f.scoreId)]);
    expect(holding).toHaveLength(1);
    const bucket = holding[0] as unknown as { m: Record<string, { r: number }> };
    expect(bucket.m[String(f.scoreId)]?.r).toBe(score?.sumsRev);
    // What the bucket holds is exactly what its scores add up to.
    const members = await sys.ctx.models.VerifiedScore.collection
      .find({ _id: { $in: Object.keys(bucket.m).map((id) => new Types.ObjectId(id)) } })
      .toArray();
    const expected: Record<string, number> = {};
    for (const m of members) addScoreCounters(m, expected);
    const held: Record<string, number> = {};
    const flatten = (o: unknown, prefix: string) => {
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
        if (typeof v === 'number') {
          if (v !== 0) held[`${prefix}${k}`] = v;
        } else if (v && typeof v === 'object') flatten(v, `${prefix}${k}.`);
      }
    };
    const whole = bucket as unknown as { all?: unknown; channels?: unknown };
    flatten({ all: whole.all ?? {}, channels: whole.channels ?? {} }, '');
    expect(held).toEqual(expected);
    // RT-1's score (the same agent and day) and this one, both sent.
    expect(expected['all.sent']).toBe(2);
    expect(expected['all.postCallRatings']).toBe(1);
  });
});
