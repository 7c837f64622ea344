import { setTimeout as delay } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Models } from '../db/models/index.js';
import type {
  Closure,
  EventRow,
  Language,
  Ticket,
  TicketEvent,
  TicketEventType,
} from '../db/models/ticket.js';
import type { Logger } from '../log.js';
import { turnBatcher } from '../queue/turn-batch.js';
import type { ClosureHook } from './closure-hooks.js';

export interface TicketEventInput {
  ticketRef: string;
  eventId: string;
  type: TicketEventType;
  at: Date;
  agency: string;
  department: string;
  agentId: string;
  /** Already normalised to E.164. */
  citizenPhone: string;
  language: Language;
  callSid?: string | undefined;
}

export type TicketDoc = Ticket & { _id: unknown };

export interface TicketView {
  ref: string;
  agency: string;
  department: string;
  agentId: string;
  language: string;
  status: string;
  statusAt: string;
  closures: {
    number: number;
    closedAt: string;
    agentId: string;
    state: 'closed' | 'reopened' | 'superseded';
    reopenedAt: string | null;
  }[];
  eventCount: number;
}

export interface EventResult {
  event: { eventId: string; type: TicketEventType; at: string };
  ticket: TicketView;
}

type StoredEvent = EventRow & { ticketRef: string };
type NewEventDoc = Omit<TicketEvent, 'result'> & { _id: string };

export class TicketConcurrencyError extends Error {}

function fingerprint(input: TicketEventInput): string {
  const canonical = JSON.stringify([
    input.ticketRef,
    input.type,
    input.at.toISOString(),
    input.agency,
    input.department,
    input.agentId,
    input.citizenPhone,
    input.language,
    input.callSid ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function closureState(
  c: Pick<Closure, 'reopenedAt' | 'supersededAt'>,
): 'closed' | 'reopened' | 'superseded' {
  if (c.supersededAt) return 'superseded';
  if (c.reopenedAt) return 'reopened';
  return 'closed';
}

export function viewTicket(t: Ticket): TicketView {
  return {
    ref: t.ref,
    agency: t.agency,
    department: t.department,
    agentId: t.agentId,
    language: t.language,
    status: t.status,
    statusAt: t.statusAt.toISOString(),
    closures: t.closures.map((c) => ({
      number: c.number,
      closedAt: c.closedAt.toISOString(),
      agentId: c.agentId,
      state: closureState(c),
      reopenedAt: c.reopenedAt ? c.reopenedAt.toISOString() : null,
    })),
    eventCount: t.eventCount,
  };
}

/**
 * Replays every event of a ticket in event-time order. Arrival order does not matter: a `closed`
 * that arrives after a later `reopened` ends up as a closure that was already reopened.
 * Closure numbers are kept from `previous` (follow-up job ids depend on them); new closures get the
 * next number.
 */
export function deriveTicket(
  ref: string,
  events: EventRow[],
  previous: Closure[],
): Omit<Ticket, 'revision' | 'events' | '_id'> {
  const sorted = [...events].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.receivedAt.getTime() - b.receivedAt.getTime(),
  );
  const known = new Map(previous.map((c) => [c.eventId, c]));
  let nextNumber = previous.reduce((max, c) => Math.max(max, c.number), 0) + 1;
  const closures = new Map<string, Closure>();
  let status: 'open' | 'closed' = 'open';
  let statusAt = sorted[0]?.at ?? new Date(0);
  let current: Closure | undefined;

  for (const e of sorted) {
    if (e.type === 'closed') {
      if (status === 'closed') continue; // a repeated claim while already closed is not a new closure
      const kept = known.get(e.eventId);
      current = {
        number: kept?.number ?? nextNumber++,
        eventId: e.eventId,
        closedAt: e.at,
        agency: e.agency,
        department: e.department,
        agentId: e.agentId,
        reopenedAt: null,
        reopenEventId: null,
        supersededAt: null,
      };
      closures.set(e.eventId, current);
      status = 'closed';
      statusAt = e.at;
    } else if (e.type === 'reopened' || e.type === 'opened') {
      if (status === 'closed' && current) {
        current.reopenedAt = e.at;
        current.reopenEventId = e.eventId;
      }
      status = 'open';
      statusAt = e.at;
      current = undefined;
    }
  }
  // A closure we numbered before but that is no longer effective (an earlier close arrived late)
  // stays on record, marked, so its follow-up can be cancelled and its number never reused.
  for (const old of previous) {
    if (!closures.has(old.eventId)) {
      closures.set(old.eventId, { ...old, supersededAt: old.supersededAt ?? new Date() });
    }
  }
  const latest = sorted[sorted.length - 1];
  if (!latest) throw new Error(`ticket ${ref} has no events to derive from`);
  return {
    ref,
    agency: latest.agency,
    department: latest.department,
    agentId: latest.agentId,
    citizenPhone: latest.citizenPhone,
    language: latest.language,
    status,
    statusAt,
    closures: [...closures.values()].sort((a, b) => a.number - b.number),
    eventCount: sorted.length,
  } as Omit<Ticket, 'revision' | 'events' | '_id'>;
}

/** The job that applies a stored event; the worker re-reads the event. */
export interface TicketEventJob {
  eventId: string;
  /** The ticket the event belongs to, checked against the stored event. */
  ticketRef: string;
}

export const TICKET_EVENTS_QUEUE = 'ticket-events';

/** Event ids may hold ':' (which BullMQ refuses in ids) and '_': encoding keeps distinct ids distinct. */
export function ticketEventJobId(eventId: string): string {
  return `tev-${encodeURIComponent(eventId).replace(/%/g, '~')}`;
}

export type AcceptOutcome =
  /** Stored and queued; `result` is there when the caller asked for it and applying finished. */
  | { kind: 'accepted'; replayed: boolean; result?: EventResult }
  | { kind: 'replayed'; result: EventResult }
  | { kind: 'conflict'; message: string };

export class TicketEventNotFoundError extends Error {}

/** How long an apply job waits, so the insert queued alongside it has landed (see storeAndQueue). */
const APPLY_DELAY_MS = 200;

/** From a multi-document insert's error: which documents were stored (false: the id was taken). */
function takenIds(count: number, err: unknown): boolean[] {
  if (!(err instanceof mongoose.mongo.MongoBulkWriteError)) throw err;
  const errors: mongoose.mongo.WriteError | readonly mongoose.mongo.WriteError[] = err.writeErrors;
  const failures: readonly mongoose.mongo.WriteError[] = Array.isArray(errors) ? errors : [errors];
  // Anything but a taken id fails the whole batch; its callers' retries are replays. A bulk error
  // with no write errors at all is the server going away mid-insert (the driver wraps a network
  // error so): nothing is known to be stored, so it fails too, and is never taken for "all stored".
  if (failures.length === 0 || failures.some((w) => w.code !== 11000)) throw err;
  const stored = Array.from({ length: count }, () => true);
  for (const w of failures) stored[w.index] = false;
  return stored;
}

/**
 * A ticket event is accepted in two writes: the event itself (its id is the `_id`, so a repeat fails
 * on insert) and a queued job that applies it. Applying (re-deriving the ticket, scheduling or
 * cancelling follow-ups) happens in the worker, or at once when the caller asks to see the result;
 * either way as a conditional write on the ticket's revision, so events applied at once in several
 * processes all land and each is applied once.
 */
export class TicketService {
  constructor(
    private readonly deps: {
      models: Models;
      log: Logger;
      closureHooks: ClosureHook[];
      queue: Queue<TicketEventJob>;
      jobOptions: Omit<JobsOptions, 'jobId'>;
    },
  ) {}

  // Why: docs/decisions/0006-ticket-events-accepted-then-applied.md
  /**
   * Stores events and queues their jobs a batch per event-loop turn (turn-batch.ts): one insert and
   * one pipelined add for all the events that arrived together, the two at once. Answers, per event,
   * whether it was new or its id was already taken. `lean`: the body was validated at the edge, and
   * Mongoose's per-document validation was a large part of the cost of accepting.
   *
   * Queueing alongside the insert, not after it, saves a round trip per request; it is safe because
   * the job waits `APPLY_DELAY_MS` (the insert lands first), an event found missing is retried, a
   * job for a taken id is a no-op (same job id, or an already-applied event), and a job for an insert
   * that failed gives up harmlessly: that request was answered 500, so nothing was accepted.
   */
  private readonly storeAndQueue = turnBatcher<NewEventDoc, boolean>(async (docs) => {
    const jobs = docs.map((d) => ({
      name: 'apply',
      data: { eventId: d._id, ticketRef: d.ticketRef },
      opts: { ...this.deps.jobOptions, jobId: ticketEventJobId(d._id), delay: APPLY_DELAY_MS },
    }));
    const [stored] = await Promise.all([
      this.deps.models.TicketEvent.insertMany(docs, { ordered: false, lean: true }).then(
        () => docs.map(() => true),
        (err: unknown) => takenIds(docs.length, err),
      ),
      this.deps.queue.addBulk(jobs),
    ]);
    return stored;
  });

  async accept(input: TicketEventInput, opts: { applyNow?: boolean } = {}): Promise<AcceptOutcome> {
    const fp = fingerprint(input);
    const doc: NewEventDoc = {
      _id: input.eventId,
      eventId: input.eventId,
      ticketRef: input.ticketRef,
      type: input.type,
      at: input.at,
      receivedAt: new Date(),
      agency: input.agency,
      department: input.department,
      agentId: input.agentId,
      citizenPhone: input.citizenPhone,
      language: input.language,
      ...(input.callSid ? { callSid: input.callSid } : {}),
      fingerprint: fp,
    };
    const isNew = await this.storeAndQueue(doc);
    if (!isNew) {
      const existing = await this.deps.models.TicketEvent.findById(input.eventId).lean();
      if (!existing)
        throw new Error(`ticket event ${input.eventId} was refused as a duplicate but is not stored`);
      if (existing.fingerprint !== fp) {
        return {
          kind: 'conflict',
          message: `eventId ${input.eventId} was already used for a different event (ticket ${existing.ticketRef})`,
        };
      }
      if (existing.result) return { kind: 'replayed', result: existing.result as EventResult };
      // Stored but not applied yet (queued, or the first request failed before queueing): queue it
      // again; the job id makes that a no-op when the first job is still there.
      await this.enqueue({ eventId: input.eventId, ticketRef: existing.ticketRef });
    }
    const replayed = !isNew;
    if (!opts.applyNow) return { kind: 'accepted', replayed };
    try {
      return {
        kind: 'accepted',
        replayed,
        result: await this.applyStored({ eventId: input.eventId, ticketRef: input.ticketRef }),
      };
    } catch (err) {
      // Accepted and queued all the same: the worker retries it. The caller learns it from the 202.
      this.deps.log.warn(
        { err, eventId: input.eventId, ticketRef: input.ticketRef },
        'applying event deferred to worker',
      );
      return { kind: 'accepted', replayed };
    }
  }

  /**
   * Queues the apply job of a stored event, or starts again one that gave up (it ran while the event
   * was not stored yet). A no-op while its job is still waiting or running; says whether it queued.
   */
  async enqueue(job: TicketEventJob): Promise<boolean> {
    const jobId = ticketEventJobId(job.eventId);
    const existing = await this.deps.queue.getJob(jobId);
    if (!existing) {
      await this.deps.queue.add('apply', job, { ...this.deps.jobOptions, jobId });
      return true;
    }
    if (!(await existing.isFailed())) return false;
    await existing.retry('failed');
    return true;
  }

  /** Applies a stored event once: a second call (the worker after an immediate apply) returns the result. */
  async applyStored({ eventId, ticketRef }: TicketEventJob): Promise<EventResult> {
    const { TicketEvent } = this.deps.models;
    const event = await TicketEvent.findById(eventId).lean();
    if (!event) throw new TicketEventNotFoundError(`ticket event ${eventId} is not stored`);
    if (event.result) return event.result as EventResult;
    if (event.ticketRef !== ticketRef)
      throw new Error(`ticket event ${eventId} belongs to ${event.ticketRef}, not ${ticketRef}`);
    const result = await this.recompute(event);
    // The first apply's answer is the one kept and returned to every repeat of the event.
    const stored = await TicketEvent.findOneAndUpdate(
      { _id: eventId, result: { $exists: false } },
      { $set: { result } },
      { returnDocument: 'before' },
    ).lean();
    if (stored) return result;
    const first = await TicketEvent.findById(eventId).select({ result: 1 }).lean();
    return (first?.result as EventResult | undefined) ?? result;
  }

  async get(ref: string): Promise<TicketView | undefined> {
    const ticket = await this.deps.models.Ticket.findById(ref).lean();
    return ticket ? viewTicket(ticket) : undefined;
  }

  /**
   * Adds the event to its ticket and derives the ticket again, written only if the ticket is still
   * the revision it was derived from (or, for a new ticket, an insert the `_id` makes unique). A
   * writer that loses to another event of the same ticket reads it again and derives once more, so
   * every event lands and none is lost. Then the closure hooks run on the ticket as saved; if a later
   * event has moved the ticket on meanwhile, they run again on that one, so the last run always sees
   * the newest ticket whichever process finishes first.
   */
  private async recompute(event: StoredEvent): Promise<EventResult> {
    const saved = await this.saveWithEvent(event);
    let latest = saved;
    for (;;) {
      for (const hook of this.deps.closureHooks) await hook(latest);
      const now = await this.deps.models.Ticket.findById(event.ticketRef).lean();
      if (!now || now.revision === latest.revision) break;
      latest = now;
    }
    return {
      event: { eventId: event.eventId, type: event.type, at: event.at.toISOString() },
      ticket: viewTicket(saved),
    };
  }

  private async saveWithEvent(event: StoredEvent): Promise<Ticket> {
    const { Ticket } = this.deps.models;
    for (let attempt = 0; attempt < MAX_TICKET_ATTEMPTS; attempt++) {
      const previous = await Ticket.findById(event.ticketRef).lean();
      const events: EventRow[] = previous?.events ?? [];
      // A repeat (or a crash between writing the ticket and the result) finds the event there.
      if (!events.some((e) => e.eventId === event.eventId)) {
        events.push({
          eventId: event.eventId,
          type: event.type,
          at: event.at,
          receivedAt: event.receivedAt,
          agency: event.agency,
          department: event.department,
          agentId: event.agentId,
          citizenPhone: event.citizenPhone,
          language: event.language,
        });
      }
      const derived = deriveTicket(event.ticketRef, events, previous?.closures ?? []);
      const revision = (previous?.revision ?? 0) + 1;
      if (previous) {
        const saved = await Ticket.findOneAndUpdate(
          { _id: event.ticketRef, revision: previous.revision },
          { $set: { ...derived, events, revision } },
          { returnDocument: 'after' },
        ).lean();
        if (saved) return saved;
      } else {
        try {
          return (await Ticket.create({ _id: event.ticketRef, ...derived, events, revision })).toObject();
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      // Another event of this ticket was written first; spread out the retries of a busy ticket.
      if (attempt > 2) await delay(Math.random() * Math.min(50, attempt * 2));
    }
    throw new TicketConcurrencyError(
      `ticket ${event.ticketRef}: event ${event.eventId} lost ${MAX_TICKET_ATTEMPTS} races in a row; the job will retry`,
    );
  }
}

const MAX_TICKET_ATTEMPTS = 100;
