import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnMongo, type OwnMongo } from '../support/own-mongo.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Call } from '../support/voice.js';

// This file stops and restarts its own MongoDB-wire server, on the same port and data folder.
let mongo: OwnMongo;
let sys: TestSystem;

beforeAll(async () => {
  mongo = await startOwnMongo();
  sys = await startTestSystem({ workers: true, mongoUrl: mongo.url, env: { VOICE_RETRY_MS: '200' } });
});
afterAll(async () => {
  await sys.stop();
  await mongo.remove();
});

describe('MongoDB stopped in the middle of a call', () => {
  it('the caller completes the menu, and every answer reaches MongoDB once it is back', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?agent=a-7&ticket=T-77&lang=ar');
    const q2 = await call.press(q1, '4');
    await eventually(async () =>
      (await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean())?.agentRating === 4
        ? true
        : undefined,
    );

    await mongo.stop();
    const q3 = await call.press(q2, '2');
    expect(q3.status).toBe(200);
    expect(q3.says[0]?.text).toContain('ملاحظة صوتية');
    const end = await call.press(q3, '2');
    expect(end.hangup).toBe(true);
    expect(end.says[0]?.text).toContain('شكرا لتقييمك');
    await call.hangUp(33);

    await mongo.restart();
    const r = await eventually(
      async () => {
        const doc = await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean();
        return doc?.status === 'complete' && doc.answers.length === 3 ? doc : undefined;
      },
      { within: 'bulk', what: 'answers stored after MongoDB came back' },
    );
    expect(r).toMatchObject({ agentRating: 4, solvedOnCall: false, callDurationSec: 33 });
  });
});
