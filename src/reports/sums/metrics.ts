import type { PartialSums } from '../../scores/sums/partial-sums.js';
import { chainOf, type ChainOfCounts } from './chain.js';
import { meanIntervalOfCounts, wilsonInterval, type Interval } from '../stats/intervals.js';
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
   * 95% interval (src/reports/stats/intervals.ts): Wilson score for rates, and for means the score
   * interval of the ratings rescaled to [0, 1] (bounded to 1–5); null when there is too little data.
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

/** Groups resting on fewer answers than the minimum are shown, flagged, and never ranked (stats/comparison.ts). */
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

export function metricValue(m: Metrics, key: MetricKey): number | null {
  const v = m[key];
  return typeof v === 'number' ? v : v.value;
}

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
