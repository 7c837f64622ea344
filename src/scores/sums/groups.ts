import type { PartialSums } from './partial-sums.js';

/** What the sums are grouped by before the metrics are divided; time groupings all group by local day. */
export type Dimension = 'none' | 'agency' | 'department' | 'agent' | 'day';

export interface GroupFields {
  agency?: string;
  department?: string;
  agent?: string;
  period?: string;
}

export type GroupedSums = Map<string, { fields: GroupFields; sums: PartialSums }>;

export function groupKey(f: GroupFields): string {
  if (f.period !== undefined) return f.period;
  if (f.agent !== undefined) return f.agent;
  if (f.department !== undefined) return `${f.agency ?? ''}/${f.department}`;
  return f.agency ?? 'all';
}

/** The group fields a dimension keeps of a record's (or a bucket's) own fields. */
export function fieldsOf(
  dimension: Dimension,
  v: { day?: unknown; agency?: unknown; department?: unknown; agentId?: unknown },
): GroupFields {
  const str = (x: unknown): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
  const agency = str(v.agency);
  const department = str(v.department);
  const agent = str(v.agentId);
  const day = str(v.day);
  switch (dimension) {
    case 'none':
      return {};
    case 'agency':
      return agency !== undefined ? { agency } : {};
    case 'department':
      return {
        ...(agency !== undefined ? { agency } : {}),
        ...(department !== undefined ? { department } : {}),
      };
    case 'agent':
      return agent !== undefined ? { agent } : {};
    case 'day':
      return day !== undefined ? { period: day } : {};
  }
}

/** The group's running sums, created empty on first use. */
export function groupSums(out: GroupedSums, fields: GroupFields, empty: () => PartialSums): PartialSums {
  const key = groupKey(fields);
  let entry = out.get(key);
  if (!entry) {
    entry = { fields, sums: empty() };
    out.set(key, entry);
  }
  return entry.sums;
}
