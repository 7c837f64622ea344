import mongoose from 'mongoose';

/**
 * Whether an error means Redis or MongoDB cannot be reached right now (a restart, a failover), as
 * opposed to a fault of ours. Such a request is answered 503 with Retry-After, so the ticket system
 * retries it; the same eventId then changes nothing that already landed.
 */
export function isBackendUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { mongo } = mongoose;
  if (
    err instanceof mongo.MongoNetworkError ||
    err instanceof mongo.MongoServerSelectionError ||
    err instanceof mongo.MongoNotConnectedError ||
    err instanceof mongo.MongoTopologyClosedError
  )
    return true;
  // ioredis: a fail-fast producer connection refuses commands while it reconnects.
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|CLUSTERDOWN|TRYAGAIN/.test(
    err.message,
  );
}
