import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';

// Issue 23, findings 7, 10 and 12: who the audit log names, which names may be given, what an
// invitation reveals, how often a signed-in person may guess their own password, and how large a
// directory import may be.
let sys: TestSystem;
let admin: string;
let mohAdmin: string;

beforeAll(async () => {
  sys = await startTestSystem({ env: { LOGIN_MAX_ATTEMPTS: '3' } });
  await createStaff(sys);
  admin = await sys.token('admin');
  for (const code of ['MOH', 'HRSD'])
    expect(
      (
        await sys.api('/api/admin/agencies', {
          token: admin,
          body: { code, name: { ar: 'جهة', en: code }, channels: ['sms'] },
        })
      ).status,
    ).toBe(201);
  mohAdmin = await sys.token('agency_admin', { agency: 'MOH' });
});
afterAll(async () => {
  await sys?.stop();
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
function postLogin(body: Record<string, string>): Promise<Response> {
  return fetch(`${sys.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}
async function csrfOf(cookie: string, path = '/account?lang=en'): Promise<string> {
  const html = await (await get(sys, path, cookie)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no form token on ${path}`);
  return csrf;
}
function postForm(path: string, cookie: string, body: Record<string, string>): Promise<Response> {
  return fetch(`${sys.baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

describe('audit actors (finding 7)', () => {
  it('names a person by id with the name beside it, and never puts an attempted name in the actor', async () => {
    const hostile = 'evil\nname\u202Egnp.exe<script>x</script>';
    expect((await postLogin({ username: hostile, password: 'wrong password 123' })).status).toBe(401);
    const failed = await sys.ctx.models.AuditLog.findOne({ action: 'login_failed' }).lean();
    expect(failed?.actor).toBe('anonymous');
    const attempted = String((failed as { attemptedName?: unknown } | null)?.attemptedName);
    expect(attempted).toContain('evil');
    expect(attempted).not.toMatch(/[\n\u202E<>]/);
    expect(JSON.stringify(failed)).not.toMatch(/\u202E|<script>/);

    const id = String((await sys.ctx.models.User.findOne({ username: 'auditor' }).lean())?._id);
    expect((await postLogin({ username: 'auditor', password: 'wrong password 123' })).status).toBe(401);
    const wrong = await sys.ctx.models.AuditLog.findOne({
      action: 'login_failed',
      actor: `user:${id}`,
    }).lean();
    expect(wrong).toMatchObject({ actorName: 'auditor', outcome: 'failed' });

    const cookie = await login(sys, 'auditor');
    const signedIn = await sys.ctx.models.AuditLog.findOne({ action: 'login', actor: `user:${id}` }).lean();
    expect(signedIn).toMatchObject({ actorName: 'auditor' });
    // The auditors' page shows the name beside the id, and finds entries by either.
    const page = await (await get(sys, `/admin/audit?lang=en&actor=auditor&action=login`, cookie)).text();
    expect(page).toContain(`user:${id}`);
    expect(page).toMatch(/<bdi>auditor<\/bdi>/);
    const byId = await (await get(sys, `/admin/audit?lang=en&actor=user:${id}&action=login`, cookie)).text();
    expect(byId).toContain(`user:${id}`);
  });

  it('refuses token names with control or bidi characters, markup, reserved names, and overlong ones', async () => {
    for (const token of [admin, mohAdmin]) {
      for (const name of [
        'two\nlines',
        'tab\there',
        '\u202Eexe.txt',
        'a\u2066b',
        '<b>x</b>',
        'development',
        'System',
        'x'.repeat(81),
        '   ',
      ]) {
        const res = await sys.api('/api/admin/tokens', {
          token,
          body: { name, role: 'ticket_system', agency: 'MOH' },
        });
        expect(res.status, JSON.stringify(name)).toBe(422);
        expect(JSON.stringify(await json(res)), JSON.stringify(name)).toContain('name');
      }
    }
    expect(await sys.ctx.models.ApiToken.countDocuments({ name: /development|\n|\u202E/i })).toBe(0);
    const ok = await sys.api('/api/admin/tokens', {
      token: mohAdmin,
      body: { name: 'نظام التذاكر MOH', role: 'ticket_system', agency: 'MOH' },
    });
    expect(ok.status).toBe(201);
  });

  it("logs a token's actions under its id, so a token name cannot pass for another's", async () => {
    const made = await json(
      await sys.api('/api/admin/tokens', {
        token: mohAdmin,
        body: { name: 'moh desk', role: 'agency_admin', agency: 'MOH' },
      }),
    );
    const view = made as { id: string };
    await sys.api('/api/admin/agencies/MOH', {
      method: 'PATCH',
      token: String(made.token),
      body: { followUpDelayHours: 30 },
    });
    const entry = await sys.ctx.models.AuditLog.findOne({ action: 'admin.agency.update' }).lean();
    expect(entry).toMatchObject({ actor: `token:${view.id}`, actorName: 'moh desk' });
  });

  it('refuses reserved user names when inviting', async () => {
    for (const username of ['system', 'anonymous', 'development']) {
      const res = await sys.api('/api/admin/users', { token: admin, body: { username, role: 'auditor' } });
      expect(res.status, username).toBe(422);
    }
  });
});

describe('invitations reveal no other agency (finding 10)', () => {
  it("answers an agency admin alike for a new name and another agency's user", async () => {
    await createUser(sys.ctx.models, {
      username: 'hrsd.manager',
      password: PASSWORD,
      role: 'manager',
      agency: 'HRSD',
    });
    const invite = async (username: string) => {
      const res = await sys.api('/api/admin/users', {
        token: mohAdmin,
        body: { username, role: 'manager', agency: 'MOH' },
      });
      const body = await json(res);
      const user = body.user as Record<string, unknown>;
      return {
        status: res.status,
        keys: Object.keys(body).sort(),
        user: { ...user, username: '(name)', linkOpenUntil: typeof user.linkOpenUntil },
        link: String(body.link).replace(/[A-Za-z0-9_-]{43}$/, '(token)'),
      };
    };
    const fresh = await invite('new.person');
    const taken = await invite('hrsd.manager');
    expect(taken).toEqual(fresh);
    expect(fresh.status).toBe(201);
    // Nothing changed for the existing user.
    expect(await sys.ctx.models.User.findOne({ username: 'hrsd.manager' }).lean()).toMatchObject({
      scope: { agency: 'HRSD' },
    });
    // A global admin still sees the conflict.
    const conflict = await sys.api('/api/admin/users', {
      token: admin,
      body: { username: 'hrsd.manager', role: 'manager', agency: 'MOH' },
    });
    expect(conflict.status).toBe(409);
  });
});

describe('own password changes (finding 12)', () => {
  it('limits wrong current-password attempts per user, even with the right one after', async () => {
    await createUser(sys.ctx.models, { username: 'guessed', password: PASSWORD, role: 'auditor' });
    const cookie = await login(sys, 'guessed');
    const csrf = await csrfOf(cookie);
    const attempt = (current: string) =>
      postForm('/account', cookie, {
        _csrf: csrf,
        lang: 'en',
        current,
        password: 'a long and unusual passphrase 42',
      });
    for (let i = 0; i < 3; i++) expect((await attempt(`wrong guess ${i} xxxx`)).status).toBe(422);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many attempts');
    // Nothing changed: the old password still signs in.
    expect((await postLogin({ username: 'guessed', password: PASSWORD })).status).toBe(303);
  });
});

describe('directory import size (finding 12)', () => {
  it('refuses more than 10,000 rows, saying the limit, and changes nothing', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `d${i},قسم ${i},Dept ${i}`);
    const csv = ['code,name_ar,name_en', ...rows].join('\n');
    const res = await fetch(
      `${sys.baseUrl}/api/admin/agencies/MOH/directory.csv?kind=departments&dryRun=true`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
        body: csv,
      },
    );
    expect(res.status).toBe(422);
    expect(JSON.stringify(await json(res))).toMatch(/10,?000 rows/);
    expect(await sys.ctx.models.Department.countDocuments({ agency: 'MOH' })).toBe(0);
    // At the limit it is accepted.
    const atLimit = ['code,name_ar,name_en', ...rows.slice(0, 10_000)].join('\n');
    const ok = await fetch(
      `${sys.baseUrl}/api/admin/agencies/MOH/directory.csv?kind=departments&dryRun=true`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
        body: atLimit,
      },
    );
    expect(ok.status).toBe(200);
  });
});
