import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one Redis and one MongoDB-wire server (mongo-java-server in memory, or
    // mongod) started by global setup, or the servers REDIS_URL / MONGODB_URI name; each file uses
    // its own database name and queue prefix, so files may run in parallel.
    pool: 'forks',
    maxWorkers: 2,
  },
});
