import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { startMongo, startRedis, type EmbeddedService } from '../../src/services/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUrl: string;
    /** Folder for this run's own extra servers (e.g. a FerretDB a test stops and restarts). */
    scratchDir: string;
  }
}

/**
 * One Redis and one MongoDB-wire server for the whole run, on free loopback ports with temporary
 * data; each test file then uses its own database and queue prefix (test/support/system.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const root = mkdtempSync(path.join(os.tmpdir(), 'verisat-test-'));
  const started: EmbeddedService[] = [];
  try {
    const redis = process.env.TEST_REDIS_URL
      ? undefined
      : await startRedis({
          dataDir: path.join(root, 'redis'),
          searchPath: config.binSearchPath,
          persistent: false,
        });
    if (redis) started.push(redis);
    const mongo = process.env.TEST_MONGODB_URL
      ? undefined
      : await startMongo({
          dataDir: path.join(root, 'mongo'),
          searchPath: config.binSearchPath,
          persistent: false,
        });
    if (mongo) started.push(mongo);
    project.provide('redisUrl', process.env.TEST_REDIS_URL ?? redis?.url ?? '');
    project.provide('mongoUrl', process.env.TEST_MONGODB_URL ?? mongo?.url ?? '');
    project.provide('scratchDir', root);
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
  };
}
