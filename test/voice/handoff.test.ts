import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFromUui } from '../../src/voice/handoff.js';
import { Call, type TwimlView } from '../support/voice.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Post-call surveys after calls another platform carried (Genesys Cloud, Amazon Connect, Avaya,
 * Cisco): the transfer to our number names the agent by SIP headers, by a User-to-User header or by
 * a code the platform sends as digits; each answer must be stored against that agent and ticket.
 */

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { VOICE_RETRY_MS: '100' } });
  token = await sys.token('ticket_system');
  await sys.ctx.models.Agent.create({
    agentId: 'g-7',
    agency: 'hrsd',
    department: 'labour',
    dialTarget: 'sip:g-7@pbx.example',
  });
});
afterAll(async () => {
  await sys.stop();
});

async function handoffCode(body: Record<string, string>): Promise<string> {
  const res = await sys.api('/api/voice/handoffs', { token, body });
  expect(res.status).toBe(201);
  const json = (await res.json()) as { code: string; sipHeaders: Record<string, string> };
  expect(json.code).toMatch(/^\d{6}$/);
  expect(json.sipHeaders['X-Verisat-Handoff']).toBe(json.code);
  return json.code;
}

/** Rates the agent 4 at the first question, then hangs up; returns the stored rating. */
async function rateAndStore(call: Call, first: TwimlView) {
  expect(first.gather?.action).toContain('s=agent_rating');
  await call.press(first, '4');
  await call.hangUp(20);
  return eventually(
    async () => {
      const r = await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean();
      return r?.finalisedAt ? r : undefined;
    },
    { what: 'the finalised rating' },
  );
}

describe('a transfer from another platform names the agent and the ticket', () => {
  it('by SIP headers (Twilio passes them as SipHeader_X-… parameters)', async () => {
    const call = new Call(sys);
    const first = await call.post('/voice/transfer', {
      'SipHeader_X-Verisat-Agent': 'g-7',
      'SipHeader_X-Verisat-Ticket': 'HR-5512',
      'SipHeader_X-Verisat-Lang': 'en-US',
    });
    expect(first.says[0]?.language).toBe('en-US');
    expect(await rateAndStore(call, first)).toMatchObject({
      agentId: 'g-7',
      ticketRef: 'HR-5512',
      agency: 'hrsd',
      language: 'en',
      agentRating: 4,
    });
  });

  it('by a code in the X-Verisat-Handoff header, used once', async () => {
    const code = await handoffCode({ agentId: 'g-7', ticketRef: 'HR-5513' });
    const call = new Call(sys);
    const first = await call.post('/voice/rating', { 'SipHeader_X-Verisat-Handoff': code });
    expect(await rateAndStore(call, first)).toMatchObject({
      agentId: 'g-7',
      ticketRef: 'HR-5513',
      language: 'ar',
    });

    // The same code on another call names nobody: a replayed code must not credit the agent again.
    const again = new Call(sys);
    const stored = await rateAndStore(
      again,
      await again.post('/voice/rating', { 'SipHeader_X-Verisat-Handoff': code }),
    );
    expect(stored.agentId ?? null).toBeNull();
    expect(stored.ticketRef ?? null).toBeNull();
  });

  it('by a code in the User-to-User header, hex-encoded as Avaya and Cisco send it', async () => {
    const code = await handoffCode({ agentId: 'g-7', ticketRef: 'HR-5514', language: 'en' });
    const uui = `${Buffer.from(`verisat=${code}`).toString('hex')};encoding=hex;purpose=isdn-uui`;
    const call = new Call(sys);
    const first = await call.post('/voice/rating', { 'SipHeader_User-to-User': uui });
    expect(await rateAndStore(call, first)).toMatchObject({
      agentId: 'g-7',
      ticketRef: 'HR-5514',
      language: 'en',
    });
  });

  it('by digits the platform sends once the transfer connects (a PSTN transfer carries no headers)', async () => {
    const code = await handoffCode({ agentId: 'g-7', ticketRef: 'HR-5515' });
    const call = new Call(sys);
    const listen = await call.post('/voice/transfer');
    // A silent, short wait for the code: no prompt the caller would take as a question to answer.
    expect(listen.says).toEqual([]);
    expect(listen.gather).toMatchObject({ numDigits: '6', timeout: '3' });
    const first = await call.press(listen, code);
    expect(await rateAndStore(call, first)).toMatchObject({ agentId: 'g-7', ticketRef: 'HR-5515' });
  });

  it('with nothing sent, the caller still gets the menu and the rating is kept unattributed', async () => {
    const call = new Call(sys);
    const listen = await call.post('/voice/transfer');
    const stored = await rateAndStore(call, await call.press(listen, ''));
    expect(stored.agentRating).toBe(4);
    expect(stored.agentId ?? null).toBeNull();
  });

  it('refuses an unsigned transfer with nothing stored', async () => {
    const call = new Call(sys);
    const res = await sys.postTwilio(
      '/voice/rating',
      { CallSid: call.sid, 'SipHeader_X-Verisat-Agent': 'g-7' },
      { signature: 'not-a-signature' },
    );
    expect(res.status).toBe(403);
    expect(await sys.ctx.models.PostCallRating.countDocuments({ callSid: call.sid })).toBe(0);
  });

  it('gives codes only to a ticket system or admin token', async () => {
    const auditor = await sys.token('auditor');
    expect((await sys.api('/api/voice/handoffs', { token: auditor, body: { agentId: 'g-7' } })).status).toBe(
      403,
    );
    expect((await sys.api('/api/voice/handoffs', { body: { agentId: 'g-7' } })).status).toBe(401);
    expect((await sys.api('/api/voice/handoffs', { token, body: { agentId: '<b>' } })).status).toBe(422);
  });
});

describe('reading the code from a User-to-User header', () => {
  it('takes hex (RFC 7433) or plain text, the digits alone or after verisat=', () => {
    expect(codeFromUui(`${Buffer.from('123456').toString('hex')};encoding=hex`)).toBe('123456');
    expect(codeFromUui('verisat=654321')).toBe('654321');
    expect(codeFromUui('123456')).toBe('123456');
    expect(codeFromUui('verisat=12345')).toBeUndefined();
    expect(codeFromUui('zz;encoding=hex')).toBeUndefined();
  });
});
