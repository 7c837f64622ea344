import type { Models } from '../../db/models/index.js';
import { queryError, type GroupBy, type ReportFilter } from '../filters.js';
import type { Dimension, GroupedSums, GroupFields } from '../../scores/sums/groups.js';
import { rangedGroupedSums } from './ranged-sums.js';
import { groupedSumsFromRecords } from './record-sums.js';
import { computeMetrics, isLowN, type Metrics } from './metrics.js';
import { emptySums, mergeSums, type PartialSums } from '../../scores/sums/partial-sums.js';
import { periodOf, periodsBetween, type PeriodUnit } from '../periods.js';
import { compareGroups, type ComparisonSummary, type GroupComparison } from '../stats/comparison.js';

export { groupKey, type GroupFields } from '../../scores/sums/groups.js';

/**
 * Sums per group of the dimension, read from the partial sums (ranged-sums.ts, over src/scores/sums/: whole months from
 * the monthly sums, the rest from the daily ones, cached by the sums' revision): a report costs
 * what its months and edge days × agents cost, not what its records cost. `groupedSumsFromRecords`
 * (record-sums.ts) computes the same from the records, for rebuilds and checks.
 */
export function groupedSums(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
  opts: { cache?: boolean; byMonth?: boolean } = {},
): Promise<GroupedSums> {
  return rangedGroupedSums(models, filter, dimension, opts);
}

/**
 * A group of the report. `rank`, `rankInterval` and `funnel` are the one comparison of groups
 * (stats/comparison.ts): a position of its own by the pessimistic bound of the verified resolution
 * rate with its 95% rank interval (null for low_n groups and time periods), and its place on the
 * funnel plot (null for time periods and groups with no answer to "solved?").
 */
export interface ReportGroup extends GroupFields, GroupComparison {
  key: string;
  metrics: Metrics;
  lowN: boolean;
}

export interface Summary {
  filter: ReportFilter;
  groupBy: GroupBy | null;
  minN: number;
  overall: { metrics: Metrics; lowN: boolean };
  groups: ReportGroup[];
  /** How the groups were compared (funnel target, overdispersion, draws); null for time groupings. */
  comparison: ComparisonSummary | null;
}

const TIME_UNITS: ReadonlySet<GroupBy> = new Set<GroupBy>(['day', 'week', 'month']);

function dimensionOf(groupBy: GroupBy | null): Dimension {
  if (groupBy === null) return 'none';
  return TIME_UNITS.has(groupBy) ? 'day' : (groupBy as Dimension);
}

function toGroup(key: string, fields: GroupFields, sums: PartialSums, minN: number): ReportGroup {
  const metrics = computeMetrics(sums);
  return {
    key,
    ...fields,
    metrics,
    lowN: isLowN(metrics, minN),
    rank: null,
    rankInterval: null,
    funnel: null,
  };
}

/**
 * Places the groups on the funnel and in the league order (stats/comparison.ts), in place, and sorts
 * them: ranked groups by position, then the unranked (low n) by key.
 */
export function compareReportGroups(groups: ReportGroup[]): ComparisonSummary {
  const { summary, byKey } = compareGroups(
    groups.map((g) => ({
      key: g.key,
      count: g.metrics.verifiedResolutionRate.count,
      n: g.metrics.verifiedResolutionRate.n,
      lowN: g.lowN,
    })),
  );
  for (const g of groups) {
    const c = byKey.get(g.key);
    if (c) Object.assign(g, c);
  }
  groups.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.key.localeCompare(b.key));
  return summary;
}

/** Groups by the requested field (or period), ranks non-time groups, fills empty periods. */
export function summarise(
  filter: ReportFilter,
  groupBy: GroupBy | null,
  minN: number,
  sumsByGroup: GroupedSums,
): Summary {
  const overallSums = emptySums();
  for (const { sums } of sumsByGroup.values()) mergeSums(overallSums, sums);
  const overallMetrics = computeMetrics(overallSums);

  let groups: ReportGroup[] = [];
  let comparison: ComparisonSummary | null = null;
  if (groupBy !== null && TIME_UNITS.has(groupBy)) {
    const unit = groupBy as PeriodUnit;
    const byPeriod = new Map<string, PartialSums>(
      periodsBetween(filter.from, filter.to, unit).map((p) => [p, emptySums()]),
    );
    for (const { fields, sums } of sumsByGroup.values()) {
      if (fields.period === undefined) continue;
      const label = periodOf(fields.period, unit);
      const target = byPeriod.get(label) ?? emptySums();
      byPeriod.set(label, mergeSums(target, sums));
    }
    groups = [...byPeriod.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([period, sums]) => toGroup(period, { period }, sums, minN));
  } else if (groupBy !== null) {
    // In key order, whatever order the sums were read in: the comparison's sums over groups (its
    // overdispersion) are floating point, and must not depend on which read answered.
    groups = [...sumsByGroup.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, { fields, sums }]) => toGroup(key, fields, sums, minN));
    comparison = compareReportGroups(groups);
  }
  return {
    filter,
    groupBy,
    minN,
    overall: { metrics: overallMetrics, lowN: isLowN(overallMetrics, minN) },
    groups,
    comparison,
  };
}

/** The same summary computed from the records: the reference the daily sums are checked against. */
export async function buildSummaryFromRecords(
  models: Models,
  filter: ReportFilter,
  groupBy: GroupBy | null,
  minN: number,
): Promise<Summary> {
  return summarise(filter, groupBy, minN, await groupedSumsFromRecords(models, filter, dimensionOf(groupBy)));
}

export async function buildSummary(
  models: Models,
  filter: ReportFilter,
  groupBy: GroupBy | null,
  minN: number,
  opts: { cache?: boolean } = {},
): Promise<Summary> {
  return summarise(
    filter,
    groupBy,
    minN,
    await groupedSums(models, filter, dimensionOf(groupBy), { ...opts, byMonth: groupBy === 'month' }),
  );
}

/**
 * A filter naming an agency, department or agent nobody has heard of is a mistake worth a 400 (a
 * typo would otherwise look like a perfect, empty record). Known means registered in the
 * organisation collections or present in at least one score, and, once the filter names an agency
 * (a scoped manager's always does), known *in that agency*: another agency's department or agent is
 * as unknown as one that does not exist, so a scoped reader cannot probe what others have.
 */
export async function assertKnownValues(models: Models, filter: ReportFilter): Promise<void> {
  const problems: { field: string; message: string }[] = [];
  const { agency, department, agent } = filter;
  const checks: Promise<void>[] = [];
  if (agency !== undefined) {
    checks.push(
      (async () => {
        if ((await models.Agency.exists({ code: agency })) || (await models.VerifiedScore.exists({ agency })))
          return;
        problems.push({ field: 'agency', message: `unknown agency "${agency}"` });
      })(),
    );
  }
  if (department !== undefined) {
    checks.push(
      (async () => {
        const within = agency !== undefined ? { agency } : {};
        if (
          (await models.Department.exists({ code: department, ...within })) ||
          (await models.VerifiedScore.exists({ department, ...within }))
        )
          return;
        problems.push({ field: 'department', message: `unknown department "${department}"` });
      })(),
    );
  }
  if (agent !== undefined) {
    checks.push(
      (async () => {
        const within = agency !== undefined ? { agency } : {};
        if (
          (await models.Agent.exists({ agentId: agent, ...within })) ||
          (await models.VerifiedScore.exists({ agentId: agent, ...within }))
        )
          return;
        problems.push({ field: 'agent', message: `unknown agent "${agent}"` });
      })(),
    );
  }
  await Promise.all(checks);
  if (problems.length > 0) throw queryError(problems.sort((a, b) => a.field.localeCompare(b.field)));
}
