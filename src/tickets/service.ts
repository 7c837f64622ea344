import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ticketLockKey, withLock } from '../db/doc-lock.js';
import type { Models } from '../db/models/index.js';
import type { Closure, EventRow, Language, Ticket, TicketEventType } from '../db/models/ticket.js';
import type { Logger } from '../log.js';
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

export type ApplyOutcome =
  | { kind: 'applied'; result: EventResult }
  | { kind: 'replayed'; result: EventResult }
  | { kind: 'conflict'; message: string };

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

export class TicketService {
  constructor(
    private readonly deps: {
      models: Models;
      log: Logger;
      closureHooks: ClosureHook[];
      redis: Redis;
      lockPrefix: string;
    },
  ) {}

  async apply(input: TicketEventInput): Promise<ApplyOutcome> {
    const { TicketEvent } = this.deps.models;
    const fp = fingerprint(input);
    // Insert first: the unique index on eventId decides "new or repeated" in one round trip.
    let stored: { _id: string };
    try {
      stored = await TicketEvent.create({
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
        callSid: input.callSid,
        fingerprint: fp,
      });
    } catch (err) {
      if (isDuplicateKey(err)) {
        const raced = await TicketEvent.findById(input.eventId).lean();
        if (raced) return this.replay(raced, fp, input);
      }
      throw err;
    }
    const result = await this.recompute(input);
    await this.storeResult(stored._id, result);
    return { kind: 'applied', result };
  }

  /** By `_id` through findAndModify: FerretDB v1 runs `update` as a collection scan (outcome.ts). */
  private async storeResult(eventDocId: string, result: EventResult): Promise<void> {
    await this.deps.models.TicketEvent.findOneAndUpdate({ _id: eventDocId }, { $set: { result } }).lean();
  }

  async get(ref: string): Promise<TicketView | undefined> {
    const ticket = await this.deps.models.Ticket.findById(ref).lean();
    return ticket ? viewTicket(ticket) : undefined;
  }

  private async replay(
    existing: { _id: string; ticketRef: string; fingerprint: string; result?: unknown },
    fp: string,
    input: TicketEventInput,
  ): Promise<ApplyOutcome> {
    if (existing.fingerprint !== fp) {
      return {
        kind: 'conflict',
        message: `eventId ${input.eventId} was already used for a different event (ticket ${existing.ticketRef})`,
      };
    }
    if (existing.result) return { kind: 'replayed', result: existing.result as EventResult };
    // Stored but never finished (crash or failed hook): finish it now; every step is idempotent.
    const result = await this.recompute(input);
    await this.storeResult(existing._id, result);
    return { kind: 'applied', result };
  }

  private recompute(input: TicketEventInput): Promise<EventResult> {
    // One writer per ticket at a time (FerretDB does not make read-modify-write updates atomic).
    return withLock(this.deps.redis, ticketLockKey(this.deps.lockPrefix, input.ticketRef), () =>
      this.recomputeLocked(input),
    );
  }

  private async recomputeLocked(input: TicketEventInput): Promise<EventResult> {
    const { Ticket } = this.deps.models;
    const previous = await Ticket.findById(input.ticketRef).lean();
    const events: EventRow[] = previous?.events ?? [];
    // On a replay after a crash the event may already be on the ticket.
    if (!events.some((e) => e.eventId === input.eventId)) {
      events.push({
        eventId: input.eventId,
        type: input.type,
        at: input.at,
        receivedAt: new Date(),
        agency: input.agency,
        department: input.department,
        agentId: input.agentId,
        citizenPhone: input.citizenPhone,
        language: input.language,
      });
    }
    const derived = deriveTicket(input.ticketRef, events, previous?.closures ?? []);
    const fields = { ...derived, events, revision: (previous?.revision ?? 0) + 1 };
    // The ticket lock makes this read-modify-write safe; the filter is `_id` alone so FerretDB
    // answers it in SQL (see the Ticket model).
    const saved = previous
      ? await Ticket.findOneAndUpdate(
          { _id: input.ticketRef },
          { $set: fields },
          { returnDocument: 'after' },
        ).lean()
      : (await Ticket.create({ _id: input.ticketRef, ...fields })).toObject();
    if (!saved)
      throw new TicketConcurrencyError(`ticket ${input.ticketRef} vanished while applying ${input.eventId}`);
    for (const hook of this.deps.closureHooks) await hook(saved);
    return {
      event: { eventId: input.eventId, type: input.type, at: input.at.toISOString() },
      ticket: viewTicket(saved),
    };
  }
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}
