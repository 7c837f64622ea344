import { DateTime } from 'luxon';
import type { Models } from '../../db/models/index.js';
import { scoreMatch, type ReportFilter } from '../filters.js';
import { wilsonInterval, type Interval } from '../stats/intervals.js';
import { groupedSums } from '../sums/aggregate.js';
import {
  SHARED_DEVICE_CITIZENS,
  FAST_ANSWER_SECONDS,
  signalDefinitions,
  type SignalDefinition,
  type SignalKey,
} from './definitions.js';

/**
 * The integrity signals per agent and per department, over the report filter's period. Computed on
 * request, for the auditors' page and the flags in the agent table, from
 *   - the per-day sums (undeliverable, brush-off gap): cost independent of the records;
 *   - indexed, bounded queries over the period's records for what the sums cannot hold: citizen
 *     numbers repeated on one agent's closures (only groups of 2+ leave the database), staff numbers
 *     (an `$in` over the directory's numbers), reopen times on tickets, and answer origins.
 * The period is bounded by the report range limit (REPORT_MAX_RANGE_DAYS), so the cost is a
 * period's records at most, never the whole history; an auditor reads this page, not the public.
 */

export interface SignalValue {
  key: SignalKey;
  count: number;
  n: number;
  value: number | null;
  interval: Interval | null;
  flagged: boolean;
}

export interface IntegrityRow {
  key: string;
  agency?: string;
  department?: string;
  agent?: string;
  signals: SignalValue[];
  flagged: SignalKey[];
}

export interface IntegrityReport {
  filter: ReportFilter;
  reopenDays: number;
  definitions: readonly SignalDefinition[];
  agents: IntegrityRow[];
  departments: IntegrityRow[];
}

interface Tally {
  agency: string;
  department: string;
  agent?: string;
  asked: number;
  undeliverable: number;
  closures: number;
  reopened: number;
  repeatedMax: number;
  staff: number;
  webAnswers: number;
  sharedDevice: number;
  timedAnswers: number;
  fast: number;
  brushOffs: number;
  brushN: number;
}

interface Piece {
  agency: string;
  department: string;
  agentId: string;
}

type Grouped<T> = { _id: Piece } & T;

function emptyTally(agency: string, department: string, agent?: string): Tally {
  return {
    agency,
    department,
    ...(agent !== undefined ? { agent } : {}),
    asked: 0,
    undeliverable: 0,
    closures: 0,
    reopened: 0,
    repeatedMax: 0,
    staff: 0,
    webAnswers: 0,
    sharedDevice: 0,
    timedAnswers: 0,
    fast: 0,
    brushOffs: 0,
    brushN: 0,
  };
}

/** The follow-up outcome of a closure whose question a reopen cancelled (the chain's "reopened"). */
const REOPENED_BEFORE_ASKING = 'cancelled_reopened';

const PIECE_ID = { agency: '$agency', department: '$department', agentId: '$agentId' } as const;

function localStart(day: string, timeZone: string): Date {
  return DateTime.fromISO(day, { zone: timeZone }).startOf('day').toJSDate();
}

export async function integritySignals(
  models: Models,
  filter: ReportFilter,
  opts: { timeZone: string; reopenDays: number },
): Promise<IntegrityReport> {
  const scopeFilter: ReportFilter = { ...filter };
  delete scopeFilter.channel;
  const match = scoreMatch(scopeFilter);
  const originMatch = match; // answer_origins carry the same day, agency, department and agentId
  const staffPhones = (await models.Agent.find({}, { staffPhones: 1 }).lean())
    .flatMap((a) => a.staffPhones ?? [])
    .filter((p): p is string => typeof p === 'string' && p.length > 0);

  const [byAgent, repeated, staff, reopens, devices, webAnswers, timed, fast] = await Promise.all([
    groupedSums(models, scopeFilter, 'agent'),
    models.VerifiedScore.collection
      .aggregate<Grouped<{ n: number }>>([
        // A score past its retention period has lost its number: it can no longer be told apart,
        // and must not count as one citizen answering many times.
        { $match: { ...match, citizenPhone: { $type: 'string' } } },
        { $group: { _id: { ...PIECE_ID, phone: '$citizenPhone' }, n: { $sum: 1 } } },
        { $match: { n: { $gte: 2 } } },
      ])
      .toArray(),
    staffPhones.length === 0
      ? Promise.resolve([])
      : models.VerifiedScore.collection
          .aggregate<Grouped<{ n: number }>>([
            { $match: { ...match, citizenPhone: { $in: staffPhones } } },
            { $group: { _id: PIECE_ID, n: { $sum: 1 } } },
          ])
          .toArray(),
    reopenedClosures(models, scopeFilter, opts),
    models.AnswerOrigin.collection
      .aggregate<{ _id: string; citizens: string[] }>([
        { $match: { ...originMatch, deviceHash: { $exists: true } } },
        { $group: { _id: '$deviceHash', citizens: { $addToSet: '$citizenHash' } } },
      ])
      .toArray(),
    countOrigins(models, { ...originMatch, deviceHash: { $exists: true } }),
    countOrigins(models, { ...originMatch, secondsAfterSend: { $exists: true } }),
    countOrigins(models, { ...originMatch, secondsAfterSend: { $lt: FAST_ANSWER_SECONDS } }),
  ]);
  const shared = devices.filter((d) => d.citizens.length >= SHARED_DEVICE_CITIZENS).map((d) => d._id);
  const sharedAnswers =
    shared.length === 0 ? [] : await countOrigins(models, { ...originMatch, deviceHash: { $in: shared } });

  // Tallies per (agency, department, agent) piece, then rolled up to agents and departments.
  const pieces = new Map<string, Tally>();
  const piece = (p: Piece): Tally => {
    const key = JSON.stringify([p.agency, p.department, p.agentId]);
    let t = pieces.get(key);
    if (!t) pieces.set(key, (t = emptyTally(p.agency, p.department, p.agentId)));
    return t;
  };
  // The sums are per agent only; their department is the one the agent's records carry (below).
  const agentSums = new Map([...byAgent.values()].map((g) => [g.fields.agent ?? '', g.sums]));
  for (const r of repeated) piece(r._id).repeatedMax = Math.max(piece(r._id).repeatedMax, r.n);
  for (const r of staff) piece(r._id).staff += r.n;
  for (const r of reopens) {
    const t = piece(r);
    t.reopened += r.reopened;
  }
  for (const r of webAnswers) piece(r._id).webAnswers += r.n;
  for (const r of sharedAnswers) piece(r._id).sharedDevice += r.n;
  for (const r of timed) piece(r._id).timedAnswers += r.n;
  for (const r of fast) piece(r._id).fast += r.n;
  const closuresByPiece = await models.VerifiedScore.collection
    .aggregate<Grouped<{ n: number }>>([{ $match: match }, { $group: { _id: PIECE_ID, n: { $sum: 1 } } }])
    .toArray();
  for (const r of closuresByPiece) piece(r._id).closures += r.n;
  // Reopened before asking: the very records the chain of counts' "reopened" drop counts (its
  // outcome is set only when a reopen cancelled the question), so the two figures cannot disagree.
  const reopenedBeforeAsking = await models.VerifiedScore.collection
    .aggregate<Grouped<{ n: number }>>([
      { $match: { ...match, outcome: REOPENED_BEFORE_ASKING } },
      { $group: { _id: PIECE_ID, n: { $sum: 1 } } },
    ])
    .toArray();
  for (const r of reopenedBeforeAsking) piece(r._id).reopened += r.n;

  const agents = new Map<string, Tally>();
  const departments = new Map<string, Tally>();
  for (const t of pieces.values()) {
    const a = agents.get(t.agent ?? '') ?? emptyTally(t.agency, t.department, t.agent);
    const d = departments.get(`${t.agency}/${t.department}`) ?? emptyTally(t.agency, t.department);
    for (const into of [a, d]) {
      into.closures += t.closures;
      into.reopened += t.reopened;
      into.repeatedMax = Math.max(into.repeatedMax, t.repeatedMax);
      into.staff += t.staff;
      into.webAnswers += t.webAnswers;
      into.sharedDevice += t.sharedDevice;
      into.timedAnswers += t.timedAnswers;
      into.fast += t.fast;
    }
    agents.set(t.agent ?? '', a);
    departments.set(`${t.agency}/${t.department}`, d);
  }
  for (const [agent, a] of agents) {
    const s = agentSums.get(agent);
    if (!s) continue;
    a.asked = s.sent;
    a.undeliverable = s.undeliverable;
    a.brushOffs = s.brushOffs;
    a.brushN = s.postCallAndSolved;
  }
  // Department figures from the sums too, grouped the same way.
  const byDepartment = await groupedSums(models, scopeFilter, 'department');
  for (const g of byDepartment.values()) {
    const d = departments.get(`${g.fields.agency ?? ''}/${g.fields.department ?? ''}`);
    if (!d) continue;
    d.asked = g.sums.sent;
    d.undeliverable = g.sums.undeliverable;
    d.brushOffs = g.sums.brushOffs;
    d.brushN = g.sums.postCallAndSolved;
  }

  const definitions = signalDefinitions(opts.reopenDays);
  const row = (key: string, t: Tally, fields: Omit<IntegrityRow, 'key' | 'signals' | 'flagged'>) => {
    const signals = definitions.map((d) => valueOf(d, t));
    return { key, ...fields, signals, flagged: signals.filter((s) => s.flagged).map((s) => s.key) };
  };
  return {
    filter,
    reopenDays: opts.reopenDays,
    definitions,
    agents: [...agents.entries()]
      .map(([agent, t]) => row(agent, t, { agency: t.agency, department: t.department, agent }))
      .sort((a, b) => b.flagged.length - a.flagged.length || a.key.localeCompare(b.key)),
    departments: [...departments.entries()]
      .map(([key, t]) => row(key, t, { agency: t.agency, department: t.department }))
      .sort((a, b) => b.flagged.length - a.flagged.length || a.key.localeCompare(b.key)),
  };
}

function valueOf(d: SignalDefinition, t: Tally): SignalValue {
  const [count, n] = ((): [number, number] => {
    switch (d.key) {
      case 'undeliverable':
        return [t.undeliverable, t.asked];
      case 'reopened':
        return [t.reopened, t.closures];
      case 'repeatedNumber':
        return [t.repeatedMax, t.closures];
      case 'staffNumber':
        return [t.staff, t.closures];
      case 'sharedDevice':
        return [t.sharedDevice, t.webAnswers];
      case 'fastAnswers':
        return [t.fast, t.timedAnswers];
      case 'brushOffGap':
        return [t.brushOffs, t.brushN];
    }
  })();
  const interval = d.kind === 'rate' ? wilsonInterval(Math.min(count, n), n) : null;
  const flagged = d.kind === 'rate' ? (interval?.low ?? 0) > d.threshold : count >= d.threshold;
  return { key: d.key, count, n, value: n > 0 ? count / n : null, interval, flagged };
}

async function countOrigins(models: Models, match: Record<string, unknown>) {
  return models.AnswerOrigin.collection
    .aggregate<Grouped<{ n: number }>>([{ $match: match }, { $group: { _id: PIECE_ID, n: { $sum: 1 } } }])
    .toArray();
}

/**
 * Closures in the period reopened within `reopenDays` of their close *after* they were asked, per
 * piece. Those reopened before asking are counted from their records (REOPENED_BEFORE_ASKING), as the
 * chain of counts counts them; they are left out here so no closure counts twice.
 */
async function reopenedClosures(
  models: Models,
  filter: ReportFilter,
  opts: { timeZone: string; reopenDays: number },
): Promise<(Piece & { reopened: number })[]> {
  const from = localStart(filter.from, opts.timeZone);
  const to = DateTime.fromJSDate(localStart(filter.to, opts.timeZone)).plus({ days: 1 }).toJSDate();
  const rows = await models.Ticket.collection
    .aggregate<{
      ref: string;
      c: {
        number: number;
        agency: string;
        department: string;
        agentId: string;
        closedAt: Date;
        reopenedAt: Date | null;
      };
    }>([
      // On the array, `$ne: null` would drop a ticket whose later closure is still in force: the
      // reopen is looked for after the unwind, closure by closure.
      { $match: { 'closures.closedAt': { $gte: from, $lt: to } } },
      { $unwind: '$closures' },
      { $match: { 'closures.closedAt': { $gte: from, $lt: to }, 'closures.reopenedAt': { $ne: null } } },
      { $project: { _id: 0, ref: '$_id', c: '$closures' } },
    ])
    .toArray();
  const cancelled = new Set(
    rows.length === 0
      ? []
      : (
          await models.VerifiedScore.collection
            .find<{ ticketRef: string; closureNumber: number }>(
              { ticketRef: { $in: [...new Set(rows.map((r) => r.ref))] }, outcome: REOPENED_BEFORE_ASKING },
              { projection: { _id: 0, ticketRef: 1, closureNumber: 1 } },
            )
            .toArray()
        ).map((x) => `${x.ticketRef}#${x.closureNumber}`),
  );
  const out = new Map<string, Piece & { reopened: number }>();
  const windowMs = opts.reopenDays * 86_400_000;
  for (const { ref, c } of rows) {
    if (cancelled.has(`${ref}#${c.number}`)) continue;
    if (filter.agency !== undefined && c.agency !== filter.agency) continue;
    if (filter.department !== undefined && c.department !== filter.department) continue;
    if (filter.agent !== undefined && c.agentId !== filter.agent) continue;
    // A closure stored with `reopenedAt: null` (never reopened) is not a reopen.
    if (!c.reopenedAt || c.reopenedAt.getTime() - c.closedAt.getTime() > windowMs) continue;
    const key = JSON.stringify([c.agency, c.department, c.agentId]);
    const p = out.get(key) ?? { agency: c.agency, department: c.department, agentId: c.agentId, reopened: 0 };
    p.reopened += 1;
    out.set(key, p);
  }
  return [...out.values()];
}
