import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../support/fast-check.js';
import { addDays, daysBetween } from '../../src/reports/periods.js';
import { pieceBounds, planRange, wholeYears } from '../../src/reports/sums/range-plan.js';

/** Every day from..to, as the daily sums would read them. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const dayArb = fc.integer({ min: 0, max: 2 * 366 }).map((n) => addDays('2023-11-15', n));

describe('range planner', () => {
  it('reads a calendar year as its twelve months', () => {
    expect(planRange('2025-01-01', '2025-12-31')).toEqual(
      Array.from({ length: 12 }, (_, i) => ({
        kind: 'month',
        month: `2025-${String(i + 1).padStart(2, '0')}`,
      })),
    );
  });

  it('reads the edges of a rolling year from the days, the months between from the months', () => {
    expect(planRange('2025-03-15', '2026-03-14')).toEqual([
      { kind: 'days', from: '2025-03-15', to: '2025-03-31' },
      ...['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => ({
        kind: 'month',
        month: `2025-${m}`,
      })),
      { kind: 'month', month: '2026-01' },
      { kind: 'month', month: '2026-02' },
      { kind: 'days', from: '2026-03-01', to: '2026-03-14' },
    ]);
    expect(planRange('2024-02-01', '2024-02-29')).toEqual([{ kind: 'month', month: '2024-02' }]);
    expect(planRange('2025-02-01', '2025-02-27')).toEqual([
      { kind: 'days', from: '2025-02-01', to: '2025-02-27' },
    ]);
    expect(planRange('2025-01-31', '2025-02-01')).toEqual([
      { kind: 'days', from: '2025-01-31', to: '2025-02-01' },
    ]);
  });

  it('covers every range exactly: each day once, in order, nothing outside, whole months as months', () => {
    fc.assert(
      fc.property(dayArb, dayArb, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const pieces = planRange(from, to);
        const covered = pieces.flatMap((p) => {
          const { from: f, to: t } = pieceBounds(p);
          return days(f, t);
        });
        expect(covered).toEqual(days(from, to));
        expect(covered.length).toBe(daysBetween(from, to));
        for (const p of pieces.filter((x) => x.kind === 'days')) {
          // No whole month is left to the days, and at most one days piece per edge.
          const { from: f, to: t } = pieceBounds(p);
          const wholeMonthInside = days(f, t).some(
            (d) => d.endsWith('-01') && pieceBounds({ kind: 'month', month: d.slice(0, 7) }).to <= t,
          );
          expect(wholeMonthInside).toBe(false);
        }
        expect(pieces.filter((x) => x.kind === 'days').length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 150 },
    );
  });

  it('plans nothing for an empty range', () => {
    expect(planRange('2025-03-02', '2025-03-01')).toEqual([]);
  });

  it('names the calendar years a range covers whole, and only those', () => {
    expect(wholeYears(planRange('2025-01-01', '2025-12-31'))).toEqual(['2025']);
    expect(wholeYears(planRange('2024-01-01', '2026-01-31'))).toEqual(['2024', '2025']);
    expect(wholeYears(planRange('2025-01-02', '2025-12-31'))).toEqual([]);
    expect(wholeYears(planRange('2025-01-01', '2025-12-30'))).toEqual([]);
    expect(wholeYears(planRange('2024-03-01', '2025-02-28'))).toEqual([]);
  });
});
