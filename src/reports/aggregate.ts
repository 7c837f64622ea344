import type { Models } from '../db/models/index.js';
import { queryError, scoreMatch, type GroupBy, type ReportFilter } from './filters.js';
import {
  addCell,
  computeMetrics,
  emptySums,
  isLowN,
  mergeSums,
  rankGroups,
  type Metrics,
  type PartialSums,
} from './metrics.js';
import { periodOf, periodsBetween, type PeriodUnit } from './periods.js';

/** What the database groups by before the metric fields; time groupings all group by local day. */
type Dimension = 'none' | 'agency' | 'department' | 'agent' | 'day';

const DIMENSION_FIELDS: Record<Dimension, Record<string, string>> = {
  none: {},
  agency: { agency: '$agency' },
  department: { agency: '$agency', department: '$department' },
  agent: { agent: '$agentId' },
  day: { day: '$day' },
};

export interface GroupFields {
  agency?: string;
  department?: string;
  agent?: string;
  period?: string;
}

interface CellRow {
  _id: {
    agency?: string;
    department?: string;
    agent?: string;
    day?: string;
    s?: boolean | null;
    r?: number | null;
    p?: number | null;
    st?: boolean | null;
    dl?: boolean | null;
  };
  n: number;
}

/**
 * Counts records per dimension value and per combination of the fields the metrics read. The number
 * of combinations is small (solved 3 × rating 6 × post-call 6 × sent 2 × delivered 2 at most, far
 * fewer in practice), so the result stays small whatever the number of records.
 */
export async function groupedSums(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
): Promise<Map<string, { fields: GroupFields; sums: PartialSums }>> {
  const rows = await models.VerifiedScore.collection
    .aggregate<CellRow>([
      { $match: scoreMatch(filter) },
      {
        $group: {
          _id: {
            ...DIMENSION_FIELDS[dimension],
            s: '$solved',
            r: '$rating',
            p: '$postCallRating',
            st: '$sent',
            dl: '$delivered',
          },
          n: { $sum: 1 },
        },
      },
    ])
    .toArray();
  const out = new Map<string, { fields: GroupFields; sums: PartialSums }>();
  for (const row of rows) {
    const id = row._id;
    const fields: GroupFields = {
      ...(id.agency != null ? { agency: String(id.agency) } : {}),
      ...(id.department != null ? { department: String(id.department) } : {}),
      ...(id.agent != null ? { agent: String(id.agent) } : {}),
      ...(id.day != null ? { period: String(id.day) } : {}),
    };
    const key = groupKey(fields);
    let entry = out.get(key);
    if (!entry) {
      entry = { fields, sums: emptySums() };
      out.set(key, entry);
    }
    addCell(entry.sums, {
      solved: id.s,
      rating: id.r,
      postCallRating: id.p,
      sent: id.st,
      delivered: id.dl,
      count: Number(row.n),
    });
  }
  return out;
}

export function groupKey(f: GroupFields): string {
  if (f.period !== undefined) return f.period;
  if (f.agent !== undefined) return f.agent;
  if (f.department !== undefined) return `${f.agency ?? ''}/${f.department}`;
  return f.agency ?? 'all';
}

export interface ReportGroup extends GroupFields {
  key: string;
  metrics: Metrics;
  lowN: boolean;
  /** Rank by verified resolution rate among groups that are not low_n; null when not ranked. */
  rank: number | null;
}

export interface Summary {
  filter: ReportFilter;
  groupBy: GroupBy | null;
  minN: number;
  overall: { metrics: Metrics; lowN: boolean };
  groups: ReportGroup[];
}

const TIME_UNITS: ReadonlySet<GroupBy> = new Set<GroupBy>(['day', 'week', 'month']);

function dimensionOf(groupBy: GroupBy | null): Dimension {
  if (groupBy === null) return 'none';
  return TIME_UNITS.has(groupBy) ? 'day' : (groupBy as Dimension);
}

function toGroup(key: string, fields: GroupFields, sums: PartialSums, minN: number): ReportGroup {
  const metrics = computeMetrics(sums);
  return { key, ...fields, metrics, lowN: isLowN(metrics, minN), rank: null };
}

/** Groups by the requested field (or period), ranks non-time groups, fills empty periods. */
export function summarise(
  filter: ReportFilter,
  groupBy: GroupBy | null,
  minN: number,
  sumsByGroup: Map<string, { fields: GroupFields; sums: PartialSums }>,
): Summary {
  const overallSums = emptySums();
  for (const { sums } of sumsByGroup.values()) mergeSums(overallSums, sums);
  const overallMetrics = computeMetrics(overallSums);

  let groups: ReportGroup[] = [];
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
    groups = [...sumsByGroup.entries()].map(([key, { fields, sums }]) => toGroup(key, fields, sums, minN));
    rankGroups(groups);
    groups.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.key.localeCompare(b.key));
  }
  return {
    filter,
    groupBy,
    minN,
    overall: { metrics: overallMetrics, lowN: isLowN(overallMetrics, minN) },
    groups,
  };
}

export async function buildSummary(
  models: Models,
  filter: ReportFilter,
  groupBy: GroupBy | null,
  minN: number,
): Promise<Summary> {
  return summarise(filter, groupBy, minN, await groupedSums(models, filter, dimensionOf(groupBy)));
}

/**
 * A filter naming an agency, department or agent nobody has heard of is a mistake worth a 400 (a
 * typo would otherwise look like a perfect, empty record). Known means registered in the
 * organisation collections or present in at least one score.
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
        if (
          (await models.Department.exists({ code: department })) ||
          (await models.VerifiedScore.exists({ department }))
        )
          return;
        problems.push({ field: 'department', message: `unknown department "${department}"` });
      })(),
    );
  }
  if (agent !== undefined) {
    checks.push(
      (async () => {
        if (
          (await models.Agent.exists({ agentId: agent })) ||
          (await models.VerifiedScore.exists({ agentId: agent }))
        )
          return;
        problems.push({ field: 'agent', message: `unknown agent "${agent}"` });
      })(),
    );
  }
  await Promise.all(checks);
  if (problems.length > 0) throw queryError(problems.sort((a, b) => a.field.localeCompare(b.field)));
}
