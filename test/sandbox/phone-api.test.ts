import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../src/sandbox/call-driver.js';
import type { InboxMessage } from '../../src/sandbox/inbox.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
/** An administrator's API token: the sandbox API is authenticated like every other. */
let auth: { authorization: string };

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: { SEND_WINDOW: '00:00-24:00' } });
  auth = { authorization: `Bearer ${await sys.token('admin')}` };
});
afterAll(async () => {
  await sys?.stop();
});

async function post<T>(path: string, body: unknown = {}): Promise<{ status: number; data: T }> {
  const res = await fetch(`${sys.baseUrl}/sandbox/api${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, data: (await res.json()) as T };
}

const said = (call: CallView) => call.transcript.flatMap((e) => (e.kind === 'say' ? [e.text] : []));

describe('the sandbox phone API drives the real voice webhooks', () => {
  it('a call through language menu, agent leg, rating, solved and a recorded comment is stored', async () => {
    let { data: call } = await post<CallView>('/calls', {
      from: '0501230000',
      agent: 'a-9',
      ticket: 'T-PH-1',
    });
    expect(call.awaiting).toBe('keys');
    expect(said(call)).toContain('للعربية اضغط 1.');

    call = (await post<CallView>(`/calls/${call.sid}/keys`, { keys: '1' })).data;
    expect(call.awaiting).toBe('agent_ringing');
    call = (await post<CallView>(`/calls/${call.sid}/agent`, { action: 'answer' })).data;
    expect(call.awaiting).toBe('agent_talking');
    call = (await post<CallView>(`/calls/${call.sid}/agent`, { action: 'hang-up' })).data;
    expect(call.awaiting).toBe('keys');
    expect(said(call).at(-1)).toMatch(/قيم الموظف/);

    // '*' repeats, silence re-asks once, then the answers.
    call = (await post<CallView>(`/calls/${call.sid}/keys`, { keys: '*' })).data;
    call = (await post<CallView>(`/calls/${call.sid}/silence`)).data;
    expect(said(call).at(-1)).toMatch(/قيم الموظف/);
    call = (await post<CallView>(`/calls/${call.sid}/keys`, { keys: '51' })).data;
    expect(said(call).at(-1)).toMatch(/ملاحظة صوتية/);
    call = (await post<CallView>(`/calls/${call.sid}/keys`, { keys: '1' })).data;
    expect(call.awaiting).toBe('recording');
    call = (await post<CallView>(`/calls/${call.sid}/record/stop`, { seconds: 7 })).data;
    expect(call.status).toBe('completed');
    expect(said(call).at(-1)).toMatch(/شكرا لتقييمك/);
    // Every webhook was accepted: the signatures were right.
    const hooks = call.transcript.flatMap((e) => (e.kind === 'webhook' ? [[e.path, e.status]] : []));
    expect(hooks.every(([, status]) => status === 200 || status === 204)).toBe(true);
    expect(hooks.map(([path]) => path)).toContain('/voice/status');
    expect(hooks.map(([path]) => path)).toContain('/voice/recording');

    const rating = await eventually(
      async () => {
        const r = await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean();
        return r?.status === 'complete' && r.recording?.sid ? r : undefined;
      },
      { what: 'the stored rating' },
    );
    expect(rating).toMatchObject({ agentRating: 5, solvedOnCall: true, ticketRef: 'T-PH-1', agentId: 'a-9' });
    expect(rating.recording?.durationSec).toBe(7);
  });

  it('an agent who never answers gets an apology and no rating menu', async () => {
    let { data: call } = await post<CallView>('/calls', { from: '+966501230001' });
    call = (await post<CallView>(`/calls/${call.sid}/silence`)).data;
    expect(call.awaiting).toBe('agent_ringing');
    call = (await post<CallView>(`/calls/${call.sid}/agent`, { action: 'no-answer' })).data;
    expect(call.status).toBe('completed');
    expect(said(call).at(-1)).toMatch(/لم نتمكن/);
  });

  it('a reserved number fails on purpose: the inbox shows the late failure, the closure is undeliverable', async () => {
    const { data: listed } = await fetch(`${sys.baseUrl}/sandbox/api/magic-numbers`, { headers: auth }).then(
      async (r) => ({
        data: (await r.json()) as { numbers: { number: string; code: number }[] },
      }),
    );
    expect(listed.numbers).toContainEqual(expect.objectContaining({ number: '+15005550031', code: 30005 }));
    const ticket = {
      ref: 'T-PH-MAGIC',
      type: 'closed',
      agency: 'MOMAH',
      department: 'roads',
      agentId: 'a-9',
      citizenPhone: '+15005550031',
      language: 'en',
    };
    expect((await post('/tickets', ticket)).status).toBe(201);
    const { data: report } = await post<{ promoted: { kind: string }[] }>('/tickets/T-PH-MAGIC/due');
    expect(report.promoted.map((p) => p.kind)).toEqual(['send']);
    const failed = await eventually(
      async () => {
        const res = await fetch(
          `${sys.baseUrl}/sandbox/api/messages?phone=${encodeURIComponent('+15005550031')}`,
          { headers: auth },
        );
        const { messages } = (await res.json()) as { messages: InboxMessage[] };
        return messages.find((m) => m.status === 'failed');
      },
      { what: 'the failed message' },
    );
    expect(failed).toMatchObject({ direction: 'out', errorCode: 30005 });
    expect(failed.answerLinks).toHaveLength(1);
    const score = await eventually(
      async () => {
        const s = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'T-PH-MAGIC' }).lean();
        return s?.outcome === 'undeliverable' ? s : undefined;
      },
      { what: 'the undeliverable score' },
    );
    expect(score.delivered).toBe(false);
  });

  it('refuses what is not JSON, a malformed body and an unknown call', async () => {
    const form = await fetch(`${sys.baseUrl}/sandbox/api/calls`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'from=0501230000',
    });
    expect(form.status).toBe(415);
    expect((await post('/calls', { from: '05', extra: 1 })).status).toBe(422);
    expect((await post(`/calls/CA${'0'.repeat(32)}/keys`, { keys: '1' })).status).toBe(404);
  });
  it('refuses callers who are not signed in as an administrator', async () => {
    const anonymous = await fetch(`${sys.baseUrl}/sandbox/api/magic-numbers`);
    expect(anonymous.status).toBe(401);
    const call = await fetch(`${sys.baseUrl}/sandbox/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sys.token('manager')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: '0501230000' }),
    });
    expect(call.status).toBe(403);
    const page = await fetch(`${sys.baseUrl}/sandbox?lang=en`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fsandbox%3Flang%3Den');
  });
});
