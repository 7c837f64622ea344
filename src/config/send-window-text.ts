/**
 * The text forms of the send window's settings (SEND_WINDOW, SEND_DAYS, RAMADAN_SEND_WINDOW, and an
 * agency's own window). Here, below the configuration, so the configuration refuses a bad one at
 * start-up with the same words the send window (followup/schedule/send-window.ts) uses.
 */

export class SendWindowError extends Error {
  override name = 'SendWindowError';
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

/** The window's hours ("HH:MM-HH:MM") as minutes, for a Ramadan window beside the usual one. */
export function parseHours(hours: string): { startMinute: number; endMinute: number } {
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
  return { startMinute, endMinute };
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

/** SEND_DAYS: `all`, a list `sun,mon,tue,wed,thu` (full names too) or a range `sun-thu` (which may wrap past the end of the week), as ISO weekdays. */
export function parseSendDays(spec: string): number[] {
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

/** The allowed ISO weekdays as a set; `context` names the setting in the error. */
export function checkDays(days: Iterable<number>, context: string): Set<number> {
  const set = new Set(days);
  for (const d of set) {
    if (!Number.isInteger(d) || d < 1 || d > 7)
      throw new SendWindowError(`${context}: day ${d} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
  }
  if (set.size === 0) throw new SendWindowError(`${context}: at least one day must be allowed`);
  return set;
}
