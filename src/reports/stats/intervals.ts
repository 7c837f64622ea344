/**
 * The statistics behind every published figure, written once so the methodology page, docs/methodology.md
 * and the tests can all point at the same formulas.
 *
 * - A rate x/n carries a 95% **Wilson score interval** (Wilson 1927; Newcombe 1998, method 3):
 *     p̂ = x/n,  centre = (p̂ + z²/2n) / (1 + z²/n),
 *     half-width = z / (1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²),  z = 1.959964 (two-sided 95%).
 *   Chosen over the textbook p̂ ± z√(p̂(1−p̂)/n) because it stays inside [0, 1] and keeps its
 *   coverage at 0/n, n/n and the small n a department often has.
 * - A mean rating on the 1–5 scale carries the same score interval, of the ratings rescaled to [0, 1]
 *   (meanInterval): bounded to 1–5 and honest at small n; none below 2 ratings.
 * - A change between two periods (two independent proportions) is judged by **Newcombe's hybrid
 *   score interval** for p₁ − p₂ (Newcombe 1998b, method 10), built from the two Wilson intervals:
 *     L = d − √((p₁ − l₁)² + (u₂ − p₂)²),  U = d + √((u₁ − p₁)² + (p₂ − l₂)²).
 *   The change is significant at 95% when the interval excludes 0. It is the two-proportion test
 *   that agrees with the Wilson intervals shown beside it, and behaves at small n where the pooled
 *   z-test does not; the pooled z statistic is given too for readers who expect it.
 */

// Why: docs/decisions/0004-statistics-without-a-library.md
/** Two-sided 95% standard normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** The Wilson score interval of x successes in n trials; null when n is 0 (no data, no interval). */
export function wilsonInterval(x: number, n: number, z: number = Z95): Interval | null {
  if (!(n > 0)) return null;
  if (x < 0 || x > n) throw new RangeError(`wilson interval: ${x} successes out of ${n}`);
  // x may be fractional: a mean rating rescaled to [0, 1] times n (meanInterval).
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // 0/n and n/n give exactly 0 and 1 analytically; floating point leaves dust either side.
  return { low: x === 0 ? 0 : centre - half, high: x === n ? 1 : centre + half };
}

/** Interval of a mean from a histogram of values (counts[i] values equal to i + 1). */
export function meanIntervalOfCounts(counts: readonly number[], z: number = Z95): Interval | null {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  counts.forEach((c, i) => {
    const v = i + 1;
    n += c;
    sum += c * v;
    sumSq += c * v * v;
  });
  return meanInterval({ n, sum, sumSq }, z);
}

/**
 * The interval of a mean rating on the 1–5 scale, honest at small n: the ratings rescaled to [0, 1]
 * by (r − 1)/4, Wilson's score interval of their mean p̂ over n, mapped back by 1 + 4p. A variable
 * in [0, 1] with mean p has variance at most p(1 − p), so the score interval that holds for a
 * proportion holds (conservatively) for the mean: it stays inside 1–5, is never of zero width when
 * all ratings agree (two 5s give 2.37–5, not "5.00 ± 0.00"), and keeps 95% coverage at n = 4 where
 * mean ± 1.96·s/√n covers about three times in four. `sumSq` is unused: the bound replaces s.
 * Null below two values.
 */
export function meanInterval(
  s: { n: number; sum: number; sumSq?: number },
  z: number = Z95,
): Interval | null {
  if (!(s.n >= 2)) return null;
  const rescaled = Math.min(s.n, Math.max(0, (s.sum - s.n) / 4));
  const i = wilsonInterval(rescaled, s.n, z);
  if (!i) return null;
  return { low: 1 + 4 * i.low, high: 1 + 4 * i.high };
}

export interface DifferenceTest {
  /** p₁ − p₂. */
  difference: number;
  /** Newcombe's hybrid score interval for p₁ − p₂. */
  interval: Interval;
  /** The pooled two-proportion z statistic, (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)); null when undefined. */
  z: number | null;
  /** The interval lies wholly above 0: p₁ is higher than p₂ at 95%. */
  higher: boolean;
  /** The interval lies wholly below 0. */
  lower: boolean;
}

/** Compares x₁/n₁ with x₂/n₂; null when either has no trials. */
export function compareProportions(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z: number = Z95,
): DifferenceTest | null {
  const a = wilsonInterval(x1, n1, z);
  const b = wilsonInterval(x2, n2, z);
  if (!a || !b) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const low = d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2);
  const high = d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2);
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return {
    difference: d,
    interval: { low, high },
    z: se > 0 ? d / se : null,
    higher: low > 0,
    lower: high < 0,
  };
}

/** Whether two intervals share any point: the groups are then not distinguishable at 95%. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.low <= b.high && b.low <= a.high;
}

/** Half the interval's width, in percentage points: the "± x points" shown beside a rate. */
export function plusMinusPoints(i: Interval | null): number | null {
  return i ? ((i.high - i.low) / 2) * 100 : null;
}
