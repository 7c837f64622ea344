/**
 * How fast can any sender go on this storage? The follow-up send target (≥ 70% of a BullMQ processor
 * making the same HTTP call) is judged against a baseline that stores nothing. This measures, in the
 * same run as that baseline, raw processors that make the same call plus the durable work of a send,
 * with every write group-committed (one bulk command per event-loop turn, the storage's best case):
 *   - the send's reads one by one (as a send makes them), its writes batched;
 *   - its writes only, batched: no reads at all, a bound no sender that records the send before and
 *     after the SDK call can beat.
 * No Mongoose, no logic. Usage: npm run bench -- send-bound   (BENCH_SENDS, BENCH_ROUNDS)
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose, { Types } from 'mongoose';
import { turnBatcher } from '../src/queue/turn-batch.js';
import { startTestSystem, useSharedServers } from '../test/support/system.js';
import {
  bareSender,
  benchServices,
  median,
  medianBy,
  ratio,
  rawDrain,
  report,
  SMS_BODY,
  type LoadResult,
} from './lib.js';

const SENDS = Number(process.env.BENCH_SENDS ?? 2000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const services = await benchServices();
useSharedServers(() => ({ redisUrl: services.redisUrl, mongoUrl: services.mongoUrl }));
const sys = await startTestSystem({ env: { SANDBOX_STATUS_DELAY_MS: '60000' } });
const bareSend = bareSender(sys);

const db = await mongoose.createConnection(`${services.mongoUrl}bench_send_bound`).asPromise();
const followUps = db.collection('follow_ups');
const tickets = db.collection('tickets');
const scores = db.collection('verified_scores');
const messages = db.collection('follow_up_messages');
const optOuts = db.collection('opt_outs');
const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
const later = new Queue('bound-later', { connection: redis, prefix: 'rawbench' });

/** `$set`s by `_id` to one collection, one unordered `bulkWrite` per event-loop turn. */
function groupedSets(collection: typeof followUps) {
  return turnBatcher(async (ops: { id: Types.ObjectId; set: Record<string, unknown> }[]) => {
    await collection.bulkWrite(
      ops.map((o) => ({ updateOne: { filter: { _id: o.id }, update: { $set: o.set } } })),
      { ordered: false },
    );
    return ops.map(() => true);
  });
}
const updateFollowUps = groupedSets(followUps);
const updateScores = groupedSets(scores);
const insertMessages = turnBatcher(async (docs: { _id: string; followUpId: string }[]) => {
  await messages.insertMany(
    docs.map((d) => ({
      ...d,
      kind: 'initial',
      body: SMS_BODY,
      segments: 2,
      status: 'queued',
      statusRank: 1,
    })) as never[],
    { ordered: false },
  );
  return docs.map(() => true);
});
const scheduleNext = turnBatcher(async (keys: string[]) => {
  await later.addBulk(
    keys.flatMap((k) => [
      { name: 'reminder', data: { k }, opts: { jobId: `r-${k}`, delay: 86_400_000 } },
      { name: 'expire', data: { k }, opts: { jobId: `e-${k}`, delay: 604_800_000 } },
    ]),
  );
  return keys.map(() => true);
});

/** A round's documents, shaped like the real follow-up, ticket and score. */
async function seed(prefix: string): Promise<Types.ObjectId[]> {
  const ids = Array.from({ length: SENDS }, () => new Types.ObjectId());
  const now = new Date();
  await followUps.insertMany(
    ids.map((_id, i) => ({
      _id,
      ticketRef: `${prefix}-${i}`,
      closureNumber: 1,
      state: 'scheduled',
      citizenPhone: phone(prefix, i),
      agency: 'momrah',
      department: 'roads',
      agentId: 'agent-42',
      language: 'ar',
      channel: 'sms',
      sendAt: now,
      revision: 0,
      scoreId: _id,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await tickets.insertMany(
    ids.map((_, i) => ({
      _id: `${prefix}-${i}` as never,
      ref: `${prefix}-${i}`,
      status: 'closed',
      agency: 'momrah',
      department: 'roads',
      agentId: 'agent-42',
      citizenPhone: phone(prefix, i),
      closures: [{ number: 1, closedAt: now, eventId: `e-${prefix}-${i}` }],
      events: [{ eventId: `e-${prefix}-${i}`, type: 'closed', at: now, agentId: 'agent-42' }],
    })),
  );
  await scores.insertMany(
    ids.map((_id, i) => ({ _id, ticketRef: `${prefix}-${i}`, closureNumber: 1, agency: 'momrah' })),
  );
  return ids;
}

function phone(prefix: string, i: number): string {
  return `+9665${prefix.length % 10}${prefix.charCodeAt(prefix.length - 1) % 10}${String(i).padStart(6, '0')}`;
}

/** What a send must write: claimed before the call, message and score after it, then its state. */
async function durableSend(id: Types.ObjectId, ticketRef: string, to: string): Promise<void> {
  await updateFollowUps({ id, set: { state: 'sending', sendAttemptAt: new Date() } });
  await bareSend(to);
  await Promise.all([
    insertMessages({ _id: `SM-${ticketRef}`, followUpId: String(id) }),
    updateScores({ id, set: { sent: true } }),
  ]);
  await updateFollowUps({ id, set: { state: 'awaiting_solved', sentAt: new Date() } });
  await scheduleNext(ticketRef);
}

try {
  console.log(`send bound on this storage (sends ${SENDS}, rounds ${ROUNDS})`);
  await rawDrain(services.redisUrl, '(warm-up)', SENDS, (i) => bareSend(phone('W', i)));
  const rounds: { baseline: LoadResult; withReads: LoadResult; writesOnly: LoadResult }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const baseline = await rawDrain(
      services.redisUrl,
      'raw BullMQ processor + same HTTP (baseline)',
      SENDS,
      (i) => bareSend(phone(`B${r}`, i)),
    );
    const readIds = await seed(`R${r}`);
    const withReads = await rawDrain(
      services.redisUrl,
      'reads + group-committed writes',
      SENDS,
      async (i) => {
        const id = readIds[i];
        const f = id && (await followUps.findOne({ _id: id }));
        if (!id || !f) throw new Error(`follow-up ${i} of round ${r} missing`);
        await Promise.all([
          tickets.findOne({ _id: f.ticketRef as never }),
          optOuts.findOne({ _id: f.citizenPhone as never }),
        ]);
        await durableSend(id, `R${r}-${i}`, phone(`R${r}`, i));
      },
    );
    const writeIds = await seed(`O${r}`);
    const writesOnly = await rawDrain(
      services.redisUrl,
      'group-committed writes only (bound)',
      SENDS,
      async (i) => {
        const id = writeIds[i];
        if (!id) throw new Error(`follow-up ${i} of round ${r} missing`);
        await durableSend(id, `O${r}-${i}`, phone(`O${r}`, i));
      },
    );
    rounds.push({ baseline, withReads, writesOnly });
  }
  report(median(rounds.map((x) => x.baseline)));
  report(median(rounds.map((x) => x.withReads)));
  report(median(rounds.map((x) => x.writesOnly)));
  const share = (pick: (x: (typeof rounds)[number]) => LoadResult) =>
    medianBy(
      rounds.map((x) => pick(x).perSecond / x.baseline.perSecond),
      (v) => v,
    );
  ratio(
    'reads + batched writes / baseline, median round',
    share((x) => x.withReads),
    1,
  );
  ratio(
    'batched writes only / baseline, median round',
    share((x) => x.writesOnly),
    1,
  );
} finally {
  await later.obliterate({ force: true });
  await later.close();
  redis.disconnect();
  await db.dropDatabase();
  await db.close();
  await sys.stop();
  await services.stop();
}
process.exit(0);
