import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainKeys } from '../../src/audit-chain/seal.js';
import { verifyChain } from '../../src/audit-chain/verify.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/** Real answers, through the answer page and SMS: sealed in the answers chain, origins kept as hashes. */
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys?.stop();
});

describe('answers as the integrity signals and the chain see them', () => {
  it('seals each applied answer and records where a tap came from, as keyed hashes only', async () => {
    const phone = '+966500000931';
    await ticketEvent(sys, token, 'AO-1', 'closed', { phone, language: 'en' });
    const [msg] = await waitForMessages(sys, phone, 1);
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'AO-1', state: 'awaiting_solved' }).lean()) ??
        undefined,
    );
    const path = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0];
    expect(path).toBeDefined();
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) TestAgent/42';
    const tap = await fetch(`${sys.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': ua },
      body: 'solved=1',
      redirect: 'manual',
    });
    expect(tap.status).toBe(303);
    // The rating arrives by SMS: same chain, no device.
    await reply(sys, phone, '4');

    const origins = await sys.ctx.models.AnswerOrigin.collection
      .find<{ channel: string; deviceHash?: string; networkHash?: string; secondsAfterSend?: number }>({
        agency: { $exists: true },
      })
      .toArray();
    expect(origins.map((o) => o.channel).sort()).toEqual(['sms', 'web']);
    const web = origins.find((o) => o.channel === 'web');
    expect(web?.deviceHash).toMatch(/^[0-9a-f]{32}$/);
    expect(web?.networkHash).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof web?.secondsAfterSend).toBe('number');
    const text = JSON.stringify(origins);
    for (const raw of [ua, 'TestAgent', '127.0.0.1', phone]) expect(text).not.toContain(raw);

    const entries = await sys.ctx.models.ChainEntry.collection.find({ chain: 'answers' }).toArray();
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain(phone);
    const report = await verifyChain(sys.ctx.models, chainKeys(sys.ctx.config), 'answers');
    expect(report).toMatchObject({ ok: true, entries: 2 });
    expect((await verifyChain(sys.ctx.models, chainKeys(sys.ctx.config), 'audit')).ok).toBe(true);
  });
});
