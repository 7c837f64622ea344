import type { TicketDoc } from './service.js';

/**
 * Called after every accepted ticket event with the ticket as it now stands. Hooks must be
 * idempotent and work from state, not from the difference: a replayed event calls them again with
 * the same ticket, which is how a failure half-way is repaired.
 */
export type ClosureHook = (ticket: TicketDoc) => Promise<void>;
