import { funnel, FUNNEL_LEVELS } from '../../stats/funnel.js';
import { wilsonInterval, type Interval } from '../../stats/intervals.js';
import { addDays, daysBetween } from '../../periods.js';

// Why: docs/decisions/0026-drift-alerts-funnel-trigger.md
/**
 * The drift rule (docs/methodology.md "Drift alerts"): each day, over the last DRIFT_WINDOW_DAYS
 * complete days, a group's false-closure rate (answered "not solved" ÷ answered "solved?", the
 * complement of the rate the dashboard's funnel compares) is placed on the funnel of its agency's
 * groups of the same kind, around the agency's overall rate, exactly as the dashboard places it
 * (stats/funnel.ts: exact binomial limits, widened for overdispersion). Above the upper 99.8% limit,
 * with its exact tail below the same level, the group is outside.
 *
 * The level comes from the false alarms we accept: for a group whose true rate is its agency's, at
 * most FALSE_ALARMS_PER_GROUP_YEAR episodes a year. An episode starts only on a check that finds
 * the group outside, and one check does so with probability at most ALARM_TAIL, so with one check a
 * day the expected number of false episodes a year is at most 365 × ALARM_TAIL: 0.365 (one in about
 * three years) gives ALARM_TAIL = 0.001, the funnel's upper 99.8% limit. Overlapping windows make
 * the days outside come in runs and a run is one episode, so the real rate is lower still
 * (drift-rule.unit.test.ts simulates it).
 */
export const FALSE_ALARMS_PER_GROUP_YEAR = 0.365;
export const CHECKS_PER_YEAR = 365;
export const ALARM_TAIL = FALSE_ALARMS_PER_GROUP_YEAR / CHECKS_PER_YEAR;

/** The funnel's level the rule uses: the two must agree (drift-rule.unit.test.ts checks). */
export const FUNNEL_ALARM_TAIL = FUNNEL_LEVELS.alarm.low;

export interface DriftInput {
  key: string;
  /** Answered "not solved". */
  count: number;
  /** Answered "solved?". */
  n: number;
}

export interface DriftVerdict {
  key: string;
  count: number;
  n: number;
  rate: number;
  /** The agency's overall false-closure rate: the funnel's centre. */
  expected: number;
  /** The 99.8% limits at this n (widened as the dashboard widens them). */
  low: number;
  limit: number;
  interval: Interval | null;
  /** Above the upper limit with a tail below ALARM_TAIL, on at least the minimum n. */
  outside: boolean;
}

export interface DriftComparison {
  expected: number;
  /** The between-group variance the limits were widened by (0 when not). */
  tau2: number;
  verdicts: DriftVerdict[];
}

/** The groups of one agency and kind on their funnel around the agency's rate. */
export function compareForDrift(
  groups: readonly DriftInput[],
  expected: number,
  minN: number,
): DriftComparison {
  const plot = funnel(groups, { target: expected });
  const tau2 = plot.overdispersion.applied ? plot.overdispersion.tau2 : 0;
  return {
    expected,
    tau2,
    verdicts: plot.points.map((p) => ({
      key: p.key,
      count: p.count,
      n: p.n,
      rate: p.rate,
      expected,
      low: p.limits.low998,
      limit: p.limits.high998,
      interval: wilsonInterval(p.count, p.n),
      outside: p.beyond998 && p.rate > expected && p.n >= minN,
    })),
  };
}

export interface EpisodeState {
  open: boolean;
  lastOutsideDay: string;
}

export type EpisodeStep = 'open' | 'extend' | 'close' | 'none';

/**
 * What one day's check does to a group's episode: outside opens one (or extends the open one);
 * back inside for `clearDays` days in a row since the last day outside closes it. Days the check
 * did not run count as inside only if the next check finds the group inside too.
 */
export function episodeStep(
  prev: EpisodeState | null,
  outside: boolean,
  day: string,
  clearDays: number,
): EpisodeStep {
  if (outside) return prev?.open ? 'extend' : 'open';
  if (!prev?.open) return 'none';
  return daysBetween(prev.lastOutsideDay, day) - 1 >= clearDays ? 'close' : 'none';
}

/** The rolling window a check on local day `today` reads: the complete days before it. */
export function driftWindow(today: string, windowDays: number): { from: string; to: string } {
  const to = addDays(today, -1);
  return { from: addDays(to, -(windowDays - 1)), to };
}
