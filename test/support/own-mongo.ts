import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startMongo, type EmbeddedService } from '../../src/services/embedded.js';
import { DEADLINE } from './time.js';

/**
 * A MongoDB-wire server of a test file's own, for tests that stop it mid-flow and start it again on
 * the same port and data folder (the shared server must never go down under other files). It keeps
 * its data on disk (mongod's dbpath, or mongo-java-server's H2 file), so a restart finds it again.
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
  const config = loadConfig({ PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME });
  const options = {
    dataDir: dir,
    searchPath: config.binSearchPath,
    persistent: true,
    ...config.embeddedMongo,
    startTimeoutMs: DEADLINE.process,
  };
  let server: EmbeddedService = await startMongo(options);
  // Restarts come back on the port the first start got, where the test's clients keep reconnecting.
  const port = Number(new URL(server.url).port);
  const start = () => startMongo({ ...options, port });
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
