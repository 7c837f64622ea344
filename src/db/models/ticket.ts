import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CITIZEN_LANGUAGES, LANGUAGES, type Language } from '../../i18n/languages.js';

export const TICKET_EVENT_TYPES = ['opened', 'closed', 'reopened'] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];
// A ticket's language is one the texts are written in (src/i18n/languages.ts).
export { LANGUAGES, type Language };

/**
 * A closure is one "closed" claim by the agency. Numbers are given in the order closures become
 * known and never change, because follow-up job ids are derived from them.
 */
const closureSchema = new Schema(
  {
    number: { type: Number, required: true },
    eventId: { type: String, required: true },
    closedAt: { type: Date, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    /** Set when a later reopen (by event time) undid this closure. */
    reopenedAt: { type: Date },
    reopenEventId: { type: String },
    /** Set when an earlier close arrived late and made this close a repeat of an already-closed ticket. */
    supersededAt: { type: Date },
  },
  { _id: false },
);

/**
 * A ticket's language is the citizen language its event named (`citizenLanguageOf`). An event that
 * named one we have no texts in is asked in Arabic with English (i18n/followup.ts `withEnglish`):
 * `language` is then 'ar' and this keeps the code as sent, lower-cased, which also marks the fallback.
 */
export const requestedLanguageField = { requestedLanguage: { type: String } } as const;

/**
 * One event as the ticket keeps it for re-deriving its state. Kept on the ticket, not queried from
 * `ticket_events`: the events and the state derived from them are then one document, written by one
 * revision-guarded update (tickets/service.ts), so no event can be applied against a stale list.
 */
const eventFields = {
  eventId: { type: String, required: true },
  type: { type: String, enum: TICKET_EVENT_TYPES, required: true },
  at: { type: Date, required: true },
  receivedAt: { type: Date, required: true },
  agency: { type: String, required: true },
  department: { type: String, required: true },
  agentId: { type: String, required: true },
  citizenPhone: { type: String, required: true },
  language: { type: String, enum: CITIZEN_LANGUAGES, required: true },
  ...requestedLanguageField,
} as const;
const eventRowSchema = new Schema(eventFields, { _id: false });

export const ticketSchema = new Schema(
  {
    /** The ticket ref: every read and write of a ticket is by `_id` (see eventRowSchema). */
    _id: { type: String, required: true },
    ref: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    citizenPhone: { type: String, required: true },
    language: { type: String, enum: CITIZEN_LANGUAGES, default: 'ar' },
    ...requestedLanguageField,
    status: { type: String, enum: ['open', 'closed'], required: true },
    /** Event time of the latest event that decided `status`. */
    statusAt: { type: Date, required: true },
    closures: { type: [closureSchema], default: [] },
    eventCount: { type: Number, default: 0 },
    events: { type: [eventRowSchema], default: [] },
    /** Raised by every write; the next write's filter, so racing events re-derive instead of overwriting. */
    revision: { type: Number, default: 0 },
  },
  { timestamps: true },
);
ticketSchema.index({ agency: 1, department: 1 });
ticketSchema.index({ citizenPhone: 1 });
// The retention purge's filter (src/retention/purge.ts).
ticketSchema.index({ updatedAt: 1 });
// The "reopened within N days" integrity signal reads a period's closures (src/reports/integrity).
ticketSchema.index({ 'closures.closedAt': 1 });

/**
 * The event log and its idempotency record: `_id` is the event id, so a repeat fails on insert. Event
 * ids are unique per agency: an agency's event whose id another agency used first is kept under
 * `eventKey(agency, eventId)` instead (tickets/service.ts).
 */
export const ticketEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    ...eventFields,
    ticketRef: { type: String, required: true },
    callSid: { type: String },
    /** A fingerprint of the payload, so a reused event id with different content is refused. */
    fingerprint: { type: String, required: true },
    /** The answer given the first time, returned again for a repeated event id. */
    result: { type: Schema.Types.Mixed },
  },
  { timestamps: false },
);
// The retention purge's filter (src/retention/purge.ts).
ticketEventSchema.index({ receivedAt: 1 });
// A ticket's earliest event, which owns a ticket stored before owners were recorded (ticket_owners).
ticketEventSchema.index({ ticketRef: 1, receivedAt: 1 });

/**
 * Who a ticket belongs to: the agency and department of its first accepted event, written once (an
 * upsert that only inserts) when that event is accepted and before it is stored, so an event still
 * queued already owns its ticket. No later event changes it (tickets/service.ts).
 */
export const ticketOwnerSchema = new Schema(
  {
    /** The ticket ref. */
    _id: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    /** The event that made the claim: the first accepted, or the earliest stored for an older ticket. */
    eventId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { timestamps: false },
);

export type Ticket = InferSchemaType<typeof ticketSchema>;
export type Closure = InferSchemaType<typeof closureSchema>;
export type EventRow = InferSchemaType<typeof eventRowSchema>;
export type TicketEvent = InferSchemaType<typeof ticketEventSchema>;
export type TicketOwner = InferSchemaType<typeof ticketOwnerSchema>;

export function ticketModels(conn: Connection) {
  return {
    Ticket: conn.model('Ticket', ticketSchema, 'tickets'),
    TicketEvent: conn.model('TicketEvent', ticketEventSchema, 'ticket_events'),
    TicketOwner: conn.model('TicketOwner', ticketOwnerSchema, 'ticket_owners'),
  };
}
