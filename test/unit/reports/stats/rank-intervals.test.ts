import { describe, expect, it } from 'vitest';
import {
  betaSampler,
  rankTable,
  ranksDistinct,
  seededRandom,
} from '../../../../src/reports/stats/rank-intervals.js';

describe('league order by the pessimistic bound, with 95% rank intervals', () => {
  const five = [57, 54, 45, 44, 20].map((count, i) => ({ key: `agent-${i + 1}`, count, n: 60 }));

  it('gives every group its own position, in the order of the Wilson lower bounds', () => {
    const table = rankTable([...five].reverse());
    expect(table.groups.map((g) => [g.key, g.rank])).toEqual([
      ['agent-1', 1],
      ['agent-2', 2],
      ['agent-3', 3],
      ['agent-4', 4],
      ['agent-5', 5],
    ]);
    const bounds = table.groups.map((g) => g.bound);
    expect([...bounds].sort((a, b) => b - a)).toEqual(bounds);
  });

  it('tells 57/60 apart from 45/60 and 20/60, and says 45/60 and 44/60 cannot be told apart', () => {
    const byKey = new Map(rankTable(five).groups.map((g) => [g.key, g.rankInterval]));
    const [a1, a3, a4, a5] = ['agent-1', 'agent-3', 'agent-4', 'agent-5'].map((k) => byKey.get(k)!);
    expect(ranksDistinct(a1!, a3!)).toBe(true);
    expect(ranksDistinct(a1!, a5!)).toBe(true);
    expect(ranksDistinct(a3!, a4!)).toBe(false);
    expect(a5).toEqual({ low: 5, high: 5 });
  });

  it('is reproducible: the same data gives the same intervals', () => {
    expect(rankTable(five)).toEqual(rankTable(five));
  });

  it('a high rate on few answers is listed below a slightly lower rate on many', () => {
    const table = rankTable([
      { key: 'few', count: 19, n: 20 },
      { key: 'many', count: 1800, n: 2000 },
    ]);
    expect(table.groups.map((g) => g.key)).toEqual(['many', 'few']);
    // …and its rank interval says it might be first.
    expect(table.groups[1]?.rankInterval.low).toBe(1);
  });

  it('orders lower-is-better rates by the upper bound', () => {
    const table = rankTable(
      [
        { key: 'a', count: 2, n: 10 },
        { key: 'b', count: 30, n: 200 },
      ],
      { lowerIsBetter: true },
    );
    expect(table.groups.map((g) => g.key)).toEqual(['b', 'a']);
  });

  it('draws from Beta(a, b) with the right mean and variance', () => {
    const draw = betaSampler(seededRandom(3));
    let s = 0;
    let s2 = 0;
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      const x = draw(46, 16);
      s += x;
      s2 += x * x;
    }
    const mean = s / N;
    expect(mean).toBeCloseTo(46 / 62, 3);
    expect(s2 / N - mean * mean).toBeCloseTo((46 * 16) / (62 * 62 * 63), 4);
  });
});
