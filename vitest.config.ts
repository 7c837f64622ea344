import { defineConfig } from 'vitest/config';
import { DEADLINE, POLL_MS } from './test/support/time.js';

/** A unit test is named `*.unit.test.ts`, beside the system tests of its area (docs/testing.md). */
const UNIT = 'test/**/*.unit.test.ts';

export default defineConfig({
  test: {
    // Deadlines from the suite's one policy (test/support/time.ts, scaled by TEST_TIME_SCALE).
    testTimeout: DEADLINE.test,
    hookTimeout: DEADLINE.hook,
    expect: { poll: { timeout: DEADLINE.state, interval: POLL_MS } },
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        // Pure code in process: no servers, no system started, so `npm run test:unit` takes seconds.
        // Files share their modules (isolate: false): no unit test keeps state in a module, stubs a
        // global or changes process.env, and importing zod, mongoose or twilio once per worker
        // instead of once per file halves the run.
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT],
          isolate: false,
          setupFiles: ['test/support/fast-check-seed.ts'],
        },
      },
      {
        // System files share one Redis and one MongoDB-wire server (mongo-java-server in memory, or
        // mongod) started by global setup, or the servers REDIS_URL / MONGODB_URI name; each file
        // uses its own database name and queue prefix, so files may run in parallel.
        extends: true,
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          exclude: [UNIT],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/fast-check-seed.ts', 'test/support/setup-file.ts'],
        },
      },
    ],
  },
});
