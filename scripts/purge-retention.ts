/**
 * Runs the retention purge once, now (the workers also run it every RETENTION_EVERY_HOURS):
 *   npm run retention:purge
 * Reaches REDIS_URL and MONGODB_URI, or the services of a running `npm start`.
 */
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { writeAudit } from '../src/auth/audit.js';
import { purgeExpiredPersonalData } from '../src/retention/purge.js';
import { readServicesState } from '../src/services/state-file.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = readServicesState(config.dataDir);
  const redisUrl = config.redisUrl ?? running?.redisUrl;
  const mongoUri = config.mongodbUri ?? running?.mongoUri;
  if (!redisUrl || !mongoUri)
    throw new Error('no running system found: start it with `npm start` (or set REDIS_URL and MONGODB_URI)');
  const ctx = await createContext(config, { redisUrl, mongoUri });
  try {
    const report = await purgeExpiredPersonalData(ctx);
    await writeAudit(ctx, { actor: 'cli:retention', action: 'admin.retention.purge', detail: { ...report } });
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await ctx.queues.close();
    await ctx.redis.quit().catch(() => undefined);
    await ctx.db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
