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
    // Mongoose would otherwise create every model's collection at once, in the background; on
    // mongo-java-server's H2 store that raced about once in seven fresh starts. Done below instead.
    autoCreate: false,
  });
  await conn.asPromise();
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
    close: () => conn.close(),
  };
}
