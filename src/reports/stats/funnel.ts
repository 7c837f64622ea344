import { LRUCache } from 'lru-cache';
import binomialQuantile from '@stdlib/stats-base-dists-binomial-quantile';

/**
 * Funnel-plot comparison of institutions (Spiegelhalter, "Funnel plots for comparing institutional
 * performance", Statistics in Medicine 2005;24:1185–1202): each group's rate y = x/n is plotted
 * against n around the target p₀ (the overall rate of the groups compared), between control limits
 * that narrow as n grows. A group is "above" or "below" expected when its rate lies outside the 95%
 * limits, and beyond the 99.8% limits it is an "alarm" (Spiegelhalter's 2 and 3 standard deviations).
 *
 * Limits (Spiegelhalter 2005, §3.1 and Appendix A.1.1): the exact binomial p-quantile of R ~ Bin(n, p₀),
 * interpolated so the limits are smooth in n:
 *   r_p = the smallest r with P(R ≤ r) ≥ p,
 *   α   = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1)),
 *   limit = (r_p − α) / n,
 * for p = 0.025 / 0.975 (95%) and 0.001 / 0.999 (99.8%). A group is outside a limit when its rate
 * is beyond it and its exact tail probability P(R ≥ x) (or P(R ≤ x)) under p₀ is below 0.025 (0.001):
 * the second condition matters only at the smallest n, where the smooth curve passes points that
 * chance gives often.
 *
 * Overdispersion (Spiegelhalter 2005 §5; Spiegelhalter et al., "Statistical methods for healthcare
 * regulation", JRSS A 2012, §4): real institutions differ by more than chance. With z_i = (y_i − p₀)/s_i,
 * s_i = √(p₀(1 − p₀)/n_i), the z-scores are winsorised at their 10th and 90th percentiles (so the
 * outliers being looked for do not inflate the estimate), φ = Σz_w²/k, and the test of "no more spread
 * than chance" compares kφ with χ² on k − 1 degrees of freedom at 5%. When the test rejects and there
 * are at least MIN_GROUPS_FOR_OVERDISPERSION groups, an additive random-effects variance is estimated
 * by DerSimonian–Laird, τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw)), w_i = 1/s_i², and every limit's
 * distance from p₀ is widened by √(1 + τ²/s_n²): at large n the limits tend to p₀ ± z√(s_n² + τ²)
 * (the normal random-effects limits) and at τ² = 0 they are the exact limits. Additive, not the
 * multiplicative φ, because a multiplicative factor widens the limits of small groups that are
 * already wide and leaves the largest groups flagged for differences of no practical size.
 */

// Why: docs/decisions/0019-funnel-limits-from-stdlib-quantiles.md
export const FUNNEL_LEVELS = {
  /** Two-sided 95%: p = 0.025 and 0.975 (about 2 standard deviations). */
  warning: { low: 0.025, high: 0.975, z: 1.959963984540054 },
  /** Two-sided 99.8%: p = 0.001 and 0.999 (about 3 standard deviations). */
  alarm: { low: 0.001, high: 0.999, z: 3.090232306167813 },
} as const;

/** Below this many groups the between-group variance is too imprecise to adjust by: exact limits only. */
export const MIN_GROUPS_FOR_OVERDISPERSION = 10;
/** The share winsorised at each end of the z-scores (Spiegelhalter 2005 §5.3.1). */
export const WINSOR_SHARE = 0.1;
/** One-sided 95% standard normal quantile, for the χ² test of overdispersion (Wilson–Hilferty). */
const Z_095 = 1.6448536269514722;

export type FunnelBand = 'above' | 'within' | 'below';

export interface FunnelLimits {
  low95: number;
  high95: number;
  low998: number;
  high998: number;
}

export interface FunnelPoint {
  key: string;
  count: number;
  n: number;
  rate: number;
  /** (rate − target)/s, before any overdispersion adjustment. */
  z: number;
  limits: FunnelLimits;
  /** Outside the 95% limits, on which side; "within" otherwise. */
  band: FunnelBand;
  /** Outside the 99.8% limits too (an alarm, not just a warning). */
  beyond998: boolean;
}

export interface Overdispersion {
  /** Groups the estimate rests on (n > 0). */
  groups: number;
  /** Winsorised φ = Σz_w²/k; 1 is the spread chance alone gives. */
  phi: number;
  /** The 5% point of χ²_{k−1} divided by k: φ above it is more spread than chance explains. */
  threshold: number;
  /** The χ² test rejected "chance alone". */
  overdispersed: boolean;
  /** DerSimonian–Laird between-group variance of the rate (0 when not overdispersed). */
  tau2: number;
  /** The limits were widened: overdispersed and at least MIN_GROUPS_FOR_OVERDISPERSION groups. */
  applied: boolean;
}

export interface Funnel {
  /** The overall rate Σx/Σn of the groups compared; null when no group has any n. */
  target: number | null;
  overdispersion: Overdispersion;
  points: FunnelPoint[];
}

export interface FunnelInput {
  key: string;
  count: number;
  n: number;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7): relative error about 1e-15, enough for binomial tails. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0] ?? 0;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] ?? 0) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(R = r) for R ~ Bin(n, p). */
function binomialPmf(r: number, n: number, p: number): number {
  if (r < 0 || r > n) return 0;
  if (p <= 0) return r === 0 ? 1 : 0;
  if (p >= 1) return r === n ? 1 : 0;
  return Math.exp(
    logGamma(n + 1) - logGamma(r + 1) - logGamma(n - r + 1) + r * Math.log(p) + (n - r) * Math.log1p(-p),
  );
}

/**
 * P(R ≤ r), summing the pmf from r away from the mode, where the terms fall off geometrically: a tail
 * costs O(√n) terms, not O(n). The upper tail is summed instead when r is above the mean.
 */
export function binomialCdf(r: number, n: number, p: number): number {
  if (r < 0) return 0;
  if (r >= n) return 1;
  const q = 1 - p;
  if (r < n * p) {
    let term = binomialPmf(r, n, p);
    let sum = term;
    for (let k = r; k > 0 && term > sum * 1e-17; k--) {
      term *= (k / (n - k + 1)) * (q / p);
      sum += term;
    }
    return Math.min(1, sum);
  }
  let term = binomialPmf(r + 1, n, p);
  let sum = term;
  for (let k = r + 1; k < n && term > sum * 1e-17; k++) {
    term *= ((n - k) / (k + 1)) * (p / q);
    sum += term;
  }
  return Math.max(0, 1 - sum);
}

/** Spiegelhalter's interpolated exact binomial limit for a proportion at probability `prob`. */
export function binomialLimit(prob: number, n: number, target: number): number {
  if (!(n > 0)) throw new RangeError(`funnel limit: n must be positive, got ${n}`);
  if (target <= 0) return 0;
  if (target >= 1) return 1;
  const r = binomialQuantile(prob, n, target);
  if (!Number.isFinite(r))
    throw new RangeError(`funnel limit: no quantile for p=${prob}, n=${n}, p0=${target}`);
  const atR = binomialCdf(r, n, target);
  const below = binomialCdf(r - 1, n, target);
  const step = atR - below;
  const alpha = step > 0 ? (atR - prob) / step : 0;
  return Math.min(1, Math.max(0, (r - alpha) / n));
}

function exactLimits(n: number, target: number): FunnelLimits {
  return {
    low95: binomialLimit(FUNNEL_LEVELS.warning.low, n, target),
    high95: binomialLimit(FUNNEL_LEVELS.warning.high, n, target),
    low998: binomialLimit(FUNNEL_LEVELS.alarm.low, n, target),
    high998: binomialLimit(FUNNEL_LEVELS.alarm.high, n, target),
  };
}

/** Linear-interpolation quantile (R's type 7) of a sorted list. */
function sortedQuantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
  return a + (h - lo) * (b - a);
}

/** The upper 5% point of χ² on ν degrees of freedom (Wilson–Hilferty; within 1% for ν ≥ 2). */
export function chiSquare95(df: number): number {
  if (!(df > 0)) return Infinity;
  const c = 2 / (9 * df);
  return df * (1 - c + Z_095 * Math.sqrt(c)) ** 3;
}

/** φ, its test and τ² from the groups' z-scores (see the comment at the top of this file). */
export function estimateOverdispersion(
  groups: readonly { n: number; z: number }[],
  target: number,
): Overdispersion {
  const k = groups.length;
  const none = { groups: k, phi: 1, threshold: Infinity, overdispersed: false, tau2: 0, applied: false };
  if (k < 2 || target <= 0 || target >= 1) return none;
  const sorted = groups.map((g) => g.z).sort((a, b) => a - b);
  const low = sortedQuantile(sorted, WINSOR_SHARE);
  const high = sortedQuantile(sorted, 1 - WINSOR_SHARE);
  const phi = groups.reduce((s, g) => s + Math.min(high, Math.max(low, g.z)) ** 2, 0) / k;
  const threshold = chiSquare95(k - 1) / k;
  const overdispersed = phi > threshold;
  if (!overdispersed) return { ...none, phi, threshold };
  const variance = target * (1 - target);
  const weights = groups.map((g) => g.n / variance);
  const sw = weights.reduce((a, b) => a + b, 0);
  const sw2 = weights.reduce((a, b) => a + b * b, 0);
  const denominator = sw - sw2 / sw;
  const tau2 = denominator > 0 ? Math.max(0, (k * phi - (k - 1)) / denominator) : 0;
  return {
    groups: k,
    phi,
    threshold,
    overdispersed,
    tau2,
    applied: k >= MIN_GROUPS_FOR_OVERDISPERSION && tau2 > 0,
  };
}

/** Exact limits widened for a between-group variance τ²: each distance from p₀ times √(1 + τ²/s²). */
function widen(limits: FunnelLimits, n: number, target: number, tau2: number): FunnelLimits {
  if (!(tau2 > 0)) return limits;
  const s2 = (target * (1 - target)) / n;
  const f = Math.sqrt(1 + tau2 / s2);
  const at = (l: number) => Math.min(1, Math.max(0, target + (l - target) * f));
  return {
    low95: at(limits.low95),
    high95: at(limits.high95),
    low998: at(limits.low998),
    high998: at(limits.high998),
  };
}

/** The control limits at one n, as drawn for the funnel's curves. */
/** Limits already computed, by (n, target, τ²): the dashboard draws the same curve on every request. */
const limitsMade = new LRUCache<string, Readonly<FunnelLimits>>({ max: 5000 });

export function funnelLimitsAt(n: number, target: number, tau2 = 0): Readonly<FunnelLimits> {
  const key = `${n}|${target}|${tau2}`;
  const hit = limitsMade.get(key);
  if (hit) return hit;
  const limits = Object.freeze(widen(exactLimits(n, target), n, target, tau2));
  limitsMade.set(key, limits);
  return limits;
}

/**
 * The funnel of the given groups (those with n = 0 are left out: no rate, no point). `target`
 * defaults to the groups' overall rate; pass the overall of a wider set to compare against it.
 */
export function funnel(groups: readonly FunnelInput[], opts: { target?: number } = {}): Funnel {
  const withData = groups.filter((g) => g.n > 0);
  for (const g of withData) {
    if (!(g.count >= 0 && g.count <= g.n)) throw new RangeError(`funnel: ${g.key} has ${g.count} of ${g.n}`);
  }
  const totalN = withData.reduce((s, g) => s + g.n, 0);
  const target = opts.target ?? (totalN > 0 ? withData.reduce((s, g) => s + g.count, 0) / totalN : null);
  if (target === null) {
    return { target: null, overdispersion: estimateOverdispersion([], 0), points: [] };
  }
  const variance = target * (1 - target);
  const zOf = (g: FunnelInput) => (variance > 0 ? (g.count / g.n - target) / Math.sqrt(variance / g.n) : 0);
  const overdispersion = estimateOverdispersion(
    withData.map((g) => ({ n: g.n, z: zOf(g) })),
    target,
  );
  const tau2 = overdispersion.applied ? overdispersion.tau2 : 0;
  const points = withData.map((g): FunnelPoint => {
    const rate = g.count / g.n;
    const limits = funnelLimitsAt(g.n, target, tau2);
    // The interpolated limits are smooth curves through a discrete distribution: at very small n a
    // perfect 5/5 lies above a 98% limit although P(R = 5) is a quarter. A point is outside only when
    // its exact tail probability is below the level as well, so no group is labelled on a chance
    // that large.
    const tailAbove = 1 - binomialCdf(g.count - 1, g.n, target);
    const tailBelow = binomialCdf(g.count, g.n, target);
    const above = (limit: number, p: number) => rate > limit && tailAbove < p;
    const below = (limit: number, p: number) => rate < limit && tailBelow < p;
    const band: FunnelBand = above(limits.high95, FUNNEL_LEVELS.warning.low)
      ? 'above'
      : below(limits.low95, FUNNEL_LEVELS.warning.low)
        ? 'below'
        : 'within';
    return {
      key: g.key,
      count: g.count,
      n: g.n,
      rate,
      z: zOf(g),
      limits,
      band,
      beyond998:
        above(limits.high998, FUNNEL_LEVELS.alarm.low) || below(limits.low998, FUNNEL_LEVELS.alarm.low),
    };
  });
  return { target, overdispersion, points };
}
