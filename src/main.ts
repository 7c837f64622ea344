import { createApiToken } from './auth/api-tokens.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { removeServicesState, writeServicesState } from './services/state-file.js';
import { startSystem, stopOnSignals } from './system.js';

/** The web process (and, unless RUN_WORKERS_IN_WEB=false, the workers) on configured or embedded services. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel });
  const system = await startSystem(config, { web: true, workers: config.runWorkersInWeb, log });
  const { ctx } = system;
  if (system.embedded.length > 0) {
    writeServicesState(config.dataDir, {
      pid: process.pid,
      redisUrl: system.services.redisUrl,
      mongoUri: system.services.mongoUri,
      ...(system.url ? { webUrl: system.url } : {}),
    });
  }
  stopOnSignals(
    {
      stop: async () => {
        await system.stop();
        removeServicesState(config.dataDir);
      },
    },
    log,
  );

  const lines = [
    `verisat is running`,
    `  web:        ${system.url ?? '(not started)'}   (public URL ${config.publicBaseUrl})`,
    `  workers:    ${system.workers ? `${system.workers.workers.length} queue(s) in this process` : 'not in this process'}`,
    `  twilio:     ${config.twilio.mode}${config.twilio.mode === 'sandbox' ? ` (stand-in API at ${config.twilio.sandboxApiUrl}/__twilio)` : ''}`,
    `  redis:      ${ctx.redisUrl}`,
    `  mongodb:    ${ctx.db.conn.host}:${ctx.db.conn.port}/${ctx.db.conn.name}`,
    `  health:     ${system.url}/healthz   readiness: ${system.url}/readyz`,
  ];
  if (config.env === 'development' && (await ctx.models.ApiToken.countDocuments()) === 0) {
    const { token } = await createApiToken(ctx.models, { name: 'development', role: 'admin' });
    lines.push(`  API token:  ${token}   (created once for development; it is not shown again)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
