import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { startReceiver, type Receiver } from './receiver.js';

let sys: TestSystem;
let admin: string;
let receiver: Receiver;

const agencyBody = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: { ar: 'وزارة الصحة', en: 'Ministry of Health' },
  channels: ['sms'],
  ...extra,
});

beforeAll(async () => {
  receiver = await startReceiver();
  sys = await startTestSystem({ workers: true });
  admin = await sys.token('admin');
});
afterAll(async () => {
  await sys?.stop();
  await receiver?.close();
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
/** sys.api always sends JSON; a CSV import is text/csv. */
function postCsv(path: string, token: string, csv: string): Promise<Response> {
  return fetch(`${sys.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
}
function fields(body: Record<string, unknown>): string[] {
  return ((body.details as { fields?: { field: string }[] } | undefined)?.fields ?? []).map((f) => f.field);
}

describe('administration API: directory', () => {
  it('creates an agency with its webhook, shows the secret once, and never stores or audits it in clear', async () => {
    const res = await sys.api('/api/admin/agencies', {
      token: admin,
      body: agencyBody('MOH', {
        disputeWebhookUrl: receiver.url,
        sendWindow: { start: '08:00', end: '20:00' },
      }),
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    const secret = String(body.webhookSecret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(body.agency).toMatchObject({
      code: 'MOH',
      sendWindow: '08:00-20:00',
      disputeWebhookUrl: receiver.url,
    });
    const again = await json(await sys.api('/api/admin/agencies/MOH', { token: admin }));
    expect(JSON.stringify(again)).not.toContain(secret);
    const stored = await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(6));
    const audit = await sys.ctx.models.AuditLog.find({ action: /^admin\./ }).lean();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['admin.agency.create', 'admin.webhook.secret.rotate']),
    );
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
    expect(audit.find((a) => a.action === 'admin.agency.create')).toMatchObject({
      actorName: 'test-admin',
      agency: 'MOH',
      target: 'agency:MOH',
      before: null,
    });
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    const dup = await sys.api('/api/admin/agencies', { token: admin, body: agencyBody('MOH') });
    expect(dup.status).toBe(409);
    expect(fields(await json(dup))).toEqual(['code']);
    const window = await sys.api('/api/admin/agencies', {
      token: admin,
      body: agencyBody('NEW1', { sendWindow: { start: '21:00', end: '09:00' } }),
    });
    expect(window.status).toBe(422);
    expect(fields(await json(window))).toEqual(['sendWindow.end']);
    const code = await sys.api('/api/admin/agencies', { token: admin, body: agencyBody('=cmd') });
    expect(fields(await json(code))).toEqual(['code']);
    expect(await sys.ctx.models.Agency.countDocuments({})).toBe(1);

    const before = await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean();
    const stale = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: admin,
      body: { name: { ar: 'س', en: 'x' }, revision: (before?.revision ?? 0) + 5 },
    });
    expect(stale.status).toBe(409);
    expect(fields(await json(stale))).toEqual(['revision']);
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.name?.en).toBe(
      'Ministry of Health',
    );
  });

  it('takes back the send window as GET shows it, and says what was received alike in Arabic and English', async () => {
    const shown = (await json(await sys.api('/api/admin/agencies/MOH', { token: admin }))).agency as {
      sendWindow: string;
      revision: number;
    };
    expect(shown.sendWindow).toBe('08:00-20:00');
    const back = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: admin,
      body: { sendWindow: '09:00-21:00', revision: shown.revision },
    });
    expect(back.status, JSON.stringify(await back.clone().json())).toBe(200);
    expect((await json(back)).agency).toMatchObject({ sendWindow: '09:00-21:00' });
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.sendWindow).toBe('09:00-21:00');

    const wrong = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: admin,
      body: { sendWindow: 930 },
    });
    expect(wrong.status).toBe(422);
    const [field] = (
      (await json(wrong)).details as { fields: { field: string; message: string; messageAr: string }[] }
    ).fields;
    expect(field?.field).toBe('sendWindow');
    expect(field?.message).toMatch(/received number/);
    expect(field?.messageAr).toMatch(/number/);
    expect(field?.messageAr).not.toMatch(/undefined/);
    const unreadable = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: admin,
      body: { sendWindow: '21:00-09:00' },
    });
    expect(unreadable.status).toBe(422);
    expect(fields(await json(unreadable))).toEqual(['sendWindow.end']);
  });

  it('imports departments and agents from CSV: a dry run reports each bad row and changes nothing', async () => {
    const dept = await postCsv(
      '/api/admin/agencies/MOH/directory.csv?kind=departments',
      admin,
      'code,name_ar,name_en\r\ncomplaints,الشكاوى,Complaints\r\nlighting,الإنارة,Lighting\r\n',
    );
    expect(dept.status).toBe(201);
    const post = (csv: string, dry: boolean) =>
      postCsv(`/api/admin/agencies/MOH/directory.csv?kind=agents${dry ? '&dryRun=true' : ''}`, admin, csv);
    const header = 'agent_id,department,display_name,dial_target,staff_phones\n';
    const wrongHeader = await post('id,dept,name\na1,complaints,Sara\n', true);
    expect(wrongHeader.status).toBe(422);
    expect(fields(await json(wrongHeader))).toEqual(['line 1: header']);
    const bad = await post(
      `${header}a-1,complaints,Sara,+966112345678,0501234567\na-2,complaints,=HYPERLINK("x"),,\na-3,nowhere,Omar,,\na-1,lighting,Dup,,\na-4,lighting,Huda,,12\n`,
      true,
    );
    expect(bad.status).toBe(422);
    const report = (await json(bad)).report as { problems: { line: number; field: string }[] };
    expect(report.problems.map((p) => `${p.line}:${p.field}`)).toEqual([
      '3:display_name',
      '4:department',
      '5:agent_id',
      '6:staff_phones',
    ]);
    expect(await sys.ctx.models.Agent.countDocuments({})).toBe(0);
    const good = `${header}a-1,complaints,Sara,+966112345678,0501234567;+966 50 765 4321\na-2,lighting,Omar,,\n`;
    const dry = await post(good, true);
    expect(dry.status).toBe(200);
    expect((await json(dry)).report).toMatchObject({ created: 2, updated: 0, problems: [] });
    expect(await sys.ctx.models.Agent.countDocuments({})).toBe(0);
    expect((await post(good, false)).status).toBe(201);
    const sara = await sys.ctx.models.Agent.findOne({ agentId: 'a-1' }).lean();
    expect(sara).toMatchObject({
      agency: 'MOH',
      department: 'complaints',
      staffPhones: ['+966501234567', '+966507654321'],
    });
    // Imported again: the same rows update, nothing is duplicated.
    expect((await json(await post(good, false))).report).toMatchObject({ created: 0, updated: 2 });

    const exported = await sys.api('/api/admin/agencies/MOH/directory.csv?kind=agents', { token: admin });
    // fetch's text() drops a byte-order mark: read the bytes Excel reads.
    const bytes = Buffer.from(await exported.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFFagent_id,department,display_name,dial_target,staff_phones\r\n')).toBe(true);
    // A number starting with + is neutralised like a formula, and an import reads it back.
    expect(text).toContain("a-1,complaints,Sara,'+966112345678,'+966501234567;+966507654321");
    expect((await json(await post(text, true))).report).toMatchObject({ updated: 2, problems: [] });
  });

  it('keeps an agency admin inside its agency', async () => {
    await sys.api('/api/admin/agencies', { token: admin, body: agencyBody('HRSD') });
    const own = await sys.token('agency_admin', { agency: 'MOH' });
    const list = await json(await sys.api('/api/admin/agencies', { token: own }));
    expect((list.agencies as { code: string }[]).map((a) => a.code)).toEqual(['MOH']);
    const other = await sys.api('/api/admin/agencies/HRSD', { token: own });
    expect(other.status).toBe(404);
    const edit = await sys.api('/api/admin/agencies/HRSD', {
      method: 'PATCH',
      token: own,
      body: { name: { ar: 'مخترق', en: 'hijacked' } },
    });
    expect(edit.status).toBe(404);
    expect(fields(await json(edit))).toEqual(['agency']);
    expect((await sys.ctx.models.Agency.findOne({ code: 'HRSD' }).lean())?.name?.en).toBe(
      'Ministry of Health',
    );
    const token = await sys.api('/api/admin/tokens', {
      token: own,
      body: { name: 'hrsd system', role: 'ticket_system', agency: 'HRSD' },
    });
    expect(token.status).toBe(403);
    expect(fields(await json(token))).toEqual(['agency']);
    const adminUser = await sys.api('/api/admin/users', {
      token: own,
      body: { username: 'boss', role: 'admin' },
    });
    expect(fields(await json(adminUser))).toEqual(['role']);
    const denied = await sys.ctx.models.AuditLog.findOne({ action: 'access_denied', agency: 'HRSD' }).lean();
    expect(denied).toMatchObject({ outcome: 'denied', actorName: 'test-agency_admin' });
    // Its own agency is its to change.
    const mine = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: own,
      body: { followUpDelayHours: 48 },
    });
    expect(mine.status).toBe(200);
  });

  it('rotates the secret: both sign during the overlap, only the new one after; the log shows each test', async () => {
    const first = await sys.api('/api/admin/agencies/MOH/webhook/secret', {
      token: admin,
      body: { overlapHours: 0 },
    });
    const oldSecret = String((await json(first)).secret);
    receiver.secrets = [oldSecret];
    const test1 = await json(
      await sys.api('/api/admin/agencies/MOH/webhook/test', { token: admin, body: {} }),
    );
    expect(test1.delivery).toMatchObject({ ok: true, status: 200, response: 'accepted' });
    const rotated = await json(
      await sys.api('/api/admin/agencies/MOH/webhook/secret', { token: admin, body: { overlapHours: 24 } }),
    );
    const newSecret = String(rotated.secret);
    receiver.secrets = [oldSecret, newSecret];
    await sys.api('/api/admin/agencies/MOH/webhook/test', { token: admin, body: {} });
    expect(receiver.received.at(-1)).toMatchObject({ v1Count: 2, matched: [oldSecret, newSecret] });
    await sys.api('/api/admin/agencies/MOH/webhook/secret/retire-previous', { token: admin, body: {} });
    await sys.api('/api/admin/agencies/MOH/webhook/test', { token: admin, body: {} });
    expect(receiver.received.at(-1)).toMatchObject({ v1Count: 1, matched: [newSecret] });
    receiver.secrets = [oldSecret];
    const refused = await json(
      await sys.api('/api/admin/agencies/MOH/webhook/test', { token: admin, body: {} }),
    );
    expect(refused.delivery).toMatchObject({ ok: false, status: 401 });
    const log = await json(await sys.api('/api/admin/agencies/MOH/webhook/deliveries', { token: admin }));
    const deliveries = log.deliveries as { id: string; ok: boolean; status: number; latencyMs: number }[];
    expect(deliveries.slice(0, 4).map((d) => d.status)).toEqual([401, 200, 200, 200]);
    // The log's newest line is the refused test the admin just saw: same delivery, same timing.
    const seen = refused.delivery as { deliveryId: string; latencyMs: number };
    expect(deliveries[0]).toMatchObject({
      id: seen.deliveryId,
      kind: 'test',
      ticketRef: null,
      attempt: 1,
      ok: false,
      status: 401,
      error: null,
      latencyMs: seen.latencyMs,
      resentAt: null,
    });
    expect(Number.isInteger(deliveries[0]?.latencyMs)).toBe(true);
    receiver.secrets = [newSecret];
    const resent = await json(
      await sys.api(`/api/admin/agencies/MOH/webhook/deliveries/${deliveries[0]?.id}/resend`, {
        token: admin,
        body: {},
      }),
    );
    expect(resent.result).toMatchObject({ ok: true, status: 200 });
    const twice = await sys.api(`/api/admin/agencies/MOH/webhook/deliveries/${deliveries[0]?.id}/resend`, {
      token: admin,
      body: {},
    });
    expect(twice.status).toBe(409);
  });
});

describe('the directory drives scheduling', () => {
  it("schedules a closure's follow-up with its agency's delay and send window", async () => {
    const ts = await sys.token('ticket_system');
    // Two days ago at 10:00 in Riyadh (recent, so the public board below lists it).
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const closedAt = `${day}T10:00:00+03:00`;
    const res = await sys.api('/api/tickets/W-1/events', {
      token: ts,
      headers: { prefer: 'return=representation' },
      body: {
        eventId: 'w-1',
        type: 'closed',
        at: closedAt,
        agency: 'MOH',
        department: 'complaints',
        agentId: 'a-1',
        citizenPhone: '0501234567',
      },
    });
    expect(res.status).toBe(201);
    const followUp = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'W-1' }).lean();
    // MOH: 48 hours (set by its agency admin above), window 08:00-20:00: 10:00 + 48 h is inside it.
    expect(followUp?.sendAt.toISOString()).toBe(
      new Date(Date.parse(closedAt) + 48 * 3_600_000).toISOString(),
    );
  });

  it('shows the public display name on the public board', async () => {
    await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: admin,
      body: { publicName: { ar: 'الصحة للجميع', en: 'Health for all' } },
    });
    const board = await eventually(async () => {
      const html = await (await fetch(`${sys.baseUrl}/public?lang=en`)).text();
      return html.includes('data-agency="MOH"') ? html : undefined;
    });
    expect(board).toContain('Health for all');
  });
});

describe('administration API: unknown codes, users, tokens and the audit log', () => {
  it('accepts ticket events for unknown codes, lists them, and adds one with one call', async () => {
    const ts = await sys.token('ticket_system');
    const res = await sys.api('/api/tickets/U-1/events', {
      token: ts,
      body: {
        eventId: 'u-1',
        type: 'opened',
        at: new Date().toISOString(),
        agency: 'NEWAG',
        department: 'roads',
        agentId: 'x-1',
        citizenPhone: '0501234567',
      },
    });
    expect(res.status).toBe(202);
    const unknown = await eventually(async () => {
      const body = await json(await sys.api('/api/admin/unknown-codes', { token: admin }));
      const list = body.unknown as { kind: string; agency: string; code: string | null }[];
      return list.length >= 2 ? list : undefined;
    });
    expect(unknown.map((u) => `${u.kind}:${u.agency}:${u.code ?? ''}`).sort()).toEqual([
      'agency:NEWAG:',
      'department:NEWAG:roads',
    ]);
    const add = await sys.api('/api/admin/unknown-codes/add', {
      token: admin,
      body: { kind: 'agency', agency: 'NEWAG' },
    });
    expect(add.status).toBe(201);
    await sys.api('/api/admin/unknown-codes/add', {
      token: admin,
      body: { kind: 'department', agency: 'NEWAG', code: 'roads' },
    });
    expect((await json(await sys.api('/api/admin/unknown-codes', { token: admin }))).unknown).toEqual([]);
    expect(await sys.ctx.models.Department.exists({ agency: 'NEWAG', code: 'roads' })).toBeTruthy();
  });

  it('invites a user with a single-use link, refuses a breached password, and lists and revokes tokens', async () => {
    const invite = await json(
      await sys.api('/api/admin/users', {
        token: admin,
        body: { username: 'sara', role: 'manager', agency: 'MOH', department: 'lighting' },
      }),
    );
    const link = String(invite.link);
    expect(link).toMatch(/\/account\/password\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(link).pathname;
    const stored = await sys.ctx.models.User.findOne({ username: 'sara' }).lean();
    expect(JSON.stringify(stored)).not.toContain(path.split('/').pop());
    const set = (password: string) =>
      fetch(`${sys.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password, lang: 'en' }).toString(),
      });
    const weak = await set('password1234');
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('most common passwords');
    expect((await set('a long and unusual passphrase 42')).status).toBe(200);
    expect((await set('another long unusual passphrase')).status).toBe(410);

    const bad = await sys.api('/api/admin/users', {
      token: admin,
      body: { username: 'omar', role: 'manager', agency: 'MOH', department: 'nowhere' },
    });
    expect(fields(await json(bad))).toEqual(['department']);

    const created = await json(
      await sys.api('/api/admin/tokens', {
        token: admin,
        body: { name: 'moh tickets', role: 'ticket_system', agency: 'MOH' },
      }),
    );
    expect(String(created.token)).toMatch(/^vst_/);
    const list = (await json(await sys.api('/api/admin/tokens', { token: admin }))).tokens as Record<
      string,
      unknown
    >[];
    const row = list.find((t) => t.name === 'moh tickets');
    expect(row).toMatchObject({
      role: 'ticket_system',
      agency: 'MOH',
      prefix: String(created.token).slice(0, 10),
    });
    expect(JSON.stringify(list)).not.toContain(String(created.token));
    expect(
      (await sys.api(`/api/admin/tokens/${String(row?.id)}`, { method: 'DELETE', token: admin })).status,
    ).toBe(200);
    expect(await sys.ctx.models.ApiToken.findById(row?.id).lean()).toHaveProperty('revokedAt');
  });

  it('lets auditors read and filter the audit log but change nothing', async () => {
    const auditor = await sys.token('auditor');
    const body = await json(
      await sys.api('/api/admin/audit?action=admin.agency.update&agency=MOH', { token: auditor }),
    );
    const entries = body.entries as {
      action: string;
      before: { followUpDelayHours: unknown };
      after: { followUpDelayHours: unknown };
    }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.action === 'admin.agency.update')).toBe(true);
    expect(
      entries.some((e) => e.before.followUpDelayHours === null && e.after.followUpDelayHours === 48),
    ).toBe(true);
    const bad = await sys.api('/api/admin/audit?from=2026-02-01&to=2026-01-01', { token: auditor });
    expect(bad.status).toBe(400);
    const exported = await (
      await sys.api('/api/admin/agencies/MOH/directory.csv?kind=agents', { token: auditor })
    ).text();
    expect(exported).toContain('a-1,complaints,Sara');
    expect(exported).not.toContain('501234567');
    // The agents list masks staff numbers exactly as the CSV does (issue 23, item 12).
    const csvPhones = /a-1,complaints,Sara,[^,]*,([^\r\n]*)/.exec(exported)?.[1]?.replace(/^'/, '');
    const listed = (await json(await sys.api('/api/admin/agencies/MOH/agents', { token: auditor })))
      .agents as { agentId: string; staffPhones: string[] }[];
    const sara = listed.find((a) => a.agentId === 'a-1');
    expect(sara?.staffPhones).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain('501234567');
    expect(JSON.stringify(listed)).not.toContain('507654321');
    expect(sara?.staffPhones.join(';')).toBe(csvPhones);
    const forAdmin = (await json(await sys.api('/api/admin/agencies/MOH/agents', { token: admin })))
      .agents as { agentId: string; staffPhones: string[] }[];
    expect(forAdmin.find((a) => a.agentId === 'a-1')?.staffPhones).toEqual([
      '+966501234567',
      '+966507654321',
    ]);
    const change = await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: auditor,
      body: { channels: ['sms'] },
    });
    expect(change.status).toBe(403);
  });
});

describe('administration API in live mode', () => {
  it('refuses a webhook URL that is not https or points at a private address, naming the field', async () => {
    const live = await startTestSystem({
      env: {
        TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'f'.repeat(32),
        ANSWER_LINK_SECRET: 'l'.repeat(40),
        SECRETS_KEY: 'ab'.repeat(32),
      },
    });
    try {
      const token = await live.token('admin');
      for (const url of [
        'http://tickets.example.gov.sa/hook',
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://10.1.2.3/hook',
        'https://169.254.169.254/latest',
        'https://[::1]/hook',
        'https://[::ffff:192.168.0.1]/hook',
      ]) {
        const res = await live.api('/api/admin/agencies', {
          token,
          body: agencyBody('LIVE', { disputeWebhookUrl: url }),
        });
        expect(res.status, url).toBe(422);
        expect(fields(await json(res)), url).toEqual(['disputeWebhookUrl']);
      }
      expect(await live.ctx.models.Agency.countDocuments({})).toBe(0);
    } finally {
      await live.stop();
    }
  });
});
