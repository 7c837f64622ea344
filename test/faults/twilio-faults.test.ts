import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, ticketEvent } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Processes } from '../races/processes.js';
import { allSent, answerAllAndCheck, expectOneMessageEach } from './outcomes.js';

/**
 * The Twilio stand-in answering 429 (code 20429), 500 (code 20500), timing out, and accepting a
 * message but losing the answer, while a worker *process* sends: every closure is sent once, and
 * answered, whatever Twilio did to the first attempts.
 */

const CLOSURES = 16;
const PREFIX = '+9665000041';
let sys: TestSystem;
let procs: Processes;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
  // The SDK gives up after a second, so a held request costs the test one second, not fifteen.
  procs = new Processes(sys, { TWILIO_TIMEOUT_MS: '1000', REMINDER_AFTER_HOURS: '0' });
  await procs.worker();
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

const phone = (i: number) => `${PREFIX}${String(i).padStart(2, '0')}`;
const ref = (i: number) => `TF-${i}`;

describe('the Twilio API failing under the sender', () => {
  it('the control endpoint takes a plan only with the stand-in account, and validates it', async () => {
    const url = `${sys.baseUrl}/__twilio/faults`;
    const { accountSid, authToken } = sys.ctx.config.twilio;
    const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    const post = (body: unknown, headers: Record<string, string> = { authorization: auth }) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({ kind: 'rate_limited', count: 1 }, {})).status).toBe(401);
    expect((await post({ kind: 'meteor', count: 1 })).status).toBe(400);
    const res = await post({ kind: 'rate_limited', count: 2, toPrefix: '+1999' });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { pending: number }).pending).toBe(2);
    const cleared = await fetch(url, { method: 'DELETE', headers: { authorization: auth } });
    expect(((await cleared.json()) as { pending: number }).pending).toBe(0);
  });

  it('sends each closure once through 429s, 500s, timeouts and lost answers, and keeps every answer', async () => {
    const faults = sys.ctx.sandbox?.faults;
    if (!faults) throw new Error('the test system has no Twilio stand-in');
    faults.inject({ kind: 'rate_limited', count: 5, toPrefix: PREFIX });
    faults.inject({ kind: 'server_error', count: 5, toPrefix: PREFIX });
    faults.inject({ kind: 'timeout', count: 3, toPrefix: PREFIX, delayMs: 5_000 });
    faults.inject({ kind: 'lost_response', count: 4, toPrefix: PREFIX });

    const token = await sys.token('ticket_system');
    const refs = Array.from({ length: CLOSURES }, (_, i) => ref(i));
    const phones = Array.from({ length: CLOSURES }, (_, i) => phone(i));
    await Promise.all(refs.map((r, i) => ticketEvent(sys, token, r, 'closed', { phone: phones[i] })));

    await allSent(sys, refs);
    // Every planned fault was served: the sends above went through all of them.
    await eventually(() => Promise.resolve(faults.status().pending === 0 ? true : undefined), {
      what: 'every fault served',
    });
    expect(faults.status().served).toEqual({
      rate_limited: 5,
      server_error: 5,
      timeout: 3,
      lost_response: 4,
    });
    // The follow-ups that met a refusal say which code Twilio gave.
    const codes = await sys.ctx.models.FollowUp.distinct('lastErrorCode', { ticketRef: { $in: refs } });
    expect(codes).toEqual(expect.arrayContaining([20429, 20500]));

    await expectOneMessageEach(sys, phones);
    await answerAllAndCheck(sys, phones);
  });
});
