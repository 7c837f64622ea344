import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, ticketEvent, waitForMessages } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 17, finding 8: the answer page limits guesses at tokens, per address, and only failures count.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    // The test client is the proxy on loopback that says which address each request comes from.
    env: { ...FAST_FOLLOWUP_ENV, ANSWER_PAGE_GUESSES: '5', TRUST_PROXY: 'loopback' },
  });
});
afterAll(async () => {
  await sys.stop();
});

const from = (address: string, path: string, init: RequestInit = {}) =>
  fetch(`${sys.baseUrl}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...init.headers, 'x-forwarded-for': address },
  });

describe('answer link guesses', () => {
  it('are refused with 429 after the limit, while a real link keeps working, from the guessing address too', async () => {
    await ticketEvent(sys, await sys.token('ticket_system'), 'G-1', 'closed', { phone: '+966500000881' });
    const [msg] = await waitForMessages(sys, '+966500000881', 1);
    const link = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0];
    if (!link) throw new Error('no answer link in the message');

    // A citizen opening their own link, again and again, is never counted.
    for (let i = 0; i < 8; i++) expect((await from('203.0.113.10', link)).status).toBe(200);

    const guesses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const guess = `/f/${String(i).padStart(2, '0')}${'A'.repeat(30)}`;
      guesses.push((await from('203.0.113.20', guess)).status);
    }
    expect(guesses).toEqual([404, 404, 404, 404, 404, 429, 429, 429]);
    // Issue 23, finding 4: the guesser's address may be a carrier's, shared by a neighbourhood. A link
    // that verifies is still served from it, and an answer through it is taken…
    const served = await from('203.0.113.20', link);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('G-1');
    const answered = await from('203.0.113.20', link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'solved=1',
    });
    expect(answered.status).toBe(303);
    expect(
      await sys.ctx.models.FollowUp.findOne({ ticketRef: 'G-1' })
        .lean()
        .then((f) => f?.solved),
    ).toBe(true);
    // …while a further guess from it is still refused.
    const refused = await from('203.0.113.20', `/f/99${'A'.repeat(30)}`);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('محاولات كثيرة');

    // Another address reads the answered link as before.
    const page = await from('203.0.113.10', link);
    expect(page.status).toBe(200);
  });
});
