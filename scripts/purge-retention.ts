/**
 * Runs the retention purge once, now (the workers also run it every RETENTION_EVERY_HOURS):
 *   npm run retention:purge
 * Reaches REDIS_URL and MONGODB_URI, or the services of a running `npm start`.
 */
import { loadConfig } from '../src/config/index.js';
import { writeAudit } from '../src/auth/audit.js';
import { purgeExpiredPersonalData } from '../src/retention/purge.js';
import { withRunningContext } from './running-services.js';

async function main(): Promise<void> {
  const config = loadConfig();
  await withRunningContext(config, async (ctx) => {
    const report = await purgeExpiredPersonalData(ctx);
    await writeAudit(ctx, { actor: 'cli:retention', action: 'admin.retention.purge', detail: { ...report } });
    console.log(JSON.stringify(report, null, 2));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
