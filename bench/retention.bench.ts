/**
 * The retention purge at national size, measured together with the Twilio webhooks it must not slow.
 *
 * Seeds N closures older than every retention period (a follow-up and a verified score, each with
 * the citizen's number and a comment, and the citizen's message; one in BENCH_RETENTION_RECORDING_EVERY
 * with a post-call rating holding a recording reference) straight into the collections, then measures
 * signed requests to the real webhook routes (inbound SMS, message status callbacks, IVR steps; each
 * request different, from a second process), ROUNDS rounds without the purge (baseline) and ROUNDS
 * rounds while the purge runs as its BullMQ job in this same process (the worst case: the web server
 * shares its event loop), the median over rounds of each percentile. The webhooks are offered at
 * BENCH_WEBHOOK_RATE a second whatever the answers (open loop, latency from when each was due): the
 * target is about latency at the traffic a national number sends, not about how many a saturated
 * server queues (BENCH_WEBHOOK_RATE=0 sends them closed-loop at BENCH_CONNECTIONS instead).
 * Then the purge's rate and an extrapolation to 10,000,000 closures: from the whole purge with
 * BENCH_RETENTION_FULL=1, else from the part done when the measured rounds end (the purge is then
 * stopped the way a shutdown stops it, between batches).
 *
 * The rate: a national day is 300,000 calls (about 4 voice webhooks each: the rating menu's steps
 * and the status callback) and 200,000 closures (a follow-up's SMS with two status callbacks and
 * about two replies): about 2,000,000 webhooks, 8.6% of them in the busiest hour of the soak's day
 * curve (bench/soak.bench.ts), so about 48 a second then. The default offers 100 a second.
 *
 * Usage: npm run bench -- retention
 *        BENCH_RETENTION_RECORDS=100000 npm run bench -- retention
 * Knobs: BENCH_RETENTION_RECORDS (1,000,000), BENCH_ROUNDS (3), BENCH_REQUESTS per round (2,000),
 *        BENCH_WEBHOOK_RATE (100 a second; 0: closed loop), BENCH_CONNECTIONS (10),
 *        BENCH_RETENTION_FULL (0), RETENTION_BATCH_SIZE, RETENTION_BATCH_PAUSE_MS,
 *        RETENTION_BATCH_TARGET_MS (the system's own knobs; the benchmark's defaults below, the
 *        system's for the target; RETENTION_BATCH_TARGET_MS=0 turns pacing off: every batch is
 *        RETENTION_BATCH_SIZE, as before it), BENCH_JAVA_HEAP (the database's heap, 8g).
 * Target: webhooks p99 < 20 ms while the purge runs.
 */
import os from 'node:os';
import twilio from 'twilio';
import { createWorkerConnection } from '../src/queue/connection.js';
import { startWorkers } from '../src/queue/workers.js';
import type { PurgeProgress, PurgeReport } from '../src/retention/purge.js';
import { lastRetentionRun } from '../src/retention/runs.js';
import { RETENTION_QUEUE, retentionWorker } from '../src/retention/worker.js';
import { startTestSystem, useSharedServers, type TestSystem } from '../test/support/system.js';
import { benchServices, loadEach, medianBy, type LoadResult } from './lib.js';

const N = Number(process.env.BENCH_RETENTION_RECORDS ?? 1_000_000);
const RECORDING_EVERY = Number(process.env.BENCH_RETENTION_RECORDING_EVERY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);
const FULL = process.env.BENCH_RETENTION_FULL === '1';
// The system's default (RETENTION_BATCH_SIZE, 2,000): mongo-java-server now reads a batch from its
// date index in order and stops at the limit (scripts/mongo-java-server/IndexedBackends.java).
const BATCH = process.env.RETENTION_BATCH_SIZE ?? '2000';
const PAUSE = process.env.RETENTION_BATCH_PAUSE_MS ?? '20';
const PACE = process.env.RETENTION_BATCH_TARGET_MS;
const DAY = 86_400_000;
const TARGET_MS = 20;

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const services = await benchServices({ javaHeap: process.env.BENCH_JAVA_HEAP ?? '8g' });
useSharedServers(() => ({ redisUrl: services.redisUrl, mongoUrl: services.mongoUrl }));

async function seed(sys: TestSystem): Promise<number> {
  const m = sys.ctx.models;
  const now = Date.now();
  const CHUNK = 10_000;
  let recordings = 0;
  for (let start = 0; start < N; start += CHUNK) {
    const n = Math.min(CHUNK, N - start);
    const rows = Array.from({ length: n }, (_, j) => {
      const i = start + j;
      // Spread over the year before the phone period ends (400 to 765 days ago), oldest first.
      const closedAt = new Date(now - 765 * DAY + Math.floor((i * 365 * DAY) / N));
      return {
        ticketRef: `R-${i}`,
        closureNumber: 1,
        agency: `agency-${i % 20}`,
        department: `dept-${i % 40}`,
        agentId: `agent-${i % 2000}`,
        citizenPhone: `+9665${String(i % 100_000_000).padStart(8, '0')}`,
        comment: 'الموظف لم يحل المشكلة والشارع ما زال مغلقا',
        closedAt,
        day: closedAt.toISOString().slice(0, 10),
      };
    });
    const writes: Promise<unknown>[] = [
      m.FollowUp.collection.insertMany(
        rows.map((r) => ({ ...r, state: 'closed', outcome: 'disputed', channel: 'sms', language: 'ar' })),
        { ordered: false },
      ),
      m.VerifiedScore.collection.insertMany(
        rows.map((r) => ({ ...r, outcome: 'disputed', solved: false, rating: 2 })),
        { ordered: false },
      ),
      m.FollowUpMessage.collection.insertMany(
        rows.map((r, j) => ({
          sid: `SM${(start + j).toString(16).padStart(32, '0')}`,
          direction: 'inbound',
          channel: 'sms',
          body: r.comment,
          createdAt: r.closedAt,
        })),
        { ordered: false },
      ),
    ];
    const withRecording = rows.filter((_, j) => (start + j) % RECORDING_EVERY === 0);
    recordings += withRecording.length;
    if (withRecording.length > 0)
      writes.push(
        m.PostCallRating.collection.insertMany(
          withRecording.map((r, j) => ({
            callSid: `CA${(start + j).toString(16).padStart(32, '0')}`,
            agentId: r.agentId,
            agency: r.agency,
            day: r.day,
            rating: 3,
            createdAt: r.closedAt,
            recording: {
              sid: `RE${(start + j * RECORDING_EVERY).toString(16).padStart(32, '0')}`,
              url: `https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE${start + j}`,
              duration: 12,
            },
          })),
          { ordered: false },
        ),
      );
    await Promise.all(writes);
  }
  return recordings;
}

/** One round's requests: each different, signed over the public URL as Twilio signs it. */
function webhookRequests(sys: TestSystem, round: number) {
  const token = sys.ctx.config.twilio.authToken;
  const accountSid = sys.ctx.config.twilio.accountSid;
  const base = sys.ctx.config.publicBaseUrl;
  const voicePath = '/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=a-1&t=T-1';
  return Array.from({ length: REQUESTS }, (_, i) => {
    const id = (round * 1_000_000 + i).toString(16).padStart(32, '0');
    const kind = i % 3;
    const [path, params] =
      kind === 0
        ? ([
            '/sms/inbound',
            {
              MessageSid: `SM${id}`,
              AccountSid: accountSid,
              From: `+9665${String(i).padStart(8, '0')}`,
              To: '+966920000000',
              Body: '١',
              NumMedia: '0',
            },
          ] as const)
        : kind === 1
          ? ([
              '/sms/status',
              { MessageSid: `SM${id}`, MessageStatus: 'delivered', AccountSid: accountSid },
            ] as const)
          : ([
              voicePath,
              {
                CallSid: `CA${id}`,
                AccountSid: accountSid,
                Digits: String((i % 5) + 1),
                CallStatus: 'in-progress',
              },
            ] as const);
    const p: Record<string, string> = { ...params };
    return {
      path,
      body: new URLSearchParams(p).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(token, `${base}${path}`, p),
      },
    };
  });
}

/**
 * The purge's write times from its histogram on /metrics: how long the writes held the collection
 * (the wait a webhook can meet), as the bucket bounds give them.
 */
async function writeTimes(sys: TestSystem): Promise<string> {
  const text = await (await fetch(`${sys.baseUrl}/metrics`)).text();
  const buckets = [
    ...text.matchAll(/^verisat_retention_purge_write_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)$/gm),
  ].map((m) => ({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]) * 1000, n: Number(m[2]) }));
  const sum =
    Number(/^verisat_retention_purge_write_seconds_sum\{[^}]*\} (\S+)$/m.exec(text)?.[1] ?? 0) * 1000;
  const count = buckets.at(-1)?.n ?? 0;
  if (count === 0) return 'no purge write timed';
  const upTo = (q: number) => buckets.find((b) => b.n >= q * count)?.le ?? Number.POSITIVE_INFINITY;
  const over = (ms: number) => count - (buckets.find((b) => b.le === ms)?.n ?? count);
  return `${count} writes, mean ${(sum / count).toFixed(1)} ms, p50 ≤ ${upTo(0.5)} ms, p99 ≤ ${upTo(0.99)} ms, over 20 ms: ${over(20)}, over 100 ms: ${over(100)}`;
}

function line(label: string, rounds: LoadResult[]): { p50: number; p95: number; p99: number } {
  // load-runner reports p90, not p95: the 95th is read between them as the runner gives them.
  const med = (f: (r: LoadResult) => number) => f(medianBy(rounds, f));
  const p50 = med((r) => r.latency.p50);
  const p90 = med((r) => r.latency.p90);
  const p99 = med((r) => r.latency.p99);
  const rps = med((r) => r.perSecond);
  const errors = rounds.reduce((s, r) => s + r.errors, 0);
  console.log(
    `${label.padEnd(34)} p50 ${p50.toFixed(2)} ms  p90 ${p90.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  ${rps.toFixed(0)}/s  errors ${errors}  (rounds p99: ${rounds.map((r) => r.latency.p99.toFixed(1)).join(', ')} ms)`,
  );
  return { p50, p95: p90, p99 };
}

try {
  const sys = await startTestSystem({
    env: {
      LOG_LEVEL: 'silent',
      RETENTION_BATCH_SIZE: BATCH,
      RETENTION_BATCH_PAUSE_MS: PAUSE,
      ...(PACE !== undefined ? { RETENTION_BATCH_TARGET_MS: PACE } : {}),
      RETENTION_RECORDING_DELETES_PER_SECOND: '500',
    },
  });
  console.log(
    `retention purge at national size: ${N.toLocaleString('en')} closures older than every period, batch ${sys.ctx.config.retention.batchTargetMs > 0 ? `paced to ${sys.ctx.config.retention.batchTargetMs} ms a write, at most ${BATCH}` : `${BATCH} (not paced)`}, pause ${PAUSE} ms, webhooks ${REQUESTS} per round ${RATE > 0 ? `offered at ${RATE}/s (open loop)` : `closed-loop at ${CONNECTIONS} connections`}, ${ROUNDS} rounds`,
  );
  const t0 = performance.now();
  const recordings = await seed(sys);
  console.log(
    `seeded ${N.toLocaleString('en')} closures (${(3 * N + recordings).toLocaleString('en')} documents, ${recordings.toLocaleString('en')} recordings) in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${load()}`,
  );
  const url = `${sys.baseUrl}/sms/inbound`;
  const offered = RATE > 0 ? { rate: RATE } : {};
  const warm = await loadEach('(warm-up)', url, webhookRequests(sys, 0).slice(0, 1000), CONNECTIONS, offered);
  console.log(
    `warm-up: ${warm.requests} requests, ${warm.errors} errors, p99 ${warm.latency.p99.toFixed(1)} ms`,
  );

  const baseline: LoadResult[] = [];
  for (let r = 0; r < ROUNDS; r++)
    baseline.push(await loadEach('baseline', url, webhookRequests(sys, 1 + r), CONNECTIONS, offered));
  const baselineLoad = load();

  // The purge as the workers run it: its BullMQ job, in this process.
  const connection = createWorkerConnection(sys.ctx.redisUrl);
  const workers = startWorkers([retentionWorker(sys.ctx)], {
    connection,
    prefix: sys.ctx.config.queuePrefix,
    log: sys.ctx.log,
  });
  const queue = sys.ctx.queues.get(RETENTION_QUEUE);
  const job = await queue.add('purge', {}, { jobId: 'bench-purge' });
  const started = performance.now();
  const during: LoadResult[] = [];
  let round = 0;
  // Rounds only count while the purge is still running at their end.
  while (during.length < ROUNDS) {
    const result = await loadEach(
      'during purge',
      url,
      webhookRequests(sys, 100 + round++),
      CONNECTIONS,
      offered,
    );
    const state = await job.getState();
    if (state !== 'active' && state !== 'waiting') break;
    during.push(result);
    const progress = (await queue.getJob('bench-purge'))?.progress as PurgeProgress | undefined;
    if (progress)
      console.log(
        `  purge progress: ${progress.batches} batches, ${progress.percent}% done, about ${progress.remaining.toLocaleString('en')} records left, batch size now ${progress.batchSize}`,
      );
  }
  const duringLoad = load();
  const writes = await writeTimes(sys);
  let finished = true;
  if (FULL) {
    while (!(await job.isCompleted())) {
      if (await job.isFailed())
        throw new Error(`the purge failed: ${(await queue.getJob('bench-purge'))?.failedReason}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } else {
    // Stopped as a shutdown stops it (between batches); its run record holds what it changed.
    finished = await job.isCompleted();
  }
  const seconds = (performance.now() - started) / 1000;
  await workers.close();
  await connection.quit();
  const run = await lastRetentionRun(sys.ctx);
  if (!run) throw new Error('the purge left no run record');
  const report = finished
    ? ((await queue.getJob('bench-purge'))?.returnvalue as PurgeReport)
    : {
        changed: Object.fromEntries(run.kinds.map((k) => [k.key, k.changed])),
        batches: run.batches,
        recordingsDeleted: run.recordingsDeleted,
      };
  const changed = Object.values(report.changed).reduce((s, n) => s + n, 0);
  const endLoad = load();

  console.log(`webhooks (inbound SMS, status callbacks, IVR steps), median of rounds:`);
  const base = line('  baseline (no purge)', baseline);
  console.log(`  load average ${baselineLoad}`);
  if (during.length === 0) {
    console.log(
      'webhooks p99 during purge: no round ended before the purge did (raise BENCH_RETENTION_RECORDS)',
    );
  } else {
    const d = line(`  during the purge (${during.length} rounds)`, during);
    console.log(`  load average ${duringLoad}`);
    console.log(
      `webhooks p99 during purge: ${d.p99.toFixed(2)} ms (target p99 < ${TARGET_MS} ms: ${d.p99 < TARGET_MS ? 'met' : 'NOT met'}); baseline p99 ${base.p99.toFixed(2)} ms`,
    );
  }
  console.log(
    `purge${finished ? '' : ' (stopped after the measured rounds)'}: ${changed.toLocaleString('en')} records changed in ${seconds.toFixed(1)} s (${(changed / seconds).toFixed(0)} records/s, ${report.batches} batches of ${(changed / Math.max(1, report.batches)).toFixed(0)} records on average, ${report.recordingsDeleted.toLocaleString('en')} recordings deleted at the stand-in); load average at the end ${endLoad}`,
  );
  console.log(`  by kind: ${JSON.stringify(report.changed)}`);
  console.log(
    `  purge writes until the rounds ended (each holds the collection on mongo-java-server): ${writes}`,
  );
  // What a whole purge of N closures changes: a phone and a comment on each follow-up and score,
  // each message's body, and the recordings' references.
  const total = 5 * N + recordings;
  const perSecond = changed / seconds;
  console.log(
    `extrapolated to 10,000,000 closures (${((total * 10_000_000) / N).toLocaleString('en')} records to change at ${perSecond.toFixed(0)} records/s; not measured): ${((total * 10_000_000) / N / perSecond / 3600).toFixed(1)} h. A batch reads its records from the date index and stops at its size, so its cost is its own, not the collection's (on MongoDB and, since this change, on mongo-java-server).`,
  );
  await sys.stop();
} finally {
  await services.stop();
}
process.exit(0);
