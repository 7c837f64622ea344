import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { recipientsFor } from '../../src/mail/recipients.js';
import { unsubscribeUrl } from '../../src/mail/unsubscribe.js';
import { writeDemoMonth } from '../../src/sandbox/demo/month.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 28, item 4 ("each manager chooses") and the signed one-click unsubscribe of item 1: a person
// chooses on /account what they receive, inside what they may see; admins see who receives what; a
// mail's link stops exactly its subscription, and a forged one nothing.

let sys: TestSystem;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  sys = await startTestSystem();
  await writeDemoMonth(sys.ctx.models, { days: 2, timeZone: sys.ctx.config.timeZone });
  await createStaff(sys);
  await createUser(sys.ctx.models, {
    username: 'moh.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'MOH',
  });
  await createUser(sys.ctx.models, {
    username: 'moh.manager',
    password: PASSWORD,
    role: 'manager',
    agency: 'MOH',
  });
  for (const u of ['admin', 'auditor', 'momah.manager', 'lighting.manager', 'moh.admin', 'moh.manager'])
    cookies[u] = await login(sys, u);
});
afterAll(async () => {
  await sys?.stop();
});

const userId = async (username: string) =>
  String((await sys.ctx.models.User.findOne({ username }).lean())?._id ?? '');
const subsOf = async (username: string) =>
  sys.ctx.models.Subscription.find({ userId: await userId(username) }).lean();

async function csrfOf(cookie: string, path = '/account?lang=en'): Promise<string> {
  const html = await (await get(sys, path, cookie)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no form token on ${path}`);
  return csrf;
}
async function postForm(path: string, user: string, body: Record<string, string | string[]>) {
  const cookie = cookies[user] ?? '';
  const form = new URLSearchParams({ _csrf: await csrfOf(cookie), lang: 'en' });
  for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) form.append(k, one);
  return fetch(`${sys.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}
const page = async (path: string, user?: string) => {
  const res = await get(sys, path, user ? cookies[user] : undefined);
  return { status: res.status, html: await res.text() };
};
/** The page's text without tags, spaces folded, to read sentences across elements. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('a manager chooses what they receive on /account', () => {
  it('sets an address and language; a bad address is refused and nothing changes', async () => {
    const bad = await postForm('/account/mail', 'lighting.manager', {
      email: 'not an address',
      language: 'en',
    });
    expect(bad.status).toBe(422);
    expect(text(await bad.text())).toContain('This is not a mail address');
    expect(
      (await sys.ctx.models.User.findOne({ username: 'lighting.manager' }).lean())?.email,
    ).toBeUndefined();

    const ok = await postForm('/account/mail', 'lighting.manager', {
      email: ' lighting@example.org ',
      language: 'en',
    });
    expect(ok.status).toBe(303);
    expect(await sys.ctx.models.User.findOne({ username: 'lighting.manager' }).lean()).toMatchObject({
      email: 'lighting@example.org',
      language: 'en',
    });
    const { html } = await page('/account?lang=en', 'lighting.manager');
    expect(html).toContain('value="lighting@example.org"');
  });

  it('subscribes within its scope: stored, shown in words, and reached by recipientsFor', async () => {
    const res = await postForm('/account/subscriptions', 'lighting.manager', {
      kinds: ['dispute_alert', 'weekly_report'],
      scope: 'department:MOMAH/lighting',
      gather: '60',
    });
    expect(res.status).toBe(303);
    const subs = await subsOf('lighting.manager');
    expect(
      subs.map((s) => ({ kind: s.kind, agency: s.agency, department: s.department, g: s.gatherMinutes })),
    ).toEqual(
      expect.arrayContaining([
        { kind: 'dispute_alert', agency: 'MOMAH', department: 'lighting', g: 60 },
        { kind: 'weekly_report', agency: 'MOMAH', department: 'lighting', g: undefined },
      ]),
    );
    expect(subs).toHaveLength(2);

    // One agent of the department, by name in the form's list.
    const agent = await postForm('/account/subscriptions', 'lighting.manager', {
      kinds: 'drift_alert',
      scope: 'department:MOMAH/lighting',
      agent: 'momah-l-02',
    });
    expect(agent.status).toBe(303);

    // The form offers only what this department manager may choose.
    const form = (await page('/account?lang=en', 'lighting.manager')).html;
    expect(form).toContain('value="department:MOMAH/lighting"');
    expect(form).not.toContain('value="agency:MOMAH"');
    expect(form).not.toContain('value="department:MOMAH/roads"');
    expect(form).not.toContain('value="momah-r-01"');
    expect(form).toContain('value="momah-l-02"');

    const words = text((await page('/account?lang=en', 'lighting.manager')).html);
    expect(words).toContain(
      'Dispute alerts about Street lighting, Ministry of Municipalities and Housing; disputes gathered into one mail an hour.',
    );
    expect(words).toContain('Weekly report about Street lighting, Ministry of Municipalities and Housing.');
    expect(words).toContain(
      'Drift alerts about agent خالد الزهراني (Street lighting, Ministry of Municipalities and Housing).',
    );
    const ar = text((await page('/account?lang=ar', 'lighting.manager')).html);
    expect(ar).toContain(
      'تنبيهات الاعتراض عن إنارة الشوارع، وزارة البلديات والإسكان؛ تُجمع الاعتراضات في رسالة واحدة كل ساعة.',
    );

    const dispute = await recipientsFor(sys.ctx.models, 'dispute_alert', {
      agency: 'MOMAH',
      department: 'lighting',
      agentId: 'momah-l-01',
    });
    expect(dispute).toEqual([
      expect.objectContaining({ email: 'lighting@example.org', lang: 'en', gatherMinutes: 60 }),
    ]);
    expect(
      await recipientsFor(sys.ctx.models, 'dispute_alert', { agency: 'MOMAH', department: 'roads' }),
    ).toEqual([]);
    const drift = await recipientsFor(sys.ctx.models, 'drift_alert', {
      agency: 'MOMAH',
      department: 'lighting',
      agentId: 'momah-l-02',
    });
    expect(drift.map((r) => r.email)).toEqual(['lighting@example.org']);
  });

  it('the same kind and scope again changes the gathering time, not the count', async () => {
    const res = await postForm('/account/subscriptions', 'lighting.manager', {
      kinds: 'dispute_alert',
      scope: 'department:MOMAH/lighting',
      gather: '0',
    });
    expect(res.status).toBe(303);
    const subs = await subsOf('lighting.manager');
    expect(subs).toHaveLength(3);
    expect(subs.find((s) => s.kind === 'dispute_alert')?.gatherMinutes).toBe(0);
  });

  it('refuses anything outside the grant with a clear message, and stores nothing', async () => {
    const before = await subsOf('lighting.manager');
    const tries: [Record<string, string>, string][] = [
      [
        { scope: 'department:MOMAH/roads' },
        'Roads and potholes, Ministry of Municipalities and Housing is outside what you may see',
      ],
      [{ scope: 'agency:MOMAH' }, 'You may receive mail only about what you may see (Street lighting'],
      [{ scope: '' }, 'You may receive mail only about what you may see'],
      [{ scope: 'agency:MOH' }, 'Ministry of Health is outside what you may see'],
      [
        { scope: 'department:MOMAH/lighting', agent: 'momah-r-01' },
        'Agent momah-r-01 does not work in the part you chose',
      ],
      [{ scope: 'agency:MOMAH', agent: 'momah-r-01' }, 'is outside what you may see'],
      [{ scope: 'department:MOMAH/lighting', gather: '7' }, 'Choose one of the gathering times offered'],
      [{ scope: 'agency:NOPE' }, 'There is no agency NOPE'],
    ];
    for (const [body, message] of tries) {
      const res = await postForm('/account/subscriptions', 'lighting.manager', {
        kinds: 'dispute_alert',
        ...body,
      });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      const html = await res.text();
      expect(text(html), JSON.stringify(body)).toContain(message);
      // What was typed is offered again.
      expect(html).toContain('value="dispute_alert" checked');
    }
    const none = await postForm('/account/subscriptions', 'lighting.manager', {
      scope: 'department:MOMAH/lighting',
    });
    expect(text(await none.text())).toContain('Choose at least one thing to receive');
    expect(await subsOf('lighting.manager')).toEqual(before);

    // An agency manager: its agency or a part of it, never another.
    expect(
      (
        await postForm('/account/subscriptions', 'momah.manager', {
          kinds: 'monthly_report',
          scope: 'agency:MOMAH',
        })
      ).status,
    ).toBe(303);
    const other = await postForm('/account/subscriptions', 'momah.manager', {
      kinds: 'monthly_report',
      scope: 'agency:MOH',
    });
    expect(other.status).toBe(403);
    expect((await subsOf('momah.manager')).map((s) => s.agency)).toEqual(['MOMAH']);
  });

  it("an admin may choose everything; removing one of one's own works, another's is refused", async () => {
    expect(
      (await postForm('/account/subscriptions', 'admin', { kinds: 'monthly_report', scope: '' })).status,
    ).toBe(303);
    const [everything] = await subsOf('admin');
    expect(everything).toMatchObject({ kind: 'monthly_report' });
    expect(everything?.agency).toBeUndefined();
    expect(text((await page('/account?lang=en', 'admin')).html)).toContain(
      'Monthly report about every agency.',
    );

    const theirs = (await subsOf('lighting.manager'))[0];
    const refused = await postForm(`/account/subscriptions/${String(theirs?._id)}/remove`, 'admin', {});
    expect(refused.status).toBe(404);
    expect(await subsOf('lighting.manager')).toHaveLength(3);
    const removed = await postForm(`/account/subscriptions/${String(everything?._id)}/remove`, 'admin', {});
    expect(removed.status).toBe(303);
    expect(await subsOf('admin')).toHaveLength(0);
  });

  it('refuses a form without the session form token', async () => {
    const res = await fetch(`${sys.baseUrl}/account/subscriptions`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: cookies['momah.manager'] ?? '',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ kinds: 'drift_alert', scope: 'agency:MOMAH' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await subsOf('momah.manager')).toHaveLength(1);
  });
});

describe('the signed one-click unsubscribe link', () => {
  it('shows what it stops, removes exactly that subscription on one click, and says the same again', async () => {
    const subs = await subsOf('lighting.manager');
    const weekly = subs.find((s) => s.kind === 'weekly_report');
    const url = unsubscribeUrl(sys.ctx.config, String(weekly?._id));
    expect(url.startsWith(`${sys.baseUrl}/mail/unsubscribe/`)).toBe(true);

    // In the owner's language unless asked otherwise; no sign-in.
    const shown = await fetch(url);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(text(html)).toContain(
      'Weekly report about Street lighting, Ministry of Municipalities and Housing.',
    );
    expect(html).toContain('<html lang="en" dir="ltr"');
    const ar = await (await fetch(`${url}?lang=ar`)).text();
    expect(ar).toContain('dir="rtl"');
    expect(text(ar)).toContain('التقرير الأسبوعي عن إنارة الشوارع');
    expect(await subsOf('lighting.manager')).toHaveLength(3);

    // RFC 8058: the mail client posts this body, without cookie or form token, to the mail's link.
    const mailed = unsubscribeUrl(sys.ctx.config, String(weekly?._id), 'en');
    expect(mailed).toBe(`${url}?lang=en`);
    const post = () =>
      fetch(mailed, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    const first = await post();
    expect(first.status).toBe(200);
    const done = text(await first.text());
    expect(done).toContain('Done: you will not receive this mail any more.');
    const left = await subsOf('lighting.manager');
    expect(left.map((s) => s.kind).sort()).toEqual(['dispute_alert', 'drift_alert']);
    expect(
      await recipientsFor(sys.ctx.models, 'weekly_report', { agency: 'MOMAH', department: 'lighting' }),
    ).toEqual([]);
    const audit = await sys.ctx.models.AuditLog.findOne({
      action: 'admin.mail.unsubscribe',
      target: `subscription:${String(weekly?._id)}`,
    }).lean();
    expect(audit).toMatchObject({ actor: `user:${await userId('lighting.manager')}`, agency: 'MOMAH' });

    const second = await post();
    expect(second.status).toBe(200);
    expect(text(await second.text())).toContain('Done: you will not receive this mail any more.');
    expect(await subsOf('lighting.manager')).toHaveLength(2);
    // The page of a stopped subscription says so, and offers no button.
    const after = await (await fetch(mailed)).text();
    expect(text(after)).toContain('This subscription is already stopped');
    expect(after).not.toContain('type="submit">Stop this mail');
  });

  it('a forged or altered link changes nothing and says so', async () => {
    const before = await sys.ctx.models.Subscription.countDocuments({});
    const [dispute] = await subsOf('lighting.manager');
    const real = unsubscribeUrl(sys.ctx.config, String(dispute?._id));
    const token = real.split('/').at(-1) ?? '';
    const [id, tag = ''] = token.split('.');
    const other = (await subsOf('momah.manager'))[0];
    const forged = [
      `${id}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`,
      `${String(other?._id)}.${tag}`,
      `${id}`,
      `${id}.${tag}x`,
      'not-a-token',
    ];
    for (const f of forged) {
      const url = `${sys.baseUrl}/mail/unsubscribe/${f}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status, f).toBe(404);
      expect(text(await res.text())).toContain('هذا الرابط غير صالح');
      expect((await fetch(`${url}?lang=en`)).status).toBe(404);
    }
    expect(await sys.ctx.models.Subscription.countDocuments({})).toBe(before);
  });
});

describe('guessing links', () => {
  it('an address trying many bad links is held, while a link that verifies still works', async () => {
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++)
      last = (await fetch(`${sys.baseUrl}/mail/unsubscribe/${'0'.repeat(24)}.${'A'.repeat(42)}${i % 10}`))
        .status;
    expect(last).toBe(429);
    const [dispute] = await subsOf('lighting.manager');
    const url = unsubscribeUrl(sys.ctx.config, String(dispute?._id), 'en');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(text(await res.text())).toContain('This link stops one subscription');
  });
});

describe('admins see who receives what', () => {
  it('an admin sees every receiver and the mails; an agency admin its own agency only', async () => {
    await postForm('/account/mail', 'moh.manager', { email: 'moh.manager@example.org', language: 'ar' });
    await postForm('/account/subscriptions', 'moh.manager', {
      kinds: 'dispute_alert',
      scope: 'department:MOH/complaints',
    });
    const mail = (key: string, to: string, user: string, state: 'sent' | 'failed', at: string) => ({
      _id: key,
      kind: 'dispute_alert',
      to,
      userId: user,
      lang: 'en',
      subject: `Subject ${key}`,
      html: '<p>x</p>',
      text: 'x',
      state,
      attempts: state === 'failed' ? 8 : 1,
      lastResult: state === 'failed' ? '550 mailbox unavailable' : '250 OK',
      createdAt: new Date(at),
    });
    await sys.ctx.models.Mail.insertMany([
      mail(
        'k-momah',
        'lighting@example.org',
        await userId('lighting.manager'),
        'sent',
        '2026-01-02T10:00:00Z',
      ),
      mail('k-moh', 'moh.manager@example.org', await userId('moh.manager'), 'failed', '2026-01-03T10:00:00Z'),
    ]);

    const all = await page('/admin/mail?lang=en', 'admin');
    expect(all.status).toBe(200);
    const words = text(all.html);
    expect(words).toContain('lighting@example.org');
    expect(words).toContain(
      'Dispute alerts about Street lighting, Ministry of Municipalities and Housing; each dispute in its own mail, at once.',
    );
    expect(words).toContain('moh.manager@example.org');
    expect(words).toContain('1–2 of 2, newest first.');
    expect(words).toContain('550 mailbox unavailable');
    // Newest first.
    expect(all.html.indexOf('Subject k-moh')).toBeLessThan(all.html.indexOf('Subject k-momah'));

    const agency = await page('/admin/mail?lang=en', 'moh.admin');
    expect(agency.status).toBe(200);
    const own = text(agency.html);
    expect(own).toContain('moh.manager@example.org');
    expect(own).toContain('Dispute alerts about Complaints, Ministry of Health');
    expect(own).not.toContain('lighting@example.org');
    expect(own).not.toContain('Subject k-momah');
    expect(own).toContain('1–1 of 1, newest first.');

    expect((await page('/admin/mail?lang=en', 'auditor')).status).toBe(403);
    expect((await page('/admin/mail?lang=en', 'momah.manager')).status).toBe(403);
  });

  it("an admin sets a user's address on /admin/users", async () => {
    const html = (await page('/admin/users?lang=en', 'admin')).html;
    const revision = /data-username="momah.manager"[\s\S]*?name="revision" value="(\d+)"/.exec(html)?.[1];
    const res = await postForm('/admin/users/momah.manager', 'admin', {
      role: 'manager',
      agency: 'MOMAH',
      department: '',
      email: 'momah@example.org',
      revision: revision ?? '0',
    });
    expect(res.status).toBe(303);
    expect((await sys.ctx.models.User.findOne({ username: 'momah.manager' }).lean())?.email).toBe(
      'momah@example.org',
    );
    const bad = await postForm('/admin/users/momah.manager', 'admin', {
      role: 'manager',
      agency: 'MOMAH',
      email: 'nope',
    });
    expect(bad.status).toBe(422);
    expect((await sys.ctx.models.User.findOne({ username: 'momah.manager' }).lean())?.email).toBe(
      'momah@example.org',
    );
  });
});

describe('the same over the API', () => {
  const api = async (user: string, method: string, body?: unknown, csrf?: string) => {
    const res = await fetch(`${sys.baseUrl}/api/account/subscriptions`, {
      method,
      headers: {
        cookie: cookies[user] ?? '',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('a manager reads and replaces its list; one entry outside its scope changes nothing', async () => {
    const csrf = await csrfOf(cookies['momah.manager'] ?? '');
    const listed = await api('momah.manager', 'GET');
    expect(listed.status).toBe(200);
    expect(listed.body.subscriptions).toEqual([
      expect.objectContaining({
        kind: 'monthly_report',
        agency: 'MOMAH',
        words: 'Monthly report about Ministry of Municipalities and Housing.',
      }),
    ]);

    const refused = await api(
      'momah.manager',
      'PUT',
      {
        subscriptions: [
          { kind: 'weekly_report', agency: 'MOMAH' },
          { kind: 'weekly_report', agency: 'MOH' },
        ],
      },
      csrf,
    );
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('Ministry of Health is outside what you may see');
    expect((await subsOf('momah.manager')).map((s) => s.kind)).toEqual(['monthly_report']);

    // Without the session's form token, nothing.
    expect((await api('momah.manager', 'PUT', { subscriptions: [] })).status).toBe(403);

    const replaced = await api(
      'momah.manager',
      'PUT',
      {
        subscriptions: [
          { kind: 'dispute_alert', agency: 'MOMAH', department: 'roads', gatherMinutes: 60 },
          { kind: 'drift_alert', agentId: 'momah-r-02' },
        ],
      },
      csrf,
    );
    expect(replaced.status).toBe(200);
    const stored = await subsOf('momah.manager');
    expect(stored.map((s) => [s.kind, s.agency, s.department, s.agentId, s.gatherMinutes]).sort()).toEqual([
      ['dispute_alert', 'MOMAH', 'roads', undefined, 60],
      ['drift_alert', 'MOMAH', undefined, 'momah-r-02', undefined],
    ]);
    expect((await api('momah.manager', 'PUT', { subscriptions: [{ kind: 'x' }] }, csrf)).status).toBe(422);
  });

  it('an API token is not a person: refused', async () => {
    const token = await sys.token('admin');
    expect((await sys.api('/api/account/subscriptions', { token })).status).toBe(403);
  });
});
