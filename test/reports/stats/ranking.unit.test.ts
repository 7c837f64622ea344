import { describe, expect, it } from 'vitest';
import { computeMetrics, isLowN, rankGroups } from '../../../src/reports/sums/metrics.js';
import { emptySums } from '../../../src/scores/sums/partial-sums.js';

/** The Wilson bounds written out again here, so the ranking is checked against an independent formula. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.96;
  const p = x / n;
  const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const h = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [c - h, c + h];
}

function group(key: string, yes: number, no: number, minN = 10) {
  const sums = emptySums();
  sums.closures = sums.sent = sums.delivered = sums.answers = sums.solvedAnswered = yes + no;
  sums.solvedYes = yes;
  sums.solvedNo = no;
  const metrics = computeMetrics(sums);
  return { key, metrics, lowN: isLowN(metrics, minN), rank: null as number | null, tied: false };
}

describe('honest ranking', () => {
  it('orders by the lower bound, not the point estimate', () => {
    // 95% of 20 beats 90% of 2,000 on the point estimate, but its lower bound is far lower.
    const groups = rankGroups([group('few', 19, 1), group('many', 1800, 200), group('poor', 200, 800)]);
    const [fewLow] = wilson(19, 20);
    const [manyLow, manyHigh] = wilson(1800, 2000);
    const [, poorHigh] = wilson(200, 1000);
    expect(fewLow).toBeLessThan(manyLow);
    // "few" overlaps "many" (its upper bound is above many's lower bound): shown as not distinguishable.
    expect(wilson(19, 20)[1]).toBeGreaterThan(manyLow);
    expect(poorHigh).toBeLessThan(fewLow);
    expect(manyHigh).toBeGreaterThan(fewLow);
    expect(groups.map((g) => [g.key, g.rank, g.tied])).toEqual([
      ['few', 1, true],
      ['many', 1, true],
      ['poor', 3, false],
    ]);
  });

  it('gives distinguishable groups distinct ranks and never ranks a low-n group', () => {
    const groups = rankGroups([
      group('a', 90, 10),
      group('b', 60, 40),
      group('c', 20, 80),
      group('tiny', 5, 0),
    ]);
    const [aLow] = wilson(90, 100);
    const [bLow, bHigh] = wilson(60, 100);
    const [, cHigh] = wilson(20, 100);
    expect(bHigh).toBeLessThan(aLow);
    expect(cHigh).toBeLessThan(bLow);
    expect(groups.map((g) => [g.key, g.rank, g.tied])).toEqual([
      ['a', 1, false],
      ['b', 2, false],
      ['c', 3, false],
      ['tiny', null, false],
    ]);
  });

  it('ranks a lower-is-better rate by its upper bound, lowest first', () => {
    const groups = rankGroups(
      [group('a', 90, 10), group('b', 60, 40), group('c', 20, 80)],
      'falseClosureRate',
    );
    expect(groups.map((g) => [g.key, g.rank])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('lets a run of overlapping neighbours share one rank', () => {
    // 72%, 62%, 52% of 100: each overlaps the next, the first and last do not overlap each other.
    const groups = rankGroups([
      group('x', 72, 28),
      group('y', 62, 38),
      group('z', 52, 48),
      group('w', 10, 90),
    ]);
    expect(wilson(52, 100)[1]).toBeLessThan(wilson(72, 100)[0]);
    expect(wilson(62, 100)[0]).toBeLessThan(wilson(72, 100)[1]);
    expect(wilson(52, 100)[1]).toBeGreaterThan(wilson(62, 100)[0]);
    expect(groups.map((g) => [g.key, g.rank, g.tied])).toEqual([
      ['x', 1, true],
      ['y', 1, true],
      ['z', 1, true],
      ['w', 4, false],
    ]);
  });
});
