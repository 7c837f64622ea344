import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { findFreePort, startMongo, type EmbeddedService } from '../../src/services/embedded.js';

/**
 * A MongoDB-wire server of a test file's own, for tests that stop it mid-flow and start it again on
 * the same port and data folder (the shared server must never go down under other files).
 */
export interface OwnMongo {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data folder. */
  remove(): Promise<void>;
}

export async function startOwnMongo(): Promise<OwnMongo> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-outage-'));
  const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
  const port = await findFreePort();
  const start = () => startMongo({ dataDir: dir, searchPath, persistent: true, port });
  let server: EmbeddedService = await start();
  return {
    url: server.url,
    stop: () => server.stop(),
    restart: async () => {
      server = await start();
    },
    remove: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
