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

const DAY_MS = 86_400_000;

/**
 * A YYYY-MM-DD day as milliseconds at its UTC midnight, or undefined when it is not a real date.
 * Why not luxon here: a year's trend steps through 365 days several times per page, and luxon's
 * parsing and formatting were about a tenth of a year's agent page (CPU profile); a calendar day
 * needs no time zone, so plain UTC arithmetic gives the same answers.
 */
function dayMs(value: string): number | undefined {
  if (!DAY_PATTERN.test(value)) return undefined;
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7)) - 1;
  const d = Number(value.slice(8, 10));
  const at = new Date(0);
  at.setUTCFullYear(y, m, d);
  return at.getUTCFullYear() === y && at.getUTCMonth() === m && at.getUTCDate() === d
    ? at.getTime()
    : undefined;
}

function dayOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function requireDay(day: string): number {
  const ms = dayMs(day);
  if (ms === undefined) throw new Error(`not a day: ${day}`);
  return ms;
}

export function addDays(day: string, days: number): string {
  return dayOfMs(requireDay(day) + days * DAY_MS);
}

/** Inclusive number of days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  const a = dayMs(from);
  const b = dayMs(to);
  if (a === undefined || b === undefined) throw new Error(`not a day: ${from} / ${to}`);
  return Math.round((b - a) / DAY_MS) + 1;
}

/** The period a local day belongs to, as its label: the day itself, its week's Sunday, or YYYY-MM. */
export function periodOf(day: string, unit: PeriodUnit): string {
  if (unit === 'day') return day;
  if (unit === 'month') return day.slice(0, 7);
  const ms = requireDay(day);
  // getUTCDay: Sunday 0 … Saturday 6, the days since the week's Sunday.
  return dayOfMs(ms - new Date(ms).getUTCDay() * DAY_MS);
}

/** Every period label touched by from..to, in order, so time series show empty periods as gaps. */
export function periodsBetween(from: string, to: string, unit: PeriodUnit): string[] {
  const out: string[] = [];
  let last = '';
  const end = requireDay(to);
  for (let ms = requireDay(from); ms <= end; ms += DAY_MS) {
    const label = periodOf(dayOfMs(ms), unit);
    if (label !== last) out.push(label);
    last = label;
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
