import { DateTime, IANAZone } from 'luxon';
import { checkDays, parseHours, parseSendDays, SendWindowError } from '../../config/send-window-text.js';
import { isRamadan, prayerTimes, type Place } from './prayer-times.js';

// The text forms are read by the configuration too, so they live below it.
export { parseHours, SendWindowError } from '../../config/send-window-text.js';

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
  /** No message or call starts from `beforeMinutes` before each of the five prayers to `afterMinutes` after it. */
  prayers?: { place: Place; beforeMinutes: number; afterMinutes: number };
  /** The hours used instead of start/end on the days of Ramadan (Umm al-Qura). */
  ramadan?: { startMinute: number; endMinute: number };
}

/** Twilio's limits for `ValidityPeriod`, in seconds. */
export const VALIDITY_PERIOD_MIN = 1;
export const VALIDITY_PERIOD_MAX = 36_000;

function checkTimeZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone))
    throw new SendWindowError(`unknown time zone "${timeZone}" (expected an IANA name such as Asia/Riyadh)`);
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

/**
 * Parses the configured window: hours as `09:00-21:00`, days as `all`, a list `sun,mon,tue,wed,thu`
 * (full names too) or a range `sun-thu` (which may wrap past the end of the week).
 */
export function parseSendWindow(hours: string, days: string, timeZone: string): SendWindow {
  const { startMinute, endMinute } = parseHours(hours);
  checkTimeZone(timeZone);
  return { timeZone, startMinute, endMinute, days: checkDays(parseSendDays(days), `send days "${days}"`) };
}

/** Local opening and closing instants of the window on the local day containing `day`. */
function bounds(day: DateTime, w: SendWindow): { opens: DateTime; closes: DateTime } {
  const hours = w.ramadan && isRamadan(day.toJSDate(), w.timeZone) ? w.ramadan : w;
  const at = (minute: number) =>
    minute >= 1440
      ? day.startOf('day').plus({ days: 1 })
      : day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
  return { opens: at(hours.startMinute), closes: at(hours.endMinute) };
}

/** One local calendar day of a window, as UTC instants. */
interface WindowDay {
  start: number;
  end: number;
  weekday: number;
  opens: number;
  closes: number;
  /** The day's prayer pauses, [from, to) in time order. */
  pauses: readonly (readonly [number, number])[];
}

/**
 * The last few local days looked up, per window. Why: placing an instant in a zone costs an
 * `Intl.DateTimeFormat` call in luxon, 4% of a sending worker's CPU when done for every message,
 * and a send looks up the same few days over and over (today for the send, tomorrow and later for
 * its reminder, next channel and expiry; prayer times are a day's computation too). The days' edges
 * come from luxon, so a day of 23 or 25 hours is cached exactly as long as it is.
 */
const recentDays = new WeakMap<SendWindow, WindowDay[]>();
const RECENT_DAYS = 8;

function pausesOf(local: DateTime, w: SendWindow): [number, number][] {
  if (!w.prayers) return [];
  const { place, beforeMinutes, afterMinutes } = w.prayers;
  const ramadan = isRamadan(local.toJSDate(), w.timeZone);
  return prayerTimes(place, { year: local.year, month: local.month, day: local.day }, ramadan).map((t) => [
    t.getTime() - beforeMinutes * 60_000,
    t.getTime() + afterMinutes * 60_000,
  ]);
}

function windowDay(at: number, w: SendWindow): WindowDay {
  const days = recentDays.get(w) ?? [];
  const hit = days.find((d) => at >= d.start && at < d.end);
  if (hit) return hit;
  const local = DateTime.fromMillis(at, { zone: w.timeZone });
  const start = local.startOf('day');
  const { opens, closes } = bounds(local, w);
  const day = {
    start: start.toMillis(),
    end: start.plus({ days: 1 }).toMillis(),
    weekday: local.weekday,
    opens: opens.toMillis(),
    closes: closes.toMillis(),
    pauses: pausesOf(local, w),
  };
  recentDays.set(w, [day, ...days.slice(0, RECENT_DAYS - 1)]);
  return day;
}

function pauseAt(t: number, day: WindowDay): readonly [number, number] | undefined {
  return day.pauses.find(([from, to]) => t >= from && t < to);
}

export function isInsideWindow(at: Date, w: SendWindow): boolean {
  const t = at.getTime();
  const day = windowDay(t, w);
  return w.days.has(day.weekday) && t >= day.opens && t < day.closes && !pauseAt(t, day);
}

/** The earliest moment at or after `earliest` that is inside the window (and outside every pause). */
export function nextSendTime(earliest: Date, w: SendWindow): Date {
  if (Number.isNaN(earliest.getTime()))
    throw new SendWindowError('nextSendTime: earliest is an invalid date');
  let t = earliest.getTime();
  // Each step moves to a day's opening, past a pause, or to the next day: eight days of at most
  // five pauses each always reach an open moment.
  for (let step = 0; step < 8 * 7; step++) {
    const day = windowDay(t, w);
    if (!w.days.has(day.weekday) || t >= day.closes) t = day.end;
    else if (t < day.opens) t = day.opens;
    else {
      const pause = pauseAt(t, day);
      if (!pause) return new Date(t);
      t = pause[1];
    }
  }
  throw new SendWindowError(
    `no allowed send time within a week of ${earliest.toISOString()} in ${w.timeZone}`,
  );
}

/**
 * Seconds from `sendAt` until the window closes that local day or the next prayer pause begins,
 * within Twilio's 1–36,000: a message still queued at Twilio then is dropped instead of arriving
 * at night or during a prayer.
 */
export function validityPeriodSeconds(sendAt: Date, w: SendWindow): number {
  const t = sendAt.getTime();
  const day = windowDay(t, w);
  const nextPause = day.pauses.find(([from]) => from > t)?.[0] ?? Infinity;
  const seconds = Math.floor((Math.min(day.closes, nextPause) - t) / 1000);
  return Math.min(VALIDITY_PERIOD_MAX, Math.max(VALIDITY_PERIOD_MIN, seconds));
}

/** Local calendar day, YYYY-MM-DD, for grouping without $dateToString. */
export function localDay(at: Date, timeZone: string): string {
  const day = DateTime.fromJSDate(at, { zone: timeZone }).toISODate();
  if (day === null)
    throw new SendWindowError(`localDay: cannot place ${String(at)} in time zone "${timeZone}"`);
  return day;
}
