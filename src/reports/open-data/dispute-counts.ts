import type { Models } from '../../db/models/index.js';
import { buildDisputeSummary } from '../disputes/summary.js';
import type { Interval } from '../stats/intervals.js';

/**
 * The public board's dispute counts: per agency only (no department, agent or ticket), the disputes
 * of the board's days and how many the agency acted on in time, so anyone can check the share.
 */
export interface PublicDisputeRow {
  agency: string;
  disputes: number;
  /** Disputes reopened in time, or whose deadline has passed: the share's denominator. */
  decided: number;
  acted_in_time: number;
  acted_late: number;
  waiting: number;
  later_verified_solved: number;
  acted_in_time_share: number | null;
  acted_in_time_interval: Interval | null;
}

export async function loadPublicDisputeCounts(
  models: Models,
  from: string,
  to: string,
  now: Date = new Date(),
): Promise<PublicDisputeRow[]> {
  const { groups } = await buildDisputeSummary(models, { from, to }, 'agency', now);
  return groups.map((g) => ({
    agency: g.agency,
    disputes: g.disputes,
    decided: g.actedInTime.n,
    acted_in_time: g.actedInTime.x,
    acted_late: g.actedLate,
    waiting: g.waiting,
    later_verified_solved: g.laterVerifiedSolved.x,
    acted_in_time_share: g.actedInTime.share,
    acted_in_time_interval: g.actedInTime.interval,
  }));
}
