import { describe, expect, it } from 'vitest';
import { compareGroups, comparisonsComputed } from '../../../src/reports/stats/comparison.js';
import { funnelLimitsAt } from '../../../src/reports/stats/funnel.js';

// Issue 25 leftovers, item 6: the dashboard compared the same groups (funnel limits and the rank
// simulation) on every request. The same groups, counts and n give the same comparison (the draws are
// seeded), so it is computed once and reused until the sums behind it change.
describe('the comparison of groups is computed once per set of figures', () => {
  const groups = [
    { key: 'a', count: 57, n: 60, lowN: false },
    { key: 'b', count: 45, n: 60, lowN: false },
    { key: 'c', count: 20, n: 60, lowN: false },
  ];

  it('reuses the comparison of the same figures and recomputes when one changes', () => {
    const before = comparisonsComputed();
    const first = compareGroups(groups);
    const again = compareGroups(groups.map((g) => ({ ...g })));
    expect(comparisonsComputed() - before).toBe(1);
    expect([...again.byKey.entries()]).toEqual([...first.byKey.entries()]);
    expect(again.summary).toEqual(first.summary);

    const changed = compareGroups(groups.map((g) => (g.key === 'c' ? { ...g, count: 21 } : g)));
    expect(comparisonsComputed() - before).toBe(2);
    expect(changed.byKey.get('c')?.funnel?.z).not.toBe(first.byKey.get('c')?.funnel?.z);
  });
});

describe('funnel limits are computed once per n, target and overdispersion', () => {
  it('returns the limits already computed for the same n, target and τ²', () => {
    const first = funnelLimitsAt(137, 0.61, 0.002);
    expect(funnelLimitsAt(137, 0.61, 0.002)).toBe(first);
    expect(funnelLimitsAt(138, 0.61, 0.002)).not.toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
