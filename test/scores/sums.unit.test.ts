import { describe, expect, it } from 'vitest';
import {
  addScoreCounters,
  bucketId,
  bucketOf,
  partialSumsOf,
  storedSums,
} from '../../src/scores/sums/daily-sums.js';
import { addCell, cellOf, emptySums, mergeSums } from '../../src/scores/sums/partial-sums.js';

/** The pure pieces of the daily-sums bookkeeping that every score write goes through. */
describe('daily-sums buckets', () => {
  const score = { _id: 's1', day: '2025-03-01', agency: 'MOH', department: 'records', agentId: 'a1' };

  it('keys a bucket by day, agency, department and agent, the same for every writer', () => {
    expect(bucketOf(score)).toEqual({
      day: '2025-03-01',
      agency: 'MOH',
      department: 'records',
      agentId: 'a1',
    });
    expect(bucketId(bucketOf(score))).toBe('["2025-03-01","MOH","records","a1"]');
    expect(bucketId(bucketOf({ ...score, _id: 's2' }))).toBe(bucketId(bucketOf(score)));
  });

  it('refuses a score without a complete bucket, naming the score', () => {
    expect(() => bucketOf({ ...score, agentId: undefined })).toThrow(
      /score s1 has no complete daily-sums bucket/,
    );
    expect(() => bucketOf({ ...score, day: 20250301 })).toThrow(/s1/);
  });
});

describe('stored counters', () => {
  it('round-trips partial sums through their flat stored form, histograms included', () => {
    const sums = emptySums();
    addCell(sums, { solved: true, rating: 5, postCallRating: 2, sent: true, delivered: true, count: 3 });
    addCell(sums, { outcome: 'not_sampled', count: 2 });
    const stored = storedSums(sums);
    expect(stored).toMatchObject({ closures: 5, rating5: 3, postCall2: 3, notSampled: 2, rating1: 0 });
    expect(partialSumsOf(stored)).toEqual(sums);
    // A counter added later reads as 0 from a document written before it.
    expect(partialSumsOf({ closures: 1 })).toEqual({ ...emptySums(), closures: 1 });
  });

  it("adds a score's counters overall and on its answer channel, not on an unknown one", () => {
    const into: Record<string, number> = {};
    addScoreCounters({ ...cellScore, channel: 'sms' }, into);
    addScoreCounters({ ...cellScore, channel: 'fax' }, into);
    expect(into).toMatchObject({
      'all.closures': 2,
      'all.delivered': 2,
      'all.solvedYes': 2,
      'all.rating4': 2,
      'all.ratingSum': 8,
      'channels.sms.closures': 1,
      'channels.sms.rating4': 1,
    });
    expect(Object.keys(into).some((k) => k.startsWith('channels.fax'))).toBe(false);
    // Only counters a score adds to are written: zeros would be $inc-ed for nothing.
    expect(Object.values(into).every((n) => n > 0)).toBe(true);
  });

  it('counts a cell as the metrics do, and sums of cells add up', () => {
    const a = emptySums();
    addCell(a, cellOf({ s: false, r: 2, st: true, dl: true }, 4));
    const b = emptySums();
    addCell(b, cellOf({ st: true, dl: false, o: 'undeliverable' }, '3'));
    expect(mergeSums(a, b)).toMatchObject({
      closures: 7,
      sent: 7,
      delivered: 4,
      solvedNo: 4,
      undeliverable: 3,
    });
  });
});

const cellScore = {
  _id: 'c1',
  day: '2025-03-01',
  agency: 'MOH',
  department: 'records',
  agentId: 'a1',
  solved: true,
  rating: 4,
  sent: true,
  delivered: true,
};
