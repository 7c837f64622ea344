import type { Models } from '../../src/db/models/index.js';
import { addDays, daysBetween } from '../../src/reports/periods.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';

/**
 * Records spread over a range of days for many agencies, departments and agents, with the mix of
 * outcomes a national number sees: the month-sums test and the national-year benchmark seed these.
 * Deterministic: the same index and seed give the same record.
 */
export interface YearShape {
  from: string;
  to: string;
  agencies: number;
  /** Departments in all, spread over the agencies. */
  departments: number;
  /** Agents in all, spread over the departments. */
  agents: number;
}

const ANSWER_CHANNELS = ['sms', 'web', 'whatsapp', 'voice'] as const;

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const agencyCode = (a: number) => `AG${String(a).padStart(2, '0')}`;
export const departmentCode = (d: number) => `dep${String(d).padStart(2, '0')}`;
export const agentCode = (g: number) => `agent${String(g).padStart(4, '0')}`;

/** Agent g works in department g mod departments, department d in agency d mod agencies. */
export function agentPlace(
  shape: YearShape,
  g: number,
): { agency: string; department: string; agentId: string } {
  const d = g % shape.departments;
  return { agency: agencyCode(d % shape.agencies), department: departmentCode(d), agentId: agentCode(g) };
}

export function yearRecord(shape: YearShape, i: number, random: () => number) {
  const place = agentPlace(shape, Math.floor(random() * shape.agents));
  const day = addDays(shape.from, Math.floor(random() * daysBetween(shape.from, shape.to)));
  const sent = random() < 0.95;
  const delivered = sent && random() < 0.93;
  const answered = delivered && random() < 0.55;
  const solved = answered ? random() < 0.7 : undefined;
  const rating = answered && random() < 0.9 ? 1 + Math.floor(random() * 5) : undefined;
  const postCallRating = random() < 0.4 ? 1 + Math.floor(random() * 5) : undefined;
  const channel = answered ? ANSWER_CHANNELS[Math.floor(random() * ANSWER_CHANNELS.length)] : 'sms';
  return {
    ticketRef: `Y-${i}`,
    closureNumber: 1,
    ...place,
    citizenPhone: `+9665${String(10_000_000 + (i % 89_999_999)).padStart(8, '0')}`,
    language: 'ar',
    closedAt: new Date(`${day}T09:00:00Z`),
    day,
    outcome: answered ? (solved ? 'confirmed_solved' : 'disputed') : 'no_response',
    sent,
    delivered,
    channel,
    ...(solved !== undefined ? { solved } : {}),
    ...(rating !== undefined ? { rating } : {}),
    ...(postCallRating !== undefined ? { postCallRating } : {}),
  };
}

/** The small year the sums tests read: 3 agencies, 5 departments, 12 agents over 2024. */
export const SMALL_YEAR: YearShape = {
  from: '2024-01-01',
  to: '2024-12-31',
  agencies: 3,
  departments: 5,
  agents: 12,
};

/** Stores `count` records of `shape` (deterministic for `seed`) and builds their sums as a rebuild would. */
export async function seedYearRecords(
  models: Models,
  shape: YearShape,
  count: number,
  seed: number,
): Promise<void> {
  const random = rng(seed);
  await models.VerifiedScore.collection.insertMany(
    Array.from({ length: count }, (_, i) => yearRecord(shape, i, random)),
  );
  await rebuildDailySums(models);
}
