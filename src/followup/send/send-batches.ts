import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { AppContext } from '../../context.js';
import { isOnlyDuplicateKeys } from '../../db/duplicate-key.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { Ticket } from '../../db/models/ticket.js';
import { turnBatcher } from '../../queue/turn-batch.js';
import { SCORE_SUMS_FIELDS, type CountableScore } from '../../scores/sums/daily-sums.js';
import { markScoresSent } from '../../scores/writes.js';
import type { SendChannel } from '../channels/plan.js';
import type { ComposedMessage } from './compose.js';
import { statusRank } from './message-status.js';
import { addFollowUpJobs } from '../schedule/scheduler.js';

/**
 * The database work of initial sends, group-committed: the sends that reach the same step in one
 * event-loop turn share one bulk command per collection instead of one command each (see
 * queue/turn-batch.ts). Every write keeps the condition a single send's would have (the revision
 * and state it read), and a winner is known by what it wrote, so batching changes the cost of a
 * send, not its outcome: of two workers claiming one follow-up exactly one wins, and an answer that
 * lands during the send still moves the conversation on.
 */

export type Claim =
  | { claimed: FollowUpDoc; replay: boolean }
  /** Another worker holds the send; its lease runs out at `until` (unknown: a claim lost just now). */
  | { busy: true; until?: Date }
  | { skipped: string }
  | { missing: true };

export type ClosureTicket = Pick<Ticket, 'status' | 'closures'>;

export interface SentSend {
  claimed: FollowUpDoc;
  sid: string;
  status: string;
  message: ComposedMessage;
  times: { sentAt: Date; expiresAt: Date; reminderAt?: Date };
  /** The channel that took the question, its position in the order, and the ones refused before it. */
  channel: SendChannel;
  index: number;
  failed: { channel: SendChannel; at: Date; result: string; errorCode?: number }[];
  unreachable: string[];
  /** When the next channel is tried if no answer has come; absent when this is the last. */
  nextAt?: Date;
  /** The closure's score as read before the send (`score()`), when there was one to read. */
  score?: ScoreAsRead | null;
}

/** What counting a score reads of it, and whether a count of it is still due. */
export type ScoreAsRead = CountableScore & { sumsPending?: boolean | null };

/** What a send records of its channel: where in the order it is, and every attempt so far. */
function channelFields(s: SentSend) {
  return {
    channel: s.channel,
    channelIndex: s.index,
    attempts: [
      ...(s.claimed.attempts ?? []),
      ...s.failed,
      { channel: s.channel, sid: s.sid, at: s.times.sentAt, result: s.status },
    ],
    ...(s.unreachable.length > 0 ? { unreachable: s.unreachable } : {}),
  };
}

export interface SendBatches {
  /**
   * `scheduled` → `sending` for one worker, with a lease as long as the job's own BullMQ lock. A
   * replay (the worker died after claiming) takes over a `sending` follow-up only once that lease
   * has run out, so two workers never send the same closure at once.
   */
  claim(followUpId: string): Promise<Claim>;
  ticket(ref: string): Promise<ClosureTicket | null>;
  /**
   * The closure's score as it stands before the send, read beside the ticket: marking it sent is
   * then conditional on this revision, and counting it needs no second read of it or its bucket.
   */
  score(id: unknown): Promise<ScoreAsRead | null>;
  optedOut(phone: string): Promise<boolean>;
  /**
   * Records that this follow-up asks the number now, unless another follow-up asked it within
   * CONTACT_MIN_DAYS: false then. One conditional upsert per number, so of two agencies' sends to
   * one citizen at once exactly one goes; a replay of the same follow-up is let through.
   */
  contact(f: Pick<FollowUpDoc, '_id' | 'citizenPhone'>): Promise<boolean>;
  /**
   * The message, the score's `sent` and the reminder and expiry jobs first (all idempotent), the
   * follow-up's state last: a crash in between leaves it `sending`, and the replay finds the message
   * at Twilio and records it again. The jobs exist before the state says "sent", so an answer that
   * follows it always finds them to remove. Null when another worker recorded this send already.
   */
  recordSent(send: SentSend): Promise<FollowUpDoc | null>;
}

const DAY = 86_400_000;
const unique = <T>(items: T[]) => [...new Set(items)];

/** The refused items of an unordered bulk write, by their index in it. */
function writeErrorsOf(err: unknown): { index: number }[] {
  const list = (err as { writeErrors?: unknown }).writeErrors;
  return (Array.isArray(list) ? list : [list]).filter(
    (e): e is { index: number } => typeof (e as { index?: unknown } | null)?.index === 'number',
  );
}

export function sendBatches(ctx: AppContext): SendBatches {
  const { Contact, FollowUp, FollowUpMessage, OptOut, Ticket, VerifiedScore } = ctx.models;

  const claim = turnBatcher<string, Claim>(async (ids) => {
    const now = new Date();
    const lease = new Date(now.getTime() + ctx.config.workerLockMs);
    const read = await FollowUp.find({ _id: { $in: unique(ids) } }).lean<FollowUpDoc[]>();
    const byId = new Map(read.map((f) => [String(f._id), f]));
    const planned = new Map<string, { read: FollowUpDoc; replay: boolean; token: string }>();
    const decided = new Map<string, Claim>();
    for (const id of ids) {
      const f = byId.get(id);
      if (!f) decided.set(id, { missing: true });
      else if (planned.has(id)) decided.set(id, { busy: true });
      else if (f.state === 'scheduled') planned.set(id, { read: f, replay: false, token: randomUUID() });
      else if (f.state !== 'sending') decided.set(id, { skipped: f.state });
      else if (!f.sendLeaseUntil || f.sendLeaseUntil <= now)
        planned.set(id, { read: f, replay: true, token: randomUUID() });
      else decided.set(id, { busy: true, until: f.sendLeaseUntil });
    }
    const plans = [...planned.values()];
    const claimedDoc = (p: (typeof plans)[number]): FollowUpDoc => ({
      ...p.read,
      state: 'sending',
      sendAttemptAt: now,
      sendLeaseUntil: lease,
      sendClaim: p.token,
      revision: (p.read.revision ?? 0) + 1,
    });
    if (plans.length > 0) {
      const result = await FollowUp.bulkWrite(
        plans.map((p) => ({
          updateOne: {
            // The revision read covers the lease read: a lease renewed since has raised it.
            filter: { _id: p.read._id, revision: p.read.revision ?? 0, state: p.read.state },
            update: {
              $set: { state: 'sending', sendAttemptAt: now, sendLeaseUntil: lease, sendClaim: p.token },
              $inc: { revision: 1 },
            },
          },
        })),
        { ordered: false },
      );
      const won =
        result.matchedCount === plans.length
          ? new Set(plans.map((p) => p.token))
          : await claimsWon(plans.map((p) => p.read._id));
      for (const p of plans) {
        const id = String(p.read._id);
        decided.set(id, won.has(p.token) ? { claimed: claimedDoc(p), replay: p.replay } : { busy: true });
      }
    }
    // A second claim of one id in the batch is told busy; the first one's decision is its own.
    return ids.map((id, i) => (ids.indexOf(id) === i ? decided.get(id) : undefined) ?? { busy: true });
  });

  /** Which claims stood, when some of a batch's conditional writes matched nothing. */
  async function claimsWon(ids: unknown[]): Promise<Set<string>> {
    const now = await FollowUp.find({ _id: { $in: ids } })
      .select({ sendClaim: 1, state: 1 })
      .lean<Pick<FollowUpDoc, 'sendClaim' | 'state'>[]>();
    return new Set(now.flatMap((f) => (f.state === 'sending' && f.sendClaim ? [f.sendClaim] : [])));
  }

  const ticket = turnBatcher<string, ClosureTicket | null>(async (refs) => {
    const found = await Ticket.find({ _id: { $in: unique(refs) } })
      .select({ status: 1, closures: 1 })
      .lean<(ClosureTicket & { _id: string })[]>();
    const byRef = new Map(found.map((t) => [t._id, t]));
    return refs.map((r) => byRef.get(r) ?? null);
  });

  const score = turnBatcher<unknown, ScoreAsRead | null>(async (ids) => {
    const found = await VerifiedScore.collection
      .find({ _id: { $in: ids as never[] } }, { projection: { ...SCORE_SUMS_FIELDS, sumsPending: 1 } })
      .toArray();
    const byId = new Map(found.map((f) => [String(f._id), f as ScoreAsRead]));
    return ids.map((id) => byId.get(String(id)) ?? null);
  });

  const optedOut = turnBatcher<string, boolean>(async (phones) => {
    const found = await OptOut.find({ _id: { $in: unique(phones) }, optedOut: true })
      .select({ _id: 1 })
      .lean<{ _id: string }[]>();
    const out = new Set(found.map((o) => o._id));
    return phones.map((p) => out.has(p));
  });

  const contact = turnBatcher<Pick<FollowUpDoc, '_id' | 'citizenPhone'>, boolean>(async (asks) => {
    const now = new Date();
    const since = new Date(now.getTime() - ctx.config.followUp.policy.contactMinDays * DAY);
    const refused = new Set<number>();
    try {
      await Contact.bulkWrite(
        asks
          .map((f) => ({ f, id: new Types.ObjectId(f._id.toString()) }))
          .map(({ f, id }) => ({
            updateOne: {
              // Absent, old enough, or this follow-up's own: taken. Otherwise the upsert's insert
              // meets the number's record and is refused as a duplicate: asked too recently.
              filter: {
                _id: f.citizenPhone,
                $or: [{ lastContactAt: { $lte: since } }, { followUpId: id }],
              },
              update: { $set: { lastContactAt: now, followUpId: id } },
              upsert: true,
            },
          })),
        { ordered: false },
      );
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
      for (const e of writeErrorsOf(err)) refused.add(e.index);
    }
    return asks.map((_, i) => !refused.has(i));
  });

  /** Inserts keyed by the MessageSid: a replayed send finds its message there, and is not refused. */
  async function insertMessages(sends: SentSend[]): Promise<void> {
    try {
      await FollowUpMessage.insertMany(
        sends.map((s) => ({
          _id: s.sid,
          followUpId: s.claimed._id,
          direction: 'outbound',
          kind: 'initial',
          channel: s.channel,
          sid: s.sid,
          body: s.message.body,
          segments: s.message.segments,
          status: s.status,
          statusRank: statusRank(s.status),
        })),
        { ordered: false },
      );
    } catch (err) {
      if (!isOnlyDuplicateKeys(err)) throw err;
    }
  }

  /** The reminder and expiry of every send of the batch, one `addBulk` (ids derived: a repeat is a no-op). */
  async function scheduleNext(sends: SentSend[]): Promise<void> {
    await addFollowUpJobs(
      ctx,
      sends.flatMap((s) => [
        ...(s.times.reminderAt
          ? [{ followUp: s.claimed, kind: 'reminder' as const, runAt: s.times.reminderAt }]
          : []),
        { followUp: s.claimed, kind: 'expire' as const, runAt: s.times.expiresAt },
        ...(s.nextAt
          ? [{ followUp: s.claimed, kind: 'next' as const, runAt: s.nextAt, index: s.index + 1 }]
          : []),
      ]),
    );
  }

  const recordSent = turnBatcher<SentSend, FollowUpDoc | null>(async (sends) => {
    // The counting of the scores' sums may run beside the follow-up's own write: their pending flags
    // already hold it for the repair sweep should this worker die.
    const [, countSent] = await Promise.all([
      insertMessages(sends),
      markScoresSent(
        ctx,
        sends.map((s) => s.claimed),
        new Map(sends.flatMap((s) => (s.score ? [[String(s.score._id), s.score]] : []))),
      ),
      scheduleNext(sends),
    ]);
    const [result] = await Promise.all([
      FollowUp.bulkWrite(
        sends.map((s) => ({
          updateOne: {
            filter: { _id: s.claimed._id, revision: s.claimed.revision ?? 0, state: 'sending' },
            update: {
              $set: { state: 'awaiting_solved', ...s.times, ...channelFields(s) },
              $unset: { sendLeaseUntil: 1, sendClaim: 1 },
              $inc: { revision: 1 },
            },
          },
        })),
        { ordered: false },
      ),
      countSent(),
    ]);
    const recorded = (s: SentSend): FollowUpDoc => {
      const { sendLeaseUntil: _lease, sendClaim: _claim, ...rest } = s.claimed;
      return {
        ...rest,
        state: 'awaiting_solved',
        ...s.times,
        ...channelFields(s),
        revision: (s.claimed.revision ?? 0) + 1,
      };
    };
    if (result.matchedCount === sends.length) return sends.map(recorded);
    const now = await FollowUp.find({ _id: { $in: sends.map((s) => s.claimed._id) } })
      .select({ state: 1, sentAt: 1, revision: 1 })
      .lean<Pick<FollowUpDoc, '_id' | 'state' | 'sentAt' | 'revision'>[]>();
    const byId = new Map(now.map((f) => [String(f._id), f]));
    return Promise.all(
      sends.map(async (s) => {
        const f = byId.get(String(s.claimed._id));
        if (f?.sentAt?.getTime() === s.times.sentAt.getTime() && f.revision === (s.claimed.revision ?? 0) + 1)
          return recorded(s);
        // An answer landed while the message was on its way (the link works at once): it moved the
        // conversation on, so only the send times are added.
        return FollowUp.findOneAndUpdate(
          { _id: s.claimed._id, sentAt: { $exists: false } },
          {
            // The answer's channel stays the follow-up's `channel`; only the attempts are added.
            $set: { ...s.times, attempts: channelFields(s).attempts, channelIndex: s.index },
            $unset: { sendLeaseUntil: 1, sendClaim: 1 },
            $inc: { revision: 1 },
          },
          { returnDocument: 'after' },
        ).lean<FollowUpDoc>();
      }),
    );
  });

  return { claim, ticket, score, optedOut, contact, recordSent };
}
