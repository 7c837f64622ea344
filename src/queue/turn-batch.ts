// Why: docs/decisions/0006-ticket-events-accepted-then-applied.md
/**
 * Collects the calls made in one event-loop turn and hands them to `flush` together. Under load many
 * requests arrive in the same turn, and one round trip for all of them (a multi-document insert, a
 * pipelined `addBulk`) costs little more than one for each: group commit. Every caller still waits
 * for its own item, so nothing is acknowledged before it is stored.
 *
 * `flush` returns one result per item, in order; if it throws, every caller of the batch gets the
 * error (so each must be safe to retry: the callers here are idempotent by id).
 */
export function turnBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  opts: { max?: number } = {},
): (item: T) => Promise<R> {
  const max = opts.max ?? 500;
  let pending: { item: T; resolve: (result: R) => void; reject: (err: Error) => void }[] = [];
  const run = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      const results = await flush(batch.map((b) => b.item));
      if (results.length !== batch.length)
        throw new Error(`batch flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      batch.forEach((b) => b.reject(error));
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void run());
      pending.push({ item, resolve, reject });
      // A full batch goes now; the next caller starts another (its own setImmediate).
      if (pending.length >= max) void run();
    });
}
