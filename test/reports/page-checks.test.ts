import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { unsubscribeUrl } from '../../src/mail/unsubscribe.js';
import { purgeExpiredPersonalData } from '../../src/retention/purge.js';
import { markDemoData } from '../../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../../src/sandbox/demo/month.js';
import { launchBrowser } from '../support/browser.js';
import { allProblems, controlsInSightProblems } from '../support/page-checks.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, PASSWORD } from './helpers.js';

// Issue 25, item 7: every page of every role, both languages, 390 and 1280 px, on the month demo's
// data, checked for layout (nothing wider than the screen but a table in its own scrolling box, no
// control outside its container nor out of sight in a box that scrolls sideways), charts (no text over text or over a bar, none under 12 px) and
// axe-core's serious and critical WCAG 2.1 AA rules. A screenshot of each is kept as an artifact.

const SHOTS = '.test-artifacts/pages';
const WIDTHS = [390, 1280] as const;
const LANGS = ['ar', 'en'] as const;

let system: TestSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem();
  await markDemoData(system.ctx.models.VerifiedScore.db, 'page checks');
  await writeDemoMonth(system.ctx.models, { days: 30, timeZone: system.ctx.config.timeZone });
  await createStaff(system);
  await createUser(system.ctx.models, {
    username: 'moh.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'MOH',
  });
  // Mail (issue 28): a manager with an address and subscriptions, so /account and /admin/mail show
  // them, and the page a mail's unsubscribe link opens.
  const manager = await system.ctx.models.User.findOneAndUpdate(
    { username: 'momah.manager' },
    { $set: { email: 'momah.manager@example.org', language: 'ar' } },
  ).lean();
  const userId = String(manager?._id);
  const subs = await system.ctx.models.Subscription.insertMany([
    { userId, kind: 'dispute_alert', agency: 'MOMAH', department: 'roads', gatherMinutes: 15 },
    { userId, kind: 'drift_alert', agency: 'MOMAH', agentId: 'momah-r-02' },
    { userId, kind: 'monthly_report', agency: 'MOMAH' },
  ]);
  await system.ctx.models.Mail.create({
    _id: 'monthly_report:agency=MOMAH:2026-11:user=page-checks',
    kind: 'monthly_report',
    to: 'momah.manager@example.org',
    userId,
    lang: 'ar',
    subject: 'التقرير الشهري: وزارة البلديات والإسكان، نوفمبر 2026',
    html: '<p>x</p>',
    text: 'x',
    state: 'failed',
    attempts: 8,
    lastResult: '451 4.3.0 temporary failure, try again later',
  });
  // A purge run, so /admin/erasure shows its last run's tables (dates that must stay in view).
  await purgeExpiredPersonalData(system.ctx, {});
  const unsubscribe = new URL(unsubscribeUrl(system.ctx.config, String(subs[0]?._id))).pathname;
  TOURS[0]?.paths.push(unsubscribe);
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** The pages each kind of reader works on; anonymous readers see the public pages and sign-in. */
const ADMIN_PAGES = ['/admin', '/admin/users', '/admin/tokens', '/admin/audit', '/admin/unknown-codes'];

/** The pages each kind of reader works on; anonymous readers see the public pages and sign-in. */
const TOURS: { user?: string; paths: string[] }[] = [
  { paths: ['/', '/public', '/public/methodology', '/login', '/api/docs'] },
  {
    user: 'admin',
    paths: [
      '/',
      '/dashboard',
      '/reports/agent/momah-r-02',
      '/reports/agency/MOMAH',
      '/reports/department/MOMAH/roads',
      '/audit/integrity',
      ...ADMIN_PAGES,
      '/admin/imports',
      '/admin/connectors',
      '/admin/agencies/MOMAH',
      '/admin/agencies/MOMAH/connectors',
      '/admin/erasure',
      '/admin/mail',
      '/sandbox',
      '/account',
    ],
  },
  {
    user: 'auditor',
    paths: [
      '/dashboard',
      '/audit/integrity',
      '/reports/agent/moh-a-01',
      ...ADMIN_PAGES,
      '/admin/agencies/MOMAH',
      '/account',
    ],
  },
  { user: 'momah.manager', paths: ['/dashboard', '/reports/agent/momah-r-02', '/account'] },
  { user: 'lighting.manager', paths: ['/dashboard'] },
  {
    user: 'moh.admin',
    paths: ['/dashboard', ...ADMIN_PAGES, '/admin/imports', '/admin/mail', '/admin/agencies/MOH', '/account'],
  },
];

describe('every page of every role, in Chromium', () => {
  for (const tour of TOURS)
    for (const width of WIDTHS)
      it(`${tour.user ?? 'anonymous'} at ${width} px`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        try {
          if (tour.user) {
            await page.goto(`${system.baseUrl}/login`);
            await page.fill('input[name=username]', tour.user);
            await page.fill('input[name=password]', PASSWORD);
            await page.click('button[type=submit]');
            await page.waitForLoadState('load');
          }
          const problems: string[] = [];
          for (const path of tour.paths)
            for (const lang of LANGS) {
              const url = `${system.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
              const res = await page.goto(url);
              const found = [
                ...(res && res.status() >= 400 ? [`answered ${res.status()}`] : []),
                ...(await allProblems(page)),
                ...(await controlsInSightProblems(page)),
              ];
              const name = `${tour.user ?? 'anonymous'}${path.replace(/[^a-z0-9]+/gi, '_')}-${lang}-${width}`;
              await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
              problems.push(...found.map((p) => `${path} (${lang}, ${width} px): ${p}`));
            }
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      });
});

/**
 * The sandbox's Mail tab (issue 28) with a mail in each language as the embedded SMTP catcher received
 * it: the list, the opened mail in its frame (drawn, its scripts not run), its text and attachment.
 */
describe('the sandbox Mail tab, in Chromium', () => {
  const MAILS = {
    ar: {
      subject: 'تنبيه: اعتراض على إغلاق البلاغ T-1042',
      html: '<div dir="rtl" lang="ar" style="font-family:sans-serif"><h1 style="color:#0b5d34">اعتراض على إغلاق</h1><p>قال المواطن إن المشكلة لم تحل: «ما زالت الحفرة أمام البيت».</p><script>document.title="ran"</script></div>',
      text: 'اعتراض على إغلاق\nقال المواطن إن المشكلة لم تحل.',
      kind: 'dispute_alert',
    },
    en: {
      subject: 'Weekly report: Ministry of Health, 23–29 November',
      html: '<div lang="en" style="font-family:sans-serif"><h1 style="color:#0b5d34">Weekly report</h1><p>Verified satisfaction 82% (79–85%).</p></div>',
      text: 'Weekly report\nVerified satisfaction 82% (79–85%).',
      kind: 'weekly_report',
    },
  } as const;

  beforeAll(async () => {
    const transport = system.ctx.mail?.transport;
    if (!transport) throw new Error('the test system has no mail transport');
    for (const lang of LANGS) {
      const m = MAILS[lang];
      await transport.send({
        from: system.ctx.config.mail.from,
        to: `${lang}.manager@agency.example`,
        subject: m.subject,
        html: m.html,
        text: m.text,
        messageId: `<page-check-${lang}@verisat.invalid>`,
        attachments: [
          {
            filename: `report-${lang}.pdf`,
            contentType: 'application/pdf',
            content: Buffer.from('%PDF-1.4\n'),
          },
        ],
        headers: {
          'X-Verisat-Kind': m.kind,
          'List-Unsubscribe': '<https://verisat.example/unsubscribe/abc>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
    }
  });

  for (const width of WIDTHS)
    it(`admin at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      try {
        await page.goto(`${system.baseUrl}/login`);
        await page.fill('input[name=username]', 'admin');
        await page.fill('input[name=password]', PASSWORD);
        await page.click('button[type=submit]');
        await page.waitForLoadState('load');
        const problems: string[] = [];
        for (const lang of LANGS) {
          const m = MAILS[lang];
          await page.goto(`${system.baseUrl}/sandbox?tab=mail&lang=${lang}`);
          await page.waitForSelector('body[data-ready=true]');
          await page.click(`[data-mail-id] >> text=${m.subject}`);
          await page.waitForFunction(
            (s) => document.getElementById('mail-subject')?.textContent === s,
            m.subject,
          );
          const frame = await (await page.$('#mail-html'))?.contentFrame();
          await frame?.waitForSelector('h1');
          // The mail is drawn as its recipient sees it, and nothing in it ran.
          expect(await frame?.textContent('h1')).toBe(m.html.match(/<h1[^>]*>([^<]*)</)?.[1]);
          expect(await frame?.title()).not.toBe('ran');
          expect(await page.getAttribute('#mail-html', 'sandbox')).toBe('');
          expect(await page.textContent('#mail-text')).toBe(m.text);
          expect(await page.textContent('#mail-unsubscribe')).toContain(
            'https://verisat.example/unsubscribe/abc',
          );
          const download = await page.getAttribute('#mail-attachments a', 'href');
          const got = await page.evaluate(
            (href) =>
              fetch(href!).then(async (r) => [
                r.status,
                r.headers.get('content-disposition'),
                await r.text(),
              ]),
            download,
          );
          expect(got).toEqual([200, expect.stringContaining(`report-${lang}.pdf`), '%PDF-1.4\n']);
          problems.push(
            ...[...(await allProblems(page)), ...(await controlsInSightProblems(page))].map(
              (p) => `/sandbox?tab=mail (${lang}, ${width} px): ${p}`,
            ),
          );
          await page.screenshot({ path: `${SHOTS}/admin_sandbox_mail-${lang}-${width}.png`, fullPage: true });
          // Headless Chromium leaves a sandboxed frame blank in a full-page shot: the frame on its own.
          await page
            .locator('#mail-html')
            .screenshot({ path: `${SHOTS}/admin_sandbox_mail-frame-${lang}-${width}.png` });
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
});
