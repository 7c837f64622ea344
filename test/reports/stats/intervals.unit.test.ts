import { describe, expect, it } from 'vitest';
import {
  compareProportions,
  meanInterval,
  meanIntervalOfCounts,
  overlaps,
  plusMinusPoints,
  wilsonInterval,
} from '../../../src/reports/stats/intervals.js';

/**
 * Worked examples from the literature the methodology cites, to four decimals as printed there:
 * R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
 * methods", Statistics in Medicine 17 (1998) 857–872, Table I, method 3 (Wilson score);
 * R. G. Newcombe, "Interval estimation for the difference between independent proportions:
 * comparison of eleven methods", Statistics in Medicine 17 (1998) 873–890, Table II, method 10.
 */
const near = (actual: number | undefined, expected: number) => expect(actual).toBeCloseTo(expected, 4);

describe('Wilson score interval (Newcombe 1998, Table I, method 3)', () => {
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → %f to %f', (x, n, low, high) => {
    const i = wilsonInterval(x, n);
    near(i?.low, low);
    near(i?.high, high);
  });

  it('is symmetric in successes and failures and stays within [0, 1]', () => {
    const a = wilsonInterval(3, 12);
    const b = wilsonInterval(9, 12);
    near(a?.low, 1 - (b?.high ?? NaN));
    near(a?.high, 1 - (b?.low ?? NaN));
    expect(wilsonInterval(12, 12)?.high).toBe(1);
    expect(wilsonInterval(0, 12)?.low).toBe(0);
  });

  it('narrows with n: 60% of 12 and 60% of 12,000 no longer look alike', () => {
    const small = plusMinusPoints(wilsonInterval(7.2, 12)) ?? NaN;
    const large = plusMinusPoints(wilsonInterval(7200, 12000)) ?? NaN;
    expect(small).toBeGreaterThan(20);
    expect(large).toBeLessThan(1);
  });

  it('has no interval without data, and refuses an impossible count', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 4)).toThrow(/5 successes out of 4/);
  });
});

describe('difference of two proportions (Newcombe 1998b, Table II, method 10)', () => {
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ])('%i/%i − %i/%i → %f to %f', (x1, n1, x2, n2, low, high) => {
    const t = compareProportions(x1, n1, x2, n2);
    near(t?.interval.low, low);
    near(t?.interval.high, high);
    expect(t?.higher).toBe(low > 0);
  });

  it('gives the pooled z statistic, whose square is Pearson chi-square of the 2×2 table', () => {
    const t = compareProportions(56, 70, 48, 80);
    // Pearson chi-square computed from the table's expected counts, independently of the z formula.
    const table = [
      [56, 14],
      [48, 32],
    ];
    const total = 150;
    const rows = table.map((r) => r[0]! + r[1]!);
    const cols = [104, 46];
    let chi2 = 0;
    table.forEach((r, i) =>
      r.forEach((o, j) => {
        const e = (rows[i]! * cols[j]!) / total;
        chi2 += (o - e) ** 2 / e;
      }),
    );
    expect((t?.z ?? NaN) ** 2).toBeCloseTo(chi2, 9);
  });

  it('says which way a significant difference goes', () => {
    expect(compareProportions(48, 80, 56, 70)).toMatchObject({ higher: false, lower: true });
    expect(compareProportions(1, 2, 1, 2)).toMatchObject({ higher: false, lower: false });
    expect(compareProportions(1, 0, 1, 2)).toBeNull();
  });
});

describe('interval of a mean rating (honest at small n)', () => {
  /** Wilson's lower and upper bounds written out again, for x successes (not necessarily whole) of n. */
  function wilsonBounds(x: number, n: number): [number, number] {
    const z = 1.959964;
    const p = x / n;
    const d = 1 + (z * z) / n;
    const c = (p + (z * z) / (2 * n)) / d;
    const h = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
    return [c - h, c + h];
  }

  it('is the score interval of the mean rescaled to [0, 1], so never "5.00 ± 0.00" at n = 2', () => {
    const i = meanIntervalOfCounts([0, 0, 0, 0, 2]);
    const [low] = wilsonBounds(2, 2);
    near(i?.low, 1 + 4 * low);
    expect(i?.high).toBe(5);
    expect(i!.high - i!.low).toBeGreaterThan(2);
    // Ratings 1..5 once each: mean 3, p̂ = 0.5 on the rescaled scale.
    const j = meanIntervalOfCounts([1, 1, 1, 1, 1]);
    const [l5, h5] = wilsonBounds(2.5, 5);
    near(j?.low, 1 + 4 * l5);
    near(j?.high, 1 + 4 * h5);
  });

  it('stays inside 1–5 and has no interval below two ratings', () => {
    expect(meanInterval({ n: 1, sum: 4, sumSq: 16 })).toBeNull();
    for (const counts of [
      [2, 0, 0, 0, 0],
      [0, 0, 0, 5, 0],
      [9, 0, 0, 0, 1],
      [0, 0, 0, 1, 40],
    ]) {
      const i = meanIntervalOfCounts(counts)!;
      expect(i.low).toBeGreaterThanOrEqual(1);
      expect(i.high).toBeLessThanOrEqual(5);
      expect(i.high).toBeGreaterThan(i.low);
    }
  });

  it('covers the true mean at least 95% of the time at n = 4, where mean ± 1.96·s/√n does not', () => {
    // Ratings drawn from a skewed distribution typical of satisfaction: mean 3.9.
    const probs = [0.1, 0.1, 0.1, 0.2, 0.5];
    const trueMean = probs.reduce((a, p, i) => a + p * (i + 1), 0);
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const draw = () => {
      let u = rand();
      for (let i = 0; i < 5; i++) {
        u -= probs[i]!;
        if (u < 0) return i;
      }
      return 4;
    };
    let covered = 0;
    const runs = 4000;
    for (let r = 0; r < runs; r++) {
      const counts = [0, 0, 0, 0, 0];
      for (let k = 0; k < 4; k++) counts[draw()]! += 1;
      const i = meanIntervalOfCounts(counts)!;
      if (i.low <= trueMean && trueMean <= i.high) covered += 1;
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.95);
  });
});

describe('overlap', () => {
  it('counts touching intervals as overlapping', () => {
    expect(overlaps({ low: 0.1, high: 0.3 }, { low: 0.3, high: 0.5 })).toBe(true);
    expect(overlaps({ low: 0.1, high: 0.29 }, { low: 0.3, high: 0.5 })).toBe(false);
  });
});
