import { DateTime } from 'luxon';

/**
 * Quiet hours in the citizen's local time. All arithmetic goes through luxon's zone rules, never a
 * fixed offset, so the same code is right for zones with daylight saving.
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

const DAY_NAMES: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

export class SendWindowError extends Error {}

/** `09:00-21:00` and `all` or `sun,mon,tue,wed,thu`. */
export function parseSendWindow(hours: string, days: string, timeZone: string): SendWindow {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(hours.trim());
  if (!m) throw new SendWindowError(`send window "${hours}" is not HH:MM-HH:MM`);
  const startMinute = Number(m[1]) * 60 + Number(m[2]);
  const endMinute = Number(m[3]) * 60 + Number(m[4]);
  if (startMinute >= endMinute || endMinute > 1440) {
    throw new SendWindowError(`send window "${hours}" must start before it ends, within one day`);
  }
  const dayList = days.trim().toLowerCase();
  const allowed = new Set<number>();
  if (dayList === 'all') [1, 2, 3, 4, 5, 6, 7].forEach((d) => allowed.add(d));
  else {
    for (const name of dayList.split(/[\s,]+/).filter(Boolean)) {
      const day = DAY_NAMES[name.slice(0, 3)];
      if (day === undefined) throw new SendWindowError(`send day "${name}" is not a weekday name (mon … sun)`);
      allowed.add(day);
    }
  }
  if (allowed.size === 0) throw new SendWindowError('send days must name at least one day');
  if (!DateTime.local().setZone(timeZone).isValid) throw new SendWindowError(`unknown time zone "${timeZone}"`);
  return { timeZone, startMinute, endMinute, days: allowed };
}

function minuteOfDay(t: DateTime): number {
  return t.hour * 60 + t.minute;
}

export function isInsideWindow(at: Date, w: SendWindow): boolean {
  const local = DateTime.fromJSDate(at, { zone: w.timeZone });
  const minute = minuteOfDay(local) + local.second / 60;
  return w.days.has(local.weekday) && minute >= w.startMinute && minute < w.endMinute;
}

/** The earliest moment at or after `earliest` that is inside the window. */
export function nextSendTime(earliest: Date, w: SendWindow): Date {
  if (isInsideWindow(earliest, w)) return earliest;
  let day = DateTime.fromJSDate(earliest, { zone: w.timeZone }).startOf('day');
  for (let i = 0; i < 8; i++) {
    const opens = day.plus({ minutes: w.startMinute });
    if (w.days.has(day.weekday) && opens.toMillis() >= earliest.getTime()) return opens.toJSDate();
    // Later the same day but before the window ends counts too (earliest inside no window yet handled above).
    day = day.plus({ days: 1 }).startOf('day');
  }
  throw new SendWindowError('no allowed send day within a week');
}

/**
 * Seconds from `sendAt` until the window closes that day, within Twilio's 1–36,000: a message still
 * queued at Twilio when the window shuts is dropped instead of arriving at night.
 */
export function validityPeriodSeconds(sendAt: Date, w: SendWindow): number {
  const local = DateTime.fromJSDate(sendAt, { zone: w.timeZone });
  const closes = local.startOf('day').plus({ minutes: w.endMinute });
  const seconds = Math.floor((closes.toMillis() - sendAt.getTime()) / 1000);
  return Math.min(36_000, Math.max(1, seconds));
}

/** Local calendar day, YYYY-MM-DD, for grouping without $dateToString. */
export function localDay(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? '';
}
