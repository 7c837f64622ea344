import { defineConfig } from 'vitest/config';
import { DEADLINE, POLL_MS } from './test/support/time.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    // Deadlines from the suite's one policy (test/support/time.ts, scaled by TEST_TIME_SCALE).
    testTimeout: DEADLINE.test,
    hookTimeout: DEADLINE.hook,
    expect: { poll: { timeout: DEADLINE.state, interval: POLL_MS } },
    // Integration files share one Redis and one MongoDB-wire server (mongo-java-server in memory, or
    // mongod) started by global setup, or the servers REDIS_URL / MONGODB_URI name; each file uses
    // its own database name and queue prefix, so files may run in parallel.
    pool: 'forks',
    maxWorkers: 2,
  },
});
