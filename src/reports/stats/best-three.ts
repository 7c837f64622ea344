import type { Metrics } from '../sums/metrics.js';
import { compareProportions, type DifferenceTest } from './intervals.js';
import { compareGroups, type GroupComparison } from './comparison.js';

/**
 * The public board's award: the (at most) three agencies whose verified resolution rate improved
 * most over the previous period, counting only improvements that are significant at 95%.
 *
 * The test: for each agency with at least the minimum n of answers in both periods, Newcombe's
 * hybrid score interval for (this period's rate − the previous period's rate) is computed
 * (intervals.ts, compareProportions). The improvement is significant when that interval lies
 * wholly above 0. Significant agencies are ordered by the interval's lower bound (the improvement
 * we can be 95% sure of), then by the observed improvement, then by code, and the first three are
 * named. When fewer than three qualify the board names those and says so: it never fills the
 * places with improvements that chance could explain.
 *
 * The award reads the same comparison as every table (comparison.ts): an agency that improved
 * significantly but is still *below expected* on the current period's funnel plot is not named (a
 * ministry would be praising a sector that remains among the worst), and is listed as such; every
 * winner carries its current position, rank interval and funnel label.
 */

export type AwardUnit = 'year' | 'quarter';

export interface AwardPeriod {
  unit: AwardUnit;
  /** "2025" or "2025-Q3". */
  label: string;
  from: string;
  to: string;
  previous: { label: string; from: string; to: string };
}

export interface Improvement {
  agency: string;
  current: { yes: number; n: number };
  previous: { yes: number; n: number };
  test: DifferenceTest;
  /** The agency in the current period's comparison of all agencies. */
  comparison: GroupComparison;
}

export interface BestThree {
  period: AwardPeriod;
  /** Agencies with the minimum n in both periods: the ones tested. */
  tested: number;
  /** The significant improvements, best first, at most three. */
  winners: Improvement[];
  /** Fewer than three agencies improved significantly. */
  fewerThanThree: boolean;
  /** Improved significantly, but still below expected on the current funnel: not named. */
  belowExpected: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function quarterOf(year: number, q: number): { label: string; from: string; to: string } {
  const firstMonth = (q - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return {
    label: `${year}-Q${q}`,
    from: `${year}-${pad(firstMonth)}-01`,
    to: `${year}-${pad(lastMonth)}-${pad(lastDay)}`,
  };
}

/** The last complete calendar year or quarter before the local day `today`, and the one before it. */
export function lastCompletePeriod(unit: AwardUnit, today: string): AwardPeriod {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  if (unit === 'year') {
    const y = year - 1;
    return {
      unit,
      label: String(y),
      from: `${y}-01-01`,
      to: `${y}-12-31`,
      previous: { label: String(y - 1), from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
    };
  }
  const currentQ = Math.floor((month - 1) / 3) + 1;
  const [y, q] = currentQ === 1 ? [year - 1, 4] : [year, currentQ - 1];
  const [py, pq] = q === 1 ? [y - 1, 4] : [y, q - 1];
  return { unit, ...quarterOf(y, q), previous: quarterOf(py, pq) };
}

export interface AgencyPeriodFigures {
  agency: string;
  metrics: Metrics;
  lowN: boolean;
}

export function bestThree(
  period: AwardPeriod,
  current: readonly AgencyPeriodFigures[],
  previous: readonly AgencyPeriodFigures[],
): BestThree {
  const before = new Map(previous.map((p) => [p.agency, p]));
  const { byKey } = compareGroups(
    current.map((c) => ({
      key: c.agency,
      count: c.metrics.verifiedResolutionRate.count,
      n: c.metrics.verifiedResolutionRate.n,
      lowN: c.lowN,
    })),
  );
  const tested: Improvement[] = [];
  for (const now of current) {
    const then = before.get(now.agency);
    if (!then || now.lowN || then.lowN) continue;
    const a = now.metrics.verifiedResolutionRate;
    const b = then.metrics.verifiedResolutionRate;
    const test = compareProportions(a.count, a.n, b.count, b.n);
    if (!test) continue;
    tested.push({
      agency: now.agency,
      current: { yes: a.count, n: a.n },
      previous: { yes: b.count, n: b.n },
      test,
      comparison: byKey.get(now.agency) ?? { rank: null, rankInterval: null, funnel: null },
    });
  }
  const isBelow = (t: Improvement) => t.comparison.funnel?.band === 'below';
  const belowExpected = tested
    .filter((t) => t.test.higher && isBelow(t))
    .map((t) => t.agency)
    .sort();
  const winners = tested
    .filter((t) => t.test.higher && !isBelow(t))
    .sort(
      (a, b) =>
        b.test.interval.low - a.test.interval.low ||
        b.test.difference - a.test.difference ||
        a.agency.localeCompare(b.agency),
    )
    .slice(0, 3);
  return { period, tested: tested.length, winners, fewerThanThree: winners.length < 3, belowExpected };
}
