import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { markDemoData } from '../../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../../src/sandbox/demo/month.js';
import { launchBrowser } from '../support/browser.js';
import { allProblems, controlsInSightProblems } from '../support/page-checks.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, PASSWORD } from '../reports/helpers.js';

// Issue 25, items 5–7 for the pages that are not reports: the administration, the auditors' page,
// the sandbox, the erasure page, the sign-in and the account page, for every role that opens them,
// in both languages at 390 and 1280 px: nothing wider than the screen but a table in its own
// scrolling box, no control outside its container nor out of sight in a box that scrolls sideways,
// axe-core clean of serious and critical issues.

const SHOTS = '.test-artifacts/admin-pages';
const WIDTHS = [390, 1280] as const;
const LANGS = ['ar', 'en'] as const;

let system: TestSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem();
  await markDemoData(system.ctx.models.VerifiedScore.db, 'admin page checks');
  await writeDemoMonth(system.ctx.models, { days: 30, timeZone: system.ctx.config.timeZone });
  await createStaff(system);
  await createUser(system.ctx.models, {
    username: 'moh.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'MOH',
  });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const ADMIN_PAGES = ['/admin', '/admin/users', '/admin/tokens', '/admin/audit', '/admin/unknown-codes'];

const TOURS: { user?: string; paths: string[] }[] = [
  { paths: ['/login'] },
  {
    user: 'admin',
    paths: [
      ...ADMIN_PAGES,
      '/admin/agencies/MOMAH',
      '/admin/erasure',
      '/audit/integrity',
      '/sandbox',
      '/account',
    ],
  },
  { user: 'moh.admin', paths: [...ADMIN_PAGES, '/admin/agencies/MOH', '/account'] },
  { user: 'auditor', paths: [...ADMIN_PAGES, '/admin/agencies/MOMAH', '/audit/integrity', '/account'] },
  { user: 'momah.manager', paths: ['/account'] },
];

describe('administration, auditors’, sandbox and sign-in pages of every role, in Chromium', () => {
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
              const res = await page.goto(`${system.baseUrl}${path}?lang=${lang}`);
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
