import type { ReportLang } from '../../i18n/reports.js';
import type { Summary } from '../sums/aggregate.js';
import { definitionOf, RATE_METRICS, type RateMetric } from '../sums/metrics.js';
import { csvLine, UTF8_BOM } from './csv.js';
import type { FunnelBand } from '../stats/funnel.js';

/**
 * A summary as a file: one row per group (or one "all" row), every rate and mean with its value,
 * its 95% interval, its count and its n, the rank with its 95% rank interval and the funnel label. Headers in Arabic or
 * English; machine-readable numbers (ratios 0..1, not percentages) so a spreadsheet can recompute.
 */

const LABELS = {
  ar: {
    group: 'المجموعة',
    rank: 'الترتيب',
    rankLow: 'الترتيب: الحد الأفضل 95٪',
    rankHigh: 'الترتيب: الحد الأسوأ 95٪',
    funnel: 'مخطط القمع',
    beyond998: 'خارج حدود 99.8٪',
    bands: { above: 'أعلى من المتوقع', within: 'ضمن المتوقع', below: 'أدنى من المتوقع' },
    lowN: 'عدد قليل',
    low: 'الحد الأدنى 95٪',
    high: 'الحد الأعلى 95٪',
    count: 'العدد',
    n: 'ن',
    closures: 'الإغلاقات',
    answers: 'الردود',
  },
  en: {
    group: 'Group',
    rank: 'Rank',
    rankLow: 'Rank 95% low',
    rankHigh: 'Rank 95% high',
    funnel: 'Funnel',
    beyond998: 'Beyond 99.8% limits',
    bands: { above: 'above expected', within: 'within expected', below: 'below expected' },
    lowN: 'Low n',
    low: 'low 95%',
    high: 'high 95%',
    count: 'count',
    n: 'n',
    closures: 'Closures',
    answers: 'Answers',
  },
} as const;

export interface SummaryRow {
  group: string;
  /** Position by the pessimistic bound, and the 95% interval of the rank (stats/comparison.ts). */
  rank: number | null;
  rankLow: number | null;
  rankHigh: number | null;
  /** Above, within or below expected on the funnel plot; null without answers. */
  funnelBand: FunnelBand | null;
  beyond998: boolean | null;
  lowN: boolean;
  closures: number;
  answers: number;
  metrics: Record<
    RateMetric,
    { value: number | null; low: number | null; high: number | null; count: number; n: number }
  >;
}

export function summaryRows(summary: Summary): SummaryRow[] {
  const groups =
    summary.groups.length > 0
      ? summary.groups.map((g) => ({
          key: g.key,
          rank: g.rank,
          rankInterval: g.rankInterval,
          funnel: g.funnel,
          lowN: g.lowN,
          metrics: g.metrics,
        }))
      : [
          {
            key: 'all',
            rank: null,
            rankInterval: null,
            funnel: null,
            lowN: summary.overall.lowN,
            metrics: summary.overall.metrics,
          },
        ];
  return groups.map((g) => ({
    group: g.key,
    rank: g.rank,
    rankLow: g.rankInterval?.low ?? null,
    rankHigh: g.rankInterval?.high ?? null,
    funnelBand: g.funnel?.band ?? null,
    beyond998: g.funnel?.beyond998 ?? null,
    lowN: g.lowN,
    closures: g.metrics.closures,
    answers: g.metrics.answers,
    metrics: Object.fromEntries(
      RATE_METRICS.map((k) => {
        const m = g.metrics[k];
        return [
          k,
          {
            value: m.value,
            low: m.interval?.low ?? null,
            high: m.interval?.high ?? null,
            count: m.count,
            n: m.n,
          },
        ];
      }),
    ) as SummaryRow['metrics'],
  }));
}

export function summaryCsv(summary: Summary, lang: ReportLang): string {
  const l = LABELS[lang];
  const header = [
    l.group,
    l.rank,
    l.rankLow,
    l.rankHigh,
    l.funnel,
    l.beyond998,
    l.lowN,
    l.closures,
    l.answers,
    ...RATE_METRICS.flatMap((k) => {
      const name = definitionOf(k)[lang].name;
      return [name, `${name} ${l.low}`, `${name} ${l.high}`, `${name} ${l.count}`, `${name} ${l.n}`];
    }),
  ];
  const lines = summaryRows(summary).map((r) =>
    csvLine([
      r.group,
      r.rank,
      r.rankLow,
      r.rankHigh,
      r.funnelBand ? l.bands[r.funnelBand] : null,
      r.beyond998 === null ? null : r.beyond998 ? 1 : 0,
      r.lowN ? 1 : 0,
      r.closures,
      r.answers,
      ...RATE_METRICS.flatMap((k) => {
        const m = r.metrics[k];
        return [m.value, m.low, m.high, m.count, m.n];
      }),
    ]),
  );
  return UTF8_BOM + csvLine(header) + lines.join('');
}
