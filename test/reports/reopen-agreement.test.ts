import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integritySignals } from '../../src/reports/integrity/signals.js';
import { buildSummary } from '../../src/reports/sums/aggregate.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { buildScores } from './dataset.js';

/**
 * The reopen figures are defined once: the chain of counts' "reopened before asking" and the integrity
 * signal "Reopened within N days" count the same closures, so the funnel's −5 and the auditors' page
 * can no longer say 5 and 0.0% (the month demo's records carry the reopen on the follow-up's outcome
 * only). Reopens after asking (from the tickets) add to the signal, never to the chain.
 */

const JULY = { from: '2025-07-01', to: '2025-07-31' };
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
  const base = {
    agency: 'WATER',
    department: 'network',
    agent: 'r1',
    closedAtUtc: '2025-07-06T07:00:00Z',
    day: '2025-07-06',
  };
  await system.ctx.models.VerifiedScore.insertMany(
    buildScores([
      { ...base, count: 5, outcome: 'cancelled_reopened' },
      { ...base, count: 15, outcome: 'confirmed_solved', sent: true, delivered: true, solved: true },
    ]),
  );
  await rebuildDailySums(system.ctx.models);
});
afterAll(async () => {
  await system?.stop();
});

describe('reopen figures', () => {
  it('agree between the chain of counts and the integrity signal', async () => {
    const summary = await buildSummary(system.ctx.models, JULY, 'agent', 10);
    const chainReopened = summary.groups.find((g) => g.key === 'r1')?.metrics.chain.drops.reopened;
    expect(chainReopened).toBe(5);
    const report = await integritySignals(system.ctx.models, JULY, {
      timeZone: system.ctx.config.timeZone,
      reopenDays: 7,
    });
    const signal = report.agents.find((a) => a.key === 'r1')?.signals.find((s) => s.key === 'reopened');
    expect({ count: signal?.count, n: signal?.n }).toEqual({ count: 5, n: 20 });
    const dept = report.departments[0]?.signals.find((s) => s.key === 'reopened');
    expect(dept?.count).toBe(5);
  });
});
