import { chainOf, type ChainOfCounts } from './chain.js';
import { meanIntervalOfCounts, wilsonInterval, type Interval } from '../stats/intervals.js';

/**
 * The metric definitions: the one place that says what each figure means and how it is computed.
 * Reports, exports, the dashboard, the public page and docs/methodology.md all use these words and formulas.
 *
 * The database only counts: records are grouped by the fields that decide every metric (solved,
 * rating, post-call rating, sent, delivered) with `$sum: 1`, and the ratios are divided here, where
 * each definition can be read and tested in one place. It is exact: a cell is a set of identical
 * records, not a sample.
 */

/** A set of records that agree on every field a metric reads, and how many there are. */
export interface ScoreCell {
  solved?: boolean | null;
  rating?: number | null;
  postCallRating?: number | null;
  sent?: boolean | null;
  delivered?: boolean | null;
  /** The follow-up's outcome (src/db/models/followup.ts OUTCOMES), where one is recorded. */
  outcome?: string | null;
  count: number;
}

/** Running counts from which every metric is divided. */
export interface PartialSums {
  closures: number;
  sent: number;
  delivered: number;
  answers: number;
  solvedAnswered: number;
  solvedYes: number;
  solvedNo: number;
  ratings: number;
  ratingSum: number;
  ratingHigh: number;
  /** Citizen ratings 1..5, index 0 is rating 1. */
  ratingCounts: [number, number, number, number, number];
  postCallRatings: number;
  postCallSum: number;
  postCallCounts: [number, number, number, number, number];
  /** Closures with a post-call rating and an answer to "solved?". */
  postCallAndSolved: number;
  /** Of those, post-call rating 4-5 but "not solved". */
  brushOffs: number;
  /** The chain of counts' drops (chain.ts): closures never asked, and why; asked but not delivered. */
  notSampled: number;
  /** Sampled, but reported to us after the agency's maximum age for asking (agency-rules.ts). */
  tooOld: number;
  skippedRecentContact: number;
  reopenedBeforeAsking: number;
  optedOutBeforeAsking: number;
  undeliverable: number;
}

export function emptySums(): PartialSums {
  return {
    closures: 0,
    sent: 0,
    delivered: 0,
    answers: 0,
    solvedAnswered: 0,
    solvedYes: 0,
    solvedNo: 0,
    ratings: 0,
    ratingSum: 0,
    ratingHigh: 0,
    ratingCounts: [0, 0, 0, 0, 0],
    postCallRatings: 0,
    postCallSum: 0,
    postCallCounts: [0, 0, 0, 0, 0],
    postCallAndSolved: 0,
    brushOffs: 0,
    notSampled: 0,
    tooOld: 0,
    skippedRecentContact: 0,
    reopenedBeforeAsking: 0,
    optedOutBeforeAsking: 0,
    undeliverable: 0,
  };
}

/** A rating the metrics accept: an integer 1..5; anything else counts as "no rating". */
function ratingValue(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : undefined;
}

export function addCell(sums: PartialSums, cell: ScoreCell): void {
  const n = cell.count;
  if (!(n > 0)) return;
  const solved = typeof cell.solved === 'boolean' ? cell.solved : undefined;
  const rating = ratingValue(cell.rating);
  const postCall = ratingValue(cell.postCallRating);
  const answered = solved !== undefined || rating !== undefined;
  // An answer proves the message arrived, and a delivery receipt proves it was sent: the funnel
  // closed → sent → delivered → answered never widens, even when a status callback was lost.
  const delivered = cell.delivered === true || answered;
  // A number Twilio refused when sending (21211 and the like) was asked, and found undeliverable,
  // as much as one that failed after sending: both are what the "undeliverable numbers" signal is
  // for. Counted as never asked, a fake number would hide among the closures still waiting.
  const undeliverable = !delivered && cell.outcome === 'undeliverable';
  const sent = cell.sent === true || delivered || undeliverable;

  sums.closures += n;
  if (sent) sums.sent += n;
  if (delivered) sums.delivered += n;
  if (answered) sums.answers += n;
  if (solved !== undefined) {
    sums.solvedAnswered += n;
    if (solved) sums.solvedYes += n;
    else sums.solvedNo += n;
  }
  if (rating !== undefined) {
    sums.ratings += n;
    sums.ratingSum += rating * n;
    if (rating >= 4) sums.ratingHigh += n;
    sums.ratingCounts[rating - 1] = (sums.ratingCounts[rating - 1] ?? 0) + n;
  }
  // Each closure drops out of the chain at most once, at the first stage it did not pass.
  if (!sent) {
    if (cell.outcome === 'not_sampled') sums.notSampled += n;
    else if (cell.outcome === 'skipped_recent_contact') sums.skippedRecentContact += n;
    else if (cell.outcome === 'cancelled_reopened') sums.reopenedBeforeAsking += n;
    else if (cell.outcome === 'opted_out') sums.optedOutBeforeAsking += n;
    else if (cell.outcome === 'too_old') sums.tooOld += n;
  } else if (undeliverable) sums.undeliverable += n;
  if (postCall !== undefined) {
    sums.postCallRatings += n;
    sums.postCallSum += postCall * n;
    sums.postCallCounts[postCall - 1] = (sums.postCallCounts[postCall - 1] ?? 0) + n;
    if (solved !== undefined) {
      sums.postCallAndSolved += n;
      if (postCall >= 4 && !solved) sums.brushOffs += n;
    }
  }
}

export function mergeSums(into: PartialSums, from: PartialSums): PartialSums {
  for (const key of Object.keys(into) as (keyof PartialSums)[]) {
    const a = into[key];
    const b = from[key];
    if (Array.isArray(a) && Array.isArray(b)) a.forEach((_, i) => (a[i] = (a[i] ?? 0) + (b[i] ?? 0)));
    else if (typeof a === 'number' && typeof b === 'number') (into[key] as number) = a + b;
  }
  return into;
}

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

export interface MetricDefinition {
  key: MetricKey;
  kind: 'rate' | 'mean' | 'count';
  en: { name: string; definition: string };
  ar: { name: string; definition: string };
}

/** The written definitions, in the order managers read them. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    key: 'closures',
    kind: 'count',
    en: {
      name: 'Closures',
      definition: 'Tickets marked closed in the period (a ticket closed twice counts twice).',
    },
    ar: {
      name: 'الإغلاقات',
      definition: 'الطلبات المعلَّمة "مغلقة" خلال الفترة (الطلب المغلق مرتين يُحسب مرتين).',
    },
  },
  {
    key: 'sent',
    kind: 'count',
    en: {
      name: 'Asked',
      definition:
        'Closures whose verification message was sent to the citizen, or refused by the carrier as undeliverable to the number.',
    },
    ar: {
      name: 'أُرسل لهم',
      definition:
        'الإغلاقات التي أُرسلت عنها رسالة التحقق إلى المواطن، أو رفضت شركة الاتصالات إرسالها لتعذّر التوصيل إلى الرقم.',
    },
  },
  {
    key: 'delivered',
    kind: 'count',
    en: {
      name: 'Messages delivered',
      definition: 'Closures whose message was confirmed delivered; an answer also proves delivery.',
    },
    ar: { name: 'رسائل مستلمة', definition: 'الإغلاقات التي تأكد وصول رسالتها؛ والرد دليل على الوصول أيضا.' },
  },
  {
    key: 'answers',
    kind: 'count',
    en: { name: 'Answers', definition: 'Closures whose citizen answered at least one question.' },
    ar: { name: 'الردود', definition: 'الإغلاقات التي أجاب صاحبها عن سؤال واحد على الأقل.' },
  },
  {
    key: 'verifiedResolutionRate',
    kind: 'rate',
    en: {
      name: 'Verified resolution rate',
      definition: 'Answered "solved" ÷ closures with an answer to "was it solved?".',
    },
    ar: {
      name: 'نسبة الحل المؤكد',
      definition: 'من أجاب "حُلّت" ÷ الإغلاقات التي أُجيب فيها عن سؤال "هل حُلّت المشكلة؟".',
    },
  },
  {
    key: 'falseClosureRate',
    kind: 'rate',
    en: {
      name: 'False closure rate',
      definition: 'Answered "not solved" ÷ closures with an answer to "was it solved?".',
    },
    ar: {
      name: 'نسبة الإغلاق غير الصحيح',
      definition: 'من أجاب "لم تُحل" ÷ الإغلاقات التي أُجيب فيها عن سؤال "هل حُلّت المشكلة؟".',
    },
  },
  {
    key: 'responseRate',
    kind: 'rate',
    en: {
      name: 'Response rate',
      definition: 'Closures with any answer ÷ closures whose message was delivered.',
    },
    ar: {
      name: 'نسبة الاستجابة',
      definition: 'الإغلاقات التي وصل عنها أي رد ÷ الإغلاقات التي وصلت رسالتها.',
    },
  },
  {
    key: 'csat',
    kind: 'rate',
    en: { name: 'CSAT', definition: 'Ratings of 4 or 5 ÷ all citizen ratings (1–5).' },
    ar: { name: 'رضا المواطنين', definition: 'التقييمات 4 أو 5 ÷ كل تقييمات المواطنين (من 1 إلى 5).' },
  },
  {
    key: 'meanRating',
    kind: 'mean',
    en: { name: 'Mean rating', definition: 'Sum of citizen ratings ÷ number of ratings (1–5).' },
    ar: { name: 'متوسط التقييم', definition: 'مجموع تقييمات المواطنين ÷ عددها (من 1 إلى 5).' },
  },
  {
    key: 'postCallRatingMean',
    kind: 'mean',
    en: {
      name: 'Post-call rating',
      definition:
        'Mean of the keypad rating (1–5) the caller gave the agent right after the call linked to the ticket.',
    },
    ar: {
      name: 'تقييم ما بعد المكالمة',
      definition: 'متوسط تقييم الموظف بلوحة المفاتيح (1–5) بعد المكالمة المرتبطة بالطلب مباشرة.',
    },
  },
  {
    key: 'brushOffGap',
    kind: 'rate',
    en: {
      name: 'Brush-off gap',
      definition:
        'Closures whose post-call rating was 4–5 but later answered "not solved" ÷ closures with both a post-call rating and an answer to "solved?".',
    },
    ar: {
      name: 'فجوة الصرف',
      definition:
        'إغلاقات قُيّمت مكالمتها 4–5 ثم أُجيب لاحقا "لم تُحل" ÷ الإغلاقات التي لها تقييم مكالمة وإجابة عن "هل حُلّت؟".',
    },
  },
];

export function definitionOf(key: MetricKey): MetricDefinition {
  const d = METRIC_DEFINITIONS.find((x) => x.key === key);
  if (!d) throw new Error(`no definition for ${key}`);
  return d;
}
