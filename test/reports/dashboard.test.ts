import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { addDays, localToday } from '../../src/reports/periods.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { buildScores, MARCH, seedScores } from './dataset.js';
import { createStaff, PASSWORD } from './helpers.js';

let system: TestSystem;
let browser: Browser;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

beforeAll(async () => {
  system = await startTestSystem();
  await seedScores(system.ctx.models);
  // The same month again, moved into the last 90 days, for the public scoreboard.
  const today = localToday(system.ctx.config.timeZone);
  const recent = buildScores().map((d, i) => {
    const shift = Math.round(
      (Date.parse(`${today}T00:00:00Z`) - Date.parse('2025-04-01T00:00:00Z')) / 86_400_000,
    );
    return {
      ...d,
      ticketRef: `R-${i}`,
      day: addDays(d.day, shift),
      closedAt: new Date(d.closedAt.getTime() + shift * 86_400_000),
    };
  });
  await system.ctx.models.VerifiedScore.insertMany(
    recent.filter((d) => d.day <= today && d.day > addDays(today, -90)),
  );
  await rebuildDailySums(system.ctx.models);
  await createStaff(system);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function signedIn(
  username: string,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${system.baseUrl}/dashboard?from=${MARCH.from}&to=${MARCH.to}`);
  // Anonymous: sent to the sign-in form, then back to the dashboard with the same filters.
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard/);
  return { context, page };
}

const cardValue = (page: Page, metric: string) => page.textContent(`.card[data-metric=${metric}] .value`);
const cardN = (page: Page, metric: string) => page.textContent(`.card[data-metric=${metric}] .n`);
/** Pixels the page scrolls sideways; the project has no DOM types, so the expression is a string. */
const sidewaysOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

describe('dashboard in headless Chromium', () => {
  it('is Arabic right-to-left, and the filters change the figures', async () => {
    const { context, page } = await signedIn('admin', DESKTOP);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await cardValue(page, 'closures')).toBe('59');
    expect(await cardValue(page, 'verifiedResolutionRate')).toBe('65.2%');
    expect(await cardN(page, 'verifiedResolutionRate')).toContain('46');
    expect(await page.locator('figure[role=img]').count()).toBe(5);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-ar-desktop.png`, fullPage: true });

    await page.fill('input[name=agency]', 'MOH');
    await Promise.all([page.waitForURL(/agency=MOH/), page.click('form.filters button[type=submit]')]);
    expect(await cardValue(page, 'closures')).toBe('18');
    expect(await cardValue(page, 'verifiedResolutionRate')).toBe('84.6%');

    await page.selectOption('select[name=channel]', 'whatsapp');
    await page.fill('input[name=agency]', '');
    await Promise.all([page.waitForURL(/channel=whatsapp/), page.click('form.filters button[type=submit]')]);
    expect(await cardValue(page, 'closures')).toBe('11');
    await context.close();
  });

  it('sorts the agent table by any metric, keeps low-n agents marked and last', async () => {
    const { context, page } = await signedIn('auditor', DESKTOP);
    await page.goto(`${system.baseUrl}/dashboard?from=${MARCH.from}&to=${MARCH.to}&lang=en`);
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    const order = async () => {
      const rows = page.locator('#agents tbody tr');
      const out: string[] = [];
      for (let i = 0; i < (await rows.count()); i++) {
        out.push(
          `${await rows.nth(i).getAttribute('data-agent')}:${await rows.nth(i).getAttribute('data-low-n')}`,
        );
      }
      return out;
    };
    // h1, a1 (9/13) and a3 overlap their neighbours at 95%: each its own position by the lower bound,
    // with a rank interval that says which cannot be told apart; no "=" anywhere.
    expect(await order()).toEqual(['h1:false', 'a1:false', 'a3:false', 'a2:true', 'h2:true', 's1:true']);
    const rankCells = await page.locator('#agents tbody tr td[data-rank]').allTextContents();
    expect(rankCells.slice(0, 3).map((t) => t.split(' ')[0])).toEqual(['1', '2', '3']);
    expect(rankCells.join(' ')).not.toContain('=');
    // a1 is 9 of 13: its interval reaches 26.9 points below and 18.1 above, so both ends are shown.
    expect(await page.locator('#agents tbody tr[data-agent=a1] .pm').first().textContent()).toMatch(
      /^95% interval 42\.\d–87\.\d%$/,
    );
    await page.click('#agents th a[data-sort=brushOffGap]');
    await page.waitForURL(/sort=brushOffGap/);
    // Brush-off gap, highest first: a3 8/11, a1 3/10, h1 0/12; then the low-n rows.
    expect((await order()).slice(0, 3)).toEqual(['a3:false', 'a1:false', 'h1:false']);
    expect(await page.locator('#agents tr.low-n .badge').count()).toBe(3);
    await page.click('#agents th a[data-sort=brushOffGap]');
    await page.waitForURL(/dir=asc/);
    expect((await order()).slice(0, 3)).toEqual(['h1:false', 'a1:false', 'a3:false']);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-en-desktop.png`, fullPage: true });
    await context.close();
  });

  it('downloads CSV and XLSX from the export buttons', async () => {
    const { context, page } = await signedIn('momah.manager', PHONE);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export=csv]')]);
    expect(csv.suggestedFilename()).toBe('verisat-scores_2025-03-01_2025-03-31_MOMAH.csv');
    const bytes = readFileSync((await csv.path()) ?? '');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').split('\r\n')).toHaveLength(1 + 38 + 1);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export=xlsx]')]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(
      readFileSync((await xlsx.path()) ?? '')
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await context.close();
  });

  it('fits a phone screen: no sideways scrolling outside the agent table', async () => {
    const { context, page } = await signedIn('admin', PHONE);
    const overflow = await sidewaysOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-ar-phone.png`, fullPage: true });
    await context.close();
  });

  it('shows a manager their scope only, and a 403 page for another agency', async () => {
    const { context, page } = await signedIn('momah.manager', DESKTOP);
    expect(await cardValue(page, 'closures')).toBe('38');
    expect(await page.getAttribute('input[name=agency]', 'readonly')).not.toBeNull();
    const res = await page.goto(`${system.baseUrl}/dashboard?from=${MARCH.from}&to=${MARCH.to}&agency=MOH`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('.error')).toContain('لا تملك صلاحية');
    await context.close();
  });
});

describe('public scoreboard in headless Chromium', () => {
  it('shows agencies only, with definitions and no personal data', async () => {
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const page = await browser.newPage({ viewport });
      const res = await page.goto(`${system.baseUrl}/public`);
      expect(res?.status()).toBe(200);
      expect(await page.getAttribute('html', 'dir')).toBe('rtl');
      const rows = await Promise.all(
        (await page.locator('.table-wrap tbody tr').all()).map((r) => r.getAttribute('data-agency')),
      );
      expect(rows).toEqual(['MOH', 'MOMAH', 'HRSD']);
      const text = (await page.textContent('body')) ?? '';
      expect(text).toContain('وزارة الصحة');
      for (const personal of ['سارة', 'Omar', 'a1', 'h1', '+9665', 'roads', 'الطرق'])
        expect(text).not.toContain(personal);
      expect(text).toContain('نسبة الحل المؤكد');
      const overflow = await sidewaysOverflow(page);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ARTIFACTS}/public-ar-${name}.png`, fullPage: true });
      await page.close();
    }
    const en = await browser.newPage({ viewport: DESKTOP });
    await en.goto(`${system.baseUrl}/public?lang=en`);
    expect(await en.getAttribute('html', 'dir')).toBe('ltr');
    expect(await en.textContent('body')).toContain('Verified resolution rate');
    await en.screenshot({ path: `${ARTIFACTS}/public-en-desktop.png`, fullPage: true });
    await en.close();
  });
});
