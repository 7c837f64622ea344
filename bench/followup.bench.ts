/**
 * Closure verification throughput, each against a baseline in the same run that does only the
 * unavoidable work:
 *  1. closure events accepted and scheduled per second (baseline: raw driver insert + raw BullMQ add),
 *     and the write-path target against the durable ceiling;
 *  2. follow-ups sent per second through the SDK and the stand-in (baseline: a BullMQ processor making
 *     the same HTTP request with no logic), and the write-path target against the durable floor;
 *  3. inbound reply webhook latency at 50 concurrent (baseline: a bare Express route returning TwiML),
 *     then how fast the worker applies and answers the queued replies.
 *
 * The durable bounds are honest when they do exactly the database work our path must do for
 * correctness and durability, no more and no less: the same documents in collections made by the
 * same code (so with the same indexes), the same default write concern, the same HTTP call, by the
 * raw driver, one command at a time, no Mongoose, no SDK, no logic, no batching (ours groups commands
 * per event-loop turn; that is our work, and the bound does not get it).
 *  - Events (ceiling): the HTTP request and its JSON, then in series the owner claim (an insert: a
 *    ticket of another agency is refused before anything is stored), the event as ours stores it, and
 *    its apply job; 202.
 *  - Sends (floor): the claim (read, then a conditional write), the ticket, opt-out and score read at
 *    once, the SDK's request, then at once the message, the score marked sent (conditional on its
 *    revision, pending its count) and the reminder and expiry jobs, then at once the follow-up's state
 *    and the score's count in the sums: its daily bucket, its month marked dirty, the sums' revision,
 *    its pending flag lowered, in that order (src/scores/sums/month-sums.ts says why the order).
 *    Sums kept exact and readable from months are part of a send's durable work since issue 29.
 * The targets are the median of the rounds' own ratios (ours and the bound alternate within a round).
 * Usage: npm run bench -- followup   (BENCH_EVENTS, BENCH_SENDS, BENCH_REPLIES to resize)
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import twilio from 'twilio';
import { loadConfig } from '../src/config/index.js';
import { INBOUND_QUEUE } from '../src/followup/conversation/inbound.js';
import { FOLLOWUP_QUEUE } from '../src/followup/queue.js';
import { TICKET_EVENTS_QUEUE } from '../src/tickets/service.js';
import { connectDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/log.js';
import {
  addScoreCounters,
  bucketId,
  bucketOf,
  cellCodeOf,
  SCORE_SUMS_FIELDS,
} from '../src/scores/sums/daily-sums.js';
import { monthBucketId, monthOf } from '../src/scores/sums/month-sums.js';
import { startSystem } from '../src/system.js';
import { POLICY_OFF, startTestSystem, useSharedServers, type TestSystem } from '../test/support/system.js';
import {
  bareSender,
  loadEach,
  benchServices,
  median,
  medianBy,
  percentiles,
  profilePhase,
  rawDrain,
  ratio,
  report,
  runLoad,
  SMS_BODY,
  type LoadResult,
} from './lib.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const SENDS = Number(process.env.BENCH_SENDS ?? 1000);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 2000);
const SEND_AGENTS = Math.max(1, Number(process.env.BENCH_SEND_AGENTS ?? 50));
/** Ours and its baselines run alternately this many times; the median round is reported. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const FAST = {
  FOLLOWUP_DELAY_HOURS: '0',
  SEND_WINDOW: '00:00-24:00',
  SMS_RATE_PER_SECOND: '10000',
  SANDBOX_STATUS_DELAY_MS: '60000',
};

/** Valid Saudi mobile numbers (+966 55…), distinct per section. */
const phone = (section: number, i: number) => `+96655${section}${String(i).padStart(6, '0')}`;

const services = await benchServices();
useSharedServers(() => ({ redisUrl: services.redisUrl, mongoUrl: services.mongoUrl }));

/** A worker-only system on the web system's database and queues, as a separate worker process would be. */
function startWorkers(sys: TestSystem, env: Record<string, string> = {}) {
  return startSystem(
    loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...FAST,
      ...POLICY_OFF,
      ...env,
      QUEUE_PREFIX: sys.ctx.config.queuePrefix,
      SANDBOX_API_URL: sys.baseUrl,
      PUBLIC_BASE_URL: sys.baseUrl,
    }),
    {
      web: false,
      workers: true,
      services: { redisUrl: services.redisUrl, mongoUri: services.mongoUrl, dbName: sys.dbName },
      log: createLogger({ level: 'silent' }),
      reconcileEveryMs: 0,
    },
  );
}

/**
 * Lets a worker system work through `total` queued jobs (read from Redis: counting documents in
 * the database every few ms would compete with the very workers being measured),
 * stops it, and reports how long that took and how long each job ran.
 */
async function drain(queue: Queue, total: number, workers: { stop(): Promise<void> }) {
  const started = performance.now();
  let done = 0;
  while (done < total && performance.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 50));
    done = (await queue.getJobCounts('completed')).completed ?? 0;
  }
  const seconds = (performance.now() - started) / 1000;
  await workers.stop();
  const jobs = await queue.getJobs(['completed'], 0, total - 1);
  return { done, seconds, took: percentiles(jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0))) };
}

/**
 * Runs a load phase and adds the CPU time this process spent in it per request: the servers measured
 * here (ours and the durable ceiling's) live in this process, the load generator in a child. On a
 * shared machine the throughputs swing with the load; the CPU each request costs hardly does, and
 * says whose work the gap is.
 */
async function withCpu(phase: () => Promise<LoadResult>): Promise<LoadResult & { cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await phase();
  const used = process.cpuUsage(before);
  return { ...result, cpuMs: (used.user + used.system) / 1000 / result.requests };
}

/** The write-path targets: the median of the rounds' own ratios to the durable bound, at least 85%. */
function durableTarget(label: string, roundRatios: number[]): void {
  const r = medianBy(roundRatios, (v) => v);
  console.log(
    `${label}, median round ratio ${(100 * r).toFixed(1)}%  (target ≥ 85%: ${r >= 0.85 ? 'met' : 'NOT met'}; ${roundRatios.length} rounds)`,
  );
}

async function closureEvents(): Promise<void> {
  // A web process only, as in production: it stores and queues each event (202); a worker process
  // applies them afterwards. Delay far in the future: this measures accepting and scheduling, not sending.
  const sys = await startTestSystem({ env: { FOLLOWUP_DELAY_HOURS: '72' } });
  const token = await sys.token('ticket_system');
  const event = (ref: string, i: number) => ({
    eventId: `bench-${ref}`,
    type: 'closed',
    at: new Date().toISOString(),
    agency: 'momrah',
    department: 'roads',
    agentId: `agent-${i % 50}`,
    citizenPhone: phone(1, i),
    language: 'ar',
  });
  const requests = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      path: `/api/tickets/${prefix}-${i}/events`,
      body: JSON.stringify(event(`${prefix}-${i}`, i)),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    }));
  const warmUp = Math.min(2000, EVENTS);
  await loadEach('(warm-up)', sys.baseUrl, requests('W', warmUp), 20);
  const conn = await mongoose.createConnection(`${services.mongoUrl}bench_raw`).asPromise();
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('raw-closures', { connection: redis, prefix: 'rawbench' });
  // Not the target's baseline, but what explains the gap: the same requests to a bare Express
  // route that parses the JSON and answers 202. The baseline does no HTTP at all.
  const bare = express();
  bare.post('/api/tickets/:ref/events', express.json(), (req, res) => {
    res.status(202).json({ event: req.body as unknown, status: 'accepted' });
  });
  const bareServer = http.createServer(bare).listen(0, '127.0.0.1');
  await once(bareServer, 'listening');
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;
  await loadEach('(warm-up)', bareUrl, requests('W', warmUp), 20);
  // The durable ceiling: what accepting an event cannot beat with one write of each kind it must
  // make per request, one at a time: the same HTTP, the JSON parsed, then the ticket's owner claimed
  // (an insert; a ticket of another agency is refused before anything is stored), the event stored
  // as ours stores it (its fields, a fingerprint), and its job queued, 202. Its collections are made
  // as ours are, with the same indexes.
  const ceilingDb = await connectDatabase(services.mongoUrl, { dbName: 'bench_ceiling' });
  const durable = express();
  durable.post('/api/tickets/:ref/events', express.json(), async (req, res) => {
    const ref = `D-${req.params.ref}`;
    const body = req.body as Record<string, string>;
    const receivedAt = new Date();
    await ceilingDb.models.TicketOwner.collection.insertOne({
      _id: ref as never,
      agency: body.agency,
      department: body.department,
      eventId: body.eventId,
      claimedAt: receivedAt,
    });
    await ceilingDb.models.TicketEvent.collection.insertOne({
      _id: `D-${body.eventId}` as never,
      eventId: body.eventId,
      ticketRef: ref,
      type: body.type,
      at: new Date(body.at ?? 0),
      receivedAt,
      agency: body.agency,
      department: body.department,
      agentId: body.agentId,
      citizenPhone: body.citizenPhone,
      language: body.language,
      fingerprint: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
    });
    await queue.add('apply', { ref }, { jobId: `durable-${ref}` });
    res.status(202).json({ event: req.body as unknown, status: 'accepted' });
  });
  const durableServer = http.createServer(durable).listen(0, '127.0.0.1');
  await once(durableServer, 'listening');
  const durableUrl = `http://127.0.0.1:${(durableServer.address() as AddressInfo).port}`;
  await loadEach('(warm-up)', durableUrl, requests('W', warmUp), 20);

  const rounds: {
    ours: LoadResult & { cpuMs: number };
    baseline: LoadResult;
    httpOnly: LoadResult;
    ceiling: LoadResult & { cpuMs: number };
  }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ours = await withCpu(() =>
      profilePhase('closure-events-ours', () =>
        loadEach('closure events accepted via API (ours)', sys.baseUrl, requests(`B${r}`, EVENTS), 20),
      ),
    );
    const baseline = await runLoad('raw insert + BullMQ add (baseline)', EVENTS, 20, async (i) => {
      const ref = `B${r}-${i}`;
      await conn.collection('closures').insertOne({ _id: ref as never, ...event(ref, i) });
      await queue.add('apply', { ref }, { jobId: `raw-${ref}` });
      return true;
    });
    const httpOnly = await loadEach(
      'bare Express JSON route (HTTP only)',
      bareUrl,
      requests(`B${r}`, EVENTS),
      20,
    );
    const ceiling = await withCpu(() =>
      loadEach(
        'HTTP + owner, event, add in series (durable ceiling)',
        durableUrl,
        requests(`B${r}`, EVENTS),
        20,
      ),
    );
    rounds.push({ ours, baseline, httpOnly, ceiling });
  }
  bareServer.close();
  durableServer.close();
  const ours = median(rounds.map((x) => x.ours));
  const baseline = median(rounds.map((x) => x.baseline));
  const httpOnly = median(rounds.map((x) => x.httpOnly));
  // Each round measures ours and the baseline back to back, so the target is judged on the median
  // of the rounds' own ratios; the machine's drift between rounds cancels out of each.
  const ratios = rounds.map((x) => x.ours.perSecond / x.baseline.perSecond);
  console.log(`rounds (ours / baseline): ${ratios.map((r) => `${(100 * r).toFixed(1)}%`).join(', ')}`);
  report(ours);
  report(baseline);
  report(httpOnly);
  ratio(
    `closure events: ours / baseline, median round`,
    medianBy(ratios, (r) => r),
    1,
    0.7,
  );
  // If HTTP and the two writes cost what they cost alone, one after the other.
  const ceiling = 1 / (1 / httpOnly.perSecond + 1 / baseline.perSecond);
  ratio('closure events: ours / (HTTP only + baseline)', ours.perSecond, ceiling);
  report(median(rounds.map((x) => x.ceiling)));
  const ceilingRatios = rounds.map((x) => x.ours.perSecond / x.ceiling.perSecond);
  console.log(
    `rounds (ours / durable ceiling): ${ceilingRatios.map((v) => `${(100 * v).toFixed(1)}%`).join(', ')}`,
  );
  durableTarget('events: ours / durable ceiling', ceilingRatios);
  const cpu = (pick: (x: (typeof rounds)[number]) => number) =>
    medianBy(rounds.map(pick), (v) => v).toFixed(2);
  console.log(
    `events: CPU of this process per request, median round: ours ${cpu((x) => x.ours.cpuMs)} ms, durable ceiling ${cpu((x) => x.ceiling.cpuMs)} ms`,
  );

  // Then a worker applies them: derives each ticket, writes its follow-up and score, adds the
  // delayed send job. Reported so the accepting figure never hides it.
  const total = EVENTS * ROUNDS + warmUp;
  const {
    done: applied,
    seconds,
    took,
  } = await drain(
    sys.ctx.queues.get(TICKET_EVENTS_QUEUE),
    total,
    await startWorkers(sys, { FOLLOWUP_DELAY_HOURS: '72' }),
  );
  const scheduled = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getDelayedCount();
  console.log(
    `${'events applied, follow-ups scheduled (worker)'.padEnd(46)} ${(applied / seconds).toFixed(0).padStart(7)}/s  (${applied} of ${total} in ${seconds.toFixed(1)} s, ${scheduled} send jobs delayed; per event p50 ${took.p50.toFixed(0)} ms  p99 ${took.p99.toFixed(0)} ms)`,
  );
  await queue.close();
  redis.disconnect();
  await conn.dropDatabase();
  await conn.close();
  await ceilingDb.conn.dropDatabase();
  await ceilingDb.close();
  await sys.stop();
}

async function sends(): Promise<void> {
  // Web process only: the closures are stored and their jobs wait until a worker starts.
  const sys = await startTestSystem({ env: FAST });
  const token = await sys.token('ticket_system');
  const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
  const bareSend = bareSender(sys);
  // The floor's database is made as ours is: the same collections with the same indexes.
  const floorDb = await connectDatabase(services.mongoUrl, { dbName: 'bench_send_floor' });
  const F = floorDb.models;
  const floorRedis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const floorJobs = new Queue('floor-followups', { connection: floorRedis, prefix: 'rawbench' });

  /**
   * The documents a round's sends start from, copied into the floor's database before ours sends
   * them: the follow-ups (scheduled), their tickets and scores (counted, not sent) and the daily sums
   * that count them.
   */
  async function copyForFloor(prefix: string) {
    const refs = Array.from({ length: SENDS }, (_, i) => `${prefix}-${i}`);
    const { models } = sys.ctx;
    const followUps = await models.FollowUp.collection.find({ ticketRef: { $in: refs } }).toArray();
    if (followUps.length !== SENDS) throw new Error(`floor: ${followUps.length} follow-ups of ${SENDS}`);
    await F.FollowUp.collection.insertMany(followUps);
    await F.Ticket.collection.insertMany(
      await models.Ticket.collection.find({ _id: { $in: refs as never[] } }).toArray(),
    );
    await F.VerifiedScore.collection.insertMany(
      await models.VerifiedScore.collection.find({ ticketRef: { $in: refs } }).toArray(),
    );
    await F.DailySum.collection.deleteMany({});
    await F.DailySum.collection.insertMany(await models.DailySum.collection.find({}).toArray());
    return followUps;
  }

  /**
   * One send's database work at its least, by the raw driver, one command at a time (ours groups
   * them), around the same HTTP request. What a send must do and nothing else:
   *  - claim: read the follow-up, then `scheduled` → `sending`, conditional on the revision read;
   *  - read the ticket (still closed?), the opt-out, and the score it will mark, at once;
   *  - the SDK's request;
   *  - record, at once: the message, the score marked sent (conditional on its revision, pending its
   *    count) and the reminder and expiry jobs;
   *  - then, at once: the follow-up `awaiting_solved` (conditional), and the score's count: its daily
   *    bucket (conditional on the member entry read with the score), its month marked, the sums'
   *    revision raised, its pending flag lowered, in that order (month-sums.ts says why).
   */
  async function floorSend(followUps: Awaited<ReturnType<typeof copyForFloor>>, r: number, i: number) {
    const f = followUps[i];
    if (!f) throw new Error(`no follow-up ${i}`);
    const fu = F.FollowUp.collection;
    const current = (await fu.findOne({ _id: f._id })) as {
      revision: number;
      ticketRef: string;
      citizenPhone: string;
      scoreId: unknown;
    } | null;
    if (!current) throw new Error(`floor follow-up ${i} missing`);
    const now = new Date();
    await fu.updateOne(
      { _id: f._id, revision: current.revision, state: 'scheduled' },
      {
        $set: {
          state: 'sending',
          sendAttemptAt: now,
          sendLeaseUntil: new Date(now.getTime() + 30_000),
          sendClaim: 'x',
        },
        $inc: { revision: 1 },
      },
    );
    const [, , score] = await Promise.all([
      F.Ticket.collection.findOne(
        { _id: current.ticketRef as never },
        { projection: { status: 1, closures: 1 } },
      ),
      F.OptOut.collection.findOne(
        { _id: current.citizenPhone as never, optedOut: true },
        { projection: { _id: 1 } },
      ),
      F.VerifiedScore.collection.findOne(
        { _id: current.scoreId as never },
        { projection: { ...SCORE_SUMS_FIELDS, sumsPending: 1 } },
      ),
    ]);
    if (!score) throw new Error(`floor score ${i} missing`);
    await bareSend(phone(3, i));
    const sentAt = new Date();
    const rev = Number(score.sumsRev ?? 0);
    await Promise.all([
      F.FollowUpMessage.collection.insertOne({
        _id: `SMfloor${r}x${i}` as never,
        followUpId: f._id,
        direction: 'outbound',
        kind: 'initial',
        channel: 'sms',
        sid: `SMfloor${r}x${i}`,
        body: SMS_BODY,
        segments: 2,
        status: 'queued',
        statusRank: 1,
      }),
      F.VerifiedScore.collection.updateOne(
        { _id: score._id, sumsRev: rev, sent: { $ne: true } },
        { $set: { sent: true, sumsPending: true, updatedAt: sentAt }, $inc: { sumsRev: 1 } },
      ),
      floorJobs.addBulk([
        { name: 'reminder', data: { i }, opts: { jobId: `floor-r-${r}-${i}`, delay: 86_400_000 } },
        { name: 'expire', data: { i }, opts: { jobId: `floor-e-${r}-${i}`, delay: 604_800_000 } },
      ]),
    ]);
    const after = { ...score, sent: true, sumsRev: rev + 1 };
    const bucket = bucketOf(score);
    const member = String(score._id);
    const delta: Record<string, number> = {};
    addScoreCounters(after, delta);
    const was: Record<string, number> = {};
    addScoreCounters(score, was);
    for (const [k, v] of Object.entries(was)) delta[k] = (delta[k] ?? 0) - v;
    for (const k of Object.keys(delta)) if (delta[k] === 0) delete delta[k];
    await Promise.all([
      fu.updateOne(
        { _id: f._id, revision: current.revision + 1, state: 'sending' },
        {
          $set: {
            state: 'awaiting_solved',
            sentAt,
            expiresAt: new Date(sentAt.getTime() + 604_800_000),
            reminderAt: new Date(sentAt.getTime() + 86_400_000),
            channel: 'sms',
            channelIndex: 0,
            attempts: [{ channel: 'sms', sid: `SMfloor${r}x${i}`, at: sentAt, result: 'queued' }],
          },
          $unset: { sendLeaseUntil: 1, sendClaim: 1 },
          $inc: { revision: 1 },
        },
      ),
      (async () => {
        await F.DailySum.collection.updateOne(
          { _id: bucketId(bucket) as never, [`m.${member}.r`]: rev, [`m.${member}.c`]: cellCodeOf(score) },
          { $set: { ...bucket, [`m.${member}`]: { r: rev + 1, c: cellCodeOf(after) } }, $inc: delta },
        );
        const month = {
          month: monthOf(bucket.day),
          agency: bucket.agency,
          department: bucket.department,
          agentId: bucket.agentId,
        };
        await F.MonthSum.collection.updateOne(
          { _id: monthBucketId(month) as never },
          { $setOnInsert: month, $set: { dirty: true }, $inc: { gen: 1 } },
          { upsert: true },
        );
        await F.DailySum.db
          .collection('sums_meta')
          .updateOne(
            { _id: 'sums' as never },
            { $inc: { rev: 1, [`months.${month.month}`]: 1 } },
            { upsert: true },
          );
        await F.VerifiedScore.collection.updateOne(
          { _id: score._id, sumsRev: rev + 1, sumsPending: true },
          { $unset: { sumsPending: '' } },
        );
      })(),
    ]);
  }

  const rounds: { ours: LoadResult; floor: LoadResult; baseline: LoadResult }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const prefix = `S${r}`;
    await runLoad('(setup) closures to send', SENDS, 20, async (i) => {
      const res = await sys.api(`/api/tickets/${prefix}-${i}/events`, {
        token,
        // Applied now, so the measured workers only send (applying events is measured above).
        headers: { prefer: 'return=representation' },
        body: {
          eventId: `${prefix}-${i}`,
          type: 'closed',
          at: new Date().toISOString(),
          agency: 'momrah',
          department: 'roads',
          // Spread over agents as real closures are: one agent's day is one daily-sums bucket, and
          // BENCH_SEND_AGENTS=1 measures the worst case of every send landing in the same one.
          agentId: `agent-${i % SEND_AGENTS}`,
          citizenPhone: phone(2, r * SENDS + i),
        },
      });
      return res.status === 201;
    });
    // Applied inline already; their backup apply jobs would only compete with the sends measured.
    await sys.ctx.queues.get(TICKET_EVENTS_QUEUE).drain(true);
    const snapshot = await copyForFloor(prefix);
    const before = (await queue.getJobCounts('completed')).completed ?? 0;
    const workers = await startWorkers(sys);
    const drained = await profilePhase('sends-ours', () => drain(queue, before + SENDS, workers));
    if (drained.done < before + SENDS)
      console.log(`sends: only ${drained.done - before} of ${SENDS} within 5 minutes`);
    const ours: LoadResult = {
      label: 'follow-ups sent via worker + SDK (ours)',
      requests: SENDS,
      seconds: drained.seconds,
      perSecond: (drained.done - before) / drained.seconds,
      latency: drained.took,
      errors: SENDS - (drained.done - before),
    };

    const floor = await rawDrain(services.redisUrl, 'same DB work + HTTP, raw (floor)', SENDS, (i) =>
      floorSend(snapshot, r, i),
    );
    const baseline = await rawDrain(
      services.redisUrl,
      'raw BullMQ processor + same HTTP (baseline)',
      SENDS,
      (i) => bareSend(phone(3, i)),
    );
    rounds.push({ ours, floor, baseline });
  }
  const awaiting = await sys.ctx.models.FollowUp.countDocuments({ state: 'awaiting_solved' });
  console.log(`sends: ${awaiting} of ${SENDS * ROUNDS} follow-ups awaiting an answer afterwards`);
  const ratios = rounds.map((x) => x.ours.perSecond / x.baseline.perSecond);
  const floorRatios = rounds.map((x) => x.ours.perSecond / x.floor.perSecond);
  console.log(`rounds (ours / baseline): ${ratios.map((v) => `${(100 * v).toFixed(1)}%`).join(', ')}`);
  console.log(`rounds (ours / floor): ${floorRatios.map((v) => `${(100 * v).toFixed(1)}%`).join(', ')}`);
  report(median(rounds.map((x) => x.ours)));
  report(median(rounds.map((x) => x.floor)));
  report(median(rounds.map((x) => x.baseline)));
  ratio(
    'follow-up sends: ours / baseline, median round',
    medianBy(ratios, (v) => v),
    1,
    0.7,
  );
  ratio(
    'follow-up sends: ours / floor, median round',
    medianBy(floorRatios, (v) => v),
    1,
  );
  durableTarget('sends: ours / durable floor', floorRatios);
  ratio(
    'floor / baseline, median round',
    medianBy(
      rounds.map((x) => x.floor.perSecond / x.baseline.perSecond),
      (v) => v,
    ),
    1,
  );
  await floorJobs.obliterate({ force: true });
  await floorJobs.close();
  floorRedis.disconnect();
  await floorDb.conn.dropDatabase();
  await floorDb.close();
  await sys.stop();
}

async function inboundReplies(): Promise<void> {
  const sys = await startTestSystem({ env: FAST });
  // Open follow-ups to answer: one per phone, already sent.
  const now = new Date();
  const docs = Array.from({ length: REPLIES }, (_, i) => ({
    ticketRef: `I-${i}`,
    closureNumber: 1,
    agency: 'momrah',
    department: 'roads',
    agentId: 'a',
    citizenPhone: phone(4, i),
    language: 'ar',
    closedAt: now,
    state: 'awaiting_solved',
    channel: 'sms',
    jobId: `fu-send-I-${i}-1`,
    sendAt: now,
    sentAt: now,
  }));
  // Stored as the scheduler stores them: the score first, then the follow-up.
  await sys.ctx.models.VerifiedScore.insertMany(
    docs.map((d) => ({
      ticketRef: d.ticketRef,
      closureNumber: 1,
      agency: 'momrah',
      department: 'roads',
      agentId: 'a',
      closedAt: now,
      day: '2026-11-22',
    })),
  );
  await sys.ctx.models.FollowUp.insertMany(docs);
  const token = sys.ctx.config.twilio.authToken;
  const form = (i: number, round = 0) => ({
    MessageSid: `SM${round.toString(16)}${i.toString(16).padStart(31, '0')}`,
    AccountSid: sys.ctx.config.twilio.accountSid,
    From: phone(4, i),
    To: '+966920000000',
    Body: i % 2 ? '١' : 'لا ما انحلت',
    NumMedia: '0',
  });

  const bare = express();
  bare.post('/sms/inbound', express.urlencoded({ extended: false }), (_req, res) => {
    res
      .type('text/xml')
      .send('<?xml version="1.0" encoding="UTF-8"?><Response><Message>شكرا</Message></Response>');
  });
  const bareServer = http.createServer(bare).listen(0, '127.0.0.1');
  await once(bareServer, 'listening');
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/sms/inbound`;

  // Each reply is a different message from a different citizen, signed as Twilio signs it. The
  // warm-up round (other message ids, the same citizens) is the citizens' first answer.
  const signed = (round: number) =>
    Array.from({ length: REPLIES }, (_, i) => {
      const params = form(i, round);
      return {
        body: new URLSearchParams(params).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            token,
            `${sys.ctx.config.publicBaseUrl}/sms/inbound`,
            params,
          ),
        },
      };
    });
  const warmUp = signed(1).slice(0, Math.min(2000, REPLIES));
  await loadEach('(warm-up)', bareUrl, warmUp, 50);
  await loadEach('(warm-up)', `${sys.baseUrl}/sms/inbound`, warmUp, 50);
  const rounds: { ours: LoadResult; baseline: LoadResult }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Each round is a further answer from the same citizens, with message ids of its own.
    const requests = signed(r + 2);
    const baseline = await loadEach('bare Express TwiML route (baseline)', bareUrl, requests, 50);
    const ours = await loadEach('inbound reply webhook (ours)', `${sys.baseUrl}/sms/inbound`, requests, 50);
    rounds.push({ ours, baseline });
  }
  const ours = median(rounds.map((x) => x.ours));
  const baseline = median(rounds.map((x) => x.baseline));
  console.log(`rounds (ours p99): ${rounds.map((x) => `${x.ours.latency.p99.toFixed(1)} ms`).join(', ')}`);
  report(ours);
  report(baseline);
  ratio('inbound replies: ours / baseline', ours.perSecond, baseline.perSecond);
  // The latency target is judged on the median of the rounds' p99, not on the p99 of the round
  // with the median throughput.
  const p99 = medianBy(
    rounds.map((x) => x.ours.latency.p99),
    (v) => v,
  );
  console.log(
    `inbound reply webhook p99 ${p99.toFixed(2)} ms at 50 concurrent, median of ${ROUNDS} rounds (target < 20 ms: ${p99 < 20 ? 'met' : 'NOT met'})`,
  );

  // The webhook only verifies and queues; a worker process applies each reply and answers through
  // the API. Its drain rate is reported so it is never hidden behind the webhook figure.
  // Every round is queued: the warm-up answers, then the measured ones.
  const queued = REPLIES * ROUNDS + warmUp.length;
  const {
    done,
    seconds: drainSeconds,
    took,
  } = await drain(sys.ctx.queues.get(INBOUND_QUEUE), queued, await startWorkers(sys));
  console.log(
    `${'replies applied and answered (worker)'.padEnd(46)} ${(done / drainSeconds).toFixed(0).padStart(7)}/s  (${done} of ${queued} in ${drainSeconds.toFixed(1)} s; per reply p50 ${took.p50.toFixed(0)} ms  p99 ${took.p99.toFixed(0)} ms)`,
  );
  bareServer.close();
  await sys.stop();
}

try {
  console.log(`follow-up benchmarks (events ${EVENTS}, sends ${SENDS}, replies ${REPLIES})`);
  // BENCH_ONLY=events|sends|replies runs one section.
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'events') await closureEvents();
  if (!only || only === 'sends') await sends();
  if (!only || only === 'replies') await inboundReplies();
} finally {
  await services.stop();
}
process.exit(0);
