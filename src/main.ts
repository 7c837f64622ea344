import { createApiToken } from './auth/api-tokens.js';
import { createFirstAdmin, printsDevelopmentCredentials } from './auth/first-admin.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger, maskPhone } from './log.js';
import { describeRedis } from './queue/connection.js';
import { removeServicesState, writeServicesState } from './services/state-file.js';
import { startSystem, stopOnSignals } from './system.js';

/** The web process (and, unless RUN_WORKERS_IN_WEB=false, the workers) on configured or embedded services. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' });
  const system = await startSystem(config, { web: true, workers: config.runWorkersInWeb, log });
  const { ctx } = system;
  if (system.embedded.length > 0) {
    writeServicesState(config.dataDir, {
      pid: process.pid,
      redisUrl: system.services.redisUrl,
      mongoUri: system.services.mongoUri,
      ...(system.url ? { webUrl: system.url } : {}),
      publicUrl: config.publicBaseUrl,
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
    `  redis:      ${describeRedis(ctx.redisUrl)}`,
    `  mongodb:    ${ctx.db.conn.host}:${ctx.db.conn.port}/${ctx.db.conn.name}`,
    `  mail:       ${ctx.mail?.catcher ? `embedded catcher ${ctx.mail.transport.where} (SMTP_URL unset; read it in the sandbox's Mail tab)` : (ctx.mail?.transport.where ?? 'none')}`,
    `  health:     ${system.url}/healthz   readiness: ${system.url}/readyz`,
    ``,
    ...(ctx.sandbox
      ? [`  phone:      ${config.publicBaseUrl}/sandbox   (call the IVR, read the SMS inbox, run due work)`]
      : []),
    `  dashboard:  ${config.publicBaseUrl}/dashboard   (sign in at ${config.publicBaseUrl}/login)`,
    ...(config.reports.publicScoreboard ? [`  public:     ${config.publicBaseUrl}/public`] : []),
  ];
  if (printsDevelopmentCredentials(config)) {
    if ((await ctx.models.ApiToken.countDocuments()) === 0) {
      const { token } = await createApiToken(ctx.models, { name: 'development', role: 'admin' });
      lines.push(`  API token:  ${token}   (created once for development; it is not shown again)`);
    }
    const admin = await createFirstAdmin(ctx.models);
    if (admin)
      lines.push(
        `  sign in:    user ${admin.username}, one-time password ${admin.password}`,
        `              (shown only now; you set your own at the first sign-in)`,
      );
    else lines.push('  sign in:    with a dashboard user (npm run user -- --username NAME --role admin)');
  } else if ((await ctx.models.User.countDocuments()) === 0) {
    // Live or production: no credential is made or printed here; the operator makes the first admin.
    lines.push(
      '  sign in:    no user yet: npm run user -- --username NAME --role admin   (password on standard input)',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  // Start-up errors can quote a value (a number in a bad setting): masked like every log line.
  console.error(maskPhone(err instanceof Error ? err.message : String(err)));
  process.exit(1);
});
