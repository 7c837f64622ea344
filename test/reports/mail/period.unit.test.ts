import { describe, expect, it } from 'vitest';
import {
  lastCompletePeriod,
  previousPeriod,
  reportPeriod,
} from '../../../src/reports/mail/periodic/period.js';

describe('report periods', () => {
  it('a week runs Sunday to Saturday, labelled by its Sunday; a month is the calendar month', () => {
    expect(reportPeriod('weekly_report', '2026-11-29')).toEqual({
      kind: 'weekly_report',
      label: '2026-11-29',
      from: '2026-11-29',
      to: '2026-12-05',
    });
    expect(reportPeriod('monthly_report', '2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(() => reportPeriod('weekly_report', '2026-11-30')).toThrow(/Sunday/);
    expect(() => reportPeriod('monthly_report', '2026-13')).toThrow(/month/);
  });

  it('the period before is the week before or the month before', () => {
    expect(previousPeriod(reportPeriod('weekly_report', '2026-01-04')).label).toBe('2025-12-28');
    expect(previousPeriod(reportPeriod('monthly_report', '2026-01'))).toMatchObject({
      label: '2025-12',
      from: '2025-12-01',
      to: '2025-12-31',
    });
  });

  it('a report sent on Sunday 07:00 or the 1st at 07:00 Riyadh time is about the whole period just ended', () => {
    // Sunday 6 December 2026, 07:00 in Riyadh (04:00 UTC).
    const sunday = new Date('2026-12-06T04:00:00Z');
    expect(lastCompletePeriod('weekly_report', 'Asia/Riyadh', sunday)).toMatchObject({
      from: '2026-11-29',
      to: '2026-12-05',
    });
    // 1 December 07:00 in Riyadh is still 30 November in UTC: the local day decides.
    const first = new Date('2026-11-30T22:30:00Z');
    expect(lastCompletePeriod('monthly_report', 'Asia/Riyadh', first).label).toBe('2026-11');
    expect(lastCompletePeriod('monthly_report', 'UTC', first).label).toBe('2026-10');
  });
});
