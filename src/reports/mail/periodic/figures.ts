import { formatPercent, formatPlusMinus, reportTexts } from '../../../i18n/reports.js';
import { reportMailTexts } from '../../../i18n/report-mail.js';
import { queryString } from '../../../http/ui/html.js';
import { definitionOf, type Metric } from '../../sums/metrics.js';
import type { DifferenceTest } from '../../stats/intervals.js';
import { periodWithHijri } from '../../pages/times.js';
import { scopeName, type Mover, type PeriodicReport } from './report-data.js';

/**
 * The report's figures as the words and numbers a reader sees, built once and laid out three ways:
 * the PDF page, the mail's HTML body and its plain-text part. One source, so the three never differ.
 */

export interface FigureLine {
  /** data-metric on the page, for tests and for readers of the source. */
  key: string;
  name: string;
  value: string;
  /** The 95% interval beside the figure, as the dashboard writes it ('' without one). */
  interval: string;
  n: string;
}

export interface ChangeLine {
  key: string;
  name: string;
  current: string;
  previous: string;
  change: string;
  chance: string;
  beyond: boolean | null;
}

export interface MoverLine {
  level: string;
  name: string;
  current: string;
  previous: string;
  change: string;
}

export interface ReportFigures {
  subject: string;
  title: string;
  scope: string;
  period: string;
  previousPeriod: string;
  headline: FigureLine[];
  changes: ChangeLine[];
  worst: MoverLine[];
  best: MoverLine[];
  waiting: { count: string; rows: { ticket: string; agent: string; days: number; overdue: boolean }[] };
  dashboardUrl: string;
}

/** Percentage points with their sign, e.g. "+3.2" or "-4.0" (Latin digits, as every figure). */
export function signedPoints(d: number): string {
  const v = (d * 100).toFixed(1);
  return d >= 0 ? `+${v}` : v;
}

function rateLine(lang: PeriodicReport['lang'], key: string, name: string, m: Metric): FigureLine {
  return {
    key,
    name,
    value: formatPercent(m.value),
    interval: formatPlusMinus(lang, 'rate', m.value, m.interval),
    n: String(m.n),
  };
}

function changeText(lang: PeriodicReport['lang'], test: DifferenceTest | null): string {
  const w = reportMailTexts(lang);
  if (!test) return '–';
  return `${w.points(signedPoints(test.difference))} (95%: ${signedPoints(test.interval.low)} … ${signedPoints(test.interval.high)})`;
}

function moverLine(r: PeriodicReport, m: Mover): MoverLine {
  const w = reportMailTexts(r.lang);
  return {
    level: m.level === 'department' ? w.department : w.agent,
    name: m.name,
    current: `${formatPercent(m.current.value)} (${m.current.n})`,
    previous: `${formatPercent(m.previous.value)} (${m.previous.n})`,
    change: changeText(r.lang, m.test),
  };
}

/** The dashboard for the same scope and period, in the reader's language. */
export function dashboardUrl(baseUrl: string, r: Pick<PeriodicReport, 'scope' | 'period' | 'lang'>): string {
  return `${baseUrl.replace(/\/+$/, '')}/dashboard${queryString({
    from: r.period.from,
    to: r.period.to,
    agency: r.scope.agency,
    department: r.scope.department,
    agent: r.scope.agentId,
    lang: r.lang,
  })}`;
}

/** Waiting past the deadline: the disputes decided (disputeFigures) that were not reopened. */
function overdueWaiting(r: PeriodicReport): number {
  const o = r.disputes.overall;
  return o.actedInTime.n - (o.disputes - o.waiting);
}

export function reportFigures(r: PeriodicReport, baseUrl: string): ReportFigures {
  const t = reportTexts(r.lang);
  const w = reportMailTexts(r.lang);
  const m = r.data.overall.metrics;
  const name = (k: Parameters<typeof definitionOf>[0]) => definitionOf(k)[r.lang].name;
  const scope = scopeName(r, w.everything);
  const period = periodWithHijri(r.period.from, r.period.to, r.lang);
  return {
    subject: `${w.title[r.period.kind]}: ${scope} · ${r.period.from} – ${r.period.to}`,
    title: `${w.title[r.period.kind]}: ${scope}`,
    scope,
    period,
    previousPeriod: periodWithHijri(r.previous.from, r.previous.to, r.lang),
    headline: [
      { key: 'closures', name: name('closures'), value: String(m.closures), interval: '', n: '' },
      { key: 'answers', name: name('answers'), value: String(m.answers), interval: '', n: '' },
      rateLine(r.lang, 'verifiedResolutionRate', name('verifiedResolutionRate'), m.verifiedResolutionRate),
      rateLine(r.lang, 'falseClosureRate', name('falseClosureRate'), m.falseClosureRate),
      rateLine(r.lang, 'responseRate', name('responseRate'), m.responseRate),
      rateLine(r.lang, 'csat', name('csat'), m.csat),
    ],
    changes: r.changes.map((c) => ({
      key: c.key,
      name: name(c.key),
      current: `${formatPercent(c.current.value)} (${t.n} = ${c.current.n})`,
      previous: `${formatPercent(c.previous.value)} (${t.n} = ${c.previous.n})`,
      change: changeText(r.lang, c.test),
      chance: !c.test ? w.noComparison : c.test.higher || c.test.lower ? w.beyondChance : w.withinChance,
      beyond: c.test ? c.test.higher || c.test.lower : null,
    })),
    worst: r.movers.worst.map((x) => moverLine(r, x)),
    best: r.movers.best.map((x) => moverLine(r, x)),
    waiting: {
      count: w.waitingCount(r.disputes.overall.waiting, overdueWaiting(r)),
      rows: r.disputes.oldestWaiting.map((x) => ({
        ticket: x.ticketRef,
        agent: r.data.names.agent(x.agentId),
        days: x.daysWaiting,
        overdue: x.overdue,
      })),
    },
    dashboardUrl: dashboardUrl(baseUrl, r),
  };
}
