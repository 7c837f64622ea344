import { DateTime, IANAZone } from 'luxon';

/**
 * Quiet hours in the citizen's local time. Every wall-clock time is set through luxon's zone rules
 * (`set({ hour, minute })`, never "midnight plus N minutes" and never a fixed offset), so the same code
 * is right on the day a zone with daylight saving changes its clocks.
 */
export interface SendWindow {
  timeZone: string;
  /** Minutes after local midnight when sending may start. */
  startMinute: number;
  /** Minutes after local midnight when sending must stop (exclusive; 1440 = midnight). */
  endMinute: number;
  /** ISO weekdays allowed, 1 = Monday … 7 = Sunday. */
  days: ReadonlySet<number>;
}

/** Twilio's limits for `ValidityPeriod`, in seconds. */
export const VALIDITY_PERIOD_MIN = 1;
export const VALIDITY_PERIOD_MAX = 36_000;

const DAY_NAMES: Readonly<Record<string, number>> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

export class SendWindowError extends Error {
  override name = 'SendWindowError';
}

function checkTimeZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone))
    throw new SendWindowError(`unknown time zone "${timeZone}" (expected an IANA name such as Asia/Riyadh)`);
}

function checkDays(days: Iterable<number>, context: string): Set<number> {
  const set = new Set(days);
  for (const d of set) {
    if (!Number.isInteger(d) || d < 1 || d > 7)
      throw new SendWindowError(`${context}: day ${d} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
  }
  if (set.size === 0) throw new SendWindowError(`${context}: at least one day must be allowed`);
  return set;
}

/** Builds a window from whole hours, e.g. `{ timeZone: 'Asia/Riyadh', startHour: 9, endHour: 21, days: [7, 1, 2, 3, 4] }`. */
export function sendWindowOf(w: {
  timeZone: string;
  startHour: number;
  endHour: number;
  days: readonly number[];
}): SendWindow {
  const context = `send window ${w.startHour}–${w.endHour} in ${w.timeZone}`;
  checkTimeZone(w.timeZone);
  if (
    !Number.isInteger(w.startHour) ||
    !Number.isInteger(w.endHour) ||
    w.startHour < 0 ||
    w.endHour > 24 ||
    w.startHour >= w.endHour
  ) {
    throw new SendWindowError(`${context}: hours must be whole, 0 ≤ start < end ≤ 24`);
  }
  return {
    timeZone: w.timeZone,
    startMinute: w.startHour * 60,
    endMinute: w.endHour * 60,
    days: checkDays(w.days, context),
  };
}

function parseClock(clock: string, spec: string, isEnd: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(clock);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || minute > 59 || hour > 24 || (hour === 24 && (minute > 0 || !isEnd))) {
    throw new SendWindowError(
      `send window "${spec}": "${clock}" is not a time of day (HH:MM, 00:00–23:59, 24:00 only as the end)`,
    );
  }
  return hour * 60 + minute;
}

/**
 * Parses the configured window: hours as `09:00-21:00`, days as `all`, a list `sun,mon,tue,wed,thu`
 * (full names too) or a range `sun-thu` (which may wrap past the end of the week).
 */
export function parseSendWindow(hours: string, days: string, timeZone: string): SendWindow {
  const spec = hours.trim();
  const parts = spec.split(/\s*[-–]\s*/);
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new SendWindowError(`send window "${hours}" is not HH:MM-HH:MM (e.g. 09:00-21:00)`);
  const startMinute = parseClock(parts[0], spec, false);
  const endMinute = parseClock(parts[1], spec, true);
  if (startMinute >= endMinute) {
    throw new SendWindowError(
      `send window "${hours}" must start before it ends, within one day (a window over midnight is not supported)`,
    );
  }
  checkTimeZone(timeZone);
  return { timeZone, startMinute, endMinute, days: checkDays(parseDays(days), `send days "${days}"`) };
}

function dayNumber(name: string, spec: string): number {
  const day = name.length >= 3 ? DAY_NAMES[name.slice(0, 3)] : undefined;
  const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][(day ?? 0) - 1];
  if (day === undefined || !full?.startsWith(name)) {
    throw new SendWindowError(
      `send days "${spec}": "${name}" is not a weekday name (mon, tue, wed, thu, fri, sat, sun)`,
    );
  }
  return day;
}

function parseDays(spec: string): number[] {
  const list = spec.trim().toLowerCase();
  if (list === 'all' || list === '*') return [1, 2, 3, 4, 5, 6, 7];
  const out: number[] = [];
  for (const item of list.split(/[\s,]+/).filter(Boolean)) {
    const range = item.split('-');
    if (range.length === 2 && range[0] && range[1]) {
      const from = dayNumber(range[0], spec);
      const to = dayNumber(range[1], spec);
      for (let d = from; ; d = (d % 7) + 1) {
        out.push(d);
        if (d === to) break;
      }
    } else out.push(dayNumber(item, spec));
  }
  return out;
}

/** Local opening and closing instants of the window on the local day containing `day`. */
function bounds(day: DateTime, w: SendWindow): { opens: DateTime; closes: DateTime } {
  const at = (minute: number) =>
    minute >= 1440
      ? day.startOf('day').plus({ days: 1 })
      : day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
  return { opens: at(w.startMinute), closes: at(w.endMinute) };
}

/** One local calendar day of a window, as UTC instants. */
interface WindowDay {
  start: number;
  end: number;
  weekday: number;
  opens: number;
  closes: number;
}

/**
 * The last local day looked up, per window. Why: placing an instant in a zone costs an
 * `Intl.DateTimeFormat` call in luxon, 4% of a sending worker's CPU when done for every message,
 * and nearly every lookup falls on the same local day. The day's edges come from luxon, so a day
 * of 23 or 25 hours is cached exactly as long as it is.
 */
const lastDay = new WeakMap<SendWindow, WindowDay>();

function windowDay(at: number, w: SendWindow): WindowDay {
  const hit = lastDay.get(w);
  if (hit && at >= hit.start && at < hit.end) return hit;
  const local = DateTime.fromMillis(at, { zone: w.timeZone });
  const start = local.startOf('day');
  const { opens, closes } = bounds(local, w);
  const day = {
    start: start.toMillis(),
    end: start.plus({ days: 1 }).toMillis(),
    weekday: local.weekday,
    opens: opens.toMillis(),
    closes: closes.toMillis(),
  };
  lastDay.set(w, day);
  return day;
}

export function isInsideWindow(at: Date, w: SendWindow): boolean {
  const t = at.getTime();
  const day = windowDay(t, w);
  return w.days.has(day.weekday) && t >= day.opens && t < day.closes;
}

/** The earliest moment at or after `earliest` that is inside the window. */
export function nextSendTime(earliest: Date, w: SendWindow): Date {
  if (Number.isNaN(earliest.getTime()))
    throw new SendWindowError('nextSendTime: earliest is an invalid date');
  if (isInsideWindow(earliest, w)) return earliest;
  let day = DateTime.fromJSDate(earliest, { zone: w.timeZone }).startOf('day');
  // Eight local days always reach an allowed day's opening: today may already be past it.
  for (let i = 0; i < 8; i++) {
    const { opens } = bounds(day, w);
    if (w.days.has(day.weekday) && opens.toMillis() >= earliest.getTime()) return opens.toJSDate();
    day = day.plus({ days: 1 }).startOf('day');
  }
  throw new SendWindowError(
    `no allowed send day within a week of ${earliest.toISOString()} in ${w.timeZone}`,
  );
}

/**
 * Seconds from `sendAt` until the window closes that local day, within Twilio's 1–36,000: a message
 * still queued at Twilio when the window shuts is dropped instead of arriving at night.
 */
export function validityPeriodSeconds(sendAt: Date, w: SendWindow): number {
  const seconds = Math.floor((windowDay(sendAt.getTime(), w).closes - sendAt.getTime()) / 1000);
  return Math.min(VALIDITY_PERIOD_MAX, Math.max(VALIDITY_PERIOD_MIN, seconds));
}

/** Local calendar day, YYYY-MM-DD, for grouping without $dateToString. */
export function localDay(at: Date, timeZone: string): string {
  const day = DateTime.fromJSDate(at, { zone: timeZone }).toISODate();
  if (day === null)
    throw new SendWindowError(`localDay: cannot place ${String(at)} in time zone "${timeZone}"`);
  return day;
}
