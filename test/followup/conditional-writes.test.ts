import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { applyAnswer } from '../../src/followup/conversation/answers.js';
import { applyEffects, closeFollowUp } from '../../src/followup/outcome/outcome.js';
import { markScoreSent } from '../../src/scores/writes.js';
import { DISPUTE_QUEUE, disputeJobId } from '../../src/followup/queue.js';
import { reconcileFollowUps } from '../../src/followup/schedule/reconciler.js';
import { ticketEvent } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// No workers: each test makes the writes itself, so what a crashed writer left is exactly known.
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ env: { FOLLOWUP_DELAY_HOURS: '72', SEND_WINDOW: '00:00-24:00' } });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

async function scheduled(ref: string, phone: string): Promise<FollowUpDoc> {
  await ticketEvent(sys, token, ref, 'closed', { phone });
  const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, closureNumber: 1 }).lean<FollowUpDoc>();
  if (!f) throw new Error(`no follow-up for ${ref}`);
  return f;
}
const score = (ref: string) => sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref }).lean();

describe('follow-up writes without locks', () => {
  it('of 20 racing closes exactly one wins, and the follow-up and its score hold the winner', async () => {
    const f = await scheduled('CW-1', '+966500000701');
    const outcomes = ['cancelled_reopened', 'opted_out', 'undeliverable', 'no_response'] as const;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        closeFollowUp(sys.ctx, f, {
          state: 'cancelled',
          outcome: outcomes[i % outcomes.length] ?? 'opted_out',
        }),
      ),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const stored = await sys.ctx.models.FollowUp.findById(f._id).lean();
    expect(stored).toMatchObject({ state: 'cancelled', outcome: winners[0]?.outcome, revision: 1 });
    expect(stored?.effectsPending).toBeUndefined();
    expect(await score('CW-1')).toMatchObject({ outcome: winners[0]?.outcome, followUpRevision: 1 });
  });

  it('a score never goes back to an older revision, whatever order the effects land in', async () => {
    const f = await scheduled('CW-2', '+966500000702');
    const older = {
      ...f,
      state: 'awaiting_rating',
      solved: false,
      outcome: 'disputed',
      revision: 5,
    } as const;
    const newer = { ...older, state: 'completed', rating: 2, reason: 'still_broken', revision: 6 } as const;
    await applyEffects(sys.ctx, newer);
    await applyEffects(sys.ctx, older);
    expect(await score('CW-2')).toMatchObject({
      solved: false,
      outcome: 'disputed',
      rating: 2,
      reason: 'still_broken',
      followUpRevision: 6,
    });
  });

  it('the reconciler replays the effects of a transition whose writer died before them', async () => {
    const f = await scheduled('CW-3', '+966500000703');
    // What a worker killed right after its winning write leaves: the follow-up answered "not
    // solved", the flag up, the score untouched, no dispute queued.
    await sys.ctx.models.FollowUp.updateOne(
      { _id: f._id },
      {
        $set: {
          state: 'awaiting_rating',
          solved: false,
          outcome: 'disputed',
          answeredAt: new Date(),
          effectsPending: true,
        },
        $inc: { revision: 1 },
      },
    );
    expect((await score('CW-3'))?.outcome).toBeUndefined();
    const fresh = await reconcileFollowUps(sys.ctx, { effectsOlderThanMs: 60_000 });
    expect(fresh.effectsReplayed).toBe(0);

    const report = await reconcileFollowUps(sys.ctx, { effectsOlderThanMs: 0 });
    expect(report.effectsReplayed).toBe(1);
    expect(await score('CW-3')).toMatchObject({ solved: false, outcome: 'disputed', followUpRevision: 1 });
    // The agency is told of the dispute: the job names the follow-up, and waits out the grace
    // (60 s by default) because the citizen is still being asked for a rating.
    const dispute = await sys.ctx.queues.get(DISPUTE_QUEUE).getJob(disputeJobId('CW-3', 1));
    expect(dispute?.data).toEqual({ followUpId: f._id.toString() });
    expect(dispute?.delay).toBe(sys.ctx.config.followUp.disputeGraceMs);
    expect(dispute?.delay).toBe(60_000);
    expect(await dispute?.getState()).toBe('delayed');
    expect((await sys.ctx.models.FollowUp.findById(f._id).lean())?.effectsPending).toBeUndefined();
    expect((await reconcileFollowUps(sys.ctx, { effectsOlderThanMs: 0 })).effectsReplayed).toBe(0);
  });

  it('an answer landing between the send and its record keeps the score sent', async () => {
    const f = await scheduled('CW-4', '+966500000704');
    // The sender claimed it and Twilio took the message; the score is marked sent, the follow-up's
    // send times are not recorded yet, and the citizen taps the link already.
    await sys.ctx.models.FollowUp.updateOne(
      { _id: f._id },
      { $set: { state: 'sending', sendAttemptAt: new Date() }, $inc: { revision: 1 } },
    );
    await markScoreSent(sys.ctx, f);
    const sending = await sys.ctx.models.FollowUp.findById(f._id).lean<FollowUpDoc>();
    if (!sending) throw new Error('follow-up vanished');
    const result = await applyAnswer(sys.ctx, sending, { kind: 'solved', value: false }, 'web');
    expect(result.applied).toBe(true);
    expect(await score('CW-4')).toMatchObject({ sent: true, solved: false, outcome: 'disputed' });
  });

  it("a follow-up's id, which its answer link carries, is not derived from the ticket", async () => {
    const other = await startTestSystem({ env: { FOLLOWUP_DELAY_HOURS: '72', SEND_WINDOW: '00:00-24:00' } });
    try {
      const here = await scheduled('CW-5', '+966500000705');
      await ticketEvent(other, await other.token('ticket_system'), 'CW-5', 'closed', {
        phone: '+966500000705',
      });
      const there = await other.ctx.models.FollowUp.findOne({ ticketRef: 'CW-5', closureNumber: 1 }).lean();
      // The same ticket and closure in two deployments: nothing in the id follows from them.
      expect(there?._id.toString()).toMatch(/^[0-9a-f]{24}$/);
      expect(there?._id.toString()).not.toBe(here._id.toString());
    } finally {
      await other.stop();
    }
  });
});
