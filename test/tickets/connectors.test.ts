import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../src/auth/secrets.js';
import type { ConnectorSystem } from '../../src/db/models/connector.js';
import { glpiChallengeAnswer } from '../../src/tickets/connectors/signatures.js';
import { SYSTEMS } from '../../src/tickets/connectors/systems.js';
import { FAST_FOLLOWUP_ENV, waitForMessages } from '../support/followup.js';
import { logSink } from '../support/log-sink.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Each system's fixture (test/fixtures/connectors/, written from its documentation), posted and
 * signed as that system posts it, becomes a closure and then the follow-up SMS; a wrong signature
 * stores nothing; a replay changes nothing; the reopened status reopens.
 */

let sys: TestSystem;
const { lines, sink } = logSink();
beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, LOG_LEVEL: 'debug' },
    logDestination: sink,
  });
});
afterAll(async () => {
  await sys.stop();
});

type Json = Record<string, unknown>;
const fixture = (system: ConnectorSystem): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/connectors/${system}.json`, import.meta.url), 'utf8')) as Json;

/** Where each fixture keeps the number, the status and the update time, to vary them per test. */
const edit: Record<
  ConnectorSystem,
  { phone(p: Json, v: string): void; reopen(p: Json): void; ref(agency: string): string }
> = {
  zendesk: {
    phone: (p, v) => ((p.ticket as Json).requester_phone = v),
    reopen: (p) => Object.assign(p.ticket as Json, { status: 'Open', updated_at: '2026-12-05T11:00:00Z' }),
    ref: (a) => `${a}-ZD-35436`,
  },
  servicenow: {
    phone: (p, v) => (p.caller_phone = v),
    reopen: (p) => Object.assign(p, { state: '2', sys_updated_on: '2026-12-05 11:00:00' }),
    ref: (a) => `${a}-INC0010023`,
  },
  dynamics: {
    phone: (p, v) => {
      const attrs = ((p.PostEntityImages as Json[])[0]!.value as Json).Attributes as Json[];
      attrs.find((a) => a.key === 'new_citizenphone')!.value = v;
    },
    reopen: (p) => {
      const target = ((p.InputParameters as Json[])[0]!.value as Json).Attributes as Json[];
      (target.find((a) => a.key === 'statecode')!.value as Json).Value = 0;
      const image = ((p.PostEntityImages as Json[])[0]!.value as Json).Attributes as Json[];
      (image.find((a) => a.key === 'statecode')!.value as Json).Value = 0;
      image.find((a) => a.key === 'modifiedon')!.value = '/Date(1796468400000)/';
    },
    ref: (a) => `${a}-CAS-01042-Z3F8Q1`,
  },
  glpi: {
    phone: (p, v) => ((p.item as Json).requester_phone = v),
    reopen: (p) =>
      Object.assign(p.item as Json, {
        status: { id: 2, name: 'Processing (assigned)' },
        date_mod: '2026-12-05 14:00:00',
      }),
    ref: (a) => `${a}-GLPI-1234`,
  },
};

async function setUp(agency: string, system: ConnectorSystem, secret: string) {
  await sys.ctx.models.Connector.create({
    agency,
    system,
    secrets: [
      { id: 'k1', ciphertext: encryptSecret(sys.ctx.config.admin.secretsKey, secret), createdAt: new Date() },
    ],
  });
}

/** Posts the payload as the system would: its own headers and signature over the exact bytes. */
async function post(agency: string, system: ConnectorSystem, payload: Json, secret: string) {
  const body = Buffer.from(JSON.stringify(payload));
  const { headers, query } = SYSTEMS[system].sign(body, secret, new Date());
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return fetch(`${sys.baseUrl}/api/connectors/${agency}/${system}${q.size ? `?${q.toString()}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers } as Record<string, string>,
    body,
  });
}

const PHONES: Record<ConnectorSystem, string> = {
  zendesk: '+966501110001',
  servicenow: '+966501110002',
  dynamics: '+966501110003',
  glpi: '+966501110004',
};

describe.each(['zendesk', 'servicenow', 'dynamics', 'glpi'] as const)('%s connector', (system) => {
  const agency = `ag-${system}`;
  const secret = `secret-of-${system}-0123456789abcdef`;
  const phone = PHONES[system];
  const ref = edit[system].ref(agency);

  beforeAll(async () => {
    await setUp(agency, system, secret);
  });

  it('refuses a wrong signature with 401 and stores nothing', async () => {
    const payload = fixture(system);
    edit[system].phone(payload, phone);
    const res = await post(agency, system, payload, `${secret}-not`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('bad_signature');
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: ref })).toBe(0);
    expect(await sys.ctx.models.Ticket.countDocuments({ ref })).toBe(0);
    const logged = await sys.ctx.models.ConnectorEvent.findOne({ agency, outcome: 'unauthorised' }).lean();
    expect(logged).toMatchObject({ system, httpStatus: 401 });
  });

  it('turns the fixture into a closure and then the follow-up SMS; a replay changes nothing', async () => {
    const payload = fixture(system);
    edit[system].phone(payload, phone);
    const res = await post(agency, system, payload, secret);
    expect(res.status).toBe(202);
    const ticket = await eventually(
      async () => (await sys.ctx.models.Ticket.findOne({ ref, status: 'closed' }).lean()) ?? undefined,
    );
    expect(ticket).toMatchObject({ agency, citizenPhone: phone });
    const [sms] = await waitForMessages(sys, phone, 1);
    expect(sms?.to).toBe(phone);

    const again = await post(agency, system, payload, secret);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe('replayed');
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: ref })).toBe(1);
    expect(await sys.ctx.models.FollowUp.countDocuments({ ticketRef: ref })).toBe(1);
  });

  it('reopens the ticket on the reopened status', async () => {
    const payload = fixture(system);
    edit[system].phone(payload, phone);
    edit[system].reopen(payload);
    const res = await post(agency, system, payload, secret);
    expect(res.status).toBe(202);
    const ticket = await eventually(
      async () => (await sys.ctx.models.Ticket.findOne({ ref, status: 'open' }).lean()) ?? undefined,
    );
    expect(ticket.closures[0]?.reopenedAt).toBeTruthy();
  });
});

describe('refusals that name what is wrong', () => {
  const agency = 'ag-refusals';
  const secret = 'refusal-secret-0123456789';
  beforeAll(async () => {
    await setUp(agency, 'zendesk', secret);
  });

  it('ignores an unmapped status with 202 and logs it as ignored', async () => {
    const payload = fixture('zendesk');
    (payload.ticket as Json).status = 'New';
    const res = await post(agency, 'zendesk', payload, secret);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { status: string }).status).toBe('ignored');
    expect(await sys.ctx.models.ConnectorEvent.findOne({ agency, outcome: 'ignored' }).lean()).toMatchObject({
      status: 'New',
    });
    expect(await sys.ctx.models.Ticket.countDocuments({ agency })).toBe(0);
  });

  it('refuses a payload without the number with 422 naming the path', async () => {
    const payload = fixture('zendesk');
    delete (payload.ticket as Json).requester_phone;
    const res = await post(agency, 'zendesk', payload, secret);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; path: string };
    expect(body.path).toBe('ticket.requester_phone');
    expect(body.message).toContain('ticket.requester_phone');
    expect(await sys.ctx.models.Ticket.countDocuments({ agency })).toBe(0);
  });

  it('refuses a stale Zendesk timestamp (a replayed capture) as unauthorised', async () => {
    const payload = fixture('zendesk');
    const body = Buffer.from(JSON.stringify(payload));
    const { headers } = SYSTEMS.zendesk.sign(body, secret, new Date(Date.now() - 60 * 60_000));
    const res = await fetch(`${sys.baseUrl}/api/connectors/${agency}/zendesk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers } as Record<string, string>,
      body,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toContain('Timestamp');
  });

  it('refuses a body that is not JSON with 400, after the signature, storing nothing', async () => {
    const body = Buffer.from('status=solved');
    const { headers } = SYSTEMS.zendesk.sign(body, secret, new Date());
    const res = await fetch(`${sys.baseUrl}/api/connectors/${agency}/zendesk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } as Record<string, string>,
      body,
    });
    expect(res.status).toBe(400);
    expect(await sys.ctx.models.Ticket.countDocuments({ agency })).toBe(0);
  });

  it("answers GLPI's challenge-response check with the HMAC of its token", async () => {
    const res = await fetch(`${sys.baseUrl}/api/connectors/ag-glpi/glpi?crc_token=abc123`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(glpiChallengeAnswer('secret-of-glpi-0123456789abcdef', 'abc123'));
    expect((await fetch(`${sys.baseUrl}/api/connectors/${agency}/zendesk?crc_token=abc`)).status).toBe(404);
  });

  it('answers 404 for an agency without that connector', async () => {
    const res = await post('no-such-agency', 'glpi', fixture('glpi'), secret);
    expect(res.status).toBe(404);
  });
});

describe('the log', () => {
  it('names each delivery and its outcome, and holds no number and no secret', () => {
    const text = lines.join('');
    expect(text).toContain('"msg":"connector delivery"');
    expect(text).toContain('"outcome":"unauthorised"');
    for (const phone of Object.values(PHONES)) expect(text).not.toContain(phone.slice(4));
    for (const s of ['zendesk', 'servicenow', 'dynamics', 'glpi'])
      expect(text).not.toContain(`secret-of-${s}`);
    expect(text).not.toContain('refusal-secret');
  });
});
