import { DateTime } from 'luxon';

/**
 * Local calendar periods. Every score carries its local `day` (YYYY-MM-DD in the configured time
 * zone, Asia/Riyadh by default), so days group by a plain field the daily sums share, and weeks and
 * months are derived from that string in code.
 *
 * Weeks start on Sunday, the first day of the Saudi working week (Sunday to Thursday), and are
 * labelled by the date of that Sunday. ISO weeks would split a working week across two rows.
 */

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export type PeriodUnit = 'day' | 'week' | 'month';

/** Parses YYYY-MM-DD as a calendar date; undefined when it is not a real date (2025-02-30). */
export function parseDay(value: string): DateTime | undefined {
  if (!DAY_PATTERN.test(value)) return undefined;
  const dt = DateTime.fromISO(value, { zone: 'UTC' });
  return dt.isValid ? dt : undefined;
}

/** Today's local date in the time zone. */
export function localToday(timeZone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? '';
}

export function localDayOf(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? '';
}

export function addDays(day: string, days: number): string {
  const dt = parseDay(day);
  if (!dt) throw new Error(`not a day: ${day}`);
  return dt.plus({ days }).toISODate() ?? '';
}

/** Inclusive number of days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) throw new Error(`not a day: ${from} / ${to}`);
  return Math.round(b.diff(a, 'days').days) + 1;
}

/** The period a local day belongs to, as its label: the day itself, its week's Sunday, or YYYY-MM. */
export function periodOf(day: string, unit: PeriodUnit): string {
  if (unit === 'day') return day;
  if (unit === 'month') return day.slice(0, 7);
  const dt = parseDay(day);
  if (!dt) throw new Error(`not a day: ${day}`);
  // luxon weekday: Monday 1 … Sunday 7; days since Sunday is weekday % 7.
  return dt.minus({ days: dt.weekday % 7 }).toISODate() ?? '';
}

/** Every period label touched by from..to, in order, so time series show empty periods as gaps. */
export function periodsBetween(from: string, to: string, unit: PeriodUnit): string[] {
  const out: string[] = [];
  let day = from;
  let last = '';
  while (day <= to) {
    const label = periodOf(day, unit);
    if (label !== last) out.push(label);
    last = label;
    day = addDays(day, 1);
  }
  return out;
}

/**
 * UTC offset of the time zone at an instant, cached per hour: exports format a million timestamps
 * and a zone lookup per row would cost more than the rest of the row.
 */
export function offsetCache(timeZone: string): (at: Date) => number {
  const cache = new Map<number, number>();
  return (at) => {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let offsetMin = cache.get(hour);
    if (offsetMin === undefined) {
      offsetMin = DateTime.fromJSDate(at, { zone: timeZone }).offset;
      if (cache.size > 10_000) cache.clear();
      cache.set(hour, offsetMin);
    }
    return offsetMin;
  };
}

/** ISO 8601 local time with offset, e.g. 2025-03-01T12:00:00+03:00. */
export function localTimestampFormatter(timeZone: string): (at: Date) => string {
  const offsetOf = offsetCache(timeZone);
  return (at) => {
    const offsetMin = offsetOf(at);
    const local = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
}
