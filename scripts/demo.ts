/**
 * The scripted demo and a month of demo data, on the sandbox only.
 *   npm run demo                    plays the scenario on the running `npm start` (or on a system of its
 *                                   own when none runs), prints the scores and the summary, exits 1 if
 *                                   any expected record is missing
 *   npm run demo -- --own           always on a system of its own (embedded services in a temporary
 *                                   folder, or REDIS_URL / MONGODB_URI with a database of its own)
 *   npm run demo -- --serve         keep that system running afterwards, to open the dashboard
 *   npm run demo -- --month         a month of demo data in the database verisat_demo, marked as demo
 *                                   data on every page, served until Ctrl-C (--exit to stop once written;
 *                                   --days N, --port N)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { createApiToken } from '../src/auth/api-tokens.js';
import { createUser, setPassword } from '../src/auth/users.js';
import { ConfigError, loadConfig, type Config } from '../src/config/index.js';
import { connectDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/log.js';
import { createProducerConnection } from '../src/queue/connection.js';
import { QueueRegistry } from '../src/queue/registry.js';
import { markDemoData } from '../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../src/sandbox/demo/month.js';
import { runScenario, type DemoSystem } from '../src/sandbox/demo/scenario.js';
import { assertTimeTravelAllowed, TimeTravelRefusedError } from '../src/sandbox/time-travel.js';
import type { EmbeddedService } from '../src/services/embedded.js';
import { readServicesState } from '../src/services/state-file.js';
import { resolveServices, startSystem, stopOnSignals } from '../src/system.js';
import { SandboxRequestClient } from '../src/twilio/client.js';

const { values } = parseArgs({
  options: {
    own: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    month: { type: 'boolean', default: false },
    exit: { type: 'boolean', default: false },
    days: { type: 'string', default: '30' },
    port: { type: 'string', default: '0' },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);

interface Running {
  sys: DemoSystem;
  publicUrl: string;
  own: boolean;
  stop(opts?: { drop?: boolean }): Promise<void>;
}

/** A system of the demo's own: web and workers in this process, on a free port unless --port. */
async function startOwn(opts: {
  dataDir: string;
  dbName: string;
  queuePrefix: string;
  /** Services to use instead of starting embedded ones (the running system's, for --month). */
  services?: { REDIS_URL: string; MONGODB_URI: string };
}): Promise<Running> {
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const server = http.createServer({ connectionsCheckingInterval: 1000 });
  server.listen(Number(values.port), '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    ...opts.services,
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    SANDBOX_API_URL: url,
    DATA_DIR: opts.dataDir,
    QUEUE_PREFIX: opts.queuePrefix,
    // The demo runs due work whenever it is run: the whole day is its send window, with no prayer
    // pause or Ramadan hours, and its citizens may be asked again on each run (no fatigue gap).
    SEND_WINDOW: '00:00-24:00',
    SEND_DAYS: 'all',
    PRAYER_CITY: 'none',
    RAMADAN_SEND_WINDOW: 'off',
    CONTACT_MIN_DAYS: '0',
    SANDBOX_STATUS_DELAY_MS: '50',
  });
  const { urls, embedded, mailCatcher } = await resolveServices(config, log);
  const services = { ...urls, dbName: opts.dbName };
  const system = await startSystem(config, {
    web: true,
    workers: true,
    services,
    server,
    log,
    ...(mailCatcher ? { mailCatcher } : {}),
  });
  return {
    own: true,
    publicUrl: url,
    sys: {
      webUrl: url,
      config,
      models: system.ctx.models,
      queues: system.ctx.queues,
      twilio: system.ctx.twilio,
    },
    stop: async ({ drop } = {}) => {
      if (drop) await system.ctx.db.conn.dropDatabase().catch(() => undefined);
      await system.stop();
      await stopAll(embedded);
    },
  };
}

async function stopAll(services: EmbeddedService[]): Promise<void> {
  await Promise.allSettled(services.map((s) => s.stop()));
}

/** The system `npm start` is running: its services from DATA_DIR/services.json. */
async function attach(given: Config): Promise<Running | undefined> {
  const state = readServicesState(given.dataDir);
  if (!state?.webUrl) return undefined;
  // Webhooks are signed over the URL that system validates against, whatever this shell's PORT says.
  const config = state.publicUrl ? loadConfig({ ...process.env, PUBLIC_BASE_URL: state.publicUrl }) : given;
  const healthy = await fetch(`${state.webUrl}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!healthy) return undefined;
  const db = await connectDatabase(config.mongodbUri ?? state.mongoUri);
  const redis = createProducerConnection(config.redisUrl ?? state.redisUrl, { lazyConnect: true });
  await redis.connect();
  const queues = new QueueRegistry(redis, config.queuePrefix);
  const client = twilio(config.twilio.accountSid, config.twilio.authToken, {
    httpClient: new SandboxRequestClient(state.webUrl),
  });
  return {
    own: false,
    publicUrl: config.publicBaseUrl,
    sys: { webUrl: state.webUrl, config, models: db.models, queues, twilio: client },
    stop: async () => {
      await queues.close();
      await redis.quit().catch(() => undefined);
      await db.close();
    },
  };
}

async function demoAdmin(running: Running): Promise<string> {
  const password = randomBytes(12).toString('base64url');
  const models = running.sys.models;
  await models.User.init();
  if (!(await setPassword(models, 'demo-admin', password)))
    await createUser(models, { username: 'demo-admin', password, role: 'admin' });
  return password;
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–';
}

async function printSummary(running: Running, agency: string): Promise<void> {
  const { token } = await createApiToken(running.sys.models, { name: 'demo summary', role: 'auditor' });
  const res = await fetch(`${running.sys.webUrl}/api/reports/summary?agency=${agency}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { overall?: Record<string, unknown> };
  const m = body.overall ?? {};
  const rate = (k: string) => {
    const v = m[k] as { value?: number; n?: number } | number | null | undefined;
    if (v && typeof v === 'object') return `${pct(v.value)} (n=${v.n ?? 0})`;
    return pct(v);
  };
  say(`\nSummary for ${agency} (GET /api/reports/summary):`);
  say(`  closures ${String(m.closures)}, answers ${String(m.answers)}`);
  say(`  verified resolution rate ${rate('verifiedResolutionRate')}`);
  say(`  false closure rate       ${rate('falseClosureRate')}`);
  say(`  brush-off gap            ${rate('brushOffGap')}`);
  say(`  CSAT                     ${rate('csat')}`);
}

async function scenario(config: Config): Promise<number> {
  let tmp: string | undefined;
  let running = values.own ? undefined : await attach(config);
  if (running) say(`Using the running system at ${running.sys.webUrl}`);
  else {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'verisat-demo-'));
    const id = randomBytes(3).toString('hex');
    say('Starting a system of its own for the demo (embedded services unless REDIS_URL / MONGODB_URI)…');
    running = await startOwn({
      dataDir: tmp,
      dbName: `verisat_demo_${id}`,
      queuePrefix: `verisat-demo-${id}`,
    });
    say(`  listening at ${running.publicUrl}`);
  }
  let failures: string[] = [];
  try {
    const result = await runScenario(running.sys, say);
    failures = result.failures;
    const scores = await running.sys.models.VerifiedScore.find({ ticketRef: { $in: result.tickets } })
      .sort({ ticketRef: 1 })
      .lean();
    say('\nVerified scores:');
    for (const s of scores)
      say(
        `  ${s.ticketRef.padEnd(16)} ${String(s.outcome ?? 'open').padEnd(17)} solved=${String(s.solved ?? '–').padEnd(5)} rating=${s.rating ?? '–'} reason=${s.reason ?? '–'} post-call=${s.postCallRating ?? '–'}`,
      );
    if (scores.length !== result.tickets.length)
      failures.push(`${scores.length} of ${result.tickets.length} verified scores stored`);
    await printSummary(running, 'DEMO-MOMAH');
    const login = running.own
      ? `sign in as demo-admin with password ${await demoAdmin(running)}`
      : 'sign in with the admin `npm start` created (its password was printed once at first start)';
    say(`\nDashboard: ${running.publicUrl}/dashboard?agency=DEMO-MOMAH  (${login})`);
    say(`Phone:     ${running.publicUrl}/sandbox`);
    say(
      failures.length === 0
        ? '\nDemo passed: every expected record is there.'
        : `\nDemo FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    );
    if (running.own && values.serve) {
      say('Serving until Ctrl-C.');
      const r = running;
      stopOnSignals({ stop: () => r.stop() }, createLogger({ level: 'warn' }));
      return -1;
    }
  } finally {
    if (!(running.own && values.serve)) {
      await running.stop({ drop: running.own });
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
  return failures.length === 0 ? 0 : 1;
}

async function month(config: Config): Promise<number> {
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 120) throw new Error('--days must be 1..120');
  const dbName = 'verisat_demo';
  // Its own database, emptied first: nothing but generated data is ever in it.
  const running = readServicesState(config.dataDir);
  const dataDir = path.join(config.dataDir, 'demo');
  // Into the running system's services when there is one, so its dashboard can show the month.
  const services =
    running && !config.redisUrl && !config.mongodbUri
      ? { REDIS_URL: running.redisUrl, MONGODB_URI: running.mongoUri }
      : undefined;
  const own = await startOwn({
    dataDir,
    dbName,
    queuePrefix: 'verisat-demo',
    ...(services ? { services } : {}),
  });
  await own.sys.models.VerifiedScore.deleteMany({});
  await own.sys.models.PostCallRating.deleteMany({});
  await own.sys.models.DailySum.deleteMany({});
  await own.sys.models.Dispute.deleteMany({});
  await markDemoData(own.sys.models.VerifiedScore.db, `a month of demo data (${days} days)`);
  say(`Writing ${days} days of demo data into the database ${dbName}…`);
  const started = Date.now();
  const result = await writeDemoMonth(own.sys.models, {
    days,
    timeZone: own.sys.config.timeZone,
    onProgress: (p) =>
      process.stderr.write(
        p.phase === 'records'
          ? `\r  day ${p.day}/${p.days}: ${p.closures} closures`
          : `\n  daily sums rebuilt from the records\n`,
      ),
  });
  say(
    `Wrote ${result.closures} closures, ${result.postCallRatings} post-call ratings, ${result.buckets} daily-sum buckets in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  const password = await demoAdmin(own);
  say(`\nDashboard:    ${own.publicUrl}/dashboard   (sign in as demo-admin with password ${password})`);
  say(`Public board: ${own.publicUrl}/public`);
  say('Every page served from this database carries a demo-data banner.');
  say('Look at agent momah-r-02: rated 5 on every call, most closures disputed (the brush-off gap).');
  if (values.exit) {
    await own.stop();
    return 0;
  }
  say('Serving until Ctrl-C.');
  stopOnSignals({ stop: () => own.stop() }, createLogger({ level: 'warn' }));
  return -1;
}

async function main(): Promise<void> {
  const config = loadConfig();
  assertTimeTravelAllowed(config);
  const code = values.month ? await month(config) : await scenario(config);
  if (code >= 0) process.exit(code);
}

main().catch((err: unknown) => {
  console.error(
    err instanceof TimeTravelRefusedError
      ? 'The demo runs on the sandbox only: this configuration has live Twilio credentials (or is production).'
      : err instanceof Error
        ? err.message
        : err,
  );
  process.exit(err instanceof TimeTravelRefusedError || err instanceof ConfigError ? 2 : 1);
});
