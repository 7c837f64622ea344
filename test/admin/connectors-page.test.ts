import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { SAMPLES } from '../../src/tickets/connectors/samples.js';
import { SYSTEMS } from '../../src/tickets/connectors/systems.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { allProblems } from '../support/page-checks.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 26.2: an agency connects its ticket system through this page, in headless Chromium.
let sys: TestSystem;
let browser: Browser;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  sys = await startTestSystem();
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  await createUser(sys.ctx.models, { username: 'auditor', password: PASSWORD, role: 'auditor' });
  await sys.ctx.models.Agency.create({
    code: 'MOMRAH',
    name: { ar: 'وزارة البلديات', en: 'Ministry of Municipalities' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${sys.baseUrl}/admin/connectors?lang=en`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  return page;
}

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

const url = (lang = 'en') => `${sys.baseUrl}/admin/agencies/MOMRAH/connectors?lang=${lang}`;

describe('connectors page', () => {
  let admin: Page;
  let servicenowSecret = '';

  it('is reached from the menu, lists the agency, and shows every system not yet connected', async () => {
    admin = await signIn('admin');
    expect(new URL(admin.url()).pathname).toBe('/admin/connectors');
    await admin.goto(`${sys.baseUrl}/dashboard?lang=en`);
    await submit(admin, 'nav.menu a[href^="/admin/connectors"]');
    await submit(admin, 'main a[href^="/admin/agencies/MOMRAH/connectors"]');
    expect(new URL(admin.url()).pathname).toBe('/admin/agencies/MOMRAH/connectors');
    for (const s of ['zendesk', 'servicenow', 'dynamics', 'glpi'])
      expect(await admin.textContent(`#connector-${s} .badge`)).toBe('Not connected');
    expect(await admin.textContent('#connector-glpi code.url')).toBe(
      `${sys.baseUrl}/api/connectors/MOMRAH/glpi`,
    );
    // An agency that does not exist: a page naming it, with the agencies that do.
    const missing = await admin.goto(`${sys.baseUrl}/admin/agencies/NOPE/connectors?lang=en`);
    expect(missing?.status()).toBe(404);
    expect(await admin.textContent('.error')).toContain('no agency NOPE');
    expect(await admin.$('main a[href^="/admin/agencies/MOMRAH/connectors"]')).not.toBeNull();
    await admin.goto(url());
  });

  it('generates ServiceNow’s secret and shows it once; Zendesk takes its own pasted signing secret', async () => {
    await submit(admin, '#connector-servicenow button[type=submit]');
    servicenowSecret = (await admin.textContent('#once'))?.trim() ?? '';
    expect(servicenowSecret).toMatch(/^whsec_/);
    await admin.goto(url());
    expect(await admin.$('#once')).toBeNull();
    expect(await admin.content()).not.toContain(servicenowSecret);
    expect(await admin.textContent('#connector-servicenow .badge')).toBe('Connected');
    const stored = await sys.ctx.models.Connector.findOne({ agency: 'MOMRAH', system: 'servicenow' }).lean();
    expect(JSON.stringify(stored)).not.toContain(servicenowSecret);

    // Too short a pasted secret is refused, naming the field; nothing is set up.
    await admin.fill('#connector-zendesk input[name=secret]', 'short');
    await admin.$eval('#connector-zendesk input[name=secret]', (el) => el.removeAttribute('minlength'));
    await submit(admin, '#connector-zendesk button[type=submit]');
    expect(await admin.textContent('.error')).toContain('secret');
    expect(await sys.ctx.models.Connector.countDocuments({ system: 'zendesk' })).toBe(0);
    await admin.fill('#connector-zendesk input[name=secret]', 'dGhpc2lzdGhlemVuZGVza3NpZ25pbmdzZWNyZXQ=');
    await submit(admin, '#connector-zendesk button[type=submit]');
    expect(await admin.textContent('#connector-zendesk .badge')).toBe('Connected');
    expect(await admin.$('#once')).toBeNull();
  });

  it('sends a test event through the receiver without creating a closure, and the number is masked', async () => {
    await submit(admin, '#connector-servicenow form[action$="/test"] button');
    const result = (await admin.textContent('#test-result')) ?? '';
    expect(result).toContain('HTTP 200');
    expect(result).toContain('"type": "closed"');
    expect(result).toContain('MOMRAH-INC0010023');
    expect(result).not.toContain('501234567');
    expect(await sys.ctx.models.Ticket.countDocuments({})).toBe(0);

    await submit(admin, '#connector-zendesk form[action$="/test"] button');
    expect(await admin.textContent('#test-result')).toContain('HTTP 200');
  });

  it('edits the mapping: a status outside it is then ignored, and the log says so', async () => {
    await admin.fill('#connector-servicenow input[name=closed]', 'Resolved, Closed');
    await admin.fill('#connector-servicenow input[name=department]', '=roads');
    await submit(admin, '#connector-servicenow form[action$="/mapping"] button[type=submit]');
    expect(await admin.textContent('.ok')).toContain('saved');
    const stored = await sys.ctx.models.Connector.findOne({ agency: 'MOMRAH', system: 'servicenow' }).lean();
    expect(stored?.mapping).toEqual({ closed: ['Resolved', 'Closed'], department: '=roads' });

    await submit(admin, '#connector-servicenow form[action$="/test"] button');
    const result = (await admin.textContent('#test-result')) ?? '';
    expect(result).toContain('HTTP 202');
    expect(result).toContain('"status": "ignored"');
    // Back to the defaults.
    await admin.fill('#connector-servicenow input[name=closed]', '');
    await admin.fill('#connector-servicenow input[name=department]', '');
    await submit(admin, '#connector-servicenow form[action$="/mapping"] button[type=submit]');
    expect(
      (await sys.ctx.models.Connector.findOne({ agency: 'MOMRAH', system: 'servicenow' }).lean())?.mapping,
    ).toEqual({});
  });

  it('logs what arrived from the system itself, and a wrong secret, without the number', async () => {
    const body = Buffer.from(JSON.stringify(SAMPLES.servicenow));
    const post = (secret: string) =>
      fetch(`${sys.baseUrl}/api/connectors/MOMRAH/servicenow`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(SYSTEMS.servicenow.sign(body, secret, new Date()).headers as Record<string, string>),
        },
        body,
      });
    expect((await post(servicenowSecret)).status).toBe(202);
    expect((await post('whsec_wrong')).status).toBe(401);
    await admin.goto(url());
    expect(await admin.textContent('#log tr[data-outcome=accepted]')).toContain('MOMRAH-INC0010023');
    expect(await admin.textContent('#log tr[data-outcome=unauthorised]')).toContain('X-Verisat-Secret');
    expect(await admin.textContent('#log tr[data-outcome=ignored]')).toContain('6');
    expect(await admin.textContent('#log')).not.toMatch(/501234567|0501/);
  });

  it('rotates a secret: the new one is shown once and the old one keeps verifying during the overlap', async () => {
    await submit(admin, '#connector-servicenow form[action$="/rotate"] button');
    const fresh = (await admin.textContent('#once'))?.trim() ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(servicenowSecret);
    const stored = await sys.ctx.models.Connector.findOne({ agency: 'MOMRAH', system: 'servicenow' }).lean();
    expect(stored?.secrets).toHaveLength(2);
    expect(stored?.secrets[1]?.retiresAt).toBeTruthy();
  });

  it('passes the layout and accessibility checks at 390 and 1280 px, in Arabic right-to-left and English', async () => {
    for (const lang of ['ar', 'en']) {
      for (const width of [390, 1280]) {
        await admin.setViewportSize({ width, height: 900 });
        await admin.goto(url(lang));
        expect(await admin.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        expect(await allProblems(admin)).toEqual([]);
        await admin.screenshot({ path: `${ARTIFACTS}/connectors-${lang}-${width}.png`, fullPage: true });
      }
    }
    expect(await admin.textContent('h1')).toContain('Ticket system connectors');
    await admin.goto(url('ar'));
    expect(await admin.textContent('h1')).toContain('ربط أنظمة التذاكر');
  });

  it('an auditor reads the page but has no form to change it, and a change posted anyway is refused', async () => {
    const auditor = await signIn('auditor');
    await auditor.goto(url());
    expect(await auditor.textContent('main')).toContain('Read only');
    expect(await auditor.$('#connector-servicenow form[action$="/rotate"]')).toBeNull();
    const csrf = await auditor.getAttribute('input[name=_csrf]', 'value');
    const res = await auditor.request.post(`${sys.baseUrl}/admin/agencies/MOMRAH/connectors/glpi/set-up`, {
      form: { _csrf: csrf ?? '', lang: 'en' },
      headers: { origin: sys.baseUrl },
    });
    expect(res.status()).toBe(403);
    expect(await sys.ctx.models.Connector.countDocuments({ system: 'glpi' })).toBe(0);
  });
});
