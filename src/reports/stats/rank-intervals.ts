import { wilsonInterval, type Interval } from './intervals.js';

/**
 * A league table that cannot mislead: every group gets a position of its own (no "=" ties chained down
 * the table), ordered by its pessimistic bound, and beside it the 95% interval of the rank it could
 * truly hold.
 *
 * - **Order**: the lower end of the rate's 95% Wilson interval (the one shown beside the rate), best
 *   first, where higher is better; the upper end where lower is better. A high rate on few answers
 *   then does not outrank a slightly lower one on many. The order is that and only that: groups whose
 *   intervals overlap are not pulled together into a shared rank, so no group in the middle can tie
 *   the best to the middling. Equal bounds (the same x/n) are ordered by n, then by key, so the order
 *   is total and stable.
 * - **Rank interval** (Goldstein & Spiegelhalter, JRSS A 1996; Marshall & Spiegelhalter, BMJ 1998):
 *   each group's rate has the posterior Beta(x + 1, n − x + 1) (uniform prior). RANK_DRAWS joint draws
 *   of all groups' rates are taken with a seeded generator; in each draw every group is ranked (1 =
 *   best); a group's rank interval is the 2.5th and 97.5th percentile of its ranks. Two groups whose
 *   rank intervals do not overlap are told apart; the width says how much a position means.
 *   The seed is fixed, so the same data always gives the same intervals.
 */

// Why: docs/decisions/0019-funnel-limits-from-stdlib-quantiles.md
/** Joint posterior draws per table: the rank percentiles move by well under one rank between seeds. */
export const RANK_DRAWS = 2000;
/**
 * A table of more than MAX_TOTAL_DRAWS / RANK_DRAWS groups (a national table of agents) takes fewer
 * draws, never below MIN_DRAWS, so one request costs a bounded time; the count is a function of the
 * table's size alone, and is reported with the table.
 */
export const MAX_TOTAL_DRAWS = 1_000_000;
export const MIN_DRAWS = 400;

export function drawsFor(groups: number): number {
  return Math.max(MIN_DRAWS, Math.min(RANK_DRAWS, Math.floor(MAX_TOTAL_DRAWS / Math.max(1, groups))));
}
export const RANK_SEED = 20050412;

export interface RankInput {
  key: string;
  count: number;
  n: number;
}

export interface RankedGroup {
  key: string;
  /** Position 1..k by the pessimistic bound; every group has its own. */
  rank: number;
  /** The 95% interval of the group's rank across the posterior draws (1 = best). */
  rankInterval: { low: number; high: number };
  /** The bound the position is ordered by (Wilson 95% lower end, or upper end when lower is better). */
  bound: number;
}

export interface RankTable {
  draws: number;
  seed: number;
  lowerIsBetter: boolean;
  groups: RankedGroup[];
}

/** mulberry32: a small, fast, well-distributed 32-bit generator; seeded, so tables are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Marsaglia's polar method), each pair used in turn: no trigonometry. */
function normals(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * rand() - 1;
      const v = 2 * rand() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        spare = v * f;
        return u * f;
      }
    }
  };
}

/** Gamma(shape, 1) draw (Marsaglia & Tsang 2000); shape ≥ 1 here, as Beta(x + 1, n − x + 1) needs. */
function gamma(shape: number, rand: () => number, normal: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) sampler on a seeded uniform generator (a, b ≥ 1), as X/(X + Y) of two gamma draws. */
export function betaSampler(rand: () => number): (a: number, b: number) => number {
  const normal = normals(rand);
  return (a, b) => {
    const x = gamma(a, rand, normal);
    const y = gamma(b, rand, normal);
    return x / (x + y);
  };
}

/** The pessimistic bound: the lower end of the Wilson interval, or the upper end when lower is better. */
export function pessimisticBound(count: number, n: number, lowerIsBetter = false): number | null {
  const i: Interval | null = wilsonInterval(count, n);
  if (!i) return null;
  return lowerIsBetter ? i.high : i.low;
}

/** Orders the groups by their pessimistic bound and gives each its position and 95% rank interval. */
export function rankTable(
  groups: readonly RankInput[],
  opts: { lowerIsBetter?: boolean; draws?: number; seed?: number } = {},
): RankTable {
  const lowerIsBetter = opts.lowerIsBetter ?? false;
  const seed = opts.seed ?? RANK_SEED;
  const bounded = groups
    .filter((g) => g.n > 0)
    .map((g) => {
      if (!(g.count >= 0 && g.count <= g.n))
        throw new RangeError(`rank table: ${g.key} has ${g.count} of ${g.n}`);
      return { ...g, bound: pessimisticBound(g.count, g.n, lowerIsBetter) ?? 0 };
    });
  const sign = lowerIsBetter ? 1 : -1;
  const ordered = bounded.sort(
    (a, b) => sign * (a.bound - b.bound) || b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const k = ordered.length;
  const draws = opts.draws ?? drawsFor(k);
  const ranks = ordered.map(() => new Uint16Array(draws));
  if (k > 0) {
    // A fresh generator per table from the fixed seed: a table's draws never depend on which other
    // tables were drawn before it in the same process.
    const beta = betaSampler(seededRandom(seed));
    const values = new Float64Array(k);
    const sorted = new Float64Array(k);
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < k; i++) {
        const g = ordered[i];
        if (g) values[i] = beta(g.count + 1, g.n - g.count + 1);
      }
      // A native numeric sort and a binary search per group: draws are continuous, so ties have
      // probability zero, and a comparator sort would cost several times as much.
      sorted.set(values);
      sorted.sort();
      for (let i = 0; i < k; i++) {
        const v = values[i] ?? 0;
        let lo = 0;
        let hi = k;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((sorted[mid] ?? 0) < v) lo = mid + 1;
          else hi = mid;
        }
        // lo values are below v: ranked best-first that is position k − lo (higher is better) or lo + 1.
        const r = ranks[i];
        if (r) r[d] = lowerIsBetter ? lo + 1 : k - lo;
      }
    }
  }
  return {
    draws,
    seed,
    lowerIsBetter,
    groups: ordered.map((g, i) => {
      const r = (ranks[i] ?? new Uint16Array(0)).sort();
      const at = (q: number) => r[Math.min(r.length - 1, Math.max(0, Math.floor(q * r.length)))] ?? i + 1;
      return {
        key: g.key,
        rank: i + 1,
        rankInterval: k > 0 && draws > 0 ? { low: at(0.025), high: at(0.975) } : { low: i + 1, high: i + 1 },
        bound: g.bound,
      };
    }),
  };
}

/** Whether two groups are told apart: their rank intervals share no position. */
export function ranksDistinct(a: { low: number; high: number }, b: { low: number; high: number }): boolean {
  return a.high < b.low || b.high < a.low;
}
