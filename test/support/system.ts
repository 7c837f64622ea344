import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { loadConfig, type RawEnv } from '../../src/config/index.js';
import type { Role } from '../../src/db/models/access.js';
import { createLogger } from '../../src/log.js';
import type { MailCatcher } from '../../src/services/mail-catcher.js';
import { startSystem, type RunningSystem } from '../../src/system.js';
import { DEADLINE, POLL_MS } from './time.js';

export interface TestSystem extends RunningSystem {
  baseUrl: string;
  dbName: string;
  /** POST a form the way Twilio does, signed with the configured auth token over the full URL. */
  postTwilio(
    pathAndQuery: string,
    params: Record<string, string>,
    opts?: { signature?: string },
  ): Promise<Response>;
  /** Creates an API token with the given role and returns it. */
  token(role?: Role, scope?: { agency?: string; department?: string }): Promise<string>;
  api(
    pathAndQuery: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

export interface TestSystemOptions {
  env?: RawEnv;
  web?: boolean;
  workers?: boolean;
  /** Override the run's shared servers (e.g. a MongoDB-wire server the test can stop). */
  redisUrl?: string;
  mongoUrl?: string;
  reconcileEveryMs?: number;
  /**
   * Share another system's database (two processes of one deployment); the database is then left
   * in place when this system stops, for its owner to drop.
   */
  dbName?: string;
  /** Where the system's log lines go (a test reading them: test/support/log-sink.ts). */
  logDestination?: NodeJS.WritableStream;
  /** An SMTP catcher shared with another system (default: each system starts its own). */
  mailCatcher?: MailCatcher;
}

/** The run's shared servers; set by vitest's global setup (test/support/vitest-system.ts) or a benchmark. */
let sharedServers: (() => { redisUrl: string; mongoUrl: string }) | undefined;
export function useSharedServers(get: () => { redisUrl: string; mongoUrl: string }): void {
  sharedServers = get;
}

/**
 * Starts the real system (Express app, BullMQ queues and optionally workers, Mongoose) on the run's
 * Redis and MongoDB, with a database and queue prefix of its own, listening on a free port.
 */
export async function startTestSystem(opts: TestSystemOptions = {}): Promise<TestSystem> {
  const shared = sharedServers?.();
  const redisUrl = opts.redisUrl ?? shared?.redisUrl;
  const mongoUrl = opts.mongoUrl ?? shared?.mongoUrl;
  if (!redisUrl || !mongoUrl)
    throw new Error(
      'no Redis/MongoDB for the test system: call useSharedServers() or pass redisUrl and mongoUrl',
    );
  const id = randomBytes(5).toString('hex');
  const dbName = opts.dbName ?? `t_${id}`;
  // Timeouts checked often, so a test of them waits for the timeout, not for Node's 30 s sweep.
  const server = http.createServer({ connectionsCheckingInterval: 100 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    QUEUE_PREFIX: `t${id}`,
    SANDBOX_STATUS_DELAY_MS: '20',
    ...POLICY_OFF,
    PATH: process.env.PATH,
    JAVA_HOME: process.env.JAVA_HOME,
    ...opts.env,
  });
  const system = await startSystem(config, {
    web: opts.web ?? true,
    workers: opts.workers ?? false,
    services: { redisUrl, mongoUri: mongoUrl, dbName },
    log: createLogger({
      level: config.logLevel,
      ...(opts.logDestination ? { destination: opts.logDestination } : {}),
    }),
    server,
    reconcileEveryMs: opts.reconcileEveryMs ?? 0,
    ...(opts.mailCatcher ? { mailCatcher: opts.mailCatcher } : {}),
  });

  const postTwilio: TestSystem['postTwilio'] = (pathAndQuery, params, o = {}) => {
    const url = `${config.publicBaseUrl}${pathAndQuery}`;
    const signature = o.signature ?? twilio.getExpectedTwilioSignature(config.twilio.authToken, url, params);
    return fetch(`${baseUrl}${pathAndQuery}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
  };

  return {
    ...system,
    baseUrl,
    dbName,
    postTwilio,
    token: async (role = 'admin', scope = {}) =>
      (await createApiToken(system.ctx.models, { name: `test-${role}`, role, scope })).token,
    api: (pathAndQuery, init = {}) =>
      fetch(`${baseUrl}${pathAndQuery}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...init.headers,
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined
          ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
          : {}),
      }),
    stop: async () => {
      if (!opts.dbName) await system.ctx.db.conn.dropDatabase().catch(() => undefined);
      await system.stop();
    },
  };
}

/**
 * The contact policy held off: other tests ask one number many times, at any hour of any day, about
 * closures of any age (their dates are fixed while the clock moves on). The policy's own tests
 * (test/followup/contact-policy.test.ts, test/reports/records-agree.test.ts) turn each part back on.
 */
export const POLICY_OFF = {
  CONTACT_MIN_DAYS: '0',
  FOLLOWUP_MAX_AGE_HOURS: String(24 * 3650),
  PRAYER_CITY: 'none',
  RAMADAN_SEND_WINDOW: 'off',
} as const;

/**
 * Polls until `check` returns a value other than undefined; for effects that arrive through queues.
 * Its deadline is a kind from the suite's policy (test/support/time.ts), never a guess of its own.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  opts: { within?: 'state' | 'bulk' | 'process'; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + DEADLINE[opts.within ?? 'state'];
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(
    `timed out waiting for ${opts.what ?? 'condition'}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/**
 * Waits until a moment the data names (a send or reminder time) has passed and the system's queues
 * have worked off everything that was due by then: nothing waiting or running, and no delayed job
 * due before now. A test that must show something did *not* happen once it was due checks after
 * this: a worker slowed by a busy machine has had its turn, however long it took.
 */
export async function settledPast(sys: RunningSystem, at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  await eventually(
    async () => {
      const now = Date.now();
      for (const queue of sys.ctx.queues.all()) {
        const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
        if (Object.values(c).some((n) => n > 0)) return undefined;
        const delayed = await queue.getJobs(['delayed']);
        if (delayed.some((j) => j.timestamp + j.delay <= now)) return undefined;
      }
      return true;
    },
    { what: `every queue worked off up to ${new Date(at).toISOString()}` },
  );
}
