import { describe, expect, it } from 'vitest';
import { compareReportGroups, type ReportGroup } from '../../../../src/reports/sums/aggregate.js';
import { computeMetrics, emptySums, isLowN } from '../../../../src/reports/sums/metrics.js';

/** The Wilson bounds written out again here, so the order is checked against an independent formula. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.96;
  const p = x / n;
  const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const h = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [c - h, c + h];
}

function group(key: string, yes: number, no: number, minN = 10): ReportGroup {
  const sums = emptySums();
  sums.closures = sums.sent = sums.delivered = sums.answers = sums.solvedAnswered = yes + no;
  sums.solvedYes = yes;
  sums.solvedNo = no;
  const metrics = computeMetrics(sums);
  return { key, metrics, lowN: isLowN(metrics, minN), rank: null, rankInterval: null, funnel: null };
}

describe('the one comparison of report groups', () => {
  it('orders by the lower bound, not the point estimate, and gives each its own position', () => {
    // 95% of 20 beats 90% of 2,000 on the point estimate, but its lower bound is far lower.
    const groups = [group('few', 19, 1), group('many', 1800, 200), group('poor', 200, 800)];
    compareReportGroups(groups);
    expect(wilson(19, 20)[0]).toBeLessThan(wilson(1800, 2000)[0]);
    expect(groups.map((g) => [g.key, g.rank])).toEqual([
      ['many', 1],
      ['few', 2],
      ['poor', 3],
    ]);
    // "few" might truly be first: its rank interval reaches 1. "poor" is last in every draw.
    expect(groups[1]?.rankInterval?.low).toBe(1);
    expect(groups[2]?.rankInterval).toEqual({ low: 3, high: 3 });
  });

  it('never chains ties: a run of overlapping neighbours keeps distinct positions in bound order', () => {
    // 72%, 62%, 52% of 100: each overlaps the next; chained "=" ranks would have made all three "=1".
    const groups = [group('z', 52, 48), group('w', 10, 90), group('x', 72, 28), group('y', 62, 38)];
    compareReportGroups(groups);
    expect(groups.map((g) => [g.key, g.rank])).toEqual([
      ['x', 1],
      ['y', 2],
      ['z', 3],
      ['w', 4],
    ]);
    // Their rank intervals say which can be told apart: x and y cannot; x and w can.
    const [x, y, , w] = groups.map((g) => g.rankInterval!);
    expect(x!.high).toBeGreaterThanOrEqual(y!.low);
    expect(x!.high).toBeLessThan(w!.low);
  });

  it('never ranks a low-n group, but places it on the funnel', () => {
    const groups = [group('a', 90, 10), group('b', 60, 40), group('tiny', 5, 0)];
    const summary = compareReportGroups(groups);
    expect(groups.map((g) => [g.key, g.rank, g.rankInterval === null])).toEqual([
      ['a', 1, false],
      ['b', 2, false],
      ['tiny', null, true],
    ]);
    expect(groups[2]?.funnel?.band).toBe('within');
    expect(summary).toMatchObject({ groups: 3, ranked: 2, orderedBy: 'wilsonLower95' });
    expect(summary.target).toBeCloseTo(155 / 205, 12);
  });

  it('leaves a group with no answers off the funnel and unranked', () => {
    const groups = [group('a', 90, 10), group('empty', 0, 0, 0)];
    compareReportGroups(groups);
    expect(groups.find((g) => g.key === 'empty')).toMatchObject({ rank: null, funnel: null });
  });
});
