import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { DISPUTE_QUEUE, disputeJobId } from '../../src/followup/queue.js';
import { answerPageTexts, followUpTexts } from '../../src/i18n/followup.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { drained, Processes } from './processes.js';

/**
 * Processes: the in-test web (holds the Twilio stand-in, takes the SMS webhook and the status
 * callback), a second web process (takes the tap and the reopen), and two worker processes (send the
 * follow-ups and apply the SMS replies). So the writers of one follow-up sit in three processes with
 * their own connection pools, as they do in production, and no event-loop ordering can hide a race.
 */

const ROUNDS = 10;
let sys: TestSystem;
let procs: Processes;
let web2: string;
let apiToken: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
  procs = new Processes(sys);
  [web2] = await Promise.all([procs.web(), procs.worker(), procs.worker()]);
  apiToken = await sys.token('ticket_system');
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

const ar = followUpTexts.ar;
const phone = (i: number) => `+9665000051${String(i).padStart(2, '0')}`;

interface Round {
  ref: string;
  phone: string;
  link: string;
  initialSid: string;
}

async function sentFollowUp(i: number): Promise<Round> {
  const ref = `RA-${i}`;
  const [first] = await waitForMessages(sys, phone(i), 1, 'bulk');
  await eventually(
    async () =>
      (await sys.ctx.models.FollowUp.exists({ ticketRef: ref, state: 'awaiting_solved' })) ?? undefined,
    { within: 'bulk', what: `${ref} awaiting an answer` },
  );
  const path = /\/f\/[A-Za-z0-9_-]{32}/.exec(first?.body ?? '')?.[0];
  if (!first || !path) throw new Error(`${ref}: no answer link in the first message`);
  return { ref, phone: phone(i), link: `${web2}${path}`, initialSid: first.sid };
}

async function race(r: Round) {
  const [sms, tap, status, reopen] = await Promise.all([
    postInbound(sys, r.phone, 'لا'),
    // fetch follows the 303 with a GET: `page` is what the citizen sees after tapping.
    fetch(r.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'solved=1',
    }),
    sys.postTwilio('/sms/status', {
      MessageSid: r.initialSid,
      MessageStatus: 'delivered',
      AccountSid: sys.ctx.config.twilio.accountSid,
    }),
    fetch(`${web2}/api/tickets/${r.ref}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiToken}`,
        'content-type': 'application/json',
        prefer: 'return=representation',
      },
      body: JSON.stringify({
        eventId: `reopen-${r.ref}`,
        type: 'reopened',
        at: new Date().toISOString(),
        agency: 'momrah',
        department: 'roads',
        agentId: 'agent-42',
        citizenPhone: r.phone,
        language: 'ar',
      }),
    }),
  ]);
  return { sms, page: { status: tap.status, html: await tap.text() }, status, reopen };
}

describe('one follow-up answered on every channel at once while its ticket is reopened', () => {
  it('keeps exactly one answer, agreed by the follow-up, its score, its messages and its jobs', async () => {
    for (let i = 0; i < ROUNDS; i++)
      await ticketEvent(sys, apiToken, `RA-${i}`, 'closed', { phone: phone(i) });
    const rounds = await Promise.all(Array.from({ length: ROUNDS }, (_, i) => sentFollowUp(i)));

    // Every request of every round at once.
    const results = await Promise.all(rounds.map(race));

    const inbound = sys.ctx.queues.get(INBOUND_QUEUE);
    const disputes = sys.ctx.queues.get(DISPUTE_QUEUE);
    for (const res of results) {
      expect(res.sms.res.status).toBe(200);
      expect(res.status.status).toBe(204);
      expect([200, 201]).toContain(res.reopen.status);
    }
    const smsReplies = await Promise.all(
      results.map(({ sms }) =>
        eventually(
          async () => {
            const state = await inbound.getJobState(inboundJobId(sms.sid));
            if (state === 'failed') throw new Error(`inbound ${sms.sid} failed`);
            if (state !== 'completed') return undefined;
            const job = await inbound.getJob(inboundJobId(sms.sid));
            return job?.returnvalue as { replies: string[]; replySids: string[] };
          },
          { within: 'bulk', what: `inbound ${sms.sid} handled` },
        ),
      ),
    );
    await drained(inbound, 'inbound');
    await drained(disputes, 'dispute webhooks');

    for (const [i, r] of rounds.entries()) {
      const res = results[i];
      const handled = smsReplies[i];
      if (!res || !handled) throw new Error(`round ${i} has no result`);
      const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: r.ref }).lean();
      const score = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: r.ref }).lean();
      const ticket = await sys.ctx.models.Ticket.findById(r.ref).lean();
      if (!f || !score || !ticket) throw new Error(`${r.ref}: follow-up, score or ticket missing`);
      const ctx = `${r.ref}: ${JSON.stringify({ state: f.state, solved: f.solved, outcome: f.outcome, channel: f.channel, replies: handled.replies })}`;

      // The reopen landed, and (the question already out) cancelled nothing: syncFollowUps only
      // cancels what is still scheduled or sending, so the answer given stands.
      expect(ticket.status, ctx).toBe('open');
      expect(
        ticket.closures.map((c) => Boolean(c.reopenedAt)),
        ctx,
      ).toEqual([true]);

      // One answer to "solved?": the SMS said no, the tap said yes; whichever was stored first is
      // the outcome, on its own channel, and the other changed nothing of it.
      expect(f.state, ctx).toBe('awaiting_rating');
      expect(typeof f.solved, ctx).toBe('boolean');
      expect(f.outcome, ctx).toBe(f.solved ? 'confirmed_solved' : 'disputed');
      expect(f.channel, ctx).toBe(f.solved ? 'web' : 'sms');
      expect(f.answeredAt, ctx).toBeInstanceOf(Date);
      expect(f.effectsPending, ctx).toBeUndefined();

      // The score says the same, at the follow-up's own revision, and the late callback counted.
      expect(score, ctx).toMatchObject({
        solved: f.solved,
        outcome: f.outcome,
        channel: f.channel,
        sent: true,
        delivered: true,
        followUpRevision: f.revision,
      });
      expect(score.rating, ctx).toBeUndefined();

      // The SMS reply stored once, and its sender told where the conversation stands: asked for
      // the rating when "no" won; when the tap won, "لا" is read against the rating question and
      // the rating is asked again.
      expect(
        await sys.ctx.models.FollowUpMessage.countDocuments({ sid: res.sms.sid, direction: 'inbound' }),
        ctx,
      ).toBe(1);
      expect(
        await sys.ctx.models.FollowUpMessage.countDocuments({
          followUpId: f._id.toString(),
          direction: 'inbound',
        }),
        ctx,
      ).toBe(1);
      expect(handled.replies, ctx).toEqual([f.solved ? ar.clarifyRating() : ar.askRating()]);
      const sent = sys.ctx.sandbox?.listMessages({ to: r.phone }) ?? [];
      expect(
        sent.filter((m) => handled.replySids.includes(m.sid)).map((m) => m.body),
        ctx,
      ).toEqual(handled.replies);
      // One initial message and the one answer: nothing else reached the citizen.
      expect(sent, ctx).toHaveLength(2);

      // The tap's page shows the answer as stored (whoever won), not an error.
      expect(res.page.status, ctx).toBe(200);
      const t = answerPageTexts.ar;
      expect(res.page.html, ctx).toContain(`<dd>${f.solved ? t.solvedLabel : t.notSolvedLabel}</dd>`);
      expect(res.page.html, ctx).toContain(t.ratingQuestion);

      // The dispute webhook is queued for a dispute, and only then.
      const dispute = await disputes.getJob(disputeJobId(r.ref, 1));
      expect(dispute !== undefined, ctx).toBe(f.outcome === 'disputed');
    }
    expect(await sys.ctx.models.FollowUp.countDocuments({ effectsPending: true })).toBe(0);
  });
});
