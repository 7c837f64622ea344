import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { unsubscribeUrl } from '../../src/mail/unsubscribe.js';
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
