import { describe, expect, it } from 'vitest';
import { computeMetrics, isLowN, METRIC_DEFINITIONS, type Metrics } from '../../src/reports/sums/metrics.js';
import { addCell, emptySums, mergeSums, type ScoreCell } from '../../src/scores/sums/partial-sums.js';

function metricsOf(cells: ScoreCell[]): Metrics {
  const sums = emptySums();
  for (const c of cells) addCell(sums, c);
  return computeMetrics(sums);
}

describe('metric definitions', () => {
  it('reports no data as null with n = 0, never as 0%', () => {
    const m = metricsOf([{ sent: true, delivered: true, count: 3 }]);
    expect(m.closures).toBe(3);
    expect(m.verifiedResolutionRate).toMatchObject({ value: null, count: 0, n: 0 });
    expect(m.responseRate).toMatchObject({ value: 0, count: 0, n: 3 });
    expect(m.csat.value).toBeNull();
    expect(m.postCallRatingMean.value).toBeNull();
  });

  it('divides the hand-counted example', () => {
    const m = metricsOf([
      { solved: true, rating: 5, postCallRating: 5, sent: true, delivered: true, count: 4 },
      { solved: false, rating: 2, postCallRating: 4, sent: true, delivered: true, count: 2 },
      { solved: false, postCallRating: 1, sent: true, delivered: true, count: 1 },
      { sent: true, delivered: true, count: 3 },
      { sent: true, delivered: false, count: 1 },
      { count: 2 },
    ]);
    expect([m.closures, m.sent, m.delivered, m.answers]).toEqual([13, 11, 10, 7]);
    expect(m.verifiedResolutionRate).toMatchObject({ value: 4 / 7, count: 4, n: 7 });
    expect(m.falseClosureRate).toMatchObject({ value: 3 / 7, count: 3, n: 7 });
    expect(m.responseRate).toMatchObject({ value: 7 / 10, count: 7, n: 10 });
    expect(m.csat).toMatchObject({ value: 4 / 6, count: 4, n: 6 });
    expect(m.meanRating).toMatchObject({ value: 24 / 6, count: 24, n: 6 });
    expect(m.postCallRatingMean).toMatchObject({ value: 29 / 7, count: 29, n: 7 });
    // Post-call 4-5 then "not solved": the two rated 4 who said no; the one rated 1 is not a brush-off.
    expect(m.brushOffGap).toMatchObject({ value: 2 / 7, count: 2, n: 7 });
    expect(m.ratingDistribution.map((r) => r.count)).toEqual([0, 2, 0, 0, 4]);
  });

  it('treats an answer as proof of delivery and sending, so the funnel never widens', () => {
    const m = metricsOf([{ solved: true, sent: false, delivered: false, count: 2 }]);
    expect([m.closures, m.sent, m.delivered, m.answers]).toEqual([2, 2, 2, 2]);
    expect(m.responseRate.value).toBe(1);
  });

  it('counts a rating without a solved answer as an answer, and ignores ratings outside 1..5', () => {
    const m = metricsOf([
      { rating: 4, delivered: true, count: 1 },
      { rating: 7, solved: true, delivered: true, count: 1 },
      { rating: 2.5, delivered: true, count: 1 },
    ]);
    expect(m.answers).toBe(2);
    expect(m.csat).toMatchObject({ value: 1, count: 1, n: 1 });
    expect(m.verifiedResolutionRate.n).toBe(1);
  });

  it('merges partial sums exactly', () => {
    const a = emptySums();
    addCell(a, { solved: true, rating: 5, count: 2 });
    const b = emptySums();
    addCell(b, { solved: false, rating: 1, postCallRating: 5, count: 3 });
    const m = computeMetrics(mergeSums(a, b));
    expect(m.verifiedResolutionRate).toMatchObject({ value: 2 / 5, count: 2, n: 5 });
    expect(m.ratingDistribution.map((r) => r.count)).toEqual([3, 0, 0, 0, 2]);
    expect(m.brushOffGap).toMatchObject({ value: 1, count: 3, n: 3 });
  });

  it('flags groups under the minimum of answers', () => {
    const metrics = metricsOf([
      { solved: true, count: 3 },
      { solved: false, count: 0 },
    ]);
    // Never ranked: test/reports/stats/ranking.unit.test.ts checks the comparison leaves them out.
    expect(isLowN(metrics, 10)).toBe(true);
    expect(isLowN(metricsOf([{ solved: true, count: 10 }]), 10)).toBe(false);
  });

  it('writes every metric down in Arabic and English', () => {
    for (const d of METRIC_DEFINITIONS) {
      expect(d.en.definition.length).toBeGreaterThan(20);
      expect(d.ar.definition).toMatch(/[\u0600-\u06FF]/);
    }
    expect(METRIC_DEFINITIONS.map((d) => d.key)).toEqual([
      'closures',
      'sent',
      'delivered',
      'answers',
      'verifiedResolutionRate',
      'falseClosureRate',
      'responseRate',
      'csat',
      'meanRating',
      'postCallRatingMean',
      'brushOffGap',
    ]);
  });
});
