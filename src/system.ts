import { noteUnknownCodes } from './admin/unknown-codes.js';
import http from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config/index.js';
import { createContext, type AppContext, type ServiceUrls } from './context.js';
import { createLogger, type Logger } from './log.js';
import { createWorkerConnection } from './queue/connection.js';
import { startWorkers, type RunningWorkers } from './queue/workers.js';
import { startMongo, startRedis, type EmbeddedService } from './services/embedded.js';
import { startMailCatcher, type MailCatcher } from './services/mail-catcher.js';
import { keepReconcileScheduled } from './followup/schedule/reconciler.js';
import { syncFollowUps } from './followup/schedule/scheduler.js';
import { followDisputes } from './followup/outcome/dispute-follow.js';
import { checkAgencySampleRates } from './followup/schedule/contact-policy.js';
import { createShutdown } from './shutdown.js';
import { PROCESSED_QUEUES, workerDefinitions } from './worker-definitions.js';
import { metricsOf } from './http/metrics.js';
import { startMetricsServer } from './http/metrics-server.js';
import { keepRetentionScheduled } from './retention/worker.js';
import { keepDriftScheduled } from './reports/mail/alerts/worker.js';
import { keepReportsScheduled } from './reports/mail/periodic/worker.js';
import { backfillTicketOwners } from './tickets/owner-backfill.js';

export interface RunningSystem {
  ctx: AppContext;
  server: http.Server | undefined;
  /** Where the web process listens (the internal address, not PUBLIC_BASE_URL). */
  url: string | undefined;
  workers: RunningWorkers | undefined;
  /** The loopback-only metrics address, when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  embedded: EmbeddedService[];
  services: ServiceUrls;
  stop(): Promise<void>;
}

/**
 * Uses REDIS_URL / MONGODB_URI / SMTP_URL when given; otherwise starts local servers with data under
 * DATA_DIR, and an SMTP catcher in this process (its mail shows in the sandbox's Mail tab).
 */
export async function resolveServices(
  config: Config,
  log: Logger,
): Promise<{ urls: ServiceUrls; embedded: EmbeddedService[]; mailCatcher?: MailCatcher }> {
  const embedded: EmbeddedService[] = [];
  try {
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      const redis = await startRedis({
        dataDir: path.join(config.dataDir, 'redis'),
        searchPath: config.binSearchPath,
        persistent: true,
      });
      embedded.push(redis);
      log.info({ url: redis.url }, 'started embedded Redis');
      redisUrl = redis.url;
    }
    let mongoUri = config.mongodbUri;
    if (!mongoUri) {
      const mongo = await startMongo({
        dataDir: path.join(config.dataDir, 'mongo'),
        searchPath: config.binSearchPath,
        persistent: true,
        ...config.embeddedMongo,
      });
      embedded.push(mongo);
      log.info({ url: mongo.url, server: mongo.name }, 'started embedded MongoDB-wire server');
      mongoUri = `${mongo.url}verisat`;
    }
    let mailCatcher: MailCatcher | undefined;
    if (!config.mail.smtpUrl) {
      mailCatcher = await startMailCatcher();
      embedded.push(mailCatcher);
      log.info({ url: mailCatcher.url }, 'started embedded SMTP catcher (SMTP_URL unset: mail stays here)');
    }
    return { urls: { redisUrl, mongoUri }, embedded, ...(mailCatcher ? { mailCatcher } : {}) };
  } catch (err) {
    await Promise.allSettled(embedded.map((s) => s.stop()));
    throw err;
  }
}

export interface StartOptions {
  web: boolean;
  workers: boolean;
  /** Already-running services (tests); otherwise resolved from config. */
  services?: ServiceUrls;
  log?: Logger;
  /** Listen on this server instead of creating one (tests bind port 0 first to learn the URL). */
  server?: http.Server;
  /** How often the reconciler runs (ms); 0 turns the periodic run off (tests call it directly). */
  reconcileEveryMs?: number;
  /**
   * A running SMTP catcher to send to when SMTP_URL is unset (tests share one between systems; the
   * system does not stop it). Without one, and without SMTP_URL, the system starts its own.
   */
  mailCatcher?: MailCatcher;
}

export async function startSystem(config: Config, opts: StartOptions): Promise<RunningSystem> {
  const log = opts.log ?? createLogger({ level: config.logLevel });
  const shutdown = createShutdown(log);
  const resolved: { urls: ServiceUrls; embedded: EmbeddedService[]; mailCatcher?: MailCatcher } =
    opts.services ? { urls: opts.services, embedded: [] } : await resolveServices(config, log);
  const { urls, embedded } = resolved;
  let mailCatcher = opts.mailCatcher ?? resolved.mailCatcher;
  if (!config.mail.smtpUrl && !mailCatcher) {
    mailCatcher = await startMailCatcher();
    embedded.push(mailCatcher);
  }
  if (!config.mail.smtpUrl && config.env === 'production')
    log.warn('SMTP_URL is unset: mail goes to the embedded catcher and reaches nobody');
  const ctx = await createContext(config, urls, {
    log,
    withSandbox: opts.web,
    ...(mailCatcher ? { mailCatcher } : {}),
  });
  try {
    await checkAgencySampleRates(ctx);
    // Before any event is claimed: tickets older than ticket_owners get their owner once.
    await backfillTicketOwners(ctx.models, log);
  } catch (err) {
    // Refused before anything listens or works: close what the context opened, then say why.
    ctx.sandbox?.close();
    ctx.mail?.transport.close();
    await Promise.allSettled([ctx.queues.close(), ctx.redis.quit(), ctx.db.close()]);
    await Promise.allSettled(embedded.map((s) => s.stop()));
    throw err;
  }
  // A closed ticket schedules its follow-up; a reopen cancels it.
  ctx.closureHooks.push((ticket) => syncFollowUps(ctx, ticket));
  // Codes the directory does not know are accepted and listed for an admin (src/admin/unknown-codes.ts).
  ctx.closureHooks.push((ticket) => noteUnknownCodes(ctx, ticket));
  // What the agency did after a disputed closure: reopened, closed again (followup/outcome/dispute-follow.ts).
  ctx.closureHooks.push((ticket) => followDisputes(ctx, ticket));
  // Metrics (issue 16): which process this is, and the queues whose depth and age it reports.
  const metrics = metricsOf(ctx);
  metrics.registry.setDefaultLabels({
    process: opts.web && opts.workers ? 'web+workers' : opts.web ? 'web' : 'workers',
  });
  for (const name of PROCESSED_QUEUES) metrics.queueNames.add(name);

  let server: http.Server | undefined;
  let url: string | undefined;
  if (opts.web) {
    const app = createApp(ctx);
    // Timeouts are checked every second (Node's default is every 30 s, which would let a slow
    // client overstay a short timeout by that much).
    server = opts.server ?? http.createServer({ connectionsCheckingInterval: 1000 });
    server.requestTimeout = config.requestTimeoutMs;
    server.headersTimeout = config.headersTimeoutMs;
    server.on('request', app);
    if (!server.listening) {
      server.listen(config.port, config.host);
      await once(server, 'listening');
    }
    const address = server.address() as AddressInfo;
    url = `http://${address.address}:${address.port}`;
    const web = server;
    shutdown.add({
      name: 'http',
      run: async () => {
        // Stop accepting, let in-flight requests finish, then cut idle keep-alive sockets.
        const closed = new Promise<void>((resolve) => web.close(() => resolve()));
        web.closeIdleConnections();
        const timer = setTimeout(() => web.closeAllConnections(), config.shutdownGraceMs);
        await closed;
        clearTimeout(timer);
      },
    });
  }

  let workers: RunningWorkers | undefined;
  if (opts.workers) {
    const connection = createWorkerConnection(urls.redisUrl);
    workers = startWorkers(workerDefinitions(ctx), {
      connection,
      prefix: config.queuePrefix,
      log,
      lockDurationMs: config.workerLockMs,
    });
    const running = workers;
    for (const w of running.workers) w.on('failed', () => metrics.jobFailures.inc({ queue: w.name }));
    const stopReconcileTimer =
      opts.reconcileEveryMs === 0 ? () => undefined : keepReconcileScheduled(ctx, opts.reconcileEveryMs);
    shutdown.add({ name: 'reconcile timer', run: stopReconcileTimer });
    // Tests run the purge directly, as they do the reconciler.
    const stopRetentionTimer = opts.reconcileEveryMs === 0 ? () => undefined : keepRetentionScheduled(ctx);
    shutdown.add({ name: 'retention timer', run: stopRetentionTimer });
    // Tests run the drift check directly too (runDriftCheck).
    const stopDriftTimer = opts.reconcileEveryMs === 0 ? () => undefined : keepDriftScheduled(ctx);
    shutdown.add({ name: 'drift check timer', run: stopDriftTimer });
    // The weekly and monthly report mails; tests call their sending directly with a period.
    const stopReportsTimer = opts.reconcileEveryMs === 0 ? () => undefined : keepReportsScheduled(ctx);
    shutdown.add({ name: 'report mail timer', run: stopReportsTimer });
    shutdown.add({ name: 'workers', run: () => running.close() });
    shutdown.add({ name: 'worker redis', run: async () => void (await connection.quit()) });
  }

  let metricsUrl: string | undefined;
  if (config.metrics.port !== undefined) {
    const metricsServer = await startMetricsServer(ctx, config.metrics.port);
    metricsUrl = metricsServer.url;
    shutdown.add({ name: 'metrics server', run: () => metricsServer.close() });
  }

  shutdown.add({ name: 'twilio sandbox', run: () => ctx.sandbox?.close() });
  shutdown.add({ name: 'report browser', run: () => ctx.browser.close() });
  shutdown.add({ name: 'mail transport', run: () => ctx.mail?.transport.close() });
  shutdown.add({ name: 'queues', run: () => ctx.queues.close() });
  shutdown.add({ name: 'redis', run: async () => void (await ctx.redis.quit()) });
  shutdown.add({ name: 'mongodb', run: () => ctx.db.close() });
  for (const service of embedded) shutdown.add({ name: service.name, run: () => service.stop() });

  return { ctx, server, url, metricsUrl, workers, embedded, services: urls, stop: () => shutdown.run() };
}

/** SIGINT and SIGTERM both drain and stop; a second signal exits at once. */
export function stopOnSignals(system: { stop(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    system
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
