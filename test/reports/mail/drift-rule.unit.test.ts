import { describe, expect, it } from 'vitest';
import {
  ALARM_TAIL,
  compareForDrift,
  driftWindow,
  episodeStep,
  FALSE_ALARMS_PER_GROUP_YEAR,
  FUNNEL_ALARM_TAIL,
  type EpisodeState,
} from '../../../src/reports/mail/alerts/drift-rule.js';
import { addDays } from '../../../src/reports/periods.js';

/** mulberry32: the same draws for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Daily checks of one group whose true rate is `p` against an agency rate `p0`, over `years`:
 * the episodes the rule opens, per year.
 */
function episodesPerYear(p: number, p0: number, years: number, seed: number): number {
  const draw = random(seed);
  const windowDays = 28;
  const clearDays = 7;
  const days: { count: number; n: number }[] = [];
  let state: EpisodeState | null = null;
  let opened = 0;
  let day = '2020-01-01';
  for (let d = 0; d < years * 365 + windowDays; d++) {
    const n = 5 + Math.floor(draw() * 11);
    let count = 0;
    for (let i = 0; i < n; i++) if (draw() < p) count += 1;
    days.push({ count, n });
    if (days.length > windowDays) days.shift();
    day = addDays(day, 1);
    if (d < windowDays) continue;
    const sum = days.reduce((s, x) => ({ count: s.count + x.count, n: s.n + x.n }), { count: 0, n: 0 });
    const [v] = compareForDrift([{ key: 'g', ...sum }], p0, 10).verdicts;
    const step = episodeStep(state, v?.outside ?? false, day, clearDays);
    if (step === 'open') opened += 1;
    if (step === 'open' || step === 'extend') state = { open: true, lastOutsideDay: day };
    if (step === 'close') state = { open: false, lastOutsideDay: state?.lastOutsideDay ?? day };
  }
  return opened / years;
}

describe('drift rule', () => {
  it('takes its level from the false alarms accepted per group and year, which is the funnel’s 99.8%', () => {
    expect(ALARM_TAIL).toBeCloseTo(0.001, 12);
    expect(ALARM_TAIL).toBeCloseTo(FUNNEL_ALARM_TAIL, 12);
    expect(FALSE_ALARMS_PER_GROUP_YEAR).toBeCloseTo(365 * FUNNEL_ALARM_TAIL, 12);
  });

  it('opens fewer false episodes than accepted for a group at its agency’s rate (simulated 400 years)', () => {
    const perYear = episodesPerYear(0.3, 0.3, 400, 7);
    // About 0.08 a year (p = 0.3, 5–15 answers a day): a run of days outside is one episode.
    expect(perYear).toBeLessThanOrEqual(FALSE_ALARMS_PER_GROUP_YEAR);
  });

  it('finds a group at twice its agency’s rate within the first window', () => {
    const perYear = episodesPerYear(0.6, 0.3, 2, 11);
    expect(perYear).toBeGreaterThan(0);
  });

  it('places only groups above the upper limit outside, on enough answers', () => {
    const { verdicts } = compareForDrift(
      [
        { key: 'high', count: 60, n: 100 },
        { key: 'usual', count: 31, n: 100 },
        { key: 'low', count: 5, n: 100 },
        { key: 'tiny', count: 4, n: 4 },
      ],
      0.3,
      10,
    );
    const outside = Object.fromEntries(verdicts.map((v) => [v.key, v.outside]));
    expect(outside).toEqual({ high: true, usual: false, low: false, tiny: false });
    const high = verdicts.find((v) => v.key === 'high');
    expect(high?.limit).toBeGreaterThan(0.3);
    expect(high?.limit).toBeLessThan(0.6);
    expect(high?.interval?.low).toBeGreaterThan(0.5);
  });

  it('keeps an episode open until the group has been inside for the clearing run of days', () => {
    const open = { open: true, lastOutsideDay: '2026-11-10' };
    expect(episodeStep(null, true, '2026-11-10', 7)).toBe('open');
    expect(episodeStep({ open: false, lastOutsideDay: '2026-10-01' }, true, '2026-11-10', 7)).toBe('open');
    expect(episodeStep(open, true, '2026-11-11', 7)).toBe('extend');
    expect(episodeStep(open, false, '2026-11-16', 7)).toBe('none');
    expect(episodeStep(open, false, '2026-11-17', 7)).toBe('close');
    expect(episodeStep(null, false, '2026-11-18', 7)).toBe('none');
  });

  it('reads the complete days before the check', () => {
    expect(driftWindow('2026-12-06', 28)).toEqual({ from: '2026-11-08', to: '2026-12-05' });
  });
});
