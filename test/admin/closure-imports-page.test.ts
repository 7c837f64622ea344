import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { launchBrowser } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 26, item 1: the import page in Chromium — an agency administrator uploads the agency's
// export, sees the counts and the refused lines, finds the import in the list with its result file,
// and saves the agency's own column names, which the page then shows again.

const PASSWORD = 'correct horse battery staple';
let sys: TestSystem;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  sys = await startTestSystem({ env: { IMPORT_BATCH_ROWS: '50' } });
  await createUser(sys.ctx.models, {
    username: 'moh.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'moh',
  });
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-import-page-'));
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${sys.baseUrl}/login`);
  await page.fill('input[name=username]', 'moh.admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForLoadState('load');
}

describe('/admin/imports', () => {
  it('uploads a file, shows its counts and refused lines, lists it with its result file', async () => {
    const when = DateTime.now().setZone('Asia/Riyadh').minus({ hours: 5 }).toFormat('dd/MM/yyyy HH:mm');
    const lines = ['رقم البلاغ,تاريخ الإغلاق,الإدارة,رقم الموظف,جوال المستفيد'];
    for (let i = 0; i < 120; i++) lines.push(`P-${i},${when},complaints,agent-1,050${String(3_000_000 + i)}`);
    lines.push(`P-bad,${when},complaints,agent-1,123`);
    const file = path.join(dir, 'closures.csv');
    writeFileSync(file, lines.join('\n'));

    const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${sys.baseUrl}/admin/imports?lang=en`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Import closures from a file');
      await page.setInputFiles('#import-file', file);
      await page.click('#import-form button[type=submit]');
      const progress = page.locator('#import-progress');
      // While it runs the page shows the record's counts; when it ends, the answer and its refused lines.
      await expect
        .poll(() => progress.textContent(), { timeout: 60_000 })
        .toContain('Line 122 (جوال المستفيد)');
      expect(await progress.textContent()).toContain(
        'Rows: 121 · Accepted: 120 · Already imported: 0 · Refused: 1',
      );
      expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: /^P-/ })).toBe(120);

      await page.goto(`${sys.baseUrl}/admin/imports?lang=ar`);
      const row = page.locator('#imports tbody tr').first();
      expect(await row.getAttribute('data-status')).toBe('finished');
      expect(await row.locator('[data-count=accepted]').textContent()).toBe('120');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        row.locator('a[download]').click(),
      ]);
      const saved = path.join(dir, 'result.csv');
      await download.saveAs(saved);
      const { readFileSync } = await import('node:fs');
      const result = readFileSync(saved, 'utf8').trim().split('\r\n');
      expect(result).toHaveLength(122);
      expect(result[121]).toMatch(/^122,refused,P-bad,جوال المستفيد,/);
    } finally {
      await context.close();
    }
  });

  it("saves the agency's own column names and shows them again", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${sys.baseUrl}/admin/imports?lang=en`);
      await page.fill('#h-0', 'Case No');
      await page.selectOption('#f-0', 'ticket_ref');
      await page.click('section[aria-labelledby=h-mapping] button[type=submit]');
      await page.waitForLoadState('load');
      expect(await page.locator('section[aria-labelledby=h-mapping] .ok').textContent()).toBe(
        'Column names saved.',
      );
      expect(await page.inputValue('#h-0')).toBe('Case No');
      expect(await page.locator('#f-0').inputValue()).toBe('ticket_ref');
      const stored = await sys.ctx.models.ImportMapping.findById('moh').lean();
      expect(stored?.columns).toEqual([{ header: 'Case No', field: 'ticket_ref' }]);
    } finally {
      await context.close();
    }
  });
});
