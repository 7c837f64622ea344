import type { Models } from '../../db/models/index.js';
import type { ReportLang } from '../../i18n/reports.js';
import { groupedSums, summarise, type ReportGroup } from '../sums/aggregate.js';
import type { ReportFilter } from '../filters.js';
import type { Metrics } from '../sums/metrics.js';
import { daysBetween } from '../periods.js';
import { integritySignals } from '../integrity/signals.js';
import type { SignalDefinition, SignalKey } from '../integrity/definitions.js';
import type { NamedOption } from './filter-form.js';
import type { ComparisonSummary } from '../stats/comparison.js';

export interface Names {
  agency: (code: string) => string;
  department: (agency: string | undefined, code: string) => string;
  agent: (id: string) => string;
}

export interface DashboardData {
  filter: ReportFilter;
  minN: number;
  unit: 'day' | 'week';
  overall: { metrics: Metrics; lowN: boolean };
  trend: ReportGroup[];
  departments: ReportGroup[];
  agents: ReportGroup[];
  names: Names;
  /** How departments and agents were compared (stats/comparison.ts): funnel target, overdispersion. */
  comparison: { departments: ComparisonSummary | null; agents: ComparisonSummary | null };
  options: { agencies: NamedOption[]; departments: NamedOption[]; agents: NamedOption[] };
  /** Integrity signals flagged per agent, for readers allowed to see them (auditors, administrators). */
  integrity?: { flags: Map<string, SignalKey[]>; definitions: readonly SignalDefinition[] };
}

/** Ranges longer than two months are drawn by week, so a phone screen is not a smear of days. */
export function trendUnit(filter: ReportFilter): 'day' | 'week' {
  return daysBetween(filter.from, filter.to) > 62 ? 'week' : 'day';
}

async function loadNames(
  models: Models,
  lang: ReportLang,
  agentIds: string[],
): Promise<{ names: Names; agencies: string[]; departments: string[] }> {
  const [agencies, departments, agents] = await Promise.all([
    models.Agency.find({}, { code: 1, name: 1 }).limit(500).lean(),
    models.Department.find({}, { agency: 1, code: 1, name: 1 }).limit(2000).lean(),
    agentIds.length > 0
      ? models.Agent.find({ agentId: { $in: agentIds } }, { agentId: 1, displayName: 1 }).lean()
      : Promise.resolve([]),
  ]);
  const localised = (n: { ar?: string | null; en?: string | null } | null | undefined): string | undefined =>
    (lang === 'ar' ? n?.ar || n?.en : n?.en || n?.ar) || undefined;
  const agencyNames = new Map(agencies.map((a) => [a.code, localised(a.name)]));
  const departmentNames = new Map(departments.map((d) => [`${d.agency}/${d.code}`, localised(d.name)]));
  const agentNames = new Map(agents.map((a) => [a.agentId, a.displayName || undefined]));
  return {
    names: {
      agency: (code) => agencyNames.get(code) ?? code,
      department: (agency, code) => departmentNames.get(`${agency ?? ''}/${code}`) ?? code,
      agent: (id) => agentNames.get(id) ?? id,
    },
    agencies: agencies.map((a) => a.code),
    departments: departments.map((d) => d.code),
  };
}

/** Three grouped counts (by day, by department, by agent); the headline figures are their total. */
export async function loadDashboard(
  models: Models,
  filter: ReportFilter,
  minN: number,
  lang: ReportLang,
  opts: { integrity?: { timeZone: string; reopenDays: number } } = {},
): Promise<DashboardData> {
  const unit = trendUnit(filter);
  const [byDay, byDepartment, byAgent, integrity] = await Promise.all([
    groupedSums(models, filter, 'day'),
    groupedSums(models, filter, 'department'),
    groupedSums(models, filter, 'agent'),
    opts.integrity ? integritySignals(models, filter, opts.integrity) : Promise.resolve(undefined),
  ]);
  const trend = summarise(filter, unit, minN, byDay);
  const departments = summarise(filter, 'department', minN, byDepartment);
  const agents = summarise(filter, 'agent', minN, byAgent);
  const {
    names,
    agencies,
    departments: departmentCodes,
  } = await loadNames(
    models,
    lang,
    agents.groups.map((g) => g.key),
  );
  const uniq = (xs: (string | undefined)[]) =>
    [...new Set(xs.filter((x): x is string => x !== undefined))].sort();
  const deptAgency = new Map(departments.groups.map((g) => [g.department ?? g.key, g.agency]));
  return {
    filter,
    minN,
    unit,
    overall: departments.overall,
    trend: trend.groups,
    departments: departments.groups,
    agents: agents.groups,
    names,
    comparison: { departments: departments.comparison, agents: agents.comparison },
    options: {
      agencies: uniq([...agencies, ...departments.groups.map((g) => g.agency)]).map((code) => ({
        code,
        name: names.agency(code),
      })),
      departments: uniq([...departmentCodes, ...departments.groups.map((g) => g.department)]).map((code) => ({
        code,
        name: names.department(deptAgency.get(code) ?? filter.agency, code),
      })),
      agents: uniq(agents.groups.map((g) => g.agent)).map((code) => ({ code, name: names.agent(code) })),
    },
    ...(integrity
      ? {
          integrity: {
            flags: new Map(integrity.agents.map((a) => [a.key, a.flagged])),
            definitions: integrity.definitions,
          },
        }
      : {}),
  };
}
