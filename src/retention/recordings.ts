import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context.js';

/** What became of each recording: deleted at Twilio (or already gone there), or still held. */
export interface RecordingDeletes {
  deleted: Set<string>;
  failed: Set<string>;
}

const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 500;
/** Deletes in flight at once; the rate limit spaces their starts. */
const IN_FLIGHT = 4;

/**
 * Deletes call recordings at Twilio (`DELETE …/Recordings/{sid}`, through the SDK), at most
 * RETENTION_RECORDING_DELETES_PER_SECOND, each retried with backoff on 429, 5xx and network errors.
 * A 404 means Twilio no longer holds it: as good as deleted. A recording that still fails is left
 * out of `deleted`, so its reference is kept and the next run tries it again. An abort stops it
 * starting more deletes but returns those done, so their references go and none is deleted twice.
 */
export async function deleteRecordings(
  ctx: AppContext,
  sids: string[],
  signal?: AbortSignal,
): Promise<RecordingDeletes> {
  const spacingMs = 1000 / ctx.config.retention.recordingDeletesPerSecond;
  let nextStart = Date.now();
  const deleted = new Set<string>();
  const failed = new Set<string>();
  let next = 0;
  const slot = async () => {
    const wait = nextStart - Date.now();
    nextStart = Math.max(Date.now(), nextStart) + spacingMs;
    if (wait > 0) await sleep(wait);
  };
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, sids.length) }, async () => {
      while (next < sids.length && !signal?.aborted) {
        const sid = sids[next++]!;
        const outcome = await deleteOne(ctx, sid, slot, signal);
        if (outcome === 'deleted') deleted.add(sid);
        else if (outcome === 'failed') failed.add(sid);
      }
    }),
  );
  return { deleted, failed };
}

async function deleteOne(
  ctx: AppContext,
  sid: string,
  slot: () => Promise<void>,
  signal?: AbortSignal,
): Promise<'deleted' | 'failed' | 'stopped'> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return 'stopped';
    await slot();
    try {
      await ctx.twilio.recordings(sid).remove();
      return 'deleted';
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (status === 404) return 'deleted';
      const retryable = typeof status !== 'number' || status === 429 || status >= 500;
      if (!retryable || attempt >= ATTEMPTS) {
        // The sid names a recording, not a person; the error says why Twilio refused.
        ctx.log.warn(
          { err, recordingSid: sid, attempt },
          'retention purge: a recording could not be deleted at Twilio; kept for the next run',
        );
        return 'failed';
      }
      await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}
