import type { Ticket } from '../db/models/ticket.js';

/** A ticket as stored, as the service reads it and hands it to the hooks. */
export type TicketDoc = Ticket & { _id: unknown };

/**
 * Called after every accepted ticket event with the ticket as it now stands. Hooks must be
 * idempotent and work from state, not from the difference: a replayed event calls them again with
 * the same ticket, which is how a failure half-way is repaired.
 */
export type ClosureHook = (ticket: TicketDoc) => Promise<void>;
