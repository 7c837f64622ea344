/**
 * A national day, compressed in time: SOAK_CLOSURES ticket closures (default 200,000) and SOAK_CALLS
 * post-call ratings (default 300,000) offered over SOAK_SECONDS (default 600: the 24 hours played
 * 144 times faster), following a working day's curve (quiet at night, peaks mid-morning and after
 * the evening prayer). Each closure's follow-up falls due SOAK_DELAY_SECONDS (5) after it, instead
 * of 72 hours, and the send window is all day, so every closure is also a send inside the run.
 * Everything runs as separate processes on loopback: one web process (src/main.ts, holding the
 * Twilio stand-in), SOAK_WORKERS worker processes (2), Redis and mongo-java-server; this process
 * only offers the load and samples.
 *
 * SOAK_RATE=n instead offers n times the national rate along the same curve (the counts follow).
 *
 * Measured: due → sent lag (FollowUp.sentAt − sendAt) p50/p99 overall and over time, the backlog of
 * due work over time, each process's RSS and each Node process's V8 heap in use (from its /metrics)
 * over time, and errors (refused requests, failed calls, failed jobs, follow-ups never sent, processes
 * that died). Bounded: nothing is offered past SOAK_SECONDS, and the run stops at SOAK_MAX_SECONDS
 * (900) whether or not the backlog drained (what is left is reported).
 *
 * Usage: npm run bench -- soak     (SOAK_CLOSURES=2000 SOAK_CALLS=3000 SOAK_SECONDS=30 for a smoke run;
 *        SOAK_RATE=6 SOAK_SECONDS=1800 for six times the national rate for half an hour)
 * Writes SOAK_OUT.svg and SOAK_OUT.json (default bench/results/<date>-soak).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import twilio from 'twilio';
import { createApiToken } from '../src/auth/api-tokens.js';
import { loadConfig } from '../src/config/index.js';
import { connectDatabase } from '../src/db/connection.js';
import { FOLLOWUP_QUEUE } from '../src/followup/queue.js';
import { findFreePort } from '../src/services/embedded.js';
import { TICKET_EVENTS_QUEUE } from '../src/tickets/service.js';
import { VOICE_QUEUE } from '../src/voice/persistence.js';
import { viewTwiml } from '../test/support/voice.js';
import { benchServices, percentiles, ratio } from './lib.js';
import { lineChart } from './svg-plot.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** A national day: what a ministry's call centres close and answer in 24 hours. */
const NATIONAL = { closures: 200_000, calls: 300_000, seconds: 86_400 };
const DAY_SECONDS = num('SOAK_SECONDS', 600);
/**
 * SOAK_RATE=n offers n times the national rate (n = 1: a real day's pace) along the day's curve
 * played in SOAK_SECONDS: the counts follow from it. Without it, a whole national day's counts
 * are played in SOAK_SECONDS (the default 600 s is 144 times the national rate).
 */
const RATE = process.env.SOAK_RATE ? Number(process.env.SOAK_RATE) : undefined;
const atRate = (perDay: number) =>
  RATE === undefined ? perDay : Math.round((perDay * RATE * DAY_SECONDS) / NATIONAL.seconds);
const CLOSURES = num('SOAK_CLOSURES', atRate(NATIONAL.closures));
const CALLS = num('SOAK_CALLS', atRate(NATIONAL.calls));
/** How many times the national rate the run offers, on average. */
const RATE_OFFERED = (CLOSURES / DAY_SECONDS) * (NATIONAL.seconds / NATIONAL.closures);
const MAX_SECONDS = Math.max(DAY_SECONDS, num('SOAK_MAX_SECONDS', 900));
const DELAY_SECONDS = num('SOAK_DELAY_SECONDS', 5);
const WORKERS = num('SOAK_WORKERS', 2);
const SAMPLE_MS = num('SOAK_SAMPLE_MS', Math.max(1000, (DAY_SECONDS * 1000) / 300));
const IN_FLIGHT = num('SOAK_IN_FLIGHT', 64);
const HEAP_EVERY = Math.max(1, Math.round(15_000 / SAMPLE_MS));
/** Extra Node flags for the web and worker processes, e.g. `--heapsnapshot-signal=SIGUSR2` to look inside. */
const NODE_FLAGS = (process.env.SOAK_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
/** Where each process's log (JSON lines, LOG_LEVEL warn) is written; unset, the logs are dropped. */
const LOG_DIR = process.env.SOAK_LOG_DIR;
const OUT = process.env.SOAK_OUT ?? `bench/results/${new Date().toISOString().slice(0, 10)}-soak`;

/** Share of a day's contacts per local hour (0–23): a government call centre's working day. */
const PROFILE = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.4, 1.8, 1.9, 1.8, 1.5, 1.3, 1.2, 1.1, 1.0, 1.0, 1.1, 1.3, 1.4,
  1.2, 0.8, 0.4,
];
const PROFILE_SUM = PROFILE.reduce((a, b) => a + b, 0);

/** How many of `total` should have been offered `t` seconds into the compressed day. */
function target(total: number, t: number): number {
  const hours = Math.min(24, (t / DAY_SECONDS) * 24);
  let share = 0;
  for (let h = 0; h < 24; h++) share += PROFILE[h]! * Math.max(0, Math.min(1, hours - h));
  return Math.min(total, Math.floor((total * share) / PROFILE_SUM));
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const services = await benchServices({ javaHeap: process.env.SOAK_JAVA_HEAP ?? '2g' });
const children: ChildProcess[] = [];
/** Processes that exited before the soak asked them to: each is an error of the run. */
const crashes: string[] = [];
let stopping = false;
const stopAll = async () => {
  stopping = true;
  const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
  for (const c of children) if (running(c)) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (running(c) ? new Promise((r) => c.once('exit', r)) : Promise.resolve(undefined))),
  );
  await services.stop();
};

try {
  const port = await findFreePort();
  const web = `http://127.0.0.1:${port}`;
  const dbName = 'verisat_soak';
  const mongoUri = `${services.mongoUrl.replace(/\/?$/, '/')}${dbName}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    REDIS_URL: services.redisUrl,
    MONGODB_URI: mongoUri,
    PUBLIC_BASE_URL: web,
    SANDBOX_API_URL: web,
    FOLLOWUP_DELAY_HOURS: String(DELAY_SECONDS / 3600),
    SEND_WINDOW: '00:00-24:00',
    SEND_DAYS: 'all',
    REMINDER_AFTER_HOURS: '0',
    SMS_RATE_PER_SECOND: '10000',
    CONTACT_MIN_DAYS: '0',
    PRAYER_CITY: 'none',
    RAMADAN_SEND_WINDOW: 'off',
    // The Twilio stand-in lives in the web process but is no part of production: it keeps only the
    // last messages, so the web process's memory is the system's own (uncapped, it grew by 1.3 KB
    // per message sent: 2026-12-01-national-6x).
    SANDBOX_MAX_MESSAGES: process.env.SOAK_SANDBOX_MESSAGES ?? '1000',
  };
  const spawnNode = (script: string, extra: Record<string, string>) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', script], {
      env: { ...env, ...extra },
      stdio: ['ignore', LOG_DIR ? 'pipe' : 'ignore', 'inherit'],
    });
    if (LOG_DIR && child.stdout) {
      mkdirSync(LOG_DIR, { recursive: true });
      child.stdout.pipe(
        createWriteStream(path.join(LOG_DIR, `${children.length}-${path.basename(script, '.ts')}.log`)),
      );
    }
    children.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) crashes.push(`${script} exited (${code ?? signal})`);
    });
    return child;
  };
  // Each Node process serves /metrics on a loopback port of its own: its V8 heap is read there.
  const metricsPorts: Record<string, number> = { web: await findFreePort() };
  const webProcess = spawnNode('src/main.ts', {
    HOST: '127.0.0.1',
    PORT: String(port),
    RUN_WORKERS_IN_WEB: 'false',
    METRICS_PORT: String(metricsPorts.web),
  });
  const waitUntilUp = async (url: string, child: ChildProcess, what: string) => {
    for (let deadline = Date.now() + 60_000; ;) {
      if ((await fetch(url).catch(() => undefined))?.ok) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitUntilUp(`${web}/readyz`, webProcess, 'the web process');
  const workerProcesses: ChildProcess[] = [];
  for (let i = 1; i <= WORKERS; i++) {
    metricsPorts[`worker ${i}`] = await findFreePort();
    workerProcesses.push(spawnNode('workers/main.ts', { METRICS_PORT: String(metricsPorts[`worker ${i}`]) }));
  }
  // A worker's metrics port answers once it has started: the load waits for every worker.
  await Promise.all(
    workerProcesses.map((w, i) =>
      waitUntilUp(`http://127.0.0.1:${metricsPorts[`worker ${i + 1}`]}/metrics`, w, `worker ${i + 1}`),
    ),
  );

  const db = await connectDatabase(mongoUri);
  const { token } = await createApiToken(db.models, { name: 'soak', role: 'ticket_system' });
  const authToken = loadConfig({}).twilio.authToken;
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const queues = [FOLLOWUP_QUEUE, TICKET_EVENTS_QUEUE, VOICE_QUEUE].map((name) => {
    const queue = new Queue(name, { connection: redis, prefix: 'verisat' });
    queue.on('error', (err) => console.error(`soak: queue ${name}: ${err.message}`));
    return queue;
  });

  const errors = { closures: 0, calls: 0, firstError: '' };
  const noteError = (kind: 'closures' | 'calls', what: string) => {
    errors[kind] += 1;
    errors.firstError ||= what;
  };
  const closeTicket = async (i: number) => {
    const res = await fetch(`${web}/api/tickets/SOAK-${i}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventId: `soak-${i}`,
        type: 'closed',
        at: new Date().toISOString(),
        agency: ['MOMAH', 'MOH', 'HRSD'][i % 3],
        department: 'roads',
        agentId: `agent-${i % 500}`,
        citizenPhone: `+9665${String(10_000_000 + i).slice(-8)}`,
      }),
    }).catch((err: unknown) => {
      noteError('closures', `closure request failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (!res) return;
    await res.arrayBuffer();
    if (res.status !== 202) noteError('closures', `closure answered ${res.status}`);
  };
  const post = async (callSid: string, pathAndQuery: string, extra: Record<string, string>) => {
    const params = {
      CallSid: callSid,
      AccountSid: loadConfig({}).twilio.accountSid,
      From: '+966501234567',
      To: '+966920000000',
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ...extra,
    };
    const res = await fetch(`${web}${pathAndQuery}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, `${web}${pathAndQuery}`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    const view = viewTwiml(res.status, await res.text());
    // Steps answer 200 with TwiML; the status callback answers 204.
    if (res.status !== 200 && res.status !== 204) throw new Error(`voice webhook answered ${res.status}`);
    return view;
  };
  const call = async (i: number) => {
    const sid = `CA${i.toString(16).padStart(32, '0')}`;
    try {
      let view = await post(sid, `/voice/rating?agent=agent-${i % 500}&ticket=SOAK-${i}&lang=ar`, {});
      for (const digits of ['5', '1', '2']) {
        if (!view.gather) throw new Error('a rating step offered no <Gather>');
        view = await post(sid, view.gather.action, { Digits: digits, FinishedOnKey: '' });
      }
      await post(sid, '/voice/status', { CallStatus: 'completed', CallDuration: '60' });
    } catch (err) {
      noteError('calls', err instanceof Error ? err.message : String(err));
    }
  };

  interface Sample {
    t: number;
    offeredClosures: number;
    offeredCalls: number;
    backlog: number;
    rss: Record<string, number>;
    /** Read every HEAP_EVERY samples: per Node process (MB, from its /metrics) the V8 heap in use and in use after the last full collection; Redis's own count of its memory and its keys. */
    heap?: Record<string, number>;
    live?: Record<string, number>;
    redis?: { usedMb: number; keys: number };
  }
  const samples: Sample[] = [];
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const offered = { closures: 0, calls: 0 };
  const pids: Record<string, number | undefined> = {
    web: webProcess.pid,
    ...Object.fromEntries(workerProcesses.map((w, i) => [`worker ${i + 1}`, w.pid])),
    redis: services.pids.redis,
    database: services.pids.mongo,
  };
  const heapOf = async (metricsPort: number) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const mb = (name: string) => {
      const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
      return value ? Number(value) / 2 ** 20 : 0;
    };
    return {
      inUse: mb('verisat_nodejs_heap_size_used_bytes'),
      live: mb('verisat_nodejs_heap_after_major_gc_bytes'),
    };
  };
  const redisMemory = async () => {
    const used = /^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1];
    return { usedMb: Number(used ?? 0) / 2 ** 20, keys: await redis.dbsize() };
  };
  let sampled = 0;
  const sample = async () => {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
    // As often as a Prometheus would scrape (every ~15 s), not every sample: a scrape has a cost.
    const scrape = sampled++ % HEAP_EVERY === 0;
    const heaps = scrape
      ? await Promise.all(
          Object.entries(metricsPorts).map(async ([name, p]) => [name, await heapOf(p)] as const),
        )
      : undefined;
    samples.push({
      t: elapsed(),
      offeredClosures: offered.closures,
      offeredCalls: offered.calls,
      backlog: counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0),
      rss: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMb(pid)])),
      ...(heaps
        ? {
            heap: Object.fromEntries(heaps.map(([name, h]) => [name, h.inUse])),
            live: Object.fromEntries(heaps.map(([name, h]) => [name, h.live])),
            redis: await redisMemory(),
          }
        : {}),
    });
  };
  const sampler = setInterval(
    () => void sample().catch((err: unknown) => console.error('sample failed', err)),
    SAMPLE_MS,
  );

  // Offer the load: keep up with the day's curve, IN_FLIGHT requests (or calls) of each kind at once.
  const offer = async (kind: 'closures' | 'calls', total: number, run: (i: number) => Promise<void>) => {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (offered[kind] < total && elapsed() < MAX_SECONDS) {
          if (offered[kind] >= target(total, elapsed())) {
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          const i = offered[kind]++;
          await run(i);
        }
      }),
    );
  };
  await Promise.all([offer('closures', CLOSURES, closeTicket), offer('calls', CALLS, call)]);
  const offeredFor = elapsed();

  // Drain: until every offered closure is sent (or given up on) and the queues are empty, or the bound.
  const unsentNow = () => db.models.FollowUp.countDocuments({ state: { $in: ['scheduled', 'sending'] } });
  while (elapsed() < MAX_SECONDS) {
    const followUps = await db.models.FollowUp.estimatedDocumentCount();
    const last = samples[samples.length - 1];
    if (
      (await unsentNow()) === 0 &&
      followUps >= offered.closures - errors.closures &&
      (last?.backlog ?? 0) === 0
    )
      break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  // Closures whose follow-up was never even created (their event still queued) count as unsent too.
  const unsent =
    (await unsentNow()) +
    Math.max(0, offered.closures - errors.closures - (await db.models.FollowUp.estimatedDocumentCount()));
  await sample();
  clearInterval(sampler);
  const ranFor = elapsed();

  // Lag of every sent follow-up, overall and by when it was sent.
  const lags: number[] = [];
  const bucketSeconds = Math.max(1, (SAMPLE_MS / 1000) * 3);
  const buckets = new Map<number, number[]>();
  for await (const f of db.models.FollowUp.find({ sentAt: { $exists: true } })
    .select({ sendAt: 1, sentAt: 1 })
    .lean()
    .cursor()) {
    if (!f.sentAt || !f.sendAt) continue;
    const lag = f.sentAt.getTime() - f.sendAt.getTime();
    lags.push(lag);
    const b = Math.floor((f.sentAt.getTime() - started) / 1000 / bucketSeconds);
    const list = buckets.get(b) ?? [];
    list.push(lag);
    buckets.set(b, list);
  }
  const overall = percentiles(lags);
  const lagSeries = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([b, list]) => ({ t: (b + 0.5) * bucketSeconds, ...percentiles(list) }));
  const failedJobs = (await Promise.all(queues.map((q) => q.getJobCounts('failed')))).reduce(
    (n, c) => n + (c.failed ?? 0),
    0,
  );
  const ratings = await db.models.PostCallRating.countDocuments({ status: 'complete' });
  const sent = lags.length;

  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const medianRss = (list: Sample[], name: string) => percentiles(list.map((s) => s.rss[name] ?? 0)).p50;
  console.log(
    `soak: ${CLOSURES} closures and ${CALLS} calls offered over a ${DAY_SECONDS} s day, ${RATE_OFFERED.toFixed(1)}× the national rate (offered in ${offeredFor.toFixed(0)} s, run ${ranFor.toFixed(0)} s, bound ${MAX_SECONDS} s)`,
  );
  console.log(
    `due → sent lag: p50 ${(overall.p50 / 1000).toFixed(2)} s  p90 ${(overall.p90 / 1000).toFixed(2)} s  p99 ${(overall.p99 / 1000).toFixed(2)} s  max ${(overall.max / 1000).toFixed(2)} s over ${sent} sends`,
  );
  console.log(
    `errors: ${crashes.length} processes crashed${crashes.length ? ` (${crashes.join('; ')})` : ''}, ${errors.closures} closures refused, ${errors.calls} calls failed, ${failedJobs} failed jobs, ${unsent} follow-ups unsent at the end, peak backlog ${Math.max(0, ...samples.map((s) => s.backlog))}${errors.firstError ? ` (first: ${errors.firstError})` : ''}`,
  );
  ratio('soak: follow-ups sent / closures offered', sent, CLOSURES);
  ratio('soak: post-call ratings complete / calls offered', ratings, CALLS);
  ratio('soak: lag p99 / 5 s target', overall.p99, 5000);
  for (const name of Object.keys(pids)) {
    const first = medianRss(samples.slice(0, quarter), name);
    const last = medianRss(samples.slice(-quarter), name);
    console.log(
      `memory ${name.padEnd(10)} first quarter ${first.toFixed(0)} MB, last quarter ${last.toFixed(0)} MB`,
    );
    ratio(`soak: RSS last / first quarter, ${name}`, last, first);
  }
  // Resident memory also holds what V8 has reserved and not given back, and the heap in use swings
  // with garbage not yet collected; the heap after a full collection is what a leak grows. Redis and
  // the database hold the run's data (completed jobs are kept for a day or more, the in-memory
  // database keeps every record): theirs is judged per key held. Medians per quarter of the run:
  const heapSamples = samples.filter((s) => s.heap);
  const heapQuarter = Math.max(1, Math.floor(heapSamples.length / 4));
  const byQuarter = (value: (s: Sample) => number) =>
    [0, 1, 2, 3].map(
      (q) =>
        percentiles(
          heapSamples.slice(q * heapQuarter, q === 3 ? undefined : (q + 1) * heapQuarter).map(value),
        ).p50,
    );
  const mbs = (list: number[], digits = 0) => list.map((m) => `${m.toFixed(digits)} MB`).join(', ');
  for (const name of Object.keys(metricsPorts)) {
    const inUse = byQuarter((s) => s.heap?.[name] ?? 0);
    const live = byQuarter((s) => s.live?.[name] ?? 0);
    console.log(
      `heap ${name.padEnd(10)} in use by quarter ${mbs(inUse)}; after a full collection ${mbs(live)}`,
    );
    ratio(`soak: heap after a full collection, last / first quarter, ${name}`, live[3] ?? 0, live[0] ?? 1);
  }
  const perKey = byQuarter((s) => ((s.redis?.usedMb ?? 0) * 1024) / Math.max(1, s.redis?.keys ?? 0));
  const keys = byQuarter((s) => s.redis?.keys ?? 0);
  console.log(
    `redis used memory by quarter ${mbs(byQuarter((s) => s.redis?.usedMb ?? 0))} for ${keys.map((k) => k.toFixed(0)).join(', ')} keys: ${perKey.map((k) => k.toFixed(2)).join(', ')} KB per key`,
  );
  ratio('soak: Redis memory per key held, last / first quarter', perKey[3] ?? 0, perKey[0] ?? 1);

  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    `${OUT}.json`,
    JSON.stringify(
      {
        closures: CLOSURES,
        calls: CALLS,
        daySeconds: DAY_SECONDS,
        overall,
        errors,
        failedJobs,
        unsent,
        samples,
        lagSeries,
      },
      null,
      1,
    ),
  );
  writeFileSync(
    `${OUT}.svg`,
    lineChart({
      title: `Soak: ${CLOSURES.toLocaleString('en')} closures, ${CALLS.toLocaleString('en')} calls over a ${DAY_SECONDS} s day`,
      xLabel: 'seconds into the run',
      panels: [
        {
          title: 'due → sent lag',
          unit: 's',
          series: [
            { label: 'p50', points: lagSeries.map((l) => [l.t, l.p50 / 1000]) },
            { label: 'p99', points: lagSeries.map((l) => [l.t, l.p99 / 1000]) },
          ],
        },
        {
          title: 'resident memory',
          unit: 'MB',
          series: Object.keys(pids).map((name) => ({
            label: name,
            points: samples.map((s) => [s.t, s.rss[name] ?? 0]),
          })),
        },
        {
          title: 'V8 heap after the last full collection (Node processes)',
          unit: 'MB',
          series: Object.keys(metricsPorts).map((name) => ({
            label: name,
            points: heapSamples.map((s) => [s.t, s.live?.[name] ?? 0]),
          })),
        },
        {
          title: 'backlog of due jobs',
          unit: 'jobs',
          series: [{ label: 'waiting + active', points: samples.map((s) => [s.t, s.backlog]) }],
        },
      ],
    }),
  );
  console.log(`wrote ${OUT}.svg and ${OUT}.json`);
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
  await db.close();
} finally {
  await stopAll();
}
