import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localToday } from '../../src/reports/periods.js';
import { lastCompletePeriod } from '../../src/reports/stats/best-three.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { launchBrowser } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The public board, its methodology page and its download, end to end: every rank, interval and
 * award on the board is worked out here again, independently of src/reports/stats, from the seeded
 * counts and from the downloaded file.
 */

let system: TestSystem;
let browser: Browser;
let today: string;

interface Block {
  agency: string;
  day: string;
  yes: number;
  no: number;
}

/** Wilson bounds, written out again. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.959964;
  const p = x / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [c - h, c + h];
}

/** Newcombe's hybrid score lower bound for p1 − p2, written out again. */
/**
 * The interval as a reader should see it: "± x points" only when the rate sits in the middle of it
 * at the precision shown, otherwise its two ends.
 */
function shownInterval(x: number, n: number): string {
  const [low, high] = wilson(x, n);
  const p = x / n;
  const below = ((p - low) * 100).toFixed(1);
  const above = ((high - p) * 100).toFixed(1);
  return below === above
    ? `± ${below} points`
    : `95% interval ${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%`;
}

function newcombeLow(x1: number, n1: number, x2: number, n2: number): number {
  const [l1] = wilson(x1, n1);
  const [, u2] = wilson(x2, n2);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  return p1 - p2 - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
}

let blocks: Block[] = [];

beforeAll(async () => {
  // Prayer pauses and Ramadan hours on, as in production, for the methodology page to state them.
  system = await startTestSystem({
    env: {
      PRAYER_CITY: 'jeddah',
      PRAYER_PAUSE_BEFORE_MINUTES: '5',
      PRAYER_PAUSE_AFTER_MINUTES: '25',
      RAMADAN_SEND_WINDOW: '10:00-16:00',
    },
  });
  today = localToday(system.ctx.config.timeZone);
  const year = lastCompletePeriod('year', today);
  const quarter = lastCompletePeriod('quarter', today);
  const recent = addDays(today, -5);
  blocks = [
    // The last 90 days: A and B overlap at 95% (=1), C is clearly below, D is low n.
    { agency: 'A', day: recent, yes: 900, no: 100 },
    { agency: 'B', day: recent, yes: 880, no: 120 },
    { agency: 'C', day: recent, yes: 500, no: 500 },
    { agency: 'D', day: recent, yes: 3, no: 1 },
    // The last complete year against the one before: only Y1 improves significantly.
    { agency: 'Y1', day: `${year.previous.from.slice(0, 4)}-01-15`, yes: 50, no: 50 },
    { agency: 'Y1', day: `${year.from.slice(0, 4)}-01-15`, yes: 80, no: 20 },
    { agency: 'Y2', day: `${year.previous.from.slice(0, 4)}-01-15`, yes: 60, no: 40 },
    { agency: 'Y2', day: `${year.from.slice(0, 4)}-01-15`, yes: 66, no: 34 },
    { agency: 'Y3', day: `${year.previous.from.slice(0, 4)}-01-15`, yes: 70, no: 30 },
    { agency: 'Y3', day: `${year.from.slice(0, 4)}-01-15`, yes: 55, no: 45 },
    // The last complete quarter against the one before: Q1 and Q2 improve significantly, Q3 not; but
    // Q2 (380/600) is still below expected on the quarter's funnel (target 520/760), so not named.
    { agency: 'Q1', day: quarter.previous.from, yes: 40, no: 60 },
    { agency: 'Q1', day: quarter.from, yes: 85, no: 15 },
    { agency: 'Q2', day: quarter.previous.from, yes: 300, no: 300 },
    { agency: 'Q2', day: quarter.from, yes: 380, no: 220 },
    { agency: 'Q3', day: quarter.previous.from, yes: 50, no: 10 },
    { agency: 'Q3', day: quarter.from, yes: 55, no: 5 },
  ];
  let i = 0;
  const docs = blocks.flatMap((b) =>
    [...Array<boolean>(b.yes).fill(true), ...Array<boolean>(b.no).fill(false)].map((solved) => {
      i += 1;
      const closedAt = new Date(`${b.day}T09:00:00Z`);
      return {
        ticketRef: `OB-${i}`,
        closureNumber: 1,
        agency: b.agency,
        department: 'secret-department',
        agentId: 'secret-agent',
        citizenPhone: `+9665${String(10_000_000 + i)}`,
        closedAt,
        day: b.day,
        sent: true,
        delivered: true,
        solved,
        outcome: solved ? 'confirmed_solved' : 'disputed',
        answeredAt: new Date(closedAt.getTime() + 86_400_000),
      };
    }),
  );
  await system.ctx.models.VerifiedScore.insertMany(docs);
  await rebuildDailySums(system.ctx.models);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

interface BoardRow {
  agency: string;
  rank: string;
  rankRange: string;
  pm: string;
}

async function boardRows(page: Page): Promise<BoardRow[]> {
  return Promise.all(
    (await page.locator('tbody tr[data-agency]').all()).map(async (r) => ({
      agency: (await r.getAttribute('data-agency')) ?? '',
      rank: (await r.getAttribute('data-rank')) ?? '',
      rankRange: `${(await r.getAttribute('data-rank-low')) ?? ''}-${(await r.getAttribute('data-rank-high')) ?? ''}`,
      pm: (await r.locator('td[data-metric=verifiedResolutionRate] .pm').textContent()) ?? '',
    })),
  );
}

/** The ranking rule applied by hand: lower bound first, each agency its own position. */
function expectedRanks(sums: Map<string, { yes: number; n: number }>, minN: number) {
  const eligible = [...sums.entries()]
    .filter(([, s]) => s.n >= minN)
    .map(([agency, s]) => ({ agency, low: wilson(s.yes, s.n)[0] }))
    .sort((a, b) => b.low - a.low);
  return new Map(eligible.map((g, i) => [g.agency, i + 1]));
}

describe('public board: honest ranks and awards', () => {
  it("ranks by the lower bound with each rank's interval, shows each interval as it lies, and names only significant improvers", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${system.baseUrl}/public?lang=en`);
    expect(res?.status()).toBe(200);
    const rows = await boardRows(page);
    // A and B overlap: distinct positions, and rank intervals (1–2 each) that say they cannot be told apart.
    expect(rows.map((r) => [r.agency, r.rank, r.rankRange])).toEqual([
      ['A', '1', '1-2'],
      ['B', '2', '1-2'],
      ['C', '3', '3-3'],
      ['D', '', '-'],
    ]);
    expect(await page.locator('tbody tr[data-agency=A] td').first().textContent()).toBe('1 (1–2)');
    const [lowA, highA] = wilson(900, 1000);
    const [lowB, highB] = wilson(880, 1000);
    const [, highC] = wilson(500, 1000);
    expect(highB).toBeGreaterThan(lowA);
    expect(highC).toBeLessThan(lowB);
    // 90% of 1,000: 2.0 points below, 1.7 above; a "±" would state one of them wrongly.
    expect(rows[0]?.pm).toBe(shownInterval(900, 1000));
    expect(rows[0]?.pm).toBe(`95% interval ${(lowA * 100).toFixed(1)}–${(highA * 100).toFixed(1)}%`);

    const award = (unit: string) => page.locator(`section[data-award=${unit}]`);
    const winners = async (unit: string) =>
      Promise.all((await award(unit).locator('li').all()).map((l) => l.getAttribute('data-agency')));
    // Independently: Y1 50%→80% is significant, Y2 60%→66% is not, Y3 fell.
    expect(newcombeLow(80, 100, 50, 100)).toBeGreaterThan(0);
    expect(newcombeLow(66, 100, 60, 100)).toBeLessThan(0);
    expect(await winners('year')).toEqual(['Y1']);
    expect(await award('year').locator('[data-fewer-than-three]').textContent()).toContain(
      'Only 1 of 3 agencies improved significantly',
    );
    const q1 = newcombeLow(85, 100, 40, 100);
    const q2 = newcombeLow(380, 600, 300, 600);
    expect(q1).toBeGreaterThan(q2);
    expect(q2).toBeGreaterThan(0);
    expect(newcombeLow(55, 60, 50, 60)).toBeLessThan(0);
    expect(await winners('quarter')).toEqual(['Q1']);
    expect(await award('quarter').locator('[data-fewer-than-three]').count()).toBe(1);
    // Error bars drawn on the chart (ECharts paths in the whisker colour: a line and two caps), one
    // per agency with an interval, and each interval in the chart's text alternative.
    const chart = page.locator('figure[data-chart=public-board]');
    expect(await chart.locator('.wide svg path[stroke="#1d2b23"]').count()).toBe(4 * 3);
    expect(await chart.locator('tbody tr').count()).toBe(4);
    await page.close();
  });
});

describe('methodology page and open data', () => {
  it('explains every figure in Arabic and English and links the download', async () => {
    for (const lang of ['ar', 'en'] as const) {
      const page = await browser.newPage();
      const res = await page.goto(`${system.baseUrl}/public/methodology?lang=${lang}`);
      expect(res?.status()).toBe(200);
      expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      const sections = await Promise.all(
        (await page.locator('section[data-section]').all()).map((s) => s.getAttribute('data-section')),
      );
      expect(sections).toEqual(['who', 'contact', 'sampling', 'min-n', 'intervals', 'ranking', 'period']);
      const text = (await page.textContent('body')) ?? '';
      expect(text).toContain(String(system.ctx.config.followUp.policy.contactMinDays));
      expect(text).toContain(lang === 'ar' ? 'ويلسون' : 'Wilson');
      expect(text).toContain(lang === 'ar' ? 'نيوكومب' : 'Newcombe');
      const who = (await page.textContent('section[data-section=who]')) ?? '';
      expect(who).toContain(
        lang === 'ar'
          ? 'من 5 دقائق قبل كل أذان إلى 25 دقيقة بعده، بحسب مواقيت جدة'
          : 'from 5 minutes before each adhan to 25 minutes after it, by the prayer times of Jeddah',
      );
      expect(who).toContain(
        lang === 'ar'
          ? 'وفي رمضان تكون ساعات الإرسال 10:00-16:00'
          : 'During Ramadan the send window is 10:00-16:00',
      );
      await page.close();
    }
    const page = await browser.newPage();
    await page.goto(`${system.baseUrl}/public?lang=ar`);
    await page.click('a[data-link=methodology]');
    await page.waitForURL(/\/public\/methodology/);
    await page.close();
  });

  it('downloads per-day counts without personal data, from which the board recomputes exactly', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/public/methodology?lang=en`);
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[data-download=csv]'),
    ]);
    const csv = readFileSync((await csvDownload.path()) ?? '', 'utf8');
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[data-download=json]'),
    ]);
    const json = JSON.parse(readFileSync((await jsonDownload.path()) ?? '', 'utf8')) as {
      minN: number;
      columns: string[];
      rows: Record<string, string | number>[];
    };
    expect(csv.startsWith('\uFEFF')).toBe(true);
    for (const secret of ['secret-agent', 'secret-department', '+9665', 'OB-'])
      for (const file of [csv, JSON.stringify(json)]) expect(file).not.toContain(secret);
    // The CSV holds the same rows as the JSON.
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]?.split(',')).toEqual(json.columns);
    expect(lines.slice(1)).toEqual(json.rows.map((r) => json.columns.map((c) => String(r[c])).join(',')));
    expect(json.rows).toHaveLength(blocks.length);

    // Recompute the 90-day board from the file alone.
    const from = addDays(today, -89);
    const sums = new Map<string, { yes: number; n: number }>();
    for (const r of json.rows) {
      if (String(r.day) < from || String(r.day) > today) continue;
      const s = sums.get(String(r.agency)) ?? { yes: 0, n: 0 };
      s.yes += Number(r.solved_yes);
      s.n += Number(r.solved_answered);
      sums.set(String(r.agency), s);
    }
    const expected = expectedRanks(sums, json.minN);
    await page.goto(`${system.baseUrl}/public?lang=en`);
    const rows = await boardRows(page);
    expect(rows.map((r) => r.agency).sort()).toEqual([...sums.keys()].sort());
    for (const row of rows) {
      const e = expected.get(row.agency);
      expect(row.rank).toBe(e ? String(e) : '');
      const s = sums.get(row.agency)!;
      expect(row.pm).toBe(shownInterval(s.yes, s.n));
      const rate = await page
        .locator(`tr[data-agency=${row.agency}] td[data-metric=verifiedResolutionRate]`)
        .textContent();
      expect(rate).toContain(`${((s.yes / s.n) * 100).toFixed(1)}%`);
      expect(rate).toContain(`n=${s.n}`);
    }
    await context.close();
  });
});
