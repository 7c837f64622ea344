import path from 'node:path';
import type { Config } from '../config/index.js';
import { connectDatabase, type Database } from '../db/connection.js';
import { startMongo, type EmbeddedService } from './embedded.js';
import { readServicesState } from './state-file.js';

/**
 * The database a command-line tool should write to: MONGODB_URI, else the embedded database of a
 * running `npm start`, else that same data folder started just for this command.
 */
export async function openCliDatabase(config: Config): Promise<Database> {
  let embedded: EmbeddedService | undefined;
  let uri = config.mongodbUri ?? readServicesState(config.dataDir)?.mongoUri;
  if (!uri) {
    embedded = await startMongo({
      dataDir: path.join(config.dataDir, 'mongo'),
      searchPath: config.binSearchPath,
      persistent: true,
      ...config.embeddedMongo,
    });
    uri = `${embedded.url}verisat`;
  }
  const db = await connectDatabase(uri);
  return {
    ...db,
    close: async () => {
      await db.close();
      await embedded?.stop();
    },
  };
}
