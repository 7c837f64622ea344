import mongoose, { type Connection } from 'mongoose';
import { createModels, type Models } from './models/index.js';

export interface Database {
  conn: Connection;
  models: Models;
  close(): Promise<void>;
}

export async function connectDatabase(uri: string, opts: { dbName?: string } = {}): Promise<Database> {
  const conn = mongoose.createConnection(uri, {
    dbName: opts.dbName,
    serverSelectionTimeoutMS: 5000,
    // A request must fail fast when MongoDB is down instead of queueing behind a dead connection.
    bufferCommands: false,
    autoIndex: false,
  });
  await conn.asPromise();
  const models = createModels(conn);
  // Build indexes explicitly, so a unique index that cannot be built is an error at start-up.
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return {
    conn,
    models,
    close: () => conn.close(),
  };
}
