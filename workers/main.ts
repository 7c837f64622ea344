import { ConfigError, loadConfig } from '../src/config/index.js';
import { createLogger, maskPhone } from '../src/log.js';
import { startSystem, stopOnSignals } from '../src/system.js';

/**
 * A worker-only process, for running workers apart from the web process in production. It needs
 * REDIS_URL and MONGODB_URI: a second process must not start its own embedded databases.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl || !config.mongodbUri) {
    throw new ConfigError(['REDIS_URL and MONGODB_URI: both are required for a separate worker process']);
  }
  const log = createLogger({
    level: config.logLevel,
    name: 'verisat-workers',
    pretty: config.logFormat === 'pretty',
  });
  const system = await startSystem(config, { web: false, workers: true, log });
  stopOnSignals(system, log);
  log.info({ queues: system.workers?.workers.map((w) => w.name) }, 'workers running');
}

main().catch((err: unknown) => {
  console.error(maskPhone(err instanceof Error ? err.message : String(err)));
  process.exit(err instanceof ConfigError ? 2 : 1);
});
