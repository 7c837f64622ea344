import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { launchBrowser } from '../support/browser.js';
import { FAST_FOLLOWUP_ENV, ticketEvent, waitForMessages } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 16, item 3: security headers on every page, a CSP the pages pass in Chromium, CSRF on every
// cookie-authenticated form, no-store on pages with personal data.
let sys: TestSystem;
let browser: Browser;
let answerPath = '';
const PASSWORD = 'correct horse battery staple';
const PHONE = '+966501110016';

/** Pages a signed-in administrator reaches, each with personal or per-user data. */
const PRIVATE_PAGES = [
  '/dashboard',
  '/admin',
  '/admin/agencies/MOH',
  '/admin/users',
  '/admin/tokens',
  '/admin/audit',
  '/admin/unknown-codes',
  '/admin/erasure',
  '/account',
  '/sandbox',
];

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  const admin = await sys.token('admin');
  const agency = await sys.api('/api/admin/agencies', {
    token: admin,
    body: { code: 'MOH', name: { ar: 'وزارة الصحة', en: 'Ministry of Health' }, channels: ['sms'] },
  });
  expect(agency.status).toBe(201);
  await ticketEvent(sys, admin, 'T-H3', 'closed', { phone: PHONE });
  const [msg] = await waitForMessages(sys, PHONE, 1);
  answerPath = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0] ?? '';
  expect(answerPath).not.toBe('');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

async function signIn(): Promise<{ context: BrowserContext; page: Page; violations: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  // Chromium reports every blocked resource or inline code as a console error naming the policy.
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  await page.goto(`${sys.baseUrl}/login?lang=en`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  expect(new URL(page.url()).pathname).toBe('/dashboard');
  return { context, page, violations };
}

async function sessionCookie(): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: PASSWORD }).toString(),
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the content security policy, in Chromium', () => {
  it('raises no violation on any page, in Arabic and English', async () => {
    const { context, page, violations } = await signIn();
    for (const lang of ['ar', 'en'])
      for (const path of [...PRIVATE_PAGES, '/public', answerPath, '/login']) {
        const res = await page.goto(`${sys.baseUrl}${path}?lang=${lang}`);
        expect(res?.status(), path).toBeLessThan(400);
        await page.waitForLoadState('load');
        if (lang === 'ar' && path !== '/sandbox')
          expect(await page.getAttribute('html', 'dir'), path).toBe('rtl');
      }
    // The sandbox phone runs its own script: it must have started under the policy, not been blocked.
    await page.goto(`${sys.baseUrl}/sandbox?lang=en`);
    await page.waitForLoadState('load');
    expect(violations).toEqual([]);

    // The detector itself: an inline script on a page is blocked and reported.
    await page.goto(`${sys.baseUrl}/dashboard`);
    await page.addScriptTag({ content: 'document.title = "injected"' }).catch(() => undefined);
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.title()).not.toBe('injected');
    await context.close();
  });
});

describe('headers', () => {
  it('helmet headers on pages, API answers and webhooks alike', async () => {
    const cookie = await sessionCookie();
    for (const path of [...PRIVATE_PAGES, '/public', '/login', answerPath, '/api/tickets/T-H3', '/nowhere']) {
      const res = await fetch(`${sys.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toMatch(/same-origin|no-referrer/);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy'), path).not.toContain('unsafe-eval');
      // Plain http here: HSTS would pin 127.0.0.1 for every other local service.
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('no-store on every page with personal data; only the public board may be cached', async () => {
    const cookie = await sessionCookie();
    for (const path of [...PRIVATE_PAGES, answerPath, '/login', '/api/tickets/T-H3']) {
      const res = await fetch(`${sys.baseUrl}${path}`, {
        headers: path.startsWith('/api')
          ? { authorization: `Bearer ${await sys.token('admin')}` }
          : { cookie },
        redirect: 'manual',
      });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toContain('no-store');
    }
    const board = await fetch(`${sys.baseUrl}/public`);
    expect(board.headers.get('cache-control')).toMatch(/^public/);
  });
});

describe('CSRF on every cookie-authenticated form', () => {
  it('every post form on every page refuses a post without the session token, and one from another site', async () => {
    const cookie = await sessionCookie();
    const forms = new Set<string>();
    for (const path of PRIVATE_PAGES) {
      const html = await (await fetch(`${sys.baseUrl}${path}`, { headers: { cookie } })).text();
      for (const m of html.matchAll(
        /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g,
      )) {
        const action = (m[1] ?? '').replaceAll('&amp;', '&');
        forms.add(action);
        // Every such form carries the token, or the browser could not post it either.
        expect(m[2], `${path} → ${action}`).toMatch(/name="_csrf" value="[^"]+"/);
      }
    }
    // The audit above must have found the real forms, not an empty page.
    expect(forms.size).toBeGreaterThanOrEqual(8);
    expect(forms).toContain('/logout');
    const token = /name="_csrf" value="([^"]+)"/.exec(
      await (await fetch(`${sys.baseUrl}/admin`, { headers: { cookie } })).text(),
    )?.[1];
    expect(token).toBeDefined();
    const auditBefore = await sys.ctx.models.AuditLog.countDocuments({});
    for (const action of forms) {
      const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
        fetch(`${sys.baseUrl}${action}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams(body).toString(),
        });
      expect((await post({ lang: 'en' })).status, `${action} without a token`).toBe(403);
      expect((await post({ lang: 'en', _csrf: 'x'.repeat(43) })).status, `${action} with a wrong token`).toBe(
        403,
      );
      expect(
        (await post({ lang: 'en', _csrf: token ?? '' }, { origin: 'https://evil.example' })).status,
        `${action} from another site`,
      ).toBe(403);
    }
    // Nothing refused changed anything (a refused post writes no audit entry of a change).
    expect(await sys.ctx.models.AuditLog.countDocuments({})).toBe(auditBefore);
    // Still signed in: the forged sign-out did not end the session.
    expect(
      (await fetch(`${sys.baseUrl}/dashboard`, { headers: { cookie }, redirect: 'manual' })).status,
    ).toBe(200);
  });

  it('the sandbox API refuses a session call without its token', async () => {
    const cookie = await sessionCookie();
    const res = await fetch(`${sys.baseUrl}/sandbox/api/tickets`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'T-CSRF' }),
    });
    expect(res.status).toBe(403);
  });
});
