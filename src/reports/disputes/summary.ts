import type { Models } from '../../db/models/index.js';
import type { ReportFilter } from '../filters.js';
import { disputeFigures, type DisputeFigures, type DisputeRow } from './figures.js';

export const DISPUTE_GROUP_BYS = ['agency', 'department', 'agent'] as const;
export type DisputeGroupBy = (typeof DISPUTE_GROUP_BYS)[number];

export interface DisputeGroup extends DisputeFigures {
  key: string;
  agency: string;
  department?: string;
  agent?: string;
}

/** The disputes of the period (by the local day of the dispute) within the filter's scope. */
export function disputeMatch(f: ReportFilter): Record<string, unknown> {
  return {
    day: { $gte: f.from, $lte: f.to },
    ...(f.agency !== undefined ? { agency: f.agency } : {}),
    ...(f.department !== undefined ? { department: f.department } : {}),
    ...(f.agent !== undefined ? { agentId: f.agent } : {}),
  };
}

const PROJECTION = {
  ticketRef: 1,
  closureNumber: 1,
  agency: 1,
  department: 1,
  agentId: 1,
  disputedAt: 1,
  deadlineAt: 1,
  state: 1,
  inTime: 1,
  daysToAct: 1,
  reopenedAt: 1,
  nextClosedAt: 1,
} as const;

export async function loadDisputeRows(models: Models, f: ReportFilter): Promise<DisputeRow[]> {
  return models.Dispute.find(disputeMatch(f)).select(PROJECTION).lean<DisputeRow[]>();
}

function keyOf(r: DisputeRow, by: DisputeGroupBy): string {
  if (by === 'agency') return r.agency;
  if (by === 'department') return `${r.agency}/${r.department}`;
  return `${r.agency}/${r.department}/${r.agentId}`;
}

export async function buildDisputeSummary(
  models: Models,
  f: ReportFilter,
  by: DisputeGroupBy,
  now: Date = new Date(),
): Promise<{ overall: DisputeFigures; groups: DisputeGroup[] }> {
  return groupDisputes(await loadDisputeRows(models, f), by, now);
}

/** The figures overall and per group, from rows read once (the pages group one read three ways). */
export function groupDisputes(
  rows: readonly DisputeRow[],
  by: DisputeGroupBy,
  now: Date,
): { overall: DisputeFigures; groups: DisputeGroup[] } {
  const groups = new Map<string, DisputeRow[]>();
  for (const r of rows) {
    const k = keyOf(r, by);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return {
    overall: disputeFigures(rows, now),
    groups: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, list]) => {
        const first = list[0]!;
        return {
          key,
          agency: first.agency,
          ...(by !== 'agency' ? { department: first.department } : {}),
          ...(by === 'agent' ? { agent: first.agentId } : {}),
          ...disputeFigures(list, now),
        };
      }),
  };
}
