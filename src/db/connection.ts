import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../log.js';
import { createModels, type Models } from './models/index.js';

export interface Database {
  conn: Connection;
  models: Models;
  close(): Promise<void>;
}

/** Bounds each step of a server check (TCP connect, then the hello), so a check ends within two. */
const CONNECT_TIMEOUT_MS = 10_000;

export async function connectDatabase(
  uri: string,
  opts: { dbName?: string; log?: Logger } = {},
): Promise<Database> {
  const conn = mongoose.createConnection(uri, {
    dbName: opts.dbName,
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // A request must fail fast when MongoDB is down instead of queueing behind a dead connection.
    bufferCommands: false,
    autoIndex: false,
    // Mongoose would otherwise create every model's collection at once, in the background; on
    // mongo-java-server's H2 store that raced about once in seven fresh starts. Done below instead.
    autoCreate: false,
  });
  await conn.asPromise();
  const stopWatch = reconnectWhenMonitorHangs(conn, opts.log);
  const models = createModels(conn);
  // One model at a time: its collection (Mongoose tolerates "already exists", code 48), then its
  // indexes, so a unique index that cannot be built is an error at start-up, not at the first write.
  for (const [name, model] of Object.entries(models)) {
    try {
      await model.createCollection();
      await model.createIndexes();
    } catch (err) {
      throw new Error(
        `could not create the ${name} collection (${model.collection.collectionName}) or its indexes: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    }
  }
  return {
    conn,
    models,
    close: async () => {
      stopWatch();
      await conn.close();
    },
  };
}

/**
 * The driver's server monitor can stop for good (mongodb 7.8, polling, as against mongo-java-server,
 * which has no topologyVersion): a hello written to a socket that MongoDB closed a moment before waits
 * for a 'drain' that a destroyed socket never emits, so that check never ends and no later check
 * starts. The server stays Unknown with the last pool error and every operation fails server
 * selection, long after MongoDB is back. A true check ends within two CONNECT_TIMEOUT_MS (connect,
 * then the hello); one still open after three is hung, and reconnecting the client starts a fresh
 * monitor. Mongoose keeps the same client object, so models and listeners carry over.
 */
function reconnectWhenMonitorHangs(conn: Connection, log: Logger | undefined): () => void {
  const client = conn.getClient();
  // Per server: a replica set's members are checked side by side, and one member's finished check
  // must not hide another's hung one.
  const checksOpen = new Map<string, number>();
  let reconnecting = false;
  let stopped = false;
  client.on('serverHeartbeatStarted', (e) => {
    checksOpen.set(e.connectionId, Date.now());
  });
  const checkEnded = (e: { connectionId: string }) => {
    checksOpen.delete(e.connectionId);
  };
  client.on('serverHeartbeatSucceeded', checkEnded);
  client.on('serverHeartbeatFailed', checkEnded);
  const oldestOpenCheck = () => Math.min(Infinity, ...checksOpen.values());
  const reconnect = async () => {
    reconnecting = true;
    try {
      await client.close();
      // The database was closed meanwhile (shutdown): it must stay closed.
      if (stopped) return;
      // Until this succeeds the client is closed and every operation fails at once; the next tick retries.
      await client.connect();
      checksOpen.clear();
      log?.warn('MongoDB server monitor was hung; the client reconnected');
    } catch (err) {
      log?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'MongoDB server monitor was hung; reconnecting failed, trying again',
      );
      checksOpen.set('reconnect', Date.now() - 3 * CONNECT_TIMEOUT_MS);
    } finally {
      reconnecting = false;
    }
  };
  const timer = setInterval(() => {
    if (reconnecting || Date.now() - oldestOpenCheck() < 3 * CONNECT_TIMEOUT_MS) return;
    void reconnect();
  }, CONNECT_TIMEOUT_MS / 2);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
