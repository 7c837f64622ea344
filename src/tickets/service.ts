import { setTimeout as delay } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { perDatabaseCache } from '../db/per-database-cache.js';
import type { Models } from '../db/models/index.js';
import type { CitizenLanguage } from '../i18n/languages.js';
import type { Closure, EventRow, Ticket, TicketEvent, TicketEventType } from '../db/models/ticket.js';
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
  language: CitizenLanguage;
  /**
   * The language code as sent when it names none we have texts in: the citizen is then asked in
   * Arabic with English (`language` is 'ar'). Absent for a known language.
   */
  requestedLanguage?: string | undefined;
  callSid?: string | undefined;
}

export interface TicketView {
  ref: string;
  agency: string;
  department: string;
  agentId: string;
  language: string;
  /** Present when the event's language code named none we have texts in (asked in Arabic with English). */
  requestedLanguage?: string;
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

/** The stored event of one accepted input: the one shape `accept` and `acceptMany` both write. */
function newEventDoc(input: TicketEventInput, fp: string): NewEventDoc {
  return {
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
    ...(input.requestedLanguage ? { requestedLanguage: input.requestedLanguage } : {}),
    ...(input.callSid ? { callSid: input.callSid } : {}),
    fingerprint: fp,
  };
}

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
    // Only when present: fingerprints of events stored before the field existed stay the same.
    ...(input.requestedLanguage ? [input.requestedLanguage] : []),
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

function viewTicket(t: Ticket): TicketView {
  return {
    ref: t.ref,
    agency: t.agency,
    department: t.department,
    agentId: t.agentId,
    language: t.language,
    ...(t.requestedLanguage ? { requestedLanguage: t.requestedLanguage } : {}),
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
  // A ticket belongs to the agency of its first accepted event, whatever later events say (events
  // of another agency are refused on arrival; a ticket stored before that may still hold some).
  const first = events.reduce((a, b) => (b.receivedAt.getTime() < a.receivedAt.getTime() ? b : a));
  return {
    ref,
    agency: first.agency,
    department: first.department,
    agentId: latest.agentId,
    citizenPhone: latest.citizenPhone,
    language: latest.language,
    // Null, not absent: the derived state is $set whole, and a later event in a known language clears it.
    requestedLanguage: latest.requestedLanguage ?? null,
    status,
    statusAt,
    closures: [...closures.values()].sort((a, b) => a.number - b.number),
    eventCount: sorted.length,
  } as Omit<Ticket, 'revision' | 'events' | '_id'>;
}

/** The job that applies a stored event; the worker re-reads the event. */
export interface TicketEventJob {
  /** The stored event's key (`_id`): its id, or eventKey() for an id another agency used first. */
  eventId: string;
  /** The ticket the event belongs to, checked against the stored event. */
  ticketRef: string;
}

export const TICKET_EVENTS_QUEUE = 'ticket-events';

/**
 * Event ids may hold ':' (which BullMQ refuses in ids) and '_': encoding keeps distinct ids distinct.
 * '~' is escaped too (encodeURIComponent leaves it): it marks the escapes, so `a:b` and `a~3Ab` (or
 * an agency's key, `MOH x`, and another agency's raw id `MOH~20x`) cannot share a job.
 */
export function ticketEventJobId(eventId: string): string {
  return `tev-${encodeURIComponent(eventId).replace(/~/g, '%7E').replace(/%/g, '~')}`;
}

/**
 * The stored key of an agency's event whose id another agency used first. Event ids are unique per
 * agency, not across agencies: another agency's use of an id is none of this agency's business, and
 * answering "already used" would tell it that the id exists. A space joins the two because neither
 * an agency code nor an event id can hold one, so a key never equals an event id as sent.
 */
export function eventKey(agency: string, eventId: string): string {
  return `${agency} ${eventId}`;
}

/** The agency and department a ticket belongs to (ticket_owners). */
export interface TicketOwnerView {
  agency: string;
  department: string;
}

export type AcceptOutcome =
  /** Stored and queued; `result` is there when the caller asked for it and applying finished. */
  | { kind: 'accepted'; replayed: boolean; result?: EventResult }
  | { kind: 'replayed'; result: EventResult }
  | { kind: 'conflict'; message: string }
  /** The ticket belongs to another agency or department (its first event's); nothing was stored. */
  | { kind: 'not_owner'; owner: TicketOwnerView };

export class TicketEventNotFoundError extends Error {}

/**
 * Recorded owners, kept in process: an owner never changes once recorded, so a cached one is never
 * stale, and a ticket's later events skip the read. The age only bounds what is held.
 */
const ownerCache = perDatabaseCache<TicketOwnerView>();
const OWNER_CACHE = { max: 50_000, ttlMs: 3_600_000 };

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
    // Claimed before the event is stored: an event accepted and still queued already owns its ticket,
    // so another agency's event racing it is refused here, not found out by the worker too late.
    const owner = await this.claim(input);
    if (owner.agency !== input.agency || owner.department !== input.department)
      return { kind: 'not_owner', owner: { agency: owner.agency, department: owner.department } };
    const fp = fingerprint(input);
    const doc = newEventDoc(input, fp);
    let key = input.eventId;
    let isNew = await this.storeAndQueue(doc);
    let existing = isNew ? undefined : await this.storedEvent(key);
    if (existing && existing.agency !== input.agency) {
      // Another agency's event holds this id: this agency's is a different event, kept under a key
      // of its own (the same one for each of its repeats, since the id's first holder never changes).
      key = eventKey(input.agency, input.eventId);
      isNew = await this.storeAndQueue({ ...doc, _id: key });
      existing = isNew ? undefined : await this.storedEvent(key);
    }
    if (existing) {
      if (existing.fingerprint !== fp) {
        return {
          kind: 'conflict',
          message: `eventId ${input.eventId} was already used for a different event (ticket ${existing.ticketRef})`,
        };
      }
      if (existing.result) return { kind: 'replayed', result: existing.result as EventResult };
      // Stored but not applied yet (queued, or the first request failed before queueing): queue it
      // again; the job id makes that a no-op when the first job is still there.
      await this.enqueue({ eventId: key, ticketRef: existing.ticketRef });
    }
    const replayed = !isNew;
    if (!opts.applyNow) return { kind: 'accepted', replayed };
    try {
      return {
        kind: 'accepted',
        replayed,
        result: await this.applyStored({ eventId: key, ticketRef: input.ticketRef }),
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
   * Accepts many events at once, each exactly as `accept` would (same ownership, same stored event,
   * same job, same idempotency), in a few round trips for the whole batch instead of a few per event:
   * the owners claimed in one insert (their recorded owners read beside it), the events stored in one insert and queued in one add. An
   * event whose id was taken is looked up with the others; the rare one another agency's event holds
   * goes through `accept`. A batch must not hold one event id twice (the import drops repeats first).
   */
  async acceptMany(inputs: TicketEventInput[]): Promise<AcceptOutcome[]> {
    const owners = await this.claimMany(inputs);
    const outcomes: (AcceptOutcome | undefined)[] = inputs.map(() => undefined);
    const docs: NewEventDoc[] = [];
    const at: number[] = [];
    inputs.forEach((input, i) => {
      const owner = owners.get(input.ticketRef);
      if (!owner) throw new Error(`ticket ${input.ticketRef}: its owner was neither recorded nor found`);
      if (owner.agency !== input.agency || owner.department !== input.department) {
        outcomes[i] = { kind: 'not_owner', owner };
        return;
      }
      docs.push(newEventDoc(input, fingerprint(input)));
      at.push(i);
    });
    if (docs.length === 0) return outcomes as AcceptOutcome[];
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
    const taken = docs.filter((_d, k) => !stored[k]).map((d) => d._id);
    const existing = new Map(
      taken.length === 0
        ? []
        : (await this.deps.models.TicketEvent.find({ _id: { $in: taken } }).lean()).map((e) => [
            String(e._id),
            e,
          ]),
    );
    await Promise.all(
      docs.map(async (d, k) => {
        const i = at[k] as number;
        if (stored[k]) {
          outcomes[i] = { kind: 'accepted', replayed: false };
          return;
        }
        const e = existing.get(d._id);
        if (!e || e.agency !== d.agency) {
          // Another agency's event holds the id: `accept` keeps this one under a key of its own.
          outcomes[i] = await this.accept(inputs[i] as TicketEventInput);
          return;
        }
        if (e.fingerprint !== d.fingerprint) {
          outcomes[i] = {
            kind: 'conflict',
            message: `eventId ${d.eventId} was already used for a different event (ticket ${e.ticketRef})`,
          };
          return;
        }
        if (e.result) {
          outcomes[i] = { kind: 'replayed', result: e.result as EventResult };
          return;
        }
        await this.enqueue({ eventId: d._id, ticketRef: e.ticketRef });
        outcomes[i] = { kind: 'accepted', replayed: true };
      }),
    );
    return outcomes as AcceptOutcome[];
  }

  /** The owners of many events' tickets: cached, recorded, or claimed by the batch's first event of each. */
  private async claimMany(inputs: TicketEventInput[]): Promise<Map<string, TicketOwnerView>> {
    const { TicketOwner } = this.deps.models;
    const cache = ownerCache(this.deps.models, OWNER_CACHE);
    const owners = new Map<string, TicketOwnerView>();
    const first = new Map<string, TicketEventInput>();
    for (const input of inputs) {
      const cached = cache.get(input.ticketRef);
      if (cached) owners.set(input.ticketRef, cached);
      else if (!first.has(input.ticketRef)) first.set(input.ticketRef, input);
    }
    if (first.size === 0) return owners;
    const refs = [...first.keys()];
    const claimedAt = new Date();
    // Inserts only: a ticket already owned keeps its owner (its id is taken), and of two batches (or a
    // batch and an API call) racing for a new ticket exactly one owns it. The recorded owners are read
    // alongside, not after: an owner never changes once recorded, so whatever the read finds stands,
    // and a new ticket or a known one costs one round trip either way.
    const [stored, recorded] = await Promise.all([
      TicketOwner.insertMany(
        refs.map((ref) => {
          const c = first.get(ref) as TicketEventInput;
          return { _id: ref, agency: c.agency, department: c.department, eventId: c.eventId, claimedAt };
        }),
        { ordered: false, lean: true },
      ).then(
        () => refs.map(() => true),
        (err: unknown) => takenIds(refs.length, err),
      ),
      TicketOwner.find({ _id: { $in: refs } }).lean(),
    ]);
    const found = new Map(recorded.map((o) => [String(o._id), o]));
    const unread: string[] = [];
    refs.forEach((ref, k) => {
      const owner = stored[k] ? first.get(ref) : found.get(ref);
      if (owner) owners.set(ref, this.remember(ref, owner));
      // Taken by a claim that landed between the read and the insert: read once more.
      else unread.push(ref);
    });
    if (unread.length > 0)
      for (const o of await TicketOwner.find({ _id: { $in: unread } }).lean())
        owners.set(String(o._id), this.remember(String(o._id), o));
    return owners;
  }

  /**
   * The owner of one event's ticket, claimed with the other events that arrived in the same
   * event-loop turn (turn-batch.ts): a burst of new tickets costs two commands, not one each.
   */
  private readonly claimBatch = turnBatcher<TicketEventInput, TicketOwnerView>(async (inputs) => {
    const owners = await this.claimMany(inputs);
    return inputs.map((input) => {
      const owner = owners.get(input.ticketRef);
      if (!owner) throw new Error(`ticket ${input.ticketRef}: its owner was neither recorded nor found`);
      return owner;
    });
  });

  private async storedEvent(key: string) {
    const existing = await this.deps.models.TicketEvent.findById(key).lean();
    if (!existing) throw new Error(`ticket event ${key} was refused as a duplicate but is not stored`);
    return existing;
  }

  /**
   * The agency and department a ticket belongs to, or undefined for a ticket nothing was ever stored
   * for. Tickets stored before owners were recorded got theirs at start-up (owner-backfill.ts).
   */
  async ownerOf(ref: string): Promise<TicketOwnerView | undefined> {
    const cached = ownerCache(this.deps.models, OWNER_CACHE).get(ref);
    if (cached) return cached;
    const owner = await this.deps.models.TicketOwner.findById(ref).lean();
    return owner ? this.remember(ref, owner) : undefined;
  }

  /**
   * The owner of the event's ticket: already recorded, or this event, if it is the first. A cached
   * one costs nothing; otherwise it is claimed in the turn's batch.
   */
  private async claim(input: TicketEventInput): Promise<TicketOwnerView> {
    return ownerCache(this.deps.models, OWNER_CACHE).get(input.ticketRef) ?? this.claimBatch(input);
  }

  private remember(ref: string, owner: TicketOwnerView): TicketOwnerView {
    const kept = { agency: owner.agency, department: owner.department };
    ownerCache(this.deps.models, OWNER_CACHE).set(ref, kept);
    return kept;
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
          ...(event.requestedLanguage ? { requestedLanguage: event.requestedLanguage } : {}),
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
