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

export function compareGroups(groups: readonly ComparedGroupInput[]): {
  summary: ComparisonSummary;
  byKey: Map<string, GroupComparison>;
} {
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
