import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { DISPUTE_QUEUE, disputeJobId } from '../../src/followup/queue.js';
import { parseReply } from '../../src/followup/conversation/reply-parser.js';
import { followUpTexts } from '../../src/i18n/followup.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { drained, Processes } from './processes.js';

/**
 * Processes: the in-test web takes the webhooks (its only work is to queue them), two worker
 * processes apply them, twenty jobs at a time each. Fifty replies of one citizen then really are
 * decided at once by writers that share nothing but MongoDB, which is what the revision check is for.
 */

const CITIZENS = 8;
const REPLIES = 50;
let sys: TestSystem;
let procs: Processes;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
  procs = new Processes(sys);
  await Promise.all([procs.worker(), procs.worker()]);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

const phone = (i: number) => `+9665000052${String(i).padStart(2, '0')}`;
// Answers to every question, in both scripts and languages, and words that answer none; no keyword
// (STOP, HELP, START…), which would end the conversation rather than race it.
const WORDS = [
  '١',
  '5',
  'نعم',
  'لا',
  '٣',
  '2',
  'yes',
  'no',
  'ما انحلت',
  'تم',
  '٤',
  'مرحبا',
  'اتصلت مرتين',
  'okay?',
  '🙂',
  'طيب',
];

function bodies(): string[] {
  const list = Array.from({ length: REPLIES }, (_, i) => WORDS[i % WORDS.length] ?? '');
  // Some noise of its own per message, so no two replies are the same text.
  for (let i = WORDS.length; i < REPLIES; i += 3) list[i] = `كلام ${Math.random().toString(36).slice(2, 8)}`;
  return list.sort(() => Math.random() - 0.5);
}

interface Handled {
  sid: string;
  body: string;
  replies: string[];
  replySids: string[];
}

async function handled(sid: string, body: string): Promise<Handled> {
  const queue = sys.ctx.queues.get(INBOUND_QUEUE);
  return eventually(
    async () => {
      const state = await queue.getJobState(inboundJobId(sid));
      if (state === 'failed') {
        const job = await queue.getJob(inboundJobId(sid));
        throw new Error(`inbound ${sid} failed: ${job?.failedReason}`);
      }
      if (state !== 'completed') return undefined;
      const job = await queue.getJob(inboundJobId(sid));
      const value = job?.returnvalue as { replies: string[]; replySids: string[] } | undefined;
      return value ? { sid, body, ...value } : undefined;
    },
    { within: 'bulk', what: `inbound ${sid} handled` },
  );
}

const count = (list: Handled[], text: string) =>
  list.reduce((n, h) => n + h.replies.filter((r) => r === text).length, 0);

async function check(ref: string, citizen: string, list: Handled[]) {
  const ar = followUpTexts.ar;
  const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean<FollowUpDoc>();
  const score = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref }).lean();
  if (!f || !score) throw new Error(`${ref}: follow-up or score missing`);
  const ctx = `${ref}: ${JSON.stringify({ state: f.state, solved: f.solved, rating: f.rating, reason: f.reason, replies: list.map((h) => [h.body, ...h.replies]) })}`;

  // Each message stored at most once. One that found the conversation already over is kept nowhere
  // (answerInbound keeps replies only for an open follow-up) and answered "already answered", up to
  // the number's daily cap of automatic answers (issue 23, finding 9), then not at all; so between
  // the two, every one of the fifty is accounted for.
  const stored = await sys.ctx.models.FollowUpMessage.find({
    followUpId: f._id.toString(),
    direction: 'inbound',
  }).lean();
  const storedSids = new Set(stored.map((m) => m.sid));
  expect(stored.length, ctx).toBe(storedSids.size);
  for (const h of list) {
    const toldOrCapped =
      h.replies.length === 0 || (h.replies.length === 1 && h.replies[0] === ar.alreadyAnswered(ref));
    const foundItOver = f.state === 'completed' && toldOrCapped;
    expect(storedSids.has(h.sid) || foundItOver, `${ctx} ${h.sid}`).toBe(true);
    expect(storedSids.has(h.sid) ? stored.find((m) => m.sid === h.sid)?.body : h.body, ctx).toBe(h.body);
  }
  expect(
    [...storedSids].every((sid) => list.some((h) => h.sid === sid)),
    ctx,
  ).toBe(true);

  // One coherent conversation: "solved?" answered once, then each step in order, none skipped.
  expect(typeof f.solved, ctx).toBe('boolean');
  expect(['awaiting_rating', 'awaiting_reason', 'completed'], ctx).toContain(f.state);
  expect(f.outcome, ctx).toBe(f.solved ? 'confirmed_solved' : 'disputed');
  expect(f.answeredAt, ctx).toBeInstanceOf(Date);
  if (f.state === 'awaiting_rating') expect(f.rating, ctx).toBeUndefined();
  if (f.state !== 'awaiting_rating') expect(f.rating, ctx).toBeGreaterThan(0);
  if (f.state === 'awaiting_reason') expect(f.solved, ctx).toBe(false);
  if (f.reason !== undefined) expect([f.solved, f.state], ctx).toEqual([false, 'completed']);
  if (f.state === 'completed' && !f.solved) expect(f.reason, ctx).toBeDefined();
  if (f.rating !== undefined) {
    const ratings = list.flatMap((h) => {
      const p = parseReply(h.body, 'rating');
      return p.kind === 'rating' ? [p.value] : [];
    });
    expect(ratings, ctx).toContain(f.rating);
  }
  expect(f.effectsPending, ctx).toBeUndefined();

  // The replies are the conversation's, each said as often as it can be said: the question that
  // follows an answer once, a clarification and a "comment noted" at most once per question.
  for (const h of list) expect(h.replies.length, ctx).toBeLessThanOrEqual(1);
  expect(count(list, ar.askRating()), ctx).toBe(1);
  expect(count(list, ar.askReason()), ctx).toBe(f.solved === false && f.rating !== undefined ? 1 : 0);
  expect(count(list, ar.thanksSolved()) + count(list, ar.thanksDisputed()), ctx).toBe(
    f.state === 'completed' ? 1 : 0,
  );
  for (const key of ['clarifySolved', 'clarifyRating', 'clarifyReason'] as const)
    expect(count(list, ar[key]()), ctx).toBeLessThanOrEqual(1);
  expect(count(list, ar.commentNoted()), ctx).toBeLessThanOrEqual(3);
  if (f.state !== 'completed') expect(count(list, ar.alreadyAnswered(ref)), ctx).toBe(0);
  expect(count(list, ar.alreadyAnswered(ref)), ctx).toBeLessThanOrEqual(
    sys.ctx.config.followUp.autoRepliesPerDay,
  );

  // What reached the number is the first message and exactly those replies, each once.
  const sent = sys.ctx.sandbox?.listMessages({ to: citizen }) ?? [];
  const replySids = list.flatMap((h) => h.replySids);
  expect(sent.length, ctx).toBe(1 + replySids.length);
  for (const h of list)
    expect(
      h.replySids.map((sid) => sent.find((m) => m.sid === sid)?.body),
      ctx,
    ).toEqual(h.replies);

  // The score agrees with the follow-up, at its revision; a dispute is queued iff disputed.
  expect(score, ctx).toMatchObject({
    solved: f.solved,
    outcome: f.outcome,
    followUpRevision: f.revision,
    ...(f.rating !== undefined ? { rating: f.rating } : {}),
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    ...(f.comment !== undefined ? { comment: f.comment } : {}),
  });
  if (f.rating === undefined) expect(score.rating, ctx).toBeUndefined();
  const dispute = await sys.ctx.queues.get(DISPUTE_QUEUE).getJob(disputeJobId(ref, 1));
  expect(dispute !== undefined, ctx).toBe(f.outcome === 'disputed');
}

describe('fifty replies from one number at once', () => {
  it('stores each once, answers each at most once, and ends in one coherent conversation', async () => {
    const apiToken = await sys.token('ticket_system');
    for (let i = 0; i < CITIZENS; i++)
      await ticketEvent(sys, apiToken, `RM-${i}`, 'closed', { phone: phone(i) });
    await Promise.all(
      Array.from({ length: CITIZENS }, async (_, i) => {
        await waitForMessages(sys, phone(i), 1, 'bulk');
        await eventually(
          async () =>
            (await sys.ctx.models.FollowUp.exists({ ticketRef: `RM-${i}`, state: 'awaiting_solved' })) ??
            undefined,
          { within: 'bulk', what: `RM-${i} sent` },
        );
      }),
    );

    // Every reply of every citizen posted at once.
    const posted = await Promise.all(
      Array.from({ length: CITIZENS }, (_, i) =>
        Promise.all(
          bodies().map(async (body) => {
            const { sid, res } = await postInbound(sys, phone(i), body);
            expect(res.status).toBe(200);
            return { sid, body };
          }),
        ),
      ),
    );
    const results = await Promise.all(
      posted.map((list) => Promise.all(list.map(({ sid, body }) => handled(sid, body)))),
    );
    const inbound = sys.ctx.queues.get(INBOUND_QUEUE);
    await drained(inbound, 'inbound');
    await drained(sys.ctx.queues.get(DISPUTE_QUEUE), 'dispute webhooks');
    expect(await inbound.getJobCounts('completed', 'failed')).toEqual({
      completed: CITIZENS * REPLIES,
      failed: 0,
    });
    // A job that had to retry would be a crash hidden by BullMQ: none did.
    const retried = (await inbound.getCompleted(0, -1)).filter((j) => j.attemptsMade > 1);
    expect(retried.map((j) => `${j.id}: ${j.attemptsMade}`)).toEqual([]);

    for (const [i, list] of results.entries()) await check(`RM-${i}`, phone(i), list);
  });
});
