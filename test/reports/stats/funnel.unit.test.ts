import { describe, expect, it } from 'vitest';
import { funnel, funnelLimitsAt, MIN_GROUPS_FOR_OVERDISPERSION } from '../../../src/reports/stats/funnel.js';

/**
 * The funnel's limits recomputed here by a different route: the whole binomial distribution summed
 * from r = 0 with the pmf built from log binomial coefficients added term by term, the quantile found
 * by walking the cumulative sum, and Spiegelhalter's interpolation written out again. Nothing of the
 * module's own (its quantile library, its log-gamma, its tail sums) is used.
 */
function referenceLimit(prob: number, n: number, p0: number): number {
  const pmf: number[] = [];
  let logC = 0; // ln C(n, 0)
  for (let r = 0; r <= n; r++) {
    if (r > 0) logC += Math.log((n - r + 1) / r);
    pmf.push(Math.exp(logC + r * Math.log(p0) + (n - r) * Math.log(1 - p0)));
  }
  let cdf = 0;
  for (let r = 0; r <= n; r++) {
    const before = cdf;
    cdf += pmf[r] ?? 0;
    if (cdf >= prob - 1e-12) {
      const alpha = (cdf - prob) / (cdf - before);
      return (r - alpha) / n;
    }
  }
  return 1;
}

/** P(R ≥ x) or P(R ≤ x) under Bin(n, p₀), by the same direct summation. */
function referenceTail(x: number, n: number, p0: number, side: 'above' | 'below'): number {
  let logC = 0;
  let tail = 0;
  for (let r = 0; r <= n; r++) {
    if (r > 0) logC += Math.log((n - r + 1) / r);
    if (side === 'above' ? r >= x : r <= x)
      tail += Math.exp(logC + r * Math.log(p0) + (n - r) * Math.log(1 - p0));
  }
  return tail;
}

/** A small seeded generator (a different one from the module's), for reproducible data. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function binomialDraw(n: number, p: number, rand: () => number): number {
  let x = 0;
  for (let i = 0; i < n; i++) if (rand() < p) x += 1;
  return x;
}

describe('funnel plot limits (Spiegelhalter 2005)', () => {
  it('match the interpolated exact binomial limits recomputed by direct summation, on a seeded dataset', () => {
    const rand = lcg(20261205);
    const groups = Array.from({ length: 8 }, (_, i) => {
      const n = 5 + Math.floor(rand() * 600);
      return { key: `g${i}`, count: binomialDraw(n, 0.7, rand), n };
    });
    const plot = funnel(groups);
    const totalN = groups.reduce((s, g) => s + g.n, 0);
    const target = groups.reduce((s, g) => s + g.count, 0) / totalN;
    expect(plot.target).toBeCloseTo(target, 12);
    // Eight groups: never adjusted for overdispersion, so the limits are the exact ones.
    expect(plot.overdispersion.applied).toBe(false);
    for (const point of plot.points) {
      const n = point.n;
      expect(point.limits.low95).toBeCloseTo(referenceLimit(0.025, n, target), 9);
      expect(point.limits.high95).toBeCloseTo(referenceLimit(0.975, n, target), 9);
      expect(point.limits.low998).toBeCloseTo(referenceLimit(0.001, n, target), 9);
      expect(point.limits.high998).toBeCloseTo(referenceLimit(0.999, n, target), 9);
      const rate = point.count / n;
      const expected =
        rate > point.limits.high95 && referenceTail(point.count, n, target, 'above') < 0.025
          ? 'above'
          : rate < point.limits.low95 && referenceTail(point.count, n, target, 'below') < 0.025
            ? 'below'
            : 'within';
      expect(point.band).toBe(expected);
    }
  });

  it('reproduces a hand-checked limit: n = 100 around 0.5 gives 0.3968 and 0.5932 at 95%', () => {
    // Bin(100, 0.5): P(R ≤ 39) = 0.017600, P(R ≤ 40) = 0.028444, so r = 40, α = (0.028444 − 0.025) /
    // 0.010844 = 0.3176 and the lower limit is (40 − 0.3176)/100 = 0.3968. Upper: P(R ≤ 59) = 0.971556,
    // P(R ≤ 60) = 0.982400, r = 60, α = 0.6824, limit 0.5932. (The interpolation inverts the cdf drawn
    // through the points (r, P(R ≤ r)), which is centred on np₀ − ½: hence not 1 − 0.3968.)
    const limits = funnelLimitsAt(100, 0.5);
    expect(limits.low95).toBeCloseTo(0.3968, 4);
    expect(limits.high95).toBeCloseTo(0.5932, 4);
  });

  it('labels five agents of 60 answers each, above, within and below the overall 73.3%', () => {
    const plot = funnel([57, 54, 45, 44, 20].map((count, i) => ({ key: `agent-${i + 1}`, count, n: 60 })));
    expect(plot.target).toBeCloseTo(220 / 300, 12);
    expect(plot.points.map((p) => [p.key, p.band, p.beyond998])).toEqual([
      ['agent-1', 'above', true],
      ['agent-2', 'above', false],
      ['agent-3', 'within', false],
      ['agent-4', 'within', false],
      ['agent-5', 'below', true],
    ]);
    // More spread than chance explains, but five groups are too few to estimate it: not applied.
    expect(plot.overdispersion.overdispersed).toBe(true);
    expect(plot.overdispersion.applied).toBe(false);
  });

  it('finds no overdispersion where every group is drawn from one rate', () => {
    const rand = lcg(7);
    const groups = Array.from({ length: 30 }, (_, i) => {
      const n = 50 + Math.floor(rand() * 400);
      return { key: `g${i}`, count: binomialDraw(n, 0.8, rand), n };
    });
    const plot = funnel(groups);
    expect(plot.overdispersion.phi).toBeLessThan(plot.overdispersion.threshold);
    expect(plot.overdispersion.applied).toBe(false);
    expect(plot.overdispersion.tau2).toBe(0);
  });

  it('widens the limits by the DerSimonian–Laird τ² when groups truly differ', () => {
    const rand = lcg(11);
    const groups = Array.from({ length: 40 }, (_, i) => {
      const n = 400 + Math.floor(rand() * 600);
      const p = 0.55 + 0.35 * rand(); // true rates spread from 55% to 90%
      return { key: `g${i}`, count: binomialDraw(n, p, rand), n };
    });
    expect(groups.length).toBeGreaterThanOrEqual(MIN_GROUPS_FOR_OVERDISPERSION);
    const plot = funnel(groups);
    const od = plot.overdispersion;
    expect(od.overdispersed).toBe(true);
    expect(od.applied).toBe(true);
    // τ² recomputed: winsorised z at the 10th/90th percentiles, then DerSimonian–Laird.
    const target = plot.target ?? 0;
    const s2 = (n: number) => (target * (1 - target)) / n;
    const z = groups.map((g) => (g.count / g.n - target) / Math.sqrt(s2(g.n)));
    const sorted = [...z].sort((a, b) => a - b);
    const q = (f: number) => {
      const h = (sorted.length - 1) * f;
      const lo = Math.floor(h);
      return (sorted[lo] ?? 0) + (h - lo) * ((sorted[lo + 1] ?? sorted[lo] ?? 0) - (sorted[lo] ?? 0));
    };
    const phi = z.reduce((s, v) => s + Math.min(q(0.9), Math.max(q(0.1), v)) ** 2, 0) / z.length;
    expect(od.phi).toBeCloseTo(phi, 10);
    const w = groups.map((g) => 1 / s2(g.n));
    const sw = w.reduce((a, b) => a + b, 0);
    const tau2 = (groups.length * phi - (groups.length - 1)) / (sw - w.reduce((a, b) => a + b * b, 0) / sw);
    expect(od.tau2).toBeCloseTo(tau2, 10);
    // Each limit sits √(1 + τ²/s²) times as far from the target as the exact limit.
    for (const p of plot.points) {
      const exact = referenceLimit(0.975, p.n, target);
      const widened = Math.min(1, target + (exact - target) * Math.sqrt(1 + tau2 / s2(p.n)));
      expect(p.limits.high95).toBeCloseTo(widened, 8);
    }
  });

  it('does not label a perfect score on five answers, which chance gives a quarter of the time', () => {
    const plot = funnel(
      [
        { key: 'tiny', count: 5, n: 5 },
        { key: 'big', count: 150, n: 200 },
      ],
      { target: 0.756 },
    );
    const tiny = plot.points.find((p) => p.key === 'tiny')!;
    expect(tiny.rate).toBeGreaterThan(tiny.limits.high95); // the smooth curve is below 1 at n = 5…
    expect(referenceTail(5, 5, 0.756, 'above')).toBeGreaterThan(0.2); // …but 5/5 is not improbable
    expect(tiny.band).toBe('within');
  });

  it('refuses a count above its n', () => {
    expect(() => funnel([{ key: 'x', count: 5, n: 4 }])).toThrow(/x has 5 of 4/);
  });
});
