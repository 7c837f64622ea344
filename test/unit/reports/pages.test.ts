import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../src/auth/principal.js';
import type { ReportGroup } from '../../../src/reports/sums/aggregate.js';
import { barList, lineChart } from '../../../src/reports/pages/charts.js';
import { sortAgents } from '../../../src/reports/pages/dashboard-page.js';
import { computeMetrics, emptySums, addCell } from '../../../src/reports/sums/metrics.js';

function agent(key: string, yes: number, no: number, rank: number | null): ReportGroup {
  const sums = emptySums();
  addCell(sums, { solved: true, rating: 5, count: yes });
  addCell(sums, { solved: false, rating: 1, count: no });
  return { key, agent: key, metrics: computeMetrics(sums), lowN: yes + no < 10, rank, tied: false };
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

  it('escapes names in charts and draws gaps for periods without answers', () => {
    const svg = barList({
      title: 'T',
      rtl: true,
      emptyText: '-',
      bars: [{ label: '<script>x</script>', share: 0.5, text: '50%' }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    const line = lineChart({
      title: 'T',
      labels: ['2025-03-01', '2025-03-02', '2025-03-03'],
      emptyText: '-',
      series: [{ name: 's', color: '#000', values: [0.5, null, 1] }],
    });
    expect(line.match(/<circle/g)).toHaveLength(2);
    expect(line).not.toContain('<polyline');
    expect(line).toContain('<desc>s: 2025-03-01 50%, 2025-03-02 –, 2025-03-03 100%</desc>');
  });

  it('only follows same-site paths after sign-in', () => {
    expect(safeNext('/dashboard?agency=A')).toBe('/dashboard?agency=A');
    expect(safeNext('//evil.example')).toBe('/dashboard');
    expect(safeNext('/\\evil.example')).toBe('/dashboard');
    expect(safeNext('https://evil.example')).toBe('/dashboard');
    expect(safeNext(undefined)).toBe('/dashboard');
  });
});
