import { DateTime } from 'luxon';
import { addDays, localToday, parseDay, periodOf } from '../../periods.js';

/**
 * The periods a report mail covers: a week (Sunday to Saturday, labelled by its Sunday, as the
 * dashboard's weeks are: src/reports/periods.ts) or a calendar month (YYYY-MM), in local days.
 */

export const REPORT_KINDS = ['weekly_report', 'monthly_report'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportPeriod {
  kind: ReportKind;
  /** The week's Sunday (YYYY-MM-DD) or the month (YYYY-MM). */
  label: string;
  /** Local days, inclusive. */
  from: string;
  to: string;
}

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The period named by its label; a clear error for a label that is not one (a Monday, 2026-13). */
export function reportPeriod(kind: ReportKind, label: string): ReportPeriod {
  if (kind === 'monthly_report') {
    if (!MONTH_PATTERN.test(label)) throw new Error(`not a month (YYYY-MM): "${label}"`);
    const first = `${label}-01`;
    const last = DateTime.fromISO(first, { zone: 'UTC' }).endOf('month').toISODate() ?? '';
    return { kind, label, from: first, to: last };
  }
  if (!parseDay(label) || periodOf(label, 'week') !== label)
    throw new Error(`not the Sunday that starts a week (YYYY-MM-DD): "${label}"`);
  return { kind, label, from: label, to: addDays(label, 6) };
}

/** The same length of time just before: the week before, or the calendar month before. */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  return p.kind === 'weekly_report'
    ? reportPeriod(p.kind, addDays(p.label, -7))
    : reportPeriod(p.kind, addDays(p.from, -1).slice(0, 7));
}

/**
 * The last whole period before today (local): what a report sent this morning is about. A schedule
 * that fires late (a worker down over the weekend) still reports the same period.
 */
export function lastCompletePeriod(kind: ReportKind, timeZone: string, now: Date = new Date()): ReportPeriod {
  const today = localToday(timeZone, now);
  const current =
    kind === 'weekly_report'
      ? reportPeriod(kind, periodOf(today, 'week'))
      : reportPeriod(kind, today.slice(0, 7));
  return previousPeriod(current);
}
