import http from 'node:http';
import { fc } from '../support/fast-check.js';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { FAST_FOLLOWUP_ENV, ticketEvent, waitForMessages } from '../support/followup.js';
import { logSink } from '../support/log-sink.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 16, item 5: forged and replayed signatures, oversized bodies, NoSQL operators in every
// field, path traversal in export names, another agency's data, secrets in logs and error bodies.
// (Formula injection in exports: test/reports/exports.test.ts; sign-in limits: test/auth/login-limits.test.ts.)
const PASSWORD = 'correct horse battery staple';
const PHONE = '+966501117000';
const { lines, sink } = logSink();
let sys: TestSystem;
let admin: string;
let answerPath = '';

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, LOG_LEVEL: 'debug' },
    logDestination: sink,
  });
  admin = await sys.token('admin');
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  await createUser(sys.ctx.models, {
    username: 'momah.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'MOMAH',
  });
  await createUser(sys.ctx.models, {
    username: 'momah.manager',
    password: PASSWORD,
    role: 'manager',
    agency: 'MOMAH',
  });
  for (const code of ['MOMAH', 'MOH'])
    expect(
      (
        await sys.api('/api/admin/agencies', {
          token: admin,
          body: { code, name: { ar: code, en: code }, channels: ['sms'] },
        })
      ).status,
    ).toBe(201);
  await ticketEvent(sys, admin, 'T-A1', 'closed', { phone: PHONE, agency: 'MOH' });
  const [msg] = await waitForMessages(sys, PHONE, 1);
  answerPath = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0] ?? '';
  expect(answerPath).not.toBe('');
});
afterAll(async () => {
  await sys?.stop();
});

const sign = (path: string, params: Record<string, string>) =>
  twilio.getExpectedTwilioSignature(
    sys.ctx.config.twilio.authToken,
    `${sys.ctx.config.publicBaseUrl}${path}`,
    params,
  );
const postSigned = (path: string, params: Record<string, string>, signature = sign(path, params)) =>
  fetch(`${sys.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });

async function cookieOf(username: string): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD }).toString(),
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A raw request, so `..` and odd bytes reach the server as sent (fetch would normalise them). */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(sys.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const inbound = (sid: string) => ({
  MessageSid: sid,
  AccountSid: sys.ctx.config.twilio.accountSid,
  From: PHONE,
  To: '+966920000000',
  Body: '1',
  NumMedia: '0',
});

describe('forged and replayed Twilio signatures', () => {
  it('refuses any forged signature on every webhook, and nothing is queued', async () => {
    const before = await sys.ctx.queues.get(INBOUND_QUEUE).count();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.base64String({ minLength: 28, maxLength: 28 }), fc.string({ maxLength: 60 })),
        fc.constantFrom(
          '/sms/inbound',
          '/sms/status',
          '/voice/incoming',
          '/voice/status',
          '/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=a&t=T',
        ),
        async (signature, path) => {
          const res = await postSigned(path, inbound(`SM${'9'.repeat(32)}`), signature);
          expect(res.status).toBe(403);
        },
      ),
      { numRuns: 40 },
    );
    expect(await sys.ctx.queues.get(INBOUND_QUEUE).count()).toBe(before);
  });

  it('refuses a valid signature replayed to another route or another step', async () => {
    const params = inbound(`SM${'8'.repeat(32)}`);
    const forStatus = sign('/sms/status', params);
    expect((await postSigned('/sms/inbound', params, forStatus)).status).toBe(403);
    const step = '/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=a-1&t=T-1';
    const voice = {
      CallSid: `CA${'5'.repeat(32)}`,
      Digits: '5',
      From: PHONE,
      To: '+966920000000',
      CallStatus: 'in-progress',
    };
    const sig = sign(step, voice);
    expect((await postSigned(step.replace('agent_rating', 'solved'), voice, sig)).status).toBe(403);
    expect((await postSigned(step.replace('a=a-1', 'a=a-2'), voice, sig)).status).toBe(403);
  });

  it('counts a replayed signed reply once', async () => {
    const params = inbound(`SM${'7'.repeat(32)}`);
    for (let i = 0; i < 3; i++) expect((await postSigned('/sms/inbound', params)).status).toBe(200);
    const f = await eventually(async () => {
      const doc = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-A1' }).lean();
      return doc?.solved === true ? doc : undefined;
    });
    expect(f.appliedAnswers?.filter((s) => s === params.MessageSid)).toHaveLength(1);
    const inboundStored = await sys.ctx.models.FollowUpMessage.countDocuments({ _id: params.MessageSid });
    expect(inboundStored).toBeLessThanOrEqual(1);
  });
});

describe('oversized bodies', () => {
  it('are refused with 413 and a clear error, never read whole, on every kind of route', async () => {
    const big = (n: number) => 'x'.repeat(n);
    const cases: [string, RequestInit][] = [
      [
        '/api/tickets/T-1/events',
        {
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ eventId: big(20_000) }),
        },
      ],
      [
        '/sms/inbound',
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Body=${big(2_000_000)}` },
      ],
      [
        '/login',
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=${big(10_000)}` },
      ],
      [
        answerPath,
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `text=${big(20_000)}` },
      ],
      [
        '/api/admin/erasures',
        {
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ phone: big(10_000) }),
        },
      ],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(`${sys.baseUrl}${path}`, { method: 'POST', ...init });
      const text = await res.text();
      expect(res.status, path).toBe(413);
      expect(text, path).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
    }
    expect((await fetch(`${sys.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('NoSQL operators', () => {
  it('in every field of a ticket event: 422 naming the field, nothing stored', async () => {
    const event = {
      eventId: 'ev-op',
      type: 'closed',
      at: new Date().toISOString(),
      agency: 'MOMAH',
      department: 'roads',
      agentId: 'a-1',
      citizenPhone: '+966501234567',
      language: 'ar',
      callSid: `CA${'1'.repeat(32)}`,
    };
    const before = await sys.ctx.models.TicketEvent.countDocuments({});
    for (const field of Object.keys(event))
      for (const op of [{ $gt: '' }, { $ne: null }, { $regex: '.*' }]) {
        const res = await sys.api('/api/tickets/T-OP/events', {
          token: admin,
          body: { ...event, [field]: op },
        });
        expect(res.status, field).toBe(422);
        const body = (await res.json()) as { details?: { fields?: { field: string }[] } };
        expect(
          body.details?.fields?.map((f) => f.field),
          field,
        ).toContain(field);
      }
    expect(await sys.ctx.models.TicketEvent.countDocuments({})).toBe(before);
  });

  it('as bracketed keys in urlencoded bodies: no sign-in, no answer, no match-all', async () => {
    const form = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${sys.baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    for (const body of [
      'username[$ne]=x&password[$ne]=x',
      'username=admin&password[$ne]=x',
      'username[$gt]=&password[$gt]=',
    ])
      expect((await form('/login', body)).status, body).toBe(401);
    const before = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-A1' }).lean();
    // Refused with the answer page again (400), its question still open for a real tap.
    for (const body of ['rating[$ne]=1', 'rating[$gt]=0', 'reason[$ne]=x&text=y', 'solved[$in][]=1']) {
      const res = await form(answerPath, body);
      expect(res.status, body).toBe(400);
      expect(res.headers.get('content-type'), body).toBe('text/html; charset=utf-8');
      // The form posts back to the page's own address (relative: the page never repeats the token).
      expect(await res.text(), body).toMatch(/<form method="post" action="\?lang=ar">/);
    }
    const after = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-A1' }).lean();
    expect(after?.rating).toBe(before?.rating);
    expect(after?.revision).toBe(before?.revision);
    // A signed inbound webhook with operator-shaped keys: the keys are dropped, the message is taken
    // as the plain reply it also carries, and Twilio gets the empty answer.
    const params = { ...inbound(`SM${'6'.repeat(32)}`), 'From[$ne]': 'x', 'Body[$gt]': '' };
    const res = await postSigned('/sms/inbound', params);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const queued = await sys.ctx.queues.get(INBOUND_QUEUE).getJob(inboundJobId(params.MessageSid));
    const { place, ...data } = (queued?.data ?? {}) as { place?: number };
    expect(data).toEqual({ sid: params.MessageSid, from: PHONE, to: '+966920000000', body: '1' });
    // Its place among the number's replies (decision 0029): a whole number from 1.
    expect(Number.isInteger(place) && (place ?? 0) >= 1, `place ${place}`).toBe(true);
    // Report queries: an operator-shaped key is refused, not passed through.
    for (const q of ['agency[$ne]=x', 'agency=%7B%22%24ne%22%3A1%7D', 'department[$regex]=.*'])
      expect((await sys.api(`/api/reports/summary?${q}`, { token: admin })).status, q).toBe(400);
  });
});

describe('path traversal in export names', () => {
  it('never serves a file or sets a header from a crafted name', async () => {
    const c = await cookieOf('admin');
    for (const path of [
      '/api/exports/scores.csv/../../package.json',
      '/api/exports/..%2f..%2fpackage.json',
      '/api/exports/scores.%2e%2e%2fpackage.json',
      '/api/exports/..%5c..%5cpackage.json',
      '/api/exports/scores.csv%00.json',
      '/admin/agencies/..%2f..%2fpackage.json/export.csv',
      '/admin/agencies/MOH%0d%0aSet-Cookie:%20x=1/export.csv',
      '/admin/agencies/%22%3B%20filename%3Devil.sh/export.csv',
    ]) {
      const res = await raw(path, { authorization: `Bearer ${admin}`, cookie: c });
      // Not found, said in JSON: no file, and nothing from the name in a header.
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type'], path).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body), path).toMatchObject({ error: 'not_found' });
      expect(res.body, path).not.toContain('"devDependencies"');
      expect(res.headers['set-cookie'] ?? [], path).not.toContain('x=1');
      expect(res.headers['content-disposition'], path).toBeUndefined();
    }
    // The real one still works, and names its file from the agency's code only.
    const ok = await raw('/admin/agencies/MOH/export.csv', { cookie: c });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-disposition']).toBe('attachment; filename="MOH-agents.csv"');
  });
});

describe("another agency's data", () => {
  it('is out of reach of a manager and an agency admin of MOMAH, on pages, APIs and the new operator tools', async () => {
    const manager = await cookieOf('momah.manager');
    const agencyAdmin = await cookieOf('momah.admin');
    const managerToken = await sys.token('manager', { agency: 'MOMAH' });
    expect((await sys.api('/api/reports/summary?agency=MOH', { token: managerToken })).status).toBe(403);
    expect((await sys.api('/api/exports/scores.csv?agency=MOH', { token: managerToken })).status).toBe(403);
    const ticket = await sys.api('/api/tickets/T-A1', { token: managerToken });
    expect(ticket.status).toBe(403);
    expect(await ticket.json()).toEqual({
      error: 'forbidden',
      message: 'Role manager may not use this endpoint',
    });
    const dash = await fetch(`${sys.baseUrl}/dashboard?agency=MOH`, {
      headers: { cookie: manager },
      redirect: 'manual',
    });
    expect(dash.status).toBe(403);
    for (const path of ['/admin/agencies/MOH', '/admin/agencies/MOH/export.csv']) {
      const res = await fetch(`${sys.baseUrl}${path}`, {
        headers: { cookie: agencyAdmin },
        redirect: 'manual',
      });
      expect(res.status, path).toBeGreaterThanOrEqual(403);
      expect(await res.text(), path).not.toContain('agent-42');
    }
    for (const path of ['/admin/queues', '/admin/erasure'])
      for (const c of [manager, agencyAdmin])
        expect(
          (await fetch(`${sys.baseUrl}${path}`, { headers: { cookie: c }, redirect: 'manual' })).status,
          path,
        ).toBe(403);
    expect(
      (await sys.api('/api/admin/erasures', { token: managerToken, body: { phone: PHONE } })).status,
    ).toBe(403);
    // Every refusal of another agency's scores is in the audit log.
    expect(await sys.ctx.models.AuditLog.countDocuments({ action: 'access_denied' })).toBeGreaterThan(0);
  });
});

describe('secrets in logs and error bodies', () => {
  it('no token, password, signature, session, answer link or number reaches a log line or an error body', async () => {
    const wrongToken = `vst_${'Z'.repeat(40)}`;
    const cookie = await cookieOf('admin');
    const session = cookie.split('=')[1] ?? '';
    const secretRes = await sys.api('/api/admin/agencies/MOH/webhook/secret', { token: admin, body: {} });
    const webhookSecret = String(((await secretRes.json()) as { secret?: string }).secret ?? '');
    const bodies: string[] = [];
    const keep = async (res: Response) => bodies.push(await res.text());
    await keep(await sys.api('/api/tickets/T-1', { token: wrongToken }));
    await keep(
      await sys.api('/api/tickets/T-1/events', {
        token: admin,
        body: { eventId: 'e', citizenPhone: PHONE, type: 'x' },
      }),
    );
    await keep(
      await fetch(`${sys.baseUrl}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=admin&password=${encodeURIComponent(`${PASSWORD}-wrong`)}`,
      }),
    );
    await keep(await postSigned('/sms/inbound', inbound(`SM${'4'.repeat(32)}`), 'forged-signature-value'));
    await keep(
      await fetch(`${sys.baseUrl}${answerPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'rating=9',
      }),
    );
    await keep(
      await fetch(`${sys.baseUrl}/admin/users`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=x',
      }),
    );
    await keep(await sys.api('/api/admin/erasures', { token: admin, body: { phone: '12' } }));
    await postSigned('/sms/inbound', inbound(`SM${'3'.repeat(32)}`));
    await eventually(async () =>
      (await sys.ctx.queues.get(INBOUND_QUEUE).getJobCounts('waiting', 'active')).waiting === 0
        ? true
        : undefined,
    );
    const secrets = [
      admin,
      wrongToken,
      PASSWORD,
      sys.ctx.config.twilio.authToken,
      session,
      answerPath.slice(3),
      'forged-signature-value',
      PHONE.slice(1),
      ...(webhookSecret ? [webhookSecret] : []),
    ];
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(1000);
    for (const s of secrets) {
      expect(log.includes(s), `log contains ${s.slice(0, 6)}…`).toBe(false);
      for (const b of bodies) expect(b.includes(s), `an error body contains ${s.slice(0, 6)}…`).toBe(false);
    }
    for (const b of bodies) expect(b).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
  });
});
