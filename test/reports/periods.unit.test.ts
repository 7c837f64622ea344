import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  localDayOf,
  localTimestampFormatter,
  parseDay,
  periodOf,
  periodsBetween,
} from '../../src/reports/periods.js';

describe('local periods', () => {
  it('starts weeks on Sunday, the first day of the Saudi working week', () => {
    expect(periodOf('2025-03-02', 'week')).toBe('2025-03-02'); // Sunday
    expect(periodOf('2025-03-06', 'week')).toBe('2025-03-02'); // Thursday
    expect(periodOf('2025-03-08', 'week')).toBe('2025-03-02'); // Saturday
    expect(periodOf('2025-03-09', 'week')).toBe('2025-03-09');
    expect(periodOf('2025-01-01', 'week')).toBe('2024-12-29');
    expect(periodOf('2025-03-31', 'month')).toBe('2025-03');
  });

  it('lists every period of a range, empty ones included', () => {
    expect(periodsBetween('2025-03-01', '2025-03-10', 'week')).toEqual([
      '2025-02-23',
      '2025-03-02',
      '2025-03-09',
    ]);
    expect(periodsBetween('2025-01-30', '2025-03-01', 'month')).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(periodsBetween('2025-03-01', '2025-03-03', 'day')).toEqual([
      '2025-03-01',
      '2025-03-02',
      '2025-03-03',
    ]);
    expect(daysBetween('2024-03-31', '2025-03-31')).toBe(366);
  });

  it('puts a closure on its Riyadh day, not its UTC day', () => {
    expect(localDayOf(new Date('2025-03-01T20:59:59Z'), 'Asia/Riyadh')).toBe('2025-03-01');
    expect(localDayOf(new Date('2025-03-01T21:00:00Z'), 'Asia/Riyadh')).toBe('2025-03-02');
    expect(parseDay('2025-02-29')).toBeUndefined();
    expect(parseDay('2024-02-29')).toBeDefined();
  });

  it('formats local timestamps with their offset, also across a daylight-saving change', () => {
    const riyadh = localTimestampFormatter('Asia/Riyadh');
    expect(riyadh(new Date('2025-03-01T22:30:00Z'))).toBe('2025-03-02T01:30:00+03:00');
    const london = localTimestampFormatter('Europe/London');
    expect(london(new Date('2025-03-30T00:30:00Z'))).toBe('2025-03-30T00:30:00+00:00');
    expect(london(new Date('2025-03-30T01:30:00Z'))).toBe('2025-03-30T02:30:00+01:00');
    const ny = localTimestampFormatter('America/New_York');
    expect(ny(new Date('2025-01-15T12:00:00Z'))).toBe('2025-01-15T07:00:00-05:00');
  });
});

describe('calendar arithmetic on day strings', () => {
  it('agrees with luxon on every day of three decades, across leap days and year ends', () => {
    const luxonDay = (day: string) => DateTime.fromISO(day, { zone: 'UTC' });
    let checked = 0;
    for (let dt = luxonDay('1999-12-20'); dt <= luxonDay('2031-01-10'); dt = dt.plus({ days: 1 })) {
      const day = dt.toISODate() ?? '';
      expect(addDays(day, 1)).toBe(dt.plus({ days: 1 }).toISODate());
      expect(addDays(day, -400)).toBe(dt.minus({ days: 400 }).toISODate());
      expect(periodOf(day, 'week')).toBe(dt.minus({ days: dt.weekday % 7 }).toISODate());
      expect(daysBetween('2000-02-28', day)).toBe(
        Math.round(dt.diff(luxonDay('2000-02-28'), 'days').days) + 1,
      );
      checked++;
    }
    expect(checked).toBe(11_345);
  });

  it('refuses days that are not dates', () => {
    for (const bad of ['2025-02-29', '2024-02-30', '2025-13-01', '2025-00-10', '2025-1-01', 'tomorrow']) {
      expect(() => addDays(bad, 1)).toThrow(`not a day: ${bad}`);
      expect(() => periodOf(bad, 'week')).toThrow(`not a day: ${bad}`);
      expect(() => daysBetween(bad, '2025-01-01')).toThrow('not a day');
    }
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(periodsBetween('2024-12-30', '2025-01-06', 'week')).toEqual(['2024-12-29', '2025-01-05']);
  });
});
