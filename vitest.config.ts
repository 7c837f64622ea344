import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one Redis and one FerretDB started by global setup; each file uses its
    // own database name and queue prefix, so files may run in parallel.
    pool: 'forks',
    maxWorkers: 2,
  },
});
