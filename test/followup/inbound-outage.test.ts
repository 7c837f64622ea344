import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { followUpTexts } from '../../src/i18n/followup.js';
import { FAST_FOLLOWUP_ENV, postInbound } from '../support/followup.js';
import { startOwnMongo, type OwnMongo } from '../support/own-mongo.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// This file stops and restarts its own MongoDB-wire server, on the same port and data folder.
let mongo: OwnMongo;
let sys: TestSystem;

beforeAll(async () => {
  mongo = await startOwnMongo();
  sys = await startTestSystem({ workers: true, mongoUrl: mongo.url, env: FAST_FOLLOWUP_ENV });
});
afterAll(async () => {
  await sys.stop();
  await mongo.remove();
});

async function awaitingFollowUp(ref: string, phone: string): Promise<void> {
  const now = new Date();
  const closure = {
    ticketRef: ref,
    closureNumber: 1,
    agency: 'momrah',
    department: 'roads',
    agentId: 'agent-42',
    closedAt: now,
  };
  // Stored as the scheduler and the sender store a sent follow-up: its score, then the follow-up.
  await sys.ctx.models.VerifiedScore.create({ ...closure, day: '2026-11-22', sent: true });
  await sys.ctx.models.FollowUp.create({
    ...closure,
    citizenPhone: phone,
    language: 'ar',
    state: 'awaiting_solved',
    channel: 'sms',
    jobId: `fu-send-${ref}-1`,
    sendAt: now,
    sentAt: now,
  });
}

const inbound = async (sid: string, from: string, body: string) =>
  (await postInbound(sys, from, body, { sid })).res;

describe('inbound replies are queued, not handled in the webhook', () => {
  it('a reply that arrives while MongoDB is down is answered, and applied, once it is back', async () => {
    const phone = '+966500000901';
    await awaitingFollowUp('O-1', phone);
    await mongo.stop();
    const sid = `SM${'a'.repeat(32)}`;
    const res = await inbound(sid, phone, 'نعم');
    // Twilio hears back at once, and does not retry a webhook: the job is what keeps the reply.
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('<Message>');

    await mongo.restart();
    const followUp = await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-1' }).lean();
        return f?.solved === true ? f : undefined;
      },
      { within: 'bulk', what: 'the reply applied after MongoDB came back' },
    );
    expect(followUp.state).toBe('awaiting_rating');
    const answers = await eventually(() => {
      const list = sys.ctx.sandbox?.listMessages({ to: phone }) ?? [];
      return Promise.resolve(list.length > 0 ? list : undefined);
    });
    expect(answers).toHaveLength(1);
    expect(answers[0]?.body).toBe(followUpTexts.ar.askRating());
  });

  it('the same webhook delivered twice is answered once', async () => {
    const phone = '+966500000902';
    await awaitingFollowUp('O-2', phone);
    const sid = `SM${'b'.repeat(32)}`;
    const [a, b] = await Promise.all([inbound(sid, phone, '2'), inbound(sid, phone, '2')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await eventually(async () =>
      (await sys.ctx.queues.get(INBOUND_QUEUE).getJobState(inboundJobId(sid))) === 'completed'
        ? true
        : undefined,
    );
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-2' }).lean();
    expect(f).toMatchObject({ solved: false, state: 'awaiting_rating' });
    const sent = sys.ctx.sandbox?.listMessages({ to: phone }) ?? [];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toBe(followUpTexts.ar.askRating());
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ sid })).toBe(1);
  });

  it('a retry of a job that stored the reply but died before applying it applies it once', async () => {
    const phone = '+966500000903';
    await awaitingFollowUp('O-3', phone);
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-3' }).lean();
    const sid = `SM${'c'.repeat(32)}`;
    // What the first attempt left: the reply stored, the answer not applied.
    await sys.ctx.models.FollowUpMessage.create({
      _id: sid,
      followUpId: f?._id.toString(),
      direction: 'inbound',
      kind: 'reply',
      sid,
      body: 'نعم',
    });
    await inbound(sid, phone, 'نعم');
    const applied = await eventually(async () => {
      const now = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-3' }).lean();
      return now?.solved === true ? now : undefined;
    });
    expect(applied).toMatchObject({ state: 'awaiting_rating', clarificationsSent: 0 });
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ sid })).toBe(1);

    // And once applied, the same message handled again (a job retried after its answer landed)
    // changes nothing: read against the rating question, "نعم" would ask for a clarification.
    const again = await sys.ctx.queues
      .get(INBOUND_QUEUE)
      .add('inbound', { sid, from: phone, body: 'نعم' }, { jobId: `retry-${sid}` });
    const result = await eventually(async () =>
      (await again.getState()) === 'completed'
        ? ((await sys.ctx.queues.get(INBOUND_QUEUE).getJob(`retry-${sid}`))?.returnvalue as unknown)
        : undefined,
    );
    expect(result).toEqual({ replies: [], replySids: [] });
    expect(await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-3' }).lean()).toMatchObject({
      state: 'awaiting_rating',
      clarificationsSent: 0,
      revision: applied.revision,
    });
  });
});
