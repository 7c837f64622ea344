import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/index.js';
import { startMongo, startRedis, type EmbeddedService } from '../../src/services/embedded.js';
import { DEADLINE } from './time.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUrl: string;
    /** Folder for this run's own extra servers (e.g. a MongoDB-wire server a test stops and restarts). */
    scratchDir: string;
  }
}

/**
 * One Redis and one MongoDB-wire server for the whole run, on free loopback ports with temporary
 * data; each test file then uses its own database and queue prefix (test/support/system.ts).
 * TEST_REDIS_URL / TEST_MONGODB_URL, else REDIS_URL / MONGODB_URI (a real MongoDB or replica set),
 * point the run at servers of your own instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const givenRedis = process.env.TEST_REDIS_URL || config.redisUrl;
  const givenMongo = process.env.TEST_MONGODB_URL || config.mongodbUri;
  const root = mkdtempSync(path.join(os.tmpdir(), 'verisat-test-'));
  const started: EmbeddedService[] = [];
  try {
    const redis = givenRedis
      ? undefined
      : await startRedis({
          dataDir: path.join(root, 'redis'),
          searchPath: config.binSearchPath,
          persistent: false,
          startTimeoutMs: DEADLINE.process,
        });
    if (redis) started.push(redis);
    const mongo = givenMongo
      ? undefined
      : await startMongo({
          dataDir: path.join(root, 'mongo'),
          searchPath: config.binSearchPath,
          persistent: false,
          javaHeap: config.embeddedMongo.javaHeap,
          startTimeoutMs: DEADLINE.process,
        });
    if (mongo) started.push(mongo);
    project.provide('redisUrl', givenRedis ?? redis?.url ?? '');
    project.provide('mongoUrl', givenMongo ?? mongo?.url ?? '');
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
