import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, postInbound, reply, ticketEvent } from '../support/followup.js';
import { startOwnMongo, type OwnMongo } from '../support/own-mongo.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Call } from '../support/voice.js';
import { Processes } from '../races/processes.js';
import { allSent, expectFinal, expectOneMessageEach } from './outcomes.js';

/**
 * The database stopped while calls are being rated and citizens reply, with the answers applied by a
 * worker *process* (test/voice/mongo-outage.test.ts and test/followup/inbound-outage.test.ts show
 * each flow in one process): callers finish their menus, replies are taken, the ticket system is told
 * to retry, and once MongoDB is back every answer lands once.
 */

const CLOSURES = 5;
const CALLS = 3;
let mongo: OwnMongo;
let sys: TestSystem;
let procs: Processes;

beforeAll(async () => {
  mongo = await startOwnMongo();
  const env = { ...FAST_FOLLOWUP_ENV, VOICE_RETRY_MS: '200', REMINDER_AFTER_HOURS: '0' };
  sys = await startTestSystem({ mongoUrl: mongo.url, workers: false, env });
  procs = new Processes(sys, { ...env, MONGODB_URI: `${mongo.url}${sys.dbName}` });
  await procs.worker();
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
  await mongo?.remove();
});

const phone = (i: number) => `+9665000044${String(i).padStart(2, '0')}`;

describe('MongoDB stopped during calls and replies, with a worker process', () => {
  it('loses no key press and no reply, and answers the ticket system 503 meanwhile', async () => {
    const token = await sys.token('ticket_system');
    const refs = Array.from({ length: CLOSURES }, (_, i) => `MS-${i}`);
    const phones = refs.map((_, i) => phone(i));
    for (const [i, ref] of refs.entries()) await ticketEvent(sys, token, ref, 'closed', { phone: phones[i] });
    await allSent(sys, refs);
    await expectOneMessageEach(sys, phones);

    const calls = Array.from({ length: CALLS }, () => new Call(sys));
    const firstSteps = await Promise.all(
      calls.map(async (c, i) =>
        c.press(await c.post(`/voice/rating?agent=a-${i}&ticket=MS-${i}&lang=ar`), '4'),
      ),
    );

    await mongo.stop();
    // Callers finish the menu: no step reads the database.
    for (const [i, c] of calls.entries()) {
      const step = firstSteps[i];
      if (!step) throw new Error('missing call step');
      const next = await c.press(step, '1');
      expect(next.status).toBe(200);
      const end = await c.press(next, '2');
      expect(end.hangup).toBe(true);
      await c.hangUp(40 + i);
    }
    // Citizens reply "solved": taken at once and queued for when the database is back.
    const replies = await Promise.all(phones.map((p) => postInbound(sys, p, '1')));
    expect(replies.map((r) => r.res.status)).toEqual(phones.map(() => 200));
    // The ticket system is told to come back, not that the event failed.
    const refused = await sys.api('/api/tickets/MS-X/events', {
      token,
      body: {
        eventId: 'ev-ms-x',
        type: 'closed',
        at: new Date().toISOString(),
        agency: 'momrah',
        department: 'roads',
        agentId: 'agent-42',
        citizenPhone: '+966500004499',
      },
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');

    await mongo.restart();
    for (const c of calls) {
      await eventually(
        async () => {
          const doc = await sys.ctx.models.PostCallRating.findOne({ callSid: c.sid }).lean();
          return doc?.status === 'complete' && doc.answers.length === 3 ? true : undefined;
        },
        { within: 'bulk', what: `call ${c.sid} stored after MongoDB came back` },
      );
    }
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.countDocuments({
          citizenPhone: { $in: phones },
          state: 'awaiting_rating',
        })) === CLOSURES
          ? true
          : undefined,
      { within: 'bulk', what: 'every reply applied after MongoDB came back' },
    );
    for (const p of phones) await reply(sys, p, '5');
    await expectFinal(sys, phones, 'confirmed_solved');
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ direction: 'inbound' })).toBe(CLOSURES * 2);
  });
});
