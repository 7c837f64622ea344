import { describe, expect, it } from 'vitest';
import { disputeFigures, median, shareOf, type DisputeRow } from '../../../src/reports/disputes/figures.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-30T12:00:00Z');

function row(over: Partial<DisputeRow> & { daysAgo: number; actDays?: number }): DisputeRow {
  const disputedAt = new Date(NOW.getTime() - over.daysAgo * DAY);
  return {
    ticketRef: over.ticketRef ?? `T-${over.daysAgo}`,
    closureNumber: 1,
    agency: 'a',
    department: 'd',
    agentId: 'x',
    disputedAt,
    deadlineAt: new Date(disputedAt.getTime() + (over.actDays ?? 7) * DAY),
    state: over.state ?? 'waiting',
    inTime: over.inTime ?? null,
    daysToAct: over.daysToAct ?? null,
  };
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, and null for none', () => {
    expect(median([])).toBeNull();
    expect(median([4])).toBe(4);
    expect(median([9, 1, 3])).toBe(3);
    expect(median([10, 1, 2, 4])).toBe(3);
  });
});

describe('shareOf', () => {
  it('carries n and the Wilson interval; no share and no interval at n = 0', () => {
    expect(shareOf(0, 0)).toEqual({ x: 0, n: 0, share: null, interval: null });
    const s = shareOf(8, 10);
    expect(s.share).toBe(0.8);
    // Wilson 95% for 8/10, computed by hand: 0.4902 to 0.9433.
    expect(s.interval?.low).toBeCloseTo(0.4902, 4);
    expect(s.interval?.high).toBeCloseTo(0.9433, 4);
  });
});

describe('disputeFigures', () => {
  const rows = [
    row({ ticketRef: 'IN-1', daysAgo: 20, state: 'verified_solved', inTime: true, daysToAct: 1 }),
    row({ ticketRef: 'IN-2', daysAgo: 15, state: 'closed_again', inTime: true, daysToAct: 3 }),
    row({ ticketRef: 'LATE', daysAgo: 30, state: 'disputed_again', inTime: false, daysToAct: 12 }),
    row({ ticketRef: 'OVERDUE', daysAgo: 9 }),
    row({ ticketRef: 'OLDEST', daysAgo: 40 }),
    row({ ticketRef: 'FRESH', daysAgo: 2 }),
  ];
  const f = disputeFigures(rows, NOW);

  it('counts a waiting dispute against the agency only once its deadline has passed', () => {
    expect(f.disputes).toBe(6);
    // In time: IN-1, IN-2; decided: those, LATE, OVERDUE, OLDEST (FRESH is still inside its 7 days).
    expect(f.actedInTime).toMatchObject({ x: 2, n: 5, share: 0.4 });
    expect(f.actedLate).toBe(1);
    expect(f.waiting).toBe(3);
  });

  it('shares later verified solved of all disputes, and the median days to act over the reopened', () => {
    expect(f.laterVerifiedSolved).toMatchObject({ x: 1, n: 6 });
    expect(f.disputedAgain).toBe(1);
    expect(f.medianDaysToAct).toBe(3);
  });

  it('lists the waiting ones oldest first, with whole days waiting and whether overdue', () => {
    expect(f.oldestWaiting).toEqual([
      {
        ticketRef: 'OLDEST',
        closureNumber: 1,
        disputedAt: rows[4]!.disputedAt.toISOString(),
        daysWaiting: 40,
        overdue: true,
      },
      {
        ticketRef: 'OVERDUE',
        closureNumber: 1,
        disputedAt: rows[3]!.disputedAt.toISOString(),
        daysWaiting: 9,
        overdue: true,
      },
      {
        ticketRef: 'FRESH',
        closureNumber: 1,
        disputedAt: rows[5]!.disputedAt.toISOString(),
        daysWaiting: 2,
        overdue: false,
      },
    ]);
    expect(disputeFigures(rows, NOW, 1).oldestWaiting.map((w) => w.ticketRef)).toEqual(['OLDEST']);
  });

  it('has no shares and no median without disputes', () => {
    expect(disputeFigures([], NOW)).toMatchObject({
      disputes: 0,
      actedInTime: { n: 0, share: null, interval: null },
      laterVerifiedSolved: { n: 0, share: null },
      medianDaysToAct: null,
      oldestWaiting: [],
    });
  });
});
