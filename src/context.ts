import type { Config } from './config/index.js';
import { connectDatabase, type Database } from './db/connection.js';
import type { Models } from './db/models/index.js';
import { createLogger, type Logger } from './log.js';
import { createMailTransport, type MailTransport } from './mail/transport.js';
import { createProducerConnection, describeRedis, type RedisConnection } from './queue/connection.js';
import { QueueRegistry } from './queue/registry.js';
import { ReportBrowser } from './reports/mail/chromium.js';
import type { MailCatcher } from './services/mail-catcher.js';
import type { ClosureHook } from './tickets/closure-hooks.js';
import { createTwilioClient, type TwilioClient } from './twilio/client.js';
import { TwilioSandbox } from './twilio/stand-in/api.js';

/** Everything a route or job handler needs, passed explicitly (no module-level singletons). */
export interface AppContext {
  config: Config;
  log: Logger;
  db: Database;
  models: Models;
  /** Producer connection: fails fast, for request paths. Workers get their own connections. */
  redis: RedisConnection;
  redisUrl: string;
  queues: QueueRegistry;
  twilio: TwilioClient;
  /** The Twilio stand-in, present in the web process in sandbox mode. */
  sandbox: TwilioSandbox | undefined;
  closureHooks: ClosureHook[];
  /** Headless Chromium for report PDFs and alert charts, started on first use (src/reports/mail/chromium.ts). */
  browser: ReportBrowser;
  /**
   * Outgoing mail (src/mail/): the SMTP transport the mail worker sends through, and the embedded
   * catcher when SMTP_URL is unset (the sandbox's Mail tab reads it). Absent in a command-line
   * tool's context, which only records and queues mail.
   */
  mail?: MailContext;
}

export interface MailContext {
  transport: MailTransport;
  catcher?: MailCatcher;
}

export interface ServiceUrls {
  redisUrl: string;
  mongoUri: string;
  /** Overrides the database named in the URI (tests use one database per file). */
  dbName?: string;
}

export async function createContext(
  config: Config,
  services: ServiceUrls,
  opts: { log?: Logger; withSandbox?: boolean; mailCatcher?: MailCatcher } = {},
): Promise<AppContext> {
  const log = opts.log ?? createLogger({ level: config.logLevel });
  const db = await connectDatabase(services.mongoUri, {
    ...(services.dbName ? { dbName: services.dbName } : {}),
    log,
  });
  const redis = createProducerConnection(services.redisUrl, { lazyConnect: true });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  // The producer connection has no offline queue, so it must be connected before the first request.
  await redis.connect().catch(async (err: unknown) => {
    await db.close();
    throw new Error(
      `cannot reach Redis at ${describeRedis(services.redisUrl)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const sandbox =
    config.twilio.mode === 'sandbox' && opts.withSandbox
      ? new TwilioSandbox({
          accountSid: config.twilio.accountSid,
          authToken: config.twilio.authToken,
          statusDelayMs: config.twilio.sandboxStatusDelayMs,
          maxMessages: config.twilio.sandboxMaxMessages,
          log: log.child({ component: 'twilio-sandbox' }),
        })
      : undefined;
  return {
    config,
    log,
    db,
    models: db.models,
    redis,
    redisUrl: services.redisUrl,
    queues: new QueueRegistry(redis, config.queuePrefix, (queue, err) =>
      log.warn({ queue, err: err.message }, 'queue connection error'),
    ),
    twilio: createTwilioClient(config),
    sandbox,
    closureHooks: [],
    browser: new ReportBrowser({ executablePath: config.reports.chromiumPath }),
    ...mailOf(config, opts.mailCatcher),
  };
}

/** SMTP_URL when set, else the catcher's; neither: no transport (a tool that only queues mail). */
function mailOf(config: Config, catcher: MailCatcher | undefined): { mail?: MailContext } {
  const url = config.mail.smtpUrl ?? catcher?.url;
  if (!url) return {};
  return {
    mail: { transport: createMailTransport(url), ...(catcher && !config.mail.smtpUrl ? { catcher } : {}) },
  };
}
