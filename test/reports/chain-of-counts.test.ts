import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, buildSummaryFromRecords } from '../../src/reports/sums/aggregate.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

let system: TestSystem;
let token: string;

/**
 * One agency's month with every way a closure leaves the chain. The expected chain is counted by
 * hand from this table: 43 closures; 10 not sampled → 33 sampled; 3 skipped for recent contact,
 * 2 reopened, 1 opted out before asking, 4 still waiting → 23 asked (2 of them refused by Twilio at
 * sending: an attempt to ask, never "not yet asked"); 3 undeliverable after sending and 2 refused,
 * 2 with no receipt → 16 delivered (an answer without a receipt counts as delivered); 6 no response
 * and 1 opted out after delivery → 9 answered.
 */
const ROWS: { n: number; outcome?: string; sent?: boolean; delivered?: boolean; solved?: boolean }[] = [
  { n: 10, outcome: 'not_sampled' },
  { n: 3, outcome: 'skipped_recent_contact' },
  { n: 2, outcome: 'cancelled_reopened' },
  { n: 1, outcome: 'opted_out' },
  { n: 4 },
  { n: 3, outcome: 'undeliverable', sent: true },
  // Refused by Twilio when sending (21211): the score ends undeliverable without ever being sent.
  { n: 2, outcome: 'undeliverable' },
  { n: 2, sent: true },
  { n: 6, outcome: 'no_response', sent: true, delivered: true },
  { n: 1, outcome: 'opted_out', sent: true, delivered: true },
  { n: 5, outcome: 'confirmed_solved', sent: true, delivered: true, solved: true },
  { n: 3, outcome: 'disputed', sent: true, delivered: true, solved: false },
  { n: 1, outcome: 'confirmed_solved', sent: true, solved: true },
];

beforeAll(async () => {
  system = await startTestSystem();
  let i = 0;
  const docs = ROWS.flatMap((r) =>
    Array.from({ length: r.n }, () => {
      i += 1;
      return {
        ticketRef: `C-${i}`,
        closureNumber: 1,
        agency: 'MOMAH',
        department: 'roads',
        agentId: 'a1',
        closedAt: new Date('2025-05-10T09:00:00Z'),
        day: '2025-05-10',
        sent: r.sent ?? false,
        delivered: r.delivered ?? false,
        ...(r.outcome ? { outcome: r.outcome } : {}),
        ...(r.solved !== undefined ? { solved: r.solved, answeredAt: new Date('2025-05-12T09:00:00Z') } : {}),
      };
    }),
  );
  await system.ctx.models.VerifiedScore.insertMany(docs);
  await rebuildDailySums(system.ctx.models);
  token = await system.token('admin');
});
afterAll(async () => {
  await system?.stop();
});

const EXPECTED = {
  closures: 43,
  sampled: 33,
  asked: 23,
  delivered: 16,
  answered: 9,
  drops: {
    notSampled: 10,
    tooOld: 0,
    skippedRecentContact: 3,
    reopened: 2,
    optedOut: 1,
    notYetAsked: 4,
    undeliverable: 5,
    deliveryUnconfirmed: 2,
    noAnswer: 7,
  },
};

describe('chain of counts', () => {
  it('is published beside the score with every reason for a drop', async () => {
    const res = await system.api('/api/reports/summary?from=2025-05-01&to=2025-05-31&groupBy=agency', {
      token,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      overall: { chainOfCounts: typeof EXPECTED };
      groups: { chainOfCounts: typeof EXPECTED }[];
    };
    expect(body.overall.chainOfCounts).toEqual(EXPECTED);
    expect(body.groups[0]?.chainOfCounts).toEqual(EXPECTED);
  });

  it('reads the same from the per-day sums as from the records, after a rebuild', async () => {
    const filter = { from: '2025-05-01', to: '2025-05-31' };
    const fromSums = await buildSummary(system.ctx.models, filter, null, 10);
    const fromRecords = await buildSummaryFromRecords(system.ctx.models, filter, null, 10);
    expect(fromSums.overall.metrics.chain).toEqual(EXPECTED);
    expect(fromRecords.overall.metrics.chain).toEqual(EXPECTED);
  });

  it('moves a closure along the chain when its score changes, without a rebuild', async () => {
    const { countScore, SCORE_SUMS_FIELDS, SUMS_PENDING } =
      await import('../../src/scores/sums/daily-sums.js');
    const score = await system.ctx.models.VerifiedScore.collection.findOneAndUpdate(
      { ticketRef: 'C-17' }, // one of the four still waiting (rows 17–20)
      { $set: { sent: true, ...SUMS_PENDING }, $inc: { sumsRev: 1 } },
      { projection: SCORE_SUMS_FIELDS, returnDocument: 'after' },
    );
    expect(score).not.toBeNull();
    await countScore(system.ctx, score!);
    const s = await buildSummary(system.ctx.models, { from: '2025-05-01', to: '2025-05-31' }, null, 10);
    expect(s.overall.metrics.chain).toMatchObject({
      asked: 24,
      drops: { notYetAsked: 3, deliveryUnconfirmed: 3 },
    });
  });
});
