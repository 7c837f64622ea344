import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { startReceiver, type Receiver } from './receiver.js';

// Issue 14, done when: everything below is done through the pages, in headless Chromium.
let sys: TestSystem;
let browser: Browser;
let receiver: Receiver;
const PASSWORD = 'correct horse battery staple';
const secrets: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  // Scores of two departments, for the department manager to see one of them.
  const closedAt = new Date('2025-03-10T09:00:00Z');
  await sys.ctx.models.VerifiedScore.insertMany(
    ['complaints', 'lighting'].flatMap((department) =>
      Array.from({ length: 3 }, (_, i) => ({
        ticketRef: `S-${department}-${i}`,
        closureNumber: 1,
        agency: 'MOH',
        department,
        agentId: `${department}-agent`,
        closedAt,
        day: '2025-03-10',
        sent: true,
        delivered: true,
        solved: true,
      })),
    ),
  );
  await rebuildDailySums(sys.ctx.models);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  await receiver?.close();
});

async function signIn(username: string, password = PASSWORD): Promise<Page> {
  // A missing element fails its step at the browser deadline (test/support/browser.ts), naming the
  // selector, not at the test's.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${sys.baseUrl}/admin?lang=en`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
  return page;
}

/** Clicks a submit button and waits for the page it leads to (the same URL, often, with new content). */
async function submit(page: Page, selector: string): Promise<void> {
  // waitForNavigation, not waitForURL: a post often answers at the URL the page already has.
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

const onceValue = async (page: Page) => (await page.textContent('#once'))?.trim() ?? '';
const agencyUrl = (code: string) => `${sys.baseUrl}/admin/agencies/${code}?lang=en`;

describe('administration pages in headless Chromium', () => {
  let admin: Page;

  it('an admin creates an agency with its webhook and sees its secret once, in Arabic right-to-left or English', async () => {
    admin = await signIn('admin');
    expect(new URL(admin.url()).pathname).toBe('/admin');
    await admin.goto(`${sys.baseUrl}/dashboard?lang=en`);
    await submit(admin, 'nav.menu a[href^="/admin"]');
    expect(new URL(admin.url()).pathname).toBe('/admin');
    await admin.goto(`${sys.baseUrl}/admin`);
    expect(await admin.getAttribute('html', 'dir')).toBe('rtl');
    // The page's own heading names the page; the title bar names the administration it belongs to.
    expect(await admin.textContent('h1')).toContain('الجهات');
    expect(await admin.title()).toContain('الإدارة');
    await admin.goto(`${sys.baseUrl}/admin?lang=en`);
    expect(await admin.getAttribute('html', 'dir')).toBe('ltr');

    // A window that ends before it starts: the field is named and nothing is created.
    const form = '#new-agency';
    await admin.fill(`${form} input[name=code]`, 'MOH');
    await admin.fill(`${form} input[name=name_ar]`, 'وزارة الصحة');
    await admin.fill(`${form} input[name=name_en]`, 'Ministry of Health');
    await admin.fill(`${form} input[name=webhook_url]`, receiver.url);
    await admin.fill(`${form} input[name=window_start]`, '21:00');
    await admin.fill(`${form} input[name=window_end]`, '09:00');
    await submit(admin, `${form} button[type=submit]`);
    expect(await admin.textContent('.error')).toContain('sendWindow.end');
    expect(await sys.ctx.models.Agency.countDocuments({})).toBe(0);

    await admin.fill(`${form} input[name=code]`, 'MOH');
    await admin.fill(`${form} input[name=name_ar]`, 'وزارة الصحة');
    await admin.fill(`${form} input[name=name_en]`, 'Ministry of Health');
    await admin.fill(`${form} input[name=webhook_url]`, receiver.url);
    // All day, so the disputed closure below is asked at once whenever the test runs.
    await admin.fill(`${form} input[name=window_start]`, '00:00');
    await admin.fill(`${form} input[name=window_end]`, '24:00');
    // SMS first, then a call for whoever has not answered in 12 hours.
    await admin.selectOption(`${form} select[name=channel_2]`, 'voice');
    await admin.fill(`${form} input[name=channel_wait_hours]`, '12');
    await submit(admin, `${form} button[type=submit]`);
    const secret = await onceValue(admin);
    expect(await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean()).toMatchObject({
      channels: ['sms', 'voice'],
      channelWaitHours: 12,
    });
    expect(secret).toMatch(/^whsec_/);
    secrets.push(secret);
    expect(new URL(admin.url()).pathname).toBe('/admin/agencies');
    await admin.screenshot({ path: `${ARTIFACTS}/admin-agency-created.png`, fullPage: true });
    // Shown once: the agency's page, loaded again, has no secret in it.
    await admin.goto(agencyUrl('MOH'));
    expect(await admin.content()).not.toContain(secret);
    expect(await admin.inputValue('#agency-form input[name=window_end]')).toBe('24:00');

    // The same code again is refused, naming the field.
    await admin.goto(`${sys.baseUrl}/admin?lang=en`);
    await admin.fill(`${form} input[name=code]`, 'MOH');
    await admin.fill(`${form} input[name=name_ar]`, 'مكرر');
    await admin.fill(`${form} input[name=name_en]`, 'Duplicate');
    await submit(admin, `${form} button[type=submit]`);
    expect(await admin.textContent('.error')).toContain('code');
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.name?.en).toBe(
      'Ministry of Health',
    );
  });

  it('rotates the secret: the receiver accepts both signatures during the overlap, only the new one after', async () => {
    await admin.goto(agencyUrl('MOH'));
    receiver.secrets = [secrets[0] ?? ''];
    await submit(admin, '#send-test');
    expect(await admin.textContent('#test-result')).toContain('200');
    expect(receiver.received.at(-1)).toMatchObject({ type: 'webhook.test', status: 200, v1Count: 1 });

    await admin.fill('input[name=overlap_hours]', '24');
    await submit(admin, '#rotate');
    const fresh = await onceValue(admin);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secrets[0]);
    secrets.push(fresh);
    // During the overlap a receiver holding the old secret and one holding the new both accept.
    receiver.secrets = [secrets[0] ?? ''];
    await submit(admin, '#send-test');
    expect(await admin.textContent('#test-result')).toContain('200');
    receiver.secrets = [fresh];
    await submit(admin, '#send-test');
    expect(await admin.textContent('#test-result')).toContain('200');
    expect(receiver.received.at(-1)?.v1Count).toBe(2);

    await submit(admin, '#retire');
    receiver.secrets = [secrets[0] ?? ''];
    await submit(admin, '#send-test');
    expect(await admin.textContent('#test-result')).toContain('401');
    receiver.secrets = [fresh];
    await submit(admin, '#send-test');
    expect(await admin.textContent('#test-result')).toContain('200');
    expect(receiver.received.at(-1)?.v1Count).toBe(1);
    // The delivery log lists each attempt with its status and latency; the failed one can be re-sent.
    const log = await admin.textContent('#deliveries');
    expect(log).toContain('401');
    expect(log).toMatch(/\d+ ms/);
    await submit(admin, '#webhook form[action$="/resend"] button');
    expect(await admin.textContent('#test-result')).toContain('200');
    expect(await admin.content()).not.toContain(fresh);
  });

  it('adds departments, then imports agents from CSV after a dry run', async () => {
    for (const [code, ar, en] of [
      ['complaints', 'الشكاوى', 'Complaints'],
      ['lighting', 'الإنارة', 'Lighting'],
    ] as const) {
      await admin.fill('#departments input[name=code]', code);
      await admin.fill('#departments input[name=name_ar]', ar);
      await admin.fill('#departments input[name=name_en]', en);
      await submit(admin, '#departments button[type=submit]');
      expect(admin.url()).toContain('saved=1');
    }
    const header = 'agent_id,department,display_name,dial_target,staff_phones';
    await admin.selectOption('#csv select[name=kind]', 'agents');
    await admin.fill(
      '#csv textarea',
      `${header}\na-1,lighting,Sara,,0501234567\na-2,lighting,=cmd|' /C calc'!A0,,\n`,
    );
    await submit(admin, '#dry-run');
    const report = await admin.textContent('#import-report');
    expect(report).toContain('display_name');
    expect(report).toContain('3');
    expect(await sys.ctx.models.Agent.countDocuments({})).toBe(0);

    await admin.fill(
      '#csv textarea',
      `${header}\na-1,lighting,Sara,,0501234567\na-2,complaints,Omar,+966112345678,\n`,
    );
    await submit(admin, '#dry-run');
    expect(await admin.textContent('#import-report')).toContain('2 / 0');
    expect(await sys.ctx.models.Agent.countDocuments({})).toBe(0);
    await submit(admin, '#import');
    expect(await admin.textContent('#import-report')).toContain('Imported: 2 / 0');
    expect(await admin.textContent('#agents table')).toContain('Omar');
    expect(await sys.ctx.models.Agent.findOne({ agentId: 'a-1' }).lean()).toMatchObject({
      department: 'lighting',
      staffPhones: ['+966501234567'],
    });
  });

  it('creates a manager for one department, who then sees only that department', async () => {
    await admin.goto(`${sys.baseUrl}/admin/users?lang=en`);
    await admin.fill('#new-user input[name=username]', 'lamia');
    await admin.selectOption('#new-user select[name=role]', 'manager');
    await admin.fill('#new-user input[name=agency]', 'MOH');
    await admin.fill('#new-user input[name=department]', 'lighting');
    await submit(admin, '#new-user button[type=submit]');
    const link = await onceValue(admin);
    expect(link).toMatch(/\/account\/password\//);

    const invited = await (await browser.newContext()).newPage();
    await invited.goto(`${link}?lang=en`);
    await invited.fill('input[name=password]', 'qwertyuiop123');
    await submit(invited, 'button[type=submit]');
    expect(await invited.textContent('.error')).toContain('common');
    await invited.fill('input[name=password]', PASSWORD);
    await submit(invited, 'button[type=submit]');
    expect(await invited.textContent('.ok')).toContain('password is set');
    // Single use: the link now says so.
    const again = await invited.goto(link);
    expect(again?.status()).toBe(410);

    const manager = await signIn('lamia');
    expect(await manager.$('a[href^="/admin"]')).toBeNull();
    const dashboard = await manager.goto(`${sys.baseUrl}/dashboard?from=2025-03-01&to=2025-03-31&lang=en`);
    expect(dashboard?.status()).toBe(200);
    const summary = await manager.request.get(
      `${sys.baseUrl}/api/reports/summary?from=2025-03-01&to=2025-03-31&groupBy=department`,
    );
    const groups = ((await summary.json()) as { groups: { department?: string }[] }).groups;
    expect(groups.map((g) => g.department)).toEqual(['lighting']);
    const other = await manager.goto(
      `${sys.baseUrl}/dashboard?from=2025-03-01&to=2025-03-31&department=complaints`,
    );
    expect(other?.status()).toBe(403);
    const refused = await manager.goto(`${sys.baseUrl}/admin?lang=en`);
    expect(refused?.status()).toBe(403);
    expect(await manager.textContent('.error')).toContain('does not give access');
  });

  it('an agency admin cannot see or change another agency', async () => {
    await sys.ctx.models.Agency.create({ code: 'HRSD', name: { ar: 'الموارد البشرية', en: 'HRSD' } });
    await admin.goto(`${sys.baseUrl}/admin/users?lang=en`);
    await admin.fill('#new-user input[name=username]', 'moh.admin');
    await admin.selectOption('#new-user select[name=role]', 'agency_admin');
    await admin.fill('#new-user input[name=agency]', 'MOH');
    await submit(admin, '#new-user button[type=submit]');
    const link = await onceValue(admin);
    const invited = await (await browser.newContext()).newPage();
    await invited.goto(link);
    await invited.fill('input[name=password]', PASSWORD);
    await submit(invited, 'button[type=submit]');

    const own = await signIn('moh.admin');
    await own.goto(`${sys.baseUrl}/admin?lang=en`);
    const list = await own.textContent('main');
    expect(list).toContain('MOH');
    expect(list).not.toContain('HRSD');
    expect((await own.goto(agencyUrl('HRSD')))?.status()).toBe(404);
    // A form posted at another agency with this session's own CSRF token is still refused.
    await own.goto(agencyUrl('MOH'));
    const csrf = await own.inputValue('#agency-form input[name=_csrf]');
    const hijack = await own.request.post(`${sys.baseUrl}/admin/agencies/HRSD`, {
      form: { _csrf: csrf, lang: 'en', name_ar: 'مخترق', name_en: 'hijacked', channels: 'sms' },
    });
    expect(hijack.status()).toBe(404);
    expect(await hijack.text()).toContain('agency');
    expect((await sys.ctx.models.Agency.findOne({ code: 'HRSD' }).lean())?.name?.en).toBe('HRSD');
    // Without the token, even its own agency is not changed (CSRF).
    const forged = await own.request.post(`${sys.baseUrl}/admin/agencies/MOH`, {
      form: { lang: 'en', name_ar: 'مزور', name_en: 'forged', channels: 'sms' },
    });
    expect(forged.status()).toBe(403);
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.name?.en).toBe(
      'Ministry of Health',
    );
    // Its own agency it can change (no delay: the disputed closure below is asked at once).
    await own.fill('#agency-form input[name=delay_hours]', '0');
    await own.fill('#agency-form input[name=max_age_hours]', '96');
    await submit(own, '#agency-form button[type=submit]');
    expect(own.url()).toContain('saved=1');
    expect(await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean()).toMatchObject({
      followUpDelayHours: 0,
      followUpMaxAgeHours: 96,
    });
  });

  it("sets an agency's dispute deadline on its page: 1 to 90 days, a bad one refused with nothing changed, each change audited", async () => {
    await admin.goto(agencyUrl('MOH'));
    const field = '#agency-form input[name=dispute_act_days]';
    // Unset, the default is shown as the placeholder.
    expect(await admin.getAttribute(field, 'placeholder')).toBe('7');
    await admin.fill(field, '14');
    await submit(admin, '#agency-form button[type=submit]');
    expect(admin.url()).toContain('saved=1');
    expect(await admin.inputValue(field)).toBe('14');
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.disputeActDays).toBe(14);
    const entry = await sys.ctx.models.AuditLog.findOne({
      action: 'admin.agency.update',
      target: 'agency:MOH',
    })
      .sort({ _id: -1 })
      .lean();
    expect(entry?.after).toMatchObject({ disputeActDays: 14 });
    // Past the page's own min and max (a browser would stop it; a script need not): refused by the server.
    const csrf = (await admin.getAttribute('#agency-form input[name=_csrf]', 'value')) ?? '';
    for (const days of ['0', '91', '2.5']) {
      const refused = await admin.request.post(`${sys.baseUrl}/admin/agencies/MOH`, {
        form: {
          _csrf: csrf,
          lang: 'en',
          name_ar: 'وزارة الصحة',
          name_en: 'Ministry of Health',
          dispute_act_days: days,
        },
      });
      expect(refused.status(), days).toBe(422);
      expect(await refused.text(), days).toContain('disputeActDays');
    }
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.disputeActDays).toBe(14);
  });

  it("sets and clears an agency's optional answer webhook on its page", async () => {
    await admin.goto(agencyUrl('MOH'));
    const field = '#agency-form input[name=answer_webhook_url]';
    expect(await admin.inputValue(field)).toBe('');
    const disputes = await admin.inputValue('#agency-form input[name=webhook_url]');
    const answers = disputes.replace(/\/[^/]*$/, '/answers');
    await admin.fill(field, answers);
    await submit(admin, '#agency-form button[type=submit]');
    expect(admin.url()).toContain('saved=1');
    expect(await admin.inputValue(field)).toBe(answers);
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.answerWebhookUrl).toBe(answers);
    await admin.fill(field, '');
    await submit(admin, '#agency-form button[type=submit]');
    expect((await sys.ctx.models.Agency.findOne({ code: 'MOH' }).lean())?.answerWebhookUrl).toBeUndefined();
  });

  it('a disputed closure reaches the webhook configured through the page, and the delivery log shows it', async () => {
    const token = await sys.token('ticket_system');
    const phone = '+966500000777';
    await ticketEvent(sys, token, 'D-1', 'closed', { phone, agency: 'MOH' });
    await waitForMessages(sys, phone, 1);
    await reply(sys, phone, '2');
    const delivered = await eventually(() =>
      Promise.resolve(receiver.received.find((r) => r.type === 'closure.disputed' && r.status === 200)),
    );
    expect(JSON.parse(delivered.body)).toMatchObject({ ticketRef: 'D-1', agency: 'MOH' });
    expect(delivered.matched).toEqual([secrets[1]]);
    await admin.goto(agencyUrl('MOH'));
    const log = await admin.textContent('#webhook');
    expect(log).toContain('dispute');
    expect(log).toContain('D-1');

    // The ticket named a department the directory does not know: listed, and added with one click.
    await admin.goto(`${sys.baseUrl}/admin/unknown-codes?lang=en`);
    expect(await admin.textContent('main')).toContain('roads');
    await submit(admin, 'main table button');
    expect(new URL(admin.url()).pathname).toBe('/admin/agencies/MOH');
    expect(await sys.ctx.models.Department.exists({ agency: 'MOH', code: 'roads' })).toBeTruthy();

    // Every change above is in the audit log, readable and filterable in the product.
    await admin.goto(`${sys.baseUrl}/admin/audit?lang=en&action=admin.webhook.secret.rotate`);
    const audit = await admin.textContent('#audit-rows');
    expect(audit).toContain('admin.webhook.secret.rotate');
    expect(audit).not.toContain('admin.agency.create');
    expect(await admin.content()).not.toContain(secrets[1] ?? 'x');
  });
});
