import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';

const run = promisify(execFile);
let system: TestSystem;

beforeAll(async () => {
  // The test client is the loopback proxy that says HTTPS (X-Forwarded-Proto) in one test.
  system = await startTestSystem({ env: { LOGIN_MAX_ATTEMPTS: '3', TRUST_PROXY: 'loopback' } });
  await createStaff(system);
});
afterAll(async () => {
  await system?.stop();
});

function postLogin(body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${system.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
}

describe('sign-in', () => {
  it('shows an Arabic right-to-left form, and English on request', async () => {
    const ar = await (await get(system, '/login')).text();
    expect(ar).toContain('<html lang="ar" dir="rtl">');
    expect(ar).toContain('كلمة المرور');
    const en = await (await get(system, '/login?lang=en')).text();
    expect(en).toContain('<html lang="en" dir="ltr">');
  });

  it('sends anonymous visitors of the dashboard to the form, and API callers a 401', async () => {
    const res = await get(system, '/dashboard?lang=en');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard%3Flang%3Den');
    expect((await get(system, '/api/exports/scores.csv')).status).toBe(401);
  });

  it('sets an HttpOnly SameSite session cookie, Secure behind an HTTPS proxy, and audits the sign-in', async () => {
    const res = await postLogin({ username: 'Admin', password: PASSWORD, next: '/dashboard?agency=MOMAH' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?agency=MOMAH&lang=ar');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^verisat_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const proxied = await postLogin(
      { username: 'admin', password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure/);
    const entry = await system.ctx.models.AuditLog.findOne({ action: 'login', actorName: 'admin' }).lean();
    expect(entry).toMatchObject({ outcome: 'ok', detail: { role: 'admin' } });
  });

  it('refuses a wrong password with 401, audits it, and never redirects off-site', async () => {
    const res = await postLogin({ username: 'auditor', password: 'wrong password 123' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('غير صحيحة');
    const entry = await system.ctx.models.AuditLog.findOne({
      action: 'login_failed',
      actorName: 'auditor',
    }).lean();
    expect(entry?.outcome).toBe('failed');
    const offsite = await postLogin({ username: 'auditor', password: PASSWORD, next: '//evil.example/x' });
    expect(offsite.headers.get('location')).toBe('/dashboard?lang=ar');
  });

  it('refuses a sign-in form posted from another site', async () => {
    const res = await postLogin(
      { username: 'admin', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
  });

  it('rate-limits failed attempts per username; other accounts still sign in', async () => {
    for (let i = 0; i < 3; i++)
      expect((await postLogin({ username: 'momah.manager', password: `guess-${i}-xxxxxxx` })).status).toBe(
        401,
      );
    const limited = await postLogin({ username: 'momah.manager', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('محاولات كثيرة');
    expect((await postLogin({ username: 'lighting.manager', password: PASSWORD })).status).toBe(303);
  });

  it('ends the session on sign-out and when the account is disabled', async () => {
    const cookie = await login(system, 'auditor');
    const dashboard = await get(system, '/dashboard', cookie);
    expect(dashboard.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await dashboard.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    // Issue 16: signing out is a form of the session like any other; without its token it is refused.
    const forged = await fetch(`${system.baseUrl}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(forged.status).toBe(403);
    expect((await get(system, '/dashboard', cookie)).status).toBe(200);
    const out = await fetch(`${system.baseUrl}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.status).toBe(303);
    expect((await get(system, '/dashboard', cookie)).status).toBe(303);
    expect(await system.ctx.models.AuditLog.countDocuments({ action: 'logout', actorName: 'auditor' })).toBe(
      1,
    );

    const again = await login(system, 'auditor');
    await system.ctx.models.User.updateOne({ username: 'auditor' }, { $set: { disabledAt: new Date() } });
    expect((await get(system, '/dashboard', again)).status).toBe(303);
    expect((await postLogin({ username: 'auditor', password: PASSWORD })).status).toBe(401);
  });

  it('stores only an argon2id hash of the password', async () => {
    const user = await system.ctx.models.User.findOne({ username: 'admin' }).lean();
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user?.passwordHash).not.toContain(PASSWORD);
  });
});

describe('scripts/create-user.ts', () => {
  it('creates a scoped manager from the command line, reading the password from stdin', async () => {
    const uri = `${inject('mongoUrl').replace(/\/?$/, '/')}${system.dbName}`;
    // The web's rule holds here too: a scope names an agency that exists.
    const created = await system.api('/api/admin/agencies', {
      token: await system.token('admin'),
      body: { code: 'MOH', name: { ar: 'وزارة الصحة', en: 'Ministry of Health' }, channels: ['sms'] },
    });
    expect(created.status).toBe(201);
    const child = run(
      'node',
      [
        '--import',
        'tsx',
        'scripts/create-user.ts',
        '--username',
        'Cli.Manager',
        '--role',
        'manager',
        '--agency',
        'MOH',
      ],
      {
        env: { ...process.env, MONGODB_URI: uri, NODE_ENV: 'test' },
      },
    );
    child.child.stdin?.end(`${PASSWORD}\n`);
    const { stdout } = await child;
    expect(stdout).toContain('Created manager cli.manager (scope MOH)');
    const user = await system.ctx.models.User.findOne({ username: 'cli.manager' }).lean();
    expect(user).toMatchObject({ role: 'manager', scope: { agency: 'MOH' } });
    expect((await postLogin({ username: 'cli.manager', password: PASSWORD })).status).toBe(303);

    const bad = run(
      'node',
      ['--import', 'tsx', 'scripts/create-user.ts', '--username', 'nobody', '--role', 'manager'],
      {
        env: { ...process.env, MONGODB_URI: uri, NODE_ENV: 'test' },
      },
    );
    bad.child.stdin?.end(`${PASSWORD}\n`);
    const failure: unknown = await bad.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String((failure as { stderr?: unknown } | undefined)?.stderr)).toContain(
      'a manager needs --agency (and optionally --department)',
    );
  });
});
