import { describe, expect, it } from 'vitest';
import { bestThree, lastCompletePeriod } from '../../../../src/reports/stats/best-three.js';
import { computeMetrics, emptySums, isLowN } from '../../../../src/reports/sums/metrics.js';

function figures(agency: string, yes: number, n: number, minN = 30) {
  const sums = emptySums();
  sums.closures = sums.sent = sums.delivered = sums.answers = sums.solvedAnswered = n;
  sums.solvedYes = yes;
  sums.solvedNo = n - yes;
  const metrics = computeMetrics(sums);
  return { agency, metrics, lowN: isLowN(metrics, minN) };
}

describe('award periods', () => {
  it('takes the last complete year and quarter, and the one before each', () => {
    expect(lastCompletePeriod('year', '2026-12-01')).toEqual({
      unit: 'year',
      label: '2025',
      from: '2025-01-01',
      to: '2025-12-31',
      previous: { label: '2024', from: '2024-01-01', to: '2024-12-31' },
    });
    expect(lastCompletePeriod('quarter', '2026-12-01')).toEqual({
      unit: 'quarter',
      label: '2026-Q3',
      from: '2026-07-01',
      to: '2026-09-30',
      previous: { label: '2026-Q2', from: '2026-04-01', to: '2026-06-30' },
    });
    expect(lastCompletePeriod('quarter', '2026-02-10')).toMatchObject({
      label: '2025-Q4',
      from: '2025-10-01',
      to: '2025-12-31',
      previous: { label: '2025-Q3' },
    });
    expect(lastCompletePeriod('quarter', '2024-05-01')).toMatchObject({
      from: '2024-01-01',
      to: '2024-03-31',
    });
  });
});

describe('best three', () => {
  const period = lastCompletePeriod('year', '2026-06-01');

  it('names only significant improvements and says when fewer than three qualify', () => {
    const result = bestThree(
      period,
      [
        figures('BIG', 80, 100), // 60% → 80% of 100: Newcombe interval wholly above 0
        figures('SMALL', 36, 40), // 80% → 90% of 40: interval crosses 0
        figures('WORSE', 40, 100), // fell
        figures('NEW', 90, 100), // no previous period
        figures('FEW', 9, 10), // under the minimum n
      ],
      [figures('BIG', 60, 100), figures('SMALL', 32, 40), figures('WORSE', 60, 100), figures('FEW', 1, 10)],
    );
    expect(result.tested).toBe(3);
    expect(result.winners.map((w) => w.agency)).toEqual(['BIG']);
    expect(result.fewerThanThree).toBe(true);
    expect(result.winners[0]?.test.interval.low).toBeGreaterThan(0);
  });

  it('orders winners by the improvement we can be sure of and keeps three', () => {
    const now = [
      figures('A', 90, 100),
      figures('B', 700, 1000),
      figures('C', 95, 100),
      figures('D', 85, 100),
    ];
    const before = [
      figures('A', 50, 100),
      figures('B', 600, 1000),
      figures('C', 60, 100),
      figures('D', 50, 100),
    ];
    const result = bestThree(period, now, before);
    const lows = result.winners.map((w) => w.test.interval.low);
    expect(lows).toEqual([...lows].sort((a, b) => b - a));
    expect(result.winners.map((w) => w.agency)).toEqual(['A', 'C', 'D']);
    expect(result.fewerThanThree).toBe(false);
  });
});

describe('best three and the comparison', () => {
  const period = lastCompletePeriod('year', '2026-12-01');

  it('names no agency that is still below expected on the funnel, however much it improved', () => {
    // LOW rose from 20% to 45% of 400 (significant), but the others run at 85–90%: below expected.
    const current = [
      figures('LOW', 180, 400),
      figures('MID', 360, 400),
      figures('TOP', 352, 400),
      figures('UP', 356, 400),
    ];
    const previous = [
      figures('LOW', 80, 400),
      figures('MID', 300, 400),
      figures('TOP', 350, 400),
      figures('UP', 320, 400),
    ];
    const result = bestThree(period, current, previous);
    expect(result.winners.map((w) => w.agency)).toEqual(['MID', 'UP']);
    expect(result.belowExpected).toEqual(['LOW']);
    // Every winner carries its place in the current period's comparison.
    for (const w of result.winners) {
      expect(w.comparison.funnel?.band).not.toBe('below');
      expect(w.comparison.rank).toBeGreaterThan(0);
    }
  });
});
