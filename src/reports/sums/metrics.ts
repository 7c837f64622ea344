import type { PartialSums } from '../../scores/sums/partial-sums.js';
import { chainOf, type ChainOfCounts } from './chain.js';
import { meanIntervalOfCounts, overlaps, wilsonInterval, type Interval } from '../stats/intervals.js';
import type { Language } from '../../i18n/languages.js';
import { metricText, type MetricText } from '../../i18n/metrics.js';

/**
 * The metric definitions: the one place that says what each figure means and how it is computed.
 * Reports, exports, the dashboard, the public page and docs/methodology.md all use these words and formulas.
 *
 * The database only counts: records are grouped by the fields that decide every metric (solved,
 * rating, post-call rating, sent, delivered) with `$sum: 1`, and the ratios are divided here, where
 * each definition can be read and tested in one place. It is exact: a cell is a set of identical
 * records, not a sample.
 */

/** A ratio or mean with the count it rests on. `value` is null when n is 0 (no data is not zero). */
export interface Metric {
  value: number | null;
  /** Numerator: records counted (rates) or the sum of values (means). */
  count: number;
  /** Denominator: the number of records the figure rests on. */
  n: number;
  /**
   * 95% interval (src/reports/stats/intervals.ts): Wilson score for rates, mean ± 1.96·s/√n for
   * means; null when there is too little data for one.
   */
  interval: Interval | null;
}

export interface Metrics {
  closures: number;
  sent: number;
  delivered: number;
  answers: number;
  verifiedResolutionRate: Metric;
  falseClosureRate: Metric;
  responseRate: Metric;
  csat: Metric;
  meanRating: Metric;
  postCallRatingMean: Metric;
  brushOffGap: Metric;
  ratingDistribution: { rating: number; count: number }[];
  postCallDistribution: { rating: number; count: number }[];
  /** closures → sampled → asked → delivered → answered, with the reasons for each drop. */
  chain: ChainOfCounts;
}

function ratio(count: number, n: number): Metric {
  return { value: n > 0 ? count / n : null, count, n, interval: wilsonInterval(count, n) };
}

function mean(sum: number, counts: readonly number[]): Metric {
  const n = counts.reduce((a, b) => a + b, 0);
  return { value: n > 0 ? sum / n : null, count: sum, n, interval: meanIntervalOfCounts(counts) };
}

export function computeMetrics(s: PartialSums): Metrics {
  return {
    closures: s.closures,
    sent: s.sent,
    delivered: s.delivered,
    answers: s.answers,
    verifiedResolutionRate: ratio(s.solvedYes, s.solvedAnswered),
    falseClosureRate: ratio(s.solvedNo, s.solvedAnswered),
    responseRate: ratio(s.answers, s.delivered),
    csat: ratio(s.ratingHigh, s.ratings),
    meanRating: mean(s.ratingSum, s.ratingCounts),
    postCallRatingMean: mean(s.postCallSum, s.postCallCounts),
    brushOffGap: ratio(s.brushOffs, s.postCallAndSolved),
    ratingDistribution: s.ratingCounts.map((count, i) => ({ rating: i + 1, count })),
    postCallDistribution: s.postCallCounts.map((count, i) => ({ rating: i + 1, count })),
    chain: chainOf(s),
  };
}

/** Groups resting on fewer answers than the minimum are shown, flagged, and never ranked. */
export function isLowN(m: Metrics, minN: number): boolean {
  return m.answers < minN;
}

export const RATE_METRICS = [
  'verifiedResolutionRate',
  'falseClosureRate',
  'responseRate',
  'csat',
  'meanRating',
  'postCallRatingMean',
  'brushOffGap',
] as const;
export type RateMetric = (typeof RATE_METRICS)[number];
export const COUNT_METRICS = ['closures', 'sent', 'delivered', 'answers'] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];
export type MetricKey = RateMetric | CountMetric;

/** Higher is better for these; rank order for the others is reversed. */
const LOWER_IS_BETTER: ReadonlySet<MetricKey> = new Set<MetricKey>(['falseClosureRate', 'brushOffGap']);

export function metricValue(m: Metrics, key: MetricKey): number | null {
  const v = m[key];
  return typeof v === 'number' ? v : v.value;
}

/** The bound a group is ranked by: the pessimistic end of its interval. */
function rankingBound(m: Metrics, key: RateMetric): number | null {
  const i = m[key].interval;
  if (!i) return null;
  return LOWER_IS_BETTER.has(key) ? i.high : i.low;
}

/**
 * Honest ranking. Groups with at least the minimum n are listed by the pessimistic end of their
 * 95% interval, best first: the lower bound where higher is better, the upper bound where lower is
 * better, so a high rate on few answers does not outrank a slightly lower one on many. A group whose
 * interval overlaps the interval of the group listed just above it is not distinguishable from it:
 * it shares that group's rank and both are marked `tied` (shown "=3"). A run of such groups shares
 * one rank, which errs towards not ordering: no two groups with different ranks are adjacent with
 * overlapping intervals. low_n groups and groups without an interval get no rank.
 */
export function rankGroups<
  T extends { key?: string; metrics: Metrics; lowN: boolean; rank?: number | null; tied?: boolean },
>(groups: T[], key: RateMetric = 'verifiedResolutionRate'): T[] {
  const sign = LOWER_IS_BETTER.has(key) ? 1 : -1;
  const ranked = groups
    .filter((g) => !g.lowN && rankingBound(g.metrics, key) !== null)
    .sort(
      (a, b) =>
        sign * ((rankingBound(a.metrics, key) ?? 0) - (rankingBound(b.metrics, key) ?? 0)) ||
        (a.key ?? '').localeCompare(b.key ?? ''),
    );
  for (const g of groups) {
    g.rank = null;
    g.tied = false;
  }
  ranked.forEach((g, i) => {
    const prev = ranked[i - 1];
    const a = prev?.metrics[key].interval;
    const b = g.metrics[key].interval;
    if (prev && a && b && overlaps(a, b)) {
      g.rank = prev.rank ?? i + 1;
      g.tied = true;
      prev.tied = true;
    } else {
      g.rank = i + 1;
    }
  });
  return groups;
}

/** A metric's key and kind, with its name and definition in every language (src/i18n/metrics.ts). */
export interface MetricDefinition extends Record<Language, MetricText> {
  key: MetricKey;
  kind: 'rate' | 'mean' | 'count';
}

/** The written definitions, in the order managers read them. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  { key: 'closures', kind: 'count', ...metricText('closures') },
  { key: 'sent', kind: 'count', ...metricText('sent') },
  { key: 'delivered', kind: 'count', ...metricText('delivered') },
  { key: 'answers', kind: 'count', ...metricText('answers') },
  { key: 'verifiedResolutionRate', kind: 'rate', ...metricText('verifiedResolutionRate') },
  { key: 'falseClosureRate', kind: 'rate', ...metricText('falseClosureRate') },
  { key: 'responseRate', kind: 'rate', ...metricText('responseRate') },
  { key: 'csat', kind: 'rate', ...metricText('csat') },
  { key: 'meanRating', kind: 'mean', ...metricText('meanRating') },
  { key: 'postCallRatingMean', kind: 'mean', ...metricText('postCallRatingMean') },
  { key: 'brushOffGap', kind: 'rate', ...metricText('brushOffGap') },
];

export function definitionOf(key: MetricKey): MetricDefinition {
  const d = METRIC_DEFINITIONS.find((x) => x.key === key);
  if (!d) throw new Error(`no definition for ${key}`);
  return d;
}
