/** How the retention purge sizes its batches: the write time aimed at, and the bounds of a batch. */
export interface BatchPace {
  /** What one batch's write should take, in ms; 0 turns pacing off (every batch is `max`). */
  targetMs: number;
  min: number;
  max: number;
}

/**
 * The smallest batch a paced purge writes: below it the round trips and the run record's update
 * cost more than the records, and a slow store would make the purge crawl (one record a write)
 * rather than keep its latency, which no batch size can then buy.
 */
export const MIN_BATCH = 10;
/** How much a batch may grow after a fast write: gently, so one misjudged write is a small one. */
const GROWTH = 1.5;

export function batchPace(config: { batchSize: number; batchTargetMs: number }): BatchPace {
  return {
    targetMs: config.batchTargetMs,
    min: Math.min(MIN_BATCH, config.batchSize),
    max: config.batchSize,
  };
}

/**
 * A kind's first batch: the minimum, since the cost of a record differs by collection (a
 * follow-up's 18 indexes, a contact's deletion), and what the last kind learnt says little.
 */
export function firstBatchSize(pace: BatchPace): number {
  return pace.targetMs > 0 ? pace.min : pace.max;
}

// Why: docs/decisions/0030-retention-batches-paced-by-time.md
/**
 * The next batch's size after a write of `written` records that took `writeMs`: the number that
 * would have taken `targetMs` at that write's cost per record, at once if that is smaller (a slow
 * write is not repeated), by at most half again if larger; within [min, max]. A write too quick to
 * time says only that it was fast; one of no records says nothing.
 */
export function nextBatchSize(pace: BatchPace, current: number, written: number, writeMs: number): number {
  if (!(pace.targetMs > 0)) return pace.max;
  const clamp = (n: number) =>
    // The small epsilon keeps an exact fit (8 ms for 40 records at 0.2 ms) from rounding down.
    Math.min(pace.max, Math.max(pace.min, Math.floor(n + 1e-6)));
  const size = Number.isFinite(current) ? current : pace.min;
  if (!(written > 0)) return clamp(size);
  const fits = writeMs > 0 ? (pace.targetMs * written) / writeMs : Number.POSITIVE_INFINITY;
  const grown = Math.max(size + 1, size * GROWTH);
  return clamp(Math.min(fits, grown));
}
