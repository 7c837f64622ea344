import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markDemoData } from '../../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../../src/sandbox/demo/month.js';
import { launchBrowser } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, get, login, PASSWORD } from './helpers.js';

// Issue 25 leftovers: the way in from the dashboard to an agent's page, what that page shows (trend by
// week and month with intervals, the period before, the reasons chart, the citizens' words with a
// search, the disputes and what happened after each, flags, post-call against verified), voice
// comments for those who may hear them, and filters that take names or codes. On the month demo.

let system: TestSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem();
  await markDemoData(system.ctx.models.VerifiedScore.db, 'entity pages');
  await writeDemoMonth(system.ctx.models, { days: 30, timeZone: system.ctx.config.timeZone });
  await createStaff(system);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${system.baseUrl}/login?lang=en`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard/);
}

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));

describe('from the dashboard to the worst agent, in Chromium', () => {
  it('takes a manager in one click to the worst agent, who shows why citizens disputed, in their words, and what is waiting', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, 'momah.manager');
      await page.goto(`${system.baseUrl}/dashboard?lang=en`);
      // The worst agent: the last place of the league order (by the pessimistic bound).
      const ranked = await page.$$eval('#agents tr[data-agent]', (rows) =>
        rows
          .map((r) => ({
            agent: r.getAttribute('data-agent') ?? '',
            rank: Number(r.querySelector('[data-rank]')?.getAttribute('data-rank') || 0),
          }))
          .filter((r) => r.rank > 0),
      );
      const worst = ranked.reduce((a, b) => (b.rank > a.rank ? b : a));
      expect(worst.agent).toBe('momah-r-02');

      await page.click(`#agents tr[data-agent="${worst.agent}"] td.id a`);
      await page.waitForURL(/\/reports\/agent\/momah-r-02/);
      expect(await page.textContent('h1')).toContain('فهد القحطاني');

      // Why: the reasons chart, drawn, with its text alternative naming the four reasons.
      expect(await page.$('#h-reasons ~ .chart svg, section:has(#h-reasons) svg')).not.toBeNull();
      const reasonRows = await texts(page, 'section:has(#h-reasons) table tbody tr');
      expect(reasonRows.join(' ')).toMatch(/Nobody contacted me|still|visit|Other/i);

      // In their words.
      const words = await texts(page, '#words ul.words blockquote');
      expect(words.length).toBeGreaterThan(3);
      expect(words.join(' ')).toMatch(/[\u0600-\u06FF]/);

      // Which disputes are still waiting: the oldest first, as the records say.
      const waiting = await system.ctx.models.Dispute.find({ agentId: 'momah-r-02', state: 'waiting' })
        .sort({ disputedAt: 1, ticketRef: 1 })
        .limit(10)
        .lean();
      expect(waiting.length).toBeGreaterThan(0);
      const shown = await page.$$eval('table[data-waiting-table] tr[data-ticket]', (rows) =>
        rows.map((r) => r.getAttribute('data-ticket')),
      );
      expect(shown).toEqual(waiting.map((d) => d.ticketRef));
      expect(await page.textContent('table[data-waiting-table]')).toContain('Riyadh time');
    } finally {
      await context.close();
    }
  });
});

describe("an entity page's sections", () => {
  it('shows trend by week and month with intervals, the period before, post-call against verified, disputes with what happened after, and flags to an administrator', async () => {
    const cookie = await login(system, 'admin');
    const html = await (await get(system, '/reports/agent/momah-r-02?lang=en', cookie)).text();
    // Trend by week and by month, each with its text alternative carrying the intervals.
    expect(html).toContain('By week');
    expect(html).toContain('By month');
    expect(html.match(/95% interval|± [0-9.]+ points/g)?.length ?? 0).toBeGreaterThan(2);
    // The period before, with the Hijri dates beside the Gregorian, and post-call against verified.
    expect(html).toContain('data-period="previous"');
    expect(html).toMatch(/AH/);
    expect(html).toContain('Post-call rating (mean)');
    expect(html).toContain('Verified resolution rate');
    // The disputes and what the agency did after each, with the agent's own figures.
    expect(html).toMatch(/data-dispute="in-time"/);
    const states = await system.ctx.models.Dispute.distinct('state', { agentId: 'momah-r-02' });
    expect(states.length).toBeGreaterThan(1);
    expect(html).toMatch(/Reopened (in time|late)/);
    // Integrity flags, for an administrator.
    expect(html).toContain('Integrity flags');
    // Breadcrumbs: the agency and the department above the agent, each a link.
    expect(html).toMatch(
      /data-crumb="agency"[^>]*>|href="\/reports\/agency\/MOMAH[^"]*" data-crumb="agency"/,
    );
    expect(html).toContain('/reports/department/MOMAH/roads');
  });

  it('searches the citizens’ words', async () => {
    const cookie = await login(system, 'admin');
    const all = await (await get(system, '/reports/agency/MOMAH?lang=en', cookie)).text();
    const found = await (
      await get(system, `/reports/agency/MOMAH?lang=en&q=${encodeURIComponent('pothole')}`, cookie)
    ).text();
    const count = (h: string) => (h.match(/<blockquote/g) ?? []).length;
    expect(count(found)).toBeGreaterThan(0);
    expect(count(found)).toBeLessThan(count(all));
    expect([...found.matchAll(/<blockquote[^>]*>([^<]*)</g)].every((m) => /pothole/i.test(m[1] ?? ''))).toBe(
      true,
    );
  });
});

describe('voice comments', () => {
  it('plays for an administrator through the authorised route, and only says one exists to a manager', async () => {
    const admin = await login(system, 'admin');
    const page = await (await get(system, '/reports/agency/MOMAH?lang=en', admin)).text();
    const src = /<audio[^>]*src="(\/reports\/voice\/[0-9a-f]{24})"/.exec(page)?.[1];
    expect(src).toBeDefined();
    const audio = await get(system, src!, admin);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toMatch(/^audio\//);
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(
      await system.ctx.models.AuditLog.countDocuments({ 'detail.what': 'voice comment' }),
    ).toBeGreaterThan(0);

    const manager = await login(system, 'momah.manager');
    const seen = await (await get(system, '/reports/agency/MOMAH?lang=en', manager)).text();
    expect(seen).not.toContain('<audio');
    expect(seen).toContain('data-voice-exists');
    expect((await get(system, src!, manager)).status).toBe(403);
    expect((await get(system, src!)).status).not.toBe(200);
  });
});

describe('filters by name or code', () => {
  const agentsShown = (html: string) => [...html.matchAll(/<tr[^>]*data-agent="([^"]+)"/g)].map((m) => m[1]);

  it('takes a code in any case, an Arabic or English name, and an agent by name', async () => {
    const cookie = await login(system, 'admin');
    for (const typed of [
      'momah',
      'MoMaH',
      'وزارة البلديات والإسكان',
      'ministry of MUNICIPALITIES and housing',
    ]) {
      const html = await (
        await get(system, `/dashboard?lang=en&agency=${encodeURIComponent(typed)}`, cookie)
      ).text();
      expect(html, typed).not.toContain('data-filter-problems');
      expect(new Set(agentsShown(html).map((a) => a?.split('-')[0])), typed).toEqual(new Set(['momah']));
    }
    const byName = await (
      await get(system, `/dashboard?lang=en&agent=${encodeURIComponent('فهد القحطاني')}`, cookie)
    ).text();
    expect(agentsShown(byName)).toEqual(['momah-r-02']);
    const byCode = await (await get(system, '/dashboard?lang=en&agent=MOMAH-R-02', cookie)).text();
    expect(agentsShown(byCode)).toEqual(['momah-r-02']);
  });

  it('answers an ambiguous name on the same page with each match as name and code', async () => {
    await system.ctx.models.Agent.updateOne(
      { agentId: 'moh-x-09' },
      { $set: { agency: 'MOH', department: 'complaints', displayName: 'فهد القحطاني' } },
      { upsert: true },
    );
    try {
      const cookie = await login(system, 'admin');
      const res = await get(system, `/dashboard?lang=en&agent=${encodeURIComponent('فهد القحطاني')}`, cookie);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/More than one agent has this name/i);
      const suggestions = [...html.matchAll(/data-suggestion="([^"]+)"/g)].map((m) => m[1]).sort();
      expect(suggestions).toEqual(['moh-x-09', 'momah-r-02']);
      expect(html).toMatch(/<bdi>فهد القحطاني<\/bdi> \(<bdi dir="ltr">momah-r-02<\/bdi>\)/);
      // The figures leave the filter out rather than pick one.
      expect(agentsShown(html).length).toBeGreaterThan(2);
    } finally {
      await system.ctx.models.Agent.deleteOne({ agentId: 'moh-x-09' });
    }
  });

  it('suggests the names that contain what was typed when nothing matches exactly', async () => {
    const cookie = await login(system, 'admin');
    const html = await (
      await get(system, `/dashboard?lang=ar&agent=${encodeURIComponent('القحطاني')}`, cookie)
    ).text();
    expect(html).toContain('data-filter-problems');
    expect([...html.matchAll(/data-suggestion="([^"]+)"/g)].map((m) => m[1])).toEqual(['momah-r-02']);
  });
});

describe('the public board', () => {
  it('shows dispute counts per agency, Riyadh time with the Hijri date, and no raw ISO time or period code', async () => {
    const html = await (await get(system, '/public?lang=en')).text();
    expect(html).toContain('data-public-disputes');
    const disputes = html.slice(html.indexOf('data-public-disputes'));
    expect([...disputes.matchAll(/<tr data-agency="([A-Z]+)"/g)].map((m) => m[1]).sort()).toEqual([
      'MOH',
      'MOMAH',
      'NWC',
    ]);
    const visible = html.replace(/<[^>]+>/g, ' ');
    expect(visible).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(visible).not.toMatch(/\b(Q[1-4]-\d{4}|\d{4}-Q[1-4])\b/);
    expect(visible).toContain('Riyadh time');
    expect(visible).toMatch(/AH/);
    // Agency names on the public board are not links into the signed-in report pages.
    expect(html).not.toContain('href="/reports/');
  });
});
