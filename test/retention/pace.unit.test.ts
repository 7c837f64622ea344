import { describe, expect, it } from 'vitest';
import { batchPace, firstBatchSize, nextBatchSize, type BatchPace } from '../../src/retention/pace.js';

// Issue 29, item 3: the purge's batches are sized so one write takes about RETENTION_BATCH_TARGET_MS
// (a webhook arriving during a write on a store that holds the collection waits at most that).
const pace: BatchPace = { targetMs: 8, min: 10, max: 2000 };

/** Runs `batches` batches whose write costs `fixedMs + perDocMs` per record; the sizes asked. */
function simulate(
  p: BatchPace,
  perDocMs: number,
  fixedMs: number,
  batches: number,
  start = firstBatchSize(p),
) {
  const sizes = [start];
  let size = start;
  for (let i = 0; i < batches; i++) {
    size = nextBatchSize(p, size, size, fixedMs + perDocMs * size);
    sizes.push(size);
  }
  return sizes;
}

describe('the purge batch pace', () => {
  it('starts at the minimum and converges to the size whose write takes the target, for a steady cost', () => {
    // mongo-java-server's measured cost on followups: about 0.2 ms a record, plus a round trip.
    const sizes = simulate(pace, 0.2, 0.5, 40);
    expect(sizes[0]).toBe(10);
    const settled = sizes.slice(-10);
    // (8 - 0.5) / 0.2 = 37.5 records: the largest whole batch within the target.
    for (const size of settled) {
      expect(size).toBe(37);
      expect(0.5 + 0.2 * size).toBeLessThanOrEqual(pace.targetMs);
    }
    // Without a fixed part the fit is exact, whatever the rounding of the division.
    expect(simulate(pace, 0.2, 0, 40).slice(-5)).toEqual([40, 40, 40, 40, 40]);
    expect(simulate({ targetMs: 10, min: 10, max: 2000 }, 0.1, 0, 40).slice(-5)).toEqual([
      100, 100, 100, 100, 100,
    ]);
  });

  it('grows gently: at most half again a batch, so a cheaper kind is reached in steps', () => {
    const sizes = simulate(pace, 0.0001, 0, 30);
    for (let i = 1; i < sizes.length; i++)
      expect(sizes[i]!).toBeLessThanOrEqual(Math.max(sizes[i - 1]! * 1.5, sizes[i - 1]! + 1));
    expect(sizes.at(-1)).toBe(2000);
    // From a minimum of 1, it still grows (half of 1 is not a record).
    expect(nextBatchSize({ targetMs: 8, min: 1, max: 100 }, 1, 1, 0.01)).toBe(2);
  });

  it('shrinks at once after a slow write, to the size that would have taken the target', () => {
    const settled = simulate(pace, 0.2, 0, 40).at(-1)!;
    expect(settled).toBe(40);
    // One write of the 40 took 80 ms (a pause of the store, another writer): the next batch is a
    // tenth, not a step down.
    expect(nextBatchSize(pace, 40, 40, 80)).toBe(10);
    expect(nextBatchSize({ ...pace, min: 1 }, 40, 40, 80)).toBe(4);
    // Slower than the target by a little: just under.
    expect(nextBatchSize(pace, 40, 40, 10)).toBe(32);
    // From the maximum, a write of 0.4 s (2,000 records at 0.2 ms) drops to what fits the target.
    expect(nextBatchSize(pace, 2000, 2000, 400)).toBe(40);
  });

  it('sizes by the records written, not the records asked (a short or filtered batch)', () => {
    // Asked 100, wrote 20 (recordings Twilio kept), in 8 ms: 0.4 ms a record, so 20 fit the target.
    expect(nextBatchSize(pace, 100, 20, 8)).toBe(20);
    // Nothing written: nothing learnt, the size stays.
    expect(nextBatchSize(pace, 100, 0, 0)).toBe(100);
  });

  it('never leaves [min, max], and a zero, tiny or unmeasurable duration does not explode the size', () => {
    expect(nextBatchSize(pace, 10, 10, 0)).toBe(15);
    expect(nextBatchSize(pace, 10, 10, 1e-9)).toBe(15);
    expect(nextBatchSize(pace, 10, 10, Number.NaN)).toBe(15);
    expect(nextBatchSize(pace, 1900, 1900, 0)).toBe(2000);
    expect(nextBatchSize(pace, 10, 10, 1e9)).toBe(10);
    expect(nextBatchSize(pace, 10, 10, Number.POSITIVE_INFINITY)).toBe(10);
    // A seeded walk through writes of every kind.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const durations = [0, 1e-6, 0.05, 1, 8, 30, 500, Number.NaN];
    let size = firstBatchSize(pace);
    for (let i = 0; i < 5000; i++) {
      const written = random() < 0.1 ? 0 : Math.ceil(random() * size);
      const ms = random() < 0.5 ? durations[Math.floor(random() * durations.length)]! : random() * 50;
      size = nextBatchSize(pace, size, written, ms);
      expect(Number.isInteger(size)).toBe(true);
      expect(size).toBeGreaterThanOrEqual(pace.min);
      expect(size).toBeLessThanOrEqual(pace.max);
    }
  });

  it('is off at a target of 0: every batch is RETENTION_BATCH_SIZE, as before pacing', () => {
    const off = batchPace({ batchSize: 2000, batchTargetMs: 0 });
    expect(firstBatchSize(off)).toBe(2000);
    expect(nextBatchSize(off, 2000, 2000, 400)).toBe(2000);
    expect(nextBatchSize(off, 2000, 2000, 0)).toBe(2000);
  });

  it('takes the configured size as the maximum, and a minimum no larger than it', () => {
    expect(batchPace({ batchSize: 2000, batchTargetMs: 8 })).toEqual({ targetMs: 8, min: 10, max: 2000 });
    // A configured size below the usual minimum: every batch is that size.
    const tiny = batchPace({ batchSize: 4, batchTargetMs: 8 });
    expect(tiny).toEqual({ targetMs: 8, min: 4, max: 4 });
    expect(simulate(tiny, 5, 0, 5)).toEqual([4, 4, 4, 4, 4, 4]);
  });
});
