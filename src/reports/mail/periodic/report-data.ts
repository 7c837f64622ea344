import type { Models } from '../../../db/models/index.js';
import type { MailScope } from '../../../mail/outbox.js';
import type { ReportLang } from '../../../i18n/reports.js';
import type { ReportFilter } from '../../filters.js';
import { loadDashboard, type DashboardData } from '../../pages/dashboard-data.js';
import { loadDisputesView, type DisputesView } from '../../pages/disputes-view.js';
import { compareProportions, type DifferenceTest } from '../../stats/intervals.js';
import type { ReportGroup } from '../../sums/aggregate.js';
import type { Metric, Metrics } from '../../sums/metrics.js';
import { previousPeriod, type ReportPeriod } from './period.js';

/**
 * What a periodic report shows, read through the dashboard's own loaders (loadDashboard,
 * loadDisputesView) for the report's scope and period, so the mail and its PDF carry the figures the
 * dashboard shows for the same filter. The only figures computed here are the differences between
 * this period and the one before, by the same test the best-three award uses (compareProportions).
 */

export const COMPARED_METRICS = [
  'verifiedResolutionRate',
  'falseClosureRate',
  'responseRate',
  'csat',
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export interface MetricChange {
  key: ComparedMetric;
  current: Metric;
  previous: Metric;
  /** This period minus the previous, with its 95% interval; null when either has no answers. */
  test: DifferenceTest | null;
}

export interface Mover {
  level: 'department' | 'agent';
  key: string;
  name: string;
  current: Metric;
  previous: Metric;
  test: DifferenceTest;
}

export interface PeriodicReport {
  period: ReportPeriod;
  previous: ReportPeriod;
  scope: MailScope;
  lang: ReportLang;
  /** The dashboard's figures for the scope and period, and for the period before. */
  data: DashboardData;
  previousData: DashboardData;
  changes: MetricChange[];
  /** Beyond chance only, largest first (worst: the largest falls). */
  movers: { worst: Mover[]; best: Mover[] };
  disputes: DisputesView;
  now: Date;
}

export function scopeFilter(scope: MailScope, period: { from: string; to: string }): ReportFilter {
  return {
    from: period.from,
    to: period.to,
    ...(scope.agency ? { agency: scope.agency } : {}),
    ...(scope.department ? { department: scope.department } : {}),
    ...(scope.agentId ? { agent: scope.agentId } : {}),
  };
}

function difference(current: Metric, previous: Metric): DifferenceTest | null {
  return compareProportions(current.count, current.n, previous.count, previous.n);
}

const MOVERS_SHOWN = 3;

function movers(
  level: Mover['level'],
  current: ReportGroup[],
  previous: ReportGroup[],
  nameOf: (g: ReportGroup) => string,
): Mover[] {
  const before = new Map(previous.map((g) => [g.key, g]));
  return current.flatMap((g) => {
    const p = before.get(g.key);
    if (!p) return [];
    const cur = g.metrics.verifiedResolutionRate;
    const prev = p.metrics.verifiedResolutionRate;
    const test = difference(cur, prev);
    if (!test || !(test.higher || test.lower)) return [];
    return [{ level, key: g.key, name: nameOf(g), current: cur, previous: prev, test }];
  });
}

export async function loadPeriodicReport(
  models: Models,
  opts: { scope: MailScope; period: ReportPeriod; lang: ReportLang; minN: number; now?: Date },
): Promise<PeriodicReport> {
  const now = opts.now ?? new Date();
  const previous = previousPeriod(opts.period);
  const filter = scopeFilter(opts.scope, opts.period);
  const [data, previousData, disputes] = await Promise.all([
    loadDashboard(models, filter, opts.minN, opts.lang),
    loadDashboard(models, scopeFilter(opts.scope, previous), opts.minN, opts.lang),
    loadDisputesView(models, filter, now),
  ]);
  const m: Metrics = data.overall.metrics;
  const pm: Metrics = previousData.overall.metrics;
  const changes = COMPARED_METRICS.map((key) => ({
    key,
    current: m[key],
    previous: pm[key],
    test: difference(m[key], pm[key]),
  }));
  // A report about one agent has no one below it to compare.
  const all = opts.scope.agentId
    ? []
    : [
        ...(opts.scope.department
          ? []
          : movers('department', data.departments, previousData.departments, (g) =>
              data.names.department(g.agency, g.department ?? g.key),
            )),
        ...movers('agent', data.agents, previousData.agents, (g) => data.names.agent(g.key)),
      ];
  return {
    period: opts.period,
    previous,
    scope: opts.scope,
    lang: opts.lang,
    data,
    previousData,
    changes,
    movers: {
      worst: all
        .filter((x) => x.test.lower)
        .sort((a, b) => a.test.difference - b.test.difference || a.key.localeCompare(b.key))
        .slice(0, MOVERS_SHOWN),
      best: all
        .filter((x) => x.test.higher)
        .sort((a, b) => b.test.difference - a.test.difference || a.key.localeCompare(b.key))
        .slice(0, MOVERS_SHOWN),
    },
    disputes,
    now,
  };
}

/** The scope in words, in the report's language. */
export function scopeName(r: Pick<PeriodicReport, 'scope' | 'data'>, everything: string): string {
  const { scope, data } = r;
  if (scope.agentId) return data.names.agent(scope.agentId);
  if (scope.department) return data.names.department(scope.agency, scope.department);
  if (scope.agency) return data.names.agency(scope.agency);
  return everything;
}
