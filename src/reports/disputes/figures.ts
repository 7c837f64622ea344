import { wilsonInterval, type Interval } from '../stats/intervals.js';

/**
 * The figures of disputed closures (issue 25, item 3) from their records (db/models/dispute.ts).
 * Pure: the API and the public board compute them from the same rows.
 */

const DAY_MS = 86_400_000;

/** One disputed closure as the figures need it. */
export interface DisputeRow {
  ticketRef: string;
  closureNumber: number;
  agency: string;
  department: string;
  agentId: string;
  disputedAt: Date;
  deadlineAt: Date;
  state: string;
  inTime?: boolean | null;
  daysToAct?: number | null;
  reopenedAt?: Date | null;
  nextClosedAt?: Date | null;
}

export interface Share {
  x: number;
  n: number;
  /** x / n, null when n is 0. */
  share: number | null;
  interval: Interval | null;
}

export interface WaitingDispute {
  ticketRef: string;
  closureNumber: number;
  disputedAt: string;
  daysWaiting: number;
  overdue: boolean;
}

export interface DisputeFigures {
  disputes: number;
  /** Reopened by the deadline, of the disputes whose deadline has passed or that were reopened. */
  actedInTime: Share;
  /** Reopened after the deadline. */
  actedLate: number;
  /** Not reopened yet (in time or not). */
  waiting: number;
  /** Next closure verified solved by the citizen, of all disputes. */
  laterVerifiedSolved: Share;
  disputedAgain: number;
  /** Median days from the dispute to the reopen, over the reopened ones; null when none was. */
  medianDaysToAct: number | null;
  /** The disputes still waiting, oldest first. */
  oldestWaiting: WaitingDispute[];
}

/** The middle value (mean of the two middle ones for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function shareOf(x: number, n: number): Share {
  return { x, n, share: n > 0 ? x / n : null, interval: wilsonInterval(x, n) };
}

export function disputeFigures(rows: readonly DisputeRow[], now: Date, oldestLimit = 10): DisputeFigures {
  const reopened = rows.filter((r) => r.state !== 'waiting');
  const waiting = rows.filter((r) => r.state === 'waiting');
  // A dispute still inside its deadline cannot be counted either way yet.
  const decided = rows.filter((r) => r.state !== 'waiting' || r.deadlineAt.getTime() < now.getTime());
  const inTime = reopened.filter((r) => r.inTime === true).length;
  const solved = rows.filter((r) => r.state === 'verified_solved').length;
  return {
    disputes: rows.length,
    actedInTime: shareOf(inTime, decided.length),
    actedLate: reopened.filter((r) => r.inTime === false).length,
    waiting: waiting.length,
    laterVerifiedSolved: shareOf(solved, rows.length),
    disputedAgain: rows.filter((r) => r.state === 'disputed_again').length,
    medianDaysToAct: median(
      reopened.map((r) => r.daysToAct).filter((d): d is number => typeof d === 'number'),
    ),
    oldestWaiting: [...waiting]
      .sort((a, b) => a.disputedAt.getTime() - b.disputedAt.getTime())
      .slice(0, oldestLimit)
      .map((r) => ({
        ticketRef: r.ticketRef,
        closureNumber: r.closureNumber,
        disputedAt: r.disputedAt.toISOString(),
        daysWaiting: Math.floor((now.getTime() - r.disputedAt.getTime()) / DAY_MS),
        overdue: now.getTime() > r.deadlineAt.getTime(),
      })),
  };
}
