import { LRUCache } from 'lru-cache';
import { funnel, type FunnelBand, type FunnelLimits, type Overdispersion } from './funnel.js';
import { RANK_DRAWS, RANK_SEED, rankTable } from './rank-intervals.js';

/**
 * The one comparison of groups every report uses (summary API, exports, dashboard, public board, the
 * best-three award): a funnel plot of the verified resolution rate (funnel.ts) that labels each group
 * above, within or below expected, and a league order by the pessimistic bound with a 95% rank
 * interval for each ranked group (rank-intervals.ts). Groups resting on fewer answers than the minimum
 * n are on the funnel (its limits are made for small n) but are not ranked.
 */

export interface ComparedGroupInput {
  key: string;
  /** "Solved" answers and answers to "solved?" (the verified resolution rate's count and n). */
  count: number;
  n: number;
  lowN: boolean;
}

export interface GroupComparison {
  /** Position by the pessimistic bound among groups that are not low n; null when not ranked. */
  rank: number | null;
  /** 95% interval of the rank (1 = best); null when not ranked. */
  rankInterval: { low: number; high: number } | null;
  /** The group on the funnel; null when it has no answers to "solved?". */
  funnel: {
    band: FunnelBand;
    /** Outside the 99.8% limits as well. */
    beyond998: boolean;
    limits: FunnelLimits;
    /** (rate − target)/√(target(1 − target)/n), unadjusted. */
    z: number;
  } | null;
}

export interface ComparisonSummary {
  metric: 'verifiedResolutionRate';
  /** The funnel's centre line: all compared groups' "solved" ÷ their answers to "solved?". */
  target: number | null;
  overdispersion: Overdispersion;
  /** Groups on the funnel (n > 0) and groups ranked (not low n). */
  groups: number;
  ranked: number;
  /** The league order: the lower end of the rate's 95% Wilson interval, best first. */
  orderedBy: 'wilsonLower95';
  draws: number;
  seed: number;
}

export function emptyComparisonSummary(): ComparisonSummary {
  return {
    metric: 'verifiedResolutionRate',
    target: null,
    overdispersion: { groups: 0, phi: 1, threshold: Infinity, overdispersed: false, tau2: 0, applied: false },
    groups: 0,
    ranked: 0,
    orderedBy: 'wilsonLower95',
    draws: RANK_DRAWS,
    seed: RANK_SEED,
  };
}

type Compared = { summary: ComparisonSummary; byKey: Map<string, GroupComparison> };

/**
 * Comparisons already made, by their figures: the same groups, counts and n always give the same
 * comparison (the draws are seeded), so a dashboard asked again before the sums change reuses it
 * instead of recomputing the funnel limits and the rank simulation. New sums give new figures and so
 * a new key: nothing stale is served. The entries are never changed by their readers.
 */
const made = new LRUCache<string, Compared>({ max: 500 });
let computed = 0;

/** How many comparisons were computed rather than reused (for the test that they are reused). */
export function comparisonsComputed(): number {
  return computed;
}

export function compareGroups(groups: readonly ComparedGroupInput[]): Compared {
  const key = JSON.stringify(groups.map((g) => [g.key, g.count, g.n, g.lowN]));
  const hit = made.get(key);
  if (hit) return { summary: { ...hit.summary }, byKey: new Map(hit.byKey) };
  const fresh = computeComparison(groups);
  made.set(key, fresh);
  return { summary: { ...fresh.summary }, byKey: new Map(fresh.byKey) };
}

function computeComparison(groups: readonly ComparedGroupInput[]): Compared {
  computed++;
  const plot = funnel(groups);
  const table = rankTable(groups.filter((g) => !g.lowN));
  const points = new Map(plot.points.map((p) => [p.key, p]));
  const ranks = new Map(table.groups.map((g) => [g.key, g]));
  const byKey = new Map<string, GroupComparison>();
  for (const g of groups) {
    const p = points.get(g.key);
    const r = ranks.get(g.key);
    byKey.set(g.key, {
      rank: r?.rank ?? null,
      rankInterval: r?.rankInterval ?? null,
      funnel: p ? { band: p.band, beyond998: p.beyond998, limits: p.limits, z: p.z } : null,
    });
  }
  return {
    summary: {
      metric: 'verifiedResolutionRate',
      target: plot.target,
      overdispersion: plot.overdispersion,
      groups: plot.points.length,
      ranked: table.groups.length,
      orderedBy: 'wilsonLower95',
      draws: table.draws,
      seed: table.seed,
    },
    byKey,
  };
}
