import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  isInsideWindow,
  localDay,
  nextSendTime,
  parseSendWindow,
  SendWindowError,
  sendWindowOf,
  validityPeriodSeconds,
} from '../../src/followup/schedule/send-window.js';
import { isRamadan, placeOf, PlaceError, prayerTimes } from '../../src/followup/schedule/prayer-times.js';

const riyadh = parseSendWindow('09:00-21:00', 'all', 'Asia/Riyadh');
const workdays = parseSendWindow('09:00-21:00', 'sun,mon,tue,wed,thu', 'Asia/Riyadh');
const london = parseSendWindow('09:00-21:00', 'all', 'Europe/London');
const iso = (d: Date) => d.toISOString();
const next = (at: string, w = riyadh) => iso(nextSendTime(new Date(at), w));
const HOUR = 3_600_000;

describe('nextSendTime in Asia/Riyadh (UTC+3 all year), 09:00–21:00', () => {
  it('keeps a time inside the window, to the millisecond', () => {
    expect(next('2026-11-22T10:00:00+03:00')).toBe('2026-11-22T07:00:00.000Z');
    expect(next('2026-11-22T09:00:00.000+03:00')).toBe('2026-11-22T06:00:00.000Z');
    expect(next('2026-11-22T20:59:59.999+03:00')).toBe('2026-11-22T17:59:59.999Z');
  });
  it('moves a closure at 23:50 local plus three days to 09:00 local the next morning', () => {
    const earliest = new Date(new Date('2026-11-22T23:50:00+03:00').getTime() + 72 * HOUR);
    expect(iso(nextSendTime(earliest, riyadh))).toBe('2026-11-26T06:00:00.000Z');
  });
  it('moves an early-morning time to 09:00 the same day, and 08:59:59.999 too', () => {
    expect(next('2026-11-22T06:30:00+03:00')).toBe('2026-11-22T06:00:00.000Z');
    expect(next('2026-11-22T08:59:59.999+03:00')).toBe('2026-11-22T06:00:00.000Z');
    expect(next('2026-11-22T00:00:00+03:00')).toBe('2026-11-22T06:00:00.000Z');
  });
  it('treats the end as exclusive: 21:00 exactly waits for the next morning', () => {
    expect(isInsideWindow(new Date('2026-11-22T20:59:59+03:00'), riyadh)).toBe(true);
    expect(isInsideWindow(new Date('2026-11-22T21:00:00+03:00'), riyadh)).toBe(false);
    expect(next('2026-11-22T21:00:00+03:00')).toBe('2026-11-23T06:00:00.000Z');
  });
  it('reads the local day, not the UTC day (22:30 UTC is already tomorrow in Riyadh)', () => {
    expect(next('2026-11-22T22:30:00Z')).toBe('2026-11-23T06:00:00.000Z');
  });
});

describe('weekends', () => {
  it('skips the Friday–Saturday weekend when only working days are allowed', () => {
    // Thursday 2026-11-26 22:00 → Sunday 2026-11-29 09:00
    expect(next('2026-11-26T22:00:00+03:00', workdays)).toBe('2026-11-29T06:00:00.000Z');
    expect(next('2026-11-27T12:00:00+03:00', workdays)).toBe('2026-11-29T06:00:00.000Z'); // Friday noon
    expect(next('2026-11-28T23:59:00+03:00', workdays)).toBe('2026-11-29T06:00:00.000Z'); // Saturday night
    expect(next('2026-11-26T20:00:00+03:00', workdays)).toBe('2026-11-26T17:00:00.000Z'); // Thursday evening stays
  });
  it('accepts a day range, also one that wraps past Sunday', () => {
    expect([...parseSendWindow('09:00-21:00', 'sun-thu', 'Asia/Riyadh').days].sort()).toEqual([
      1, 2, 3, 4, 7,
    ]);
    expect([...parseSendWindow('09:00-21:00', 'Sunday, Monday', 'Asia/Riyadh').days].sort()).toEqual([1, 7]);
    expect([...parseSendWindow('09:00-21:00', 'fri-sat', 'Asia/Riyadh').days].sort()).toEqual([5, 6]);
  });
  it('finds a single allowed day a week away', () => {
    const sundays = parseSendWindow('09:00-21:00', 'sun', 'Asia/Riyadh');
    expect(next('2026-11-29T21:00:00+03:00', sundays)).toBe('2026-12-06T06:00:00.000Z');
  });
});

describe('daylight saving (Europe/London): no hand-written offsets', () => {
  it('opens at 09:00 BST in summer and 09:00 GMT in winter', () => {
    expect(next('2026-07-01T05:00:00Z', london)).toBe('2026-07-01T08:00:00.000Z');
    expect(next('2026-12-01T05:00:00Z', london)).toBe('2026-12-01T09:00:00.000Z');
  });
  it('opens at 09:00 local on the days the clocks change', () => {
    expect(next('2026-03-29T00:30:00Z', london)).toBe('2026-03-29T08:00:00.000Z'); // spring forward: 09:00 BST
    expect(next('2026-10-25T00:30:00Z', london)).toBe('2026-10-25T09:00:00.000Z'); // fall back: 09:00 GMT
  });
  it('moves a Saturday 23:50 BST closure across the clock change', () => {
    expect(next('2026-10-24T22:50:00Z', london)).toBe('2026-10-25T09:00:00.000Z');
  });
  it('closes at 21:00 local on those days too', () => {
    expect(validityPeriodSeconds(new Date('2026-03-29T19:00:00Z'), london)).toBe(3600); // 20:00 BST → 21:00 BST
    expect(validityPeriodSeconds(new Date('2026-10-25T20:00:00Z'), london)).toBe(3600); // 20:00 GMT → 21:00 GMT
  });
  it('a window that ends at midnight lasts until the next local day starts', () => {
    const late = parseSendWindow('18:00-24:00', 'all', 'Europe/London');
    expect(isInsideWindow(new Date('2026-07-01T22:59:00Z'), late)).toBe(true); // 23:59 BST
    expect(validityPeriodSeconds(new Date('2026-07-01T22:00:00Z'), late)).toBe(3600);
  });
});

describe('the cached local day', () => {
  /** The same questions asked of luxon directly, with nothing cached. */
  const reference = (at: Date, w: typeof london) => {
    const local = DateTime.fromJSDate(at, { zone: w.timeZone });
    const opens = local.set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toMillis();
    const closes = local.set({ hour: 21, minute: 0, second: 0, millisecond: 0 }).toMillis();
    return { inside: at.getTime() >= opens && at.getTime() < closes, closes };
  };

  it('agrees with luxon every 20 minutes across both London clock changes, in and out of order', () => {
    const instants: Date[] = [];
    for (const start of ['2026-03-27T00:00:00Z', '2026-10-23T00:00:00Z'])
      for (let t = Date.parse(start); t < Date.parse(start) + 4 * 24 * HOUR; t += HOUR / 3)
        instants.push(new Date(t));
    // Alternating between far-apart instants makes every lookup miss the last day as well.
    const shuffled = instants.flatMap((d, i) => [d, instants[instants.length - 1 - i] ?? d]);
    for (const at of shuffled) {
      const want = reference(at, london);
      expect(isInsideWindow(at, london), iso(at)).toBe(want.inside);
      if (want.inside)
        expect(validityPeriodSeconds(at, london), iso(at)).toBe(
          Math.min(36_000, Math.floor((want.closes - at.getTime()) / 1000)),
        );
    }
  });
});

describe('validityPeriodSeconds', () => {
  it('ends with the window', () => {
    expect(validityPeriodSeconds(new Date('2026-11-22T20:00:00+03:00'), riyadh)).toBe(3600);
    expect(validityPeriodSeconds(new Date('2026-11-22T20:59:30+03:00'), riyadh)).toBe(30);
  });
  it("is clamped to Twilio's 1–36,000 seconds", () => {
    expect(validityPeriodSeconds(new Date('2026-11-22T09:00:00+03:00'), riyadh)).toBe(36_000); // 12 h window
    expect(validityPeriodSeconds(new Date('2026-11-22T20:59:59.500+03:00'), riyadh)).toBe(1);
    expect(validityPeriodSeconds(new Date('2026-11-22T22:00:00+03:00'), riyadh)).toBe(1); // already closed
  });
});

describe('localDay', () => {
  it('names the local calendar day', () => {
    expect(localDay(new Date('2026-11-22T22:30:00Z'), 'Asia/Riyadh')).toBe('2026-11-23');
    expect(localDay(new Date('2026-11-22T20:59:59Z'), 'Asia/Riyadh')).toBe('2026-11-22');
    expect(localDay(new Date('2026-07-01T23:30:00Z'), 'Europe/London')).toBe('2026-07-02');
    expect(localDay(new Date('2026-12-01T23:30:00Z'), 'Europe/London')).toBe('2026-12-01');
  });
  it('refuses an invalid date', () => {
    expect(() => localDay(new Date(Number.NaN), 'Asia/Riyadh')).toThrow(SendWindowError);
  });
});

describe('sendWindowOf', () => {
  it('builds the same window from whole hours', () => {
    const w = sendWindowOf({ timeZone: 'Asia/Riyadh', startHour: 9, endHour: 21, days: [7, 1, 2, 3, 4] });
    expect(w).toEqual(workdays);
  });
  it('refuses bad hours, days and zones', () => {
    expect(() => sendWindowOf({ timeZone: 'Asia/Riyadh', startHour: 21, endHour: 9, days: [1] })).toThrow(
      /0 ≤ start < end ≤ 24/,
    );
    expect(() => sendWindowOf({ timeZone: 'Asia/Riyadh', startHour: 9, endHour: 21, days: [0] })).toThrow(
      /ISO weekday/,
    );
    expect(() => sendWindowOf({ timeZone: 'Asia/Riyadh', startHour: 9, endHour: 21, days: [] })).toThrow(
      /at least one day/,
    );
    expect(() => sendWindowOf({ timeZone: 'Riyadh', startHour: 9, endHour: 21, days: [1] })).toThrow(
      /unknown time zone "Riyadh"/,
    );
  });
});

describe('parseSendWindow', () => {
  it('accepts single-digit hours, spaces and an en dash', () => {
    expect(parseSendWindow(' 9:30 – 17:45 ', 'all', 'Asia/Riyadh')).toMatchObject({
      startMinute: 570,
      endMinute: 1065,
    });
  });
  it.each([
    ['9-21', 'all', 'Asia/Riyadh', /"9" is not a time of day/],
    ['09:00', 'all', 'Asia/Riyadh', /not HH:MM-HH:MM/],
    ['21:00-09:00', 'all', 'Asia/Riyadh', /start before it ends/],
    ['09:00-09:00', 'all', 'Asia/Riyadh', /start before it ends/],
    ['09:60-21:00', 'all', 'Asia/Riyadh', /"09:60" is not a time of day/],
    ['24:00-24:00', 'all', 'Asia/Riyadh', /"24:00" is not a time of day/],
    ['09:00-25:00', 'all', 'Asia/Riyadh', /"25:00" is not a time of day/],
    ['09:00-21:00', 'funday', 'Asia/Riyadh', /"funday" is not a weekday name/],
    ['09:00-21:00', 'su', 'Asia/Riyadh', /"su" is not a weekday name/],
    ['09:00-21:00', 'sun-xyz', 'Asia/Riyadh', /"xyz" is not a weekday name/],
    ['09:00-21:00', '', 'Asia/Riyadh', /at least one day/],
    ['09:00-21:00', 'all', 'Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
  ])('refuses %j %j %j', (hours, days, zone, message) => {
    expect(() => parseSendWindow(hours, days, zone)).toThrow(SendWindowError);
    expect(() => parseSendWindow(hours, days, zone)).toThrow(message);
  });
});

describe('prayer pauses and Ramadan (Umm al-Qura, Riyadh)', () => {
  const place = { latitude: 24.7136, longitude: 46.6753 };
  const praying = {
    ...riyadh,
    prayers: { place, beforeMinutes: 5, afterMinutes: 30 },
    ramadan: { startMinute: 10 * 60, endMinute: 17 * 60 },
  };
  // 15 June 2026 in Riyadh (Umm al-Qura): dhuhr 11:54, asr 15:15, maghrib 18:44, isha 20:14 local.
  it('the five prayers of a day, isha 90 minutes after maghrib, 120 in Ramadan', () => {
    expect(prayerTimes(place, { year: 2026, month: 6, day: 15 }, false).map(iso)).toEqual([
      '2026-06-15T00:32:00.000Z',
      '2026-06-15T08:54:00.000Z',
      '2026-06-15T12:15:00.000Z',
      '2026-06-15T15:44:00.000Z',
      '2026-06-15T17:14:00.000Z',
    ]);
    const ramadan = prayerTimes(place, { year: 2026, month: 3, day: 1 }, true);
    expect((ramadan[4]?.getTime() ?? 0) - (ramadan[3]?.getTime() ?? 0)).toBe(120 * 60_000);
  });
  it('moves a time inside a pause to its end, and leaves the minutes around it alone', () => {
    expect(next('2026-06-15T18:45:00+03:00', praying)).toBe('2026-06-15T16:14:00.000Z');
    expect(next('2026-06-15T18:39:00+03:00', praying)).toBe('2026-06-15T16:14:00.000Z');
    expect(next('2026-06-15T18:38:59+03:00', praying)).toBe('2026-06-15T15:38:59.000Z');
    expect(next('2026-06-15T19:14:00+03:00', praying)).toBe('2026-06-15T16:14:00.000Z');
    expect(isInsideWindow(new Date('2026-06-15T12:00:00+03:00'), praying)).toBe(false);
    expect(isInsideWindow(new Date('2026-06-15T12:25:00+03:00'), praying)).toBe(true);
  });
  it('passes a pause that outlasts the day on to the next morning', () => {
    expect(next('2026-06-15T20:20:00+03:00', praying)).toBe('2026-06-15T17:44:00.000Z');
    // Closing at 20:30, isha's pause (to 20:44) ends the day: the next opening, 09:00.
    const early = { ...praying, ...parseSendWindow('09:00-20:30', 'all', 'Asia/Riyadh') };
    expect(next('2026-06-15T20:20:00+03:00', early)).toBe('2026-06-16T06:00:00.000Z');
  });
  it('ends a message validity at the next pause', () => {
    // 17:00 local: maghrib's pause starts at 18:39, 99 minutes later.
    expect(validityPeriodSeconds(new Date('2026-06-15T17:00:00+03:00'), praying)).toBe(99 * 60);
  });
  it('uses the Ramadan hours on the days of Ramadan only', () => {
    // 1 March 2026 is 12 Ramadan 1447; 1 April is in Shawwal.
    expect(isRamadan(new Date('2026-03-01T12:00:00+03:00'), 'Asia/Riyadh')).toBe(true);
    expect(isRamadan(new Date('2026-04-01T12:00:00+03:00'), 'Asia/Riyadh')).toBe(false);
    expect(next('2026-03-01T09:30:00+03:00', praying)).toBe('2026-03-01T07:00:00.000Z');
    expect(next('2026-03-01T17:30:00+03:00', praying)).toBe('2026-03-02T07:00:00.000Z');
    expect(next('2026-04-01T09:30:00+03:00', praying)).toBe('2026-04-01T06:30:00.000Z');
  });
  it('reads a city, coordinates or none, and refuses anything else', () => {
    expect(placeOf('Jeddah')).toEqual({ latitude: 21.4858, longitude: 39.1925 });
    expect(placeOf('24.5, 46.7')).toEqual({ latitude: 24.5, longitude: 46.7 });
    expect(placeOf('none')).toBeUndefined();
    expect(() => placeOf('atlantis')).toThrow(PlaceError);
    expect(() => placeOf('95,10')).toThrow(PlaceError);
  });
});
