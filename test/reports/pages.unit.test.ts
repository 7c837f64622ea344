import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/auth/principal.js';
import type { ReportGroup } from '../../src/reports/sums/aggregate.js';
import { render } from 'preact-render-to-string';
import { Chart, intervalBars } from '../../src/http/ui/charts.js';
import { TrendChart } from '../../src/reports/pages/dashboard-page.js';
import { sortAgents } from '../../src/reports/pages/dashboard-page.js';
import { computeMetrics } from '../../src/reports/sums/metrics.js';
import { emptySums, addCell } from '../../src/scores/sums/partial-sums.js';
import { formatPlusMinus } from '../../src/i18n/reports.js';
import { wilsonInterval } from '../../src/reports/stats/intervals.js';

function agent(key: string, yes: number, no: number, rank: number | null): ReportGroup {
  const sums = emptySums();
  addCell(sums, { solved: true, rating: 5, count: yes });
  addCell(sums, { solved: false, rating: 1, count: no });
  return {
    key,
    agent: key,
    metrics: computeMetrics(sums),
    lowN: yes + no < 10,
    rank,
    rankInterval: null,
    funnel: null,
  };
}

describe('dashboard pieces', () => {
  it('sorts agents by any metric and keeps low-n agents last', () => {
    const groups = [
      agent('tiny', 2, 0, null),
      agent('b', 5, 5, 2),
      agent('a', 9, 1, 1),
      agent('c', 2, 10, 3),
    ];
    const keys = (gs: ReportGroup[]) => gs.map((g) => g.key);
    expect(keys(sortAgents(groups, 'rank', 'asc', (id) => id))).toEqual(['a', 'b', 'c', 'tiny']);
    expect(keys(sortAgents(groups, 'falseClosureRate', 'desc', (id) => id))).toEqual(['c', 'b', 'a', 'tiny']);
    expect(keys(sortAgents(groups, 'closures', 'asc', (id) => id))).toEqual(['a', 'b', 'c', 'tiny']);
    expect(keys(sortAgents(groups, 'agent', 'desc', (id) => id))).toEqual(['c', 'b', 'a', 'tiny']);
  });

  it('escapes names in charts and shows periods without answers as gaps in the text alternative', () => {
    const svg = intervalBars([{ label: '<script>x</script>', value: 0.5, text: '50%' }], { rtl: true })(600);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    const html = render(
      Chart({ id: 'c', title: '<b>T</b>', columns: ['a'], rows: [['<i>']], draw: () => '<svg></svg>' }),
    );
    expect(html).toContain('&lt;b>T&lt;/b>');
    expect(html).not.toContain('<i>');
    const group = (key: string, yes: number, no: number) => agent(key, yes, no, null);
    const trend = render(
      TrendChart({
        lang: 'en',
        title: 'T',
        groups: [group('2025-03-01', 1, 1), group('2025-03-02', 0, 0), group('2025-03-03', 2, 0)],
      }),
    );
    expect(trend).toMatch(/<td>2025-03-02<\/td><td>– <\/td><td>–<\/td><td>0<\/td>/);
    expect(trend).toMatch(/<td>2025-03-01<\/td><td>50\.0%/);
  });

  it('only follows same-site paths after sign-in', () => {
    expect(safeNext('/dashboard?agency=A')).toBe('/dashboard?agency=A');
    expect(safeNext('//evil.example')).toBe('/dashboard');
    expect(safeNext('/\\evil.example')).toBe('/dashboard');
    expect(safeNext('https://evil.example')).toBe('/dashboard');
    expect(safeNext(undefined)).toBe('/dashboard');
  });
});

describe('the interval beside a figure', () => {
  const z2 = 1.96 ** 2;
  it('shows the two ends of an interval the figure does not sit in the middle of, in both languages', () => {
    // One answer: Wilson's interval for 1 of 1 is [1/(1+z²), 1], for 0 of 1 it is [0, z²/(1+z²)].
    const lowOfOne = ((1 / (1 + z2)) * 100).toFixed(1);
    const highOfNone = ((z2 / (1 + z2)) * 100).toFixed(1);
    expect([lowOfOne, highOfNone]).toEqual(['20.7', '79.3']);
    expect(formatPlusMinus('en', 'rate', 1, wilsonInterval(1, 1))).toBe(`95% interval ${lowOfOne}–100.0%`);
    expect(formatPlusMinus('en', 'rate', 0, wilsonInterval(0, 1))).toBe(`95% interval 0.0–${highOfNone}%`);
    expect(formatPlusMinus('ar', 'rate', 0, wilsonInterval(0, 1))).toBe(`فترة الثقة 95%: 0.0–${highOfNone}%`);
    // 9 of 13: 26.9 points below, 18.1 above; "±" would hide the longer side.
    expect(formatPlusMinus('en', 'rate', 9 / 13, wilsonInterval(9, 13))).toMatch(
      /^95% interval 42\.\d–87\.\d%$/,
    );
    expect(formatPlusMinus('en', 'mean', 4.6, { low: 4.1, high: 5 })).toBe('95% interval 4.10–5.00');
  });

  it('keeps "± x points" where the figure is in the middle as shown', () => {
    const half = ((1.96 / (1 + z2 / 100)) * Math.sqrt(0.25 / 100 + z2 / 40_000) * 100).toFixed(1);
    expect(formatPlusMinus('en', 'rate', 0.5, wilsonInterval(50, 100))).toBe(`± ${half} points`);
    expect(formatPlusMinus('ar', 'rate', 0.5, wilsonInterval(50, 100))).toBe(`± ${half} نقطة`);
    expect(formatPlusMinus('en', 'mean', 4, { low: 3.79, high: 4.21 })).toBe('± 0.21');
    expect(formatPlusMinus('en', 'rate', null, null)).toBe('');
  });
});
