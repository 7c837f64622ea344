import { DateTime } from 'luxon';
import { foldDigits } from '../../phone-mask.js';

/**
 * Closing times as agencies' exports write them. A time without a zone is the agency's local time
 * (TIME_ZONE, Asia/Riyadh); a zone written with it wins. Excel keeps no zone at all: its serial
 * numbers and its date cells are local times too.
 */

export type DateResult = { ok: true; at: Date } | { ok: false; reason: string };

/** Excel's day 0 is 1899-12-30 (it counts 1900 as a leap year; serials past 60 all agree with this). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Serials from 1954 to 2119: a closing time is never outside, and a bare number outside is not a date. */
const SERIAL_MIN = 20_000;
const SERIAL_MAX = 80_000;

const ZONE = String.raw`(?:\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?(?:\s*(am|pm|ص|م))?`;
const YMD = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+${TIME})?${ZONE}$`, 'iu');
const DMY = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T\s,]+${TIME})?${ZONE}$`, 'iu');

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function zoneOf(written: string | undefined, localZone: string): string {
  if (written === undefined) return localZone;
  const z = written.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 'UTC';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  return m ? `UTC${m[1]}${m[2]}:${m[3] ?? '00'}` : localZone;
}

function hourOf(raw: string, meridiem: string | undefined): number | undefined {
  const h = Number(raw);
  if (meridiem === undefined) return h;
  if (h < 1 || h > 12) return undefined;
  const pm = /^(pm|م)$/iu.test(meridiem);
  return (h % 12) + (pm ? 12 : 0);
}

function build(p: Parts, zone: string): DateResult {
  const dt = DateTime.fromObject(p, { zone });
  if (!dt.isValid)
    return {
      ok: false,
      reason: `is not a real date and time (${dt.invalidExplanation ?? dt.invalidReason ?? 'invalid'})`,
    };
  return { ok: true, at: dt.toJSDate() };
}

function fromMatch(
  year: string,
  month: string,
  day: string,
  m: (string | undefined)[],
  localZone: string,
): DateResult {
  const [hh, mi, ss, frac, meridiem, zone] = m;
  if (hh === undefined || mi === undefined)
    return { ok: false, reason: 'has a date but no time of day (hh:mm)' };
  const hour = hourOf(hh, meridiem);
  if (hour === undefined) return { ok: false, reason: 'has an hour outside 1–12 before AM/PM' };
  return build(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour,
      minute: Number(mi),
      second: Number(ss ?? 0),
      millisecond: frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000),
    },
    zoneOf(zone, localZone),
  );
}

/** An Excel serial day number (days since 1899-12-30, fraction = time of day) read as local time. */
export function fromExcelSerial(serial: number, localZone: string): DateResult {
  if (!Number.isFinite(serial) || serial < SERIAL_MIN || serial > SERIAL_MAX)
    return { ok: false, reason: `is a number (${serial}) that is not an Excel date` };
  // Rounded to the second: Excel stores times as fractions of a day, which do not land on whole ms.
  const wall = new Date(Math.round((EXCEL_EPOCH_MS + serial * DAY_MS) / 1000) * 1000);
  return fromWallClock(wall, localZone);
}

/**
 * A date read from an XLSX date cell: exceljs gives the sheet's wall-clock time as if it were UTC
 * (the sheet has no zone), so its UTC fields are the local time.
 */
export function fromWallClock(wall: Date, localZone: string): DateResult {
  if (Number.isNaN(wall.getTime())) return { ok: false, reason: 'is not a valid date' };
  return build(
    {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
      millisecond: wall.getUTCMilliseconds(),
    },
    localZone,
  );
}

/**
 * ISO 8601 (`2026-12-01T09:30:00+03:00`, `2026-12-01 09:30`), `dd/mm/yyyy hh:mm` (also with `.` or
 * `-`, seconds, AM/PM or ص/م), an Excel serial number; digits in any script.
 */
export function parseClosingTime(value: string | number | Date, localZone: string): DateResult {
  if (value instanceof Date) return fromWallClock(value, localZone);
  if (typeof value === 'number') return fromExcelSerial(value, localZone);
  const text = foldDigits(value).trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, reason: 'is empty' };
  if (/^\d+(\.\d+)?$/.test(text)) return fromExcelSerial(Number(text), localZone);
  const ymd = YMD.exec(text);
  if (ymd) {
    const [, y, mo, d, ...rest] = ymd;
    return fromMatch(y ?? '', mo ?? '', d ?? '', rest, localZone);
  }
  const dmy = DMY.exec(text);
  if (dmy) {
    const [, d, mo, y, ...rest] = dmy;
    return fromMatch(y ?? '', mo ?? '', d ?? '', rest, localZone);
  }
  return {
    ok: false,
    reason:
      'is not a date and time this import reads (ISO 8601, dd/mm/yyyy hh:mm, yyyy-mm-dd hh:mm, an Excel date)',
  };
}
