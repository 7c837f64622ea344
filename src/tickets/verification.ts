import type { AppContext } from '../context.js';
import type { FollowUpState, Outcome } from '../db/models/followup.js';
import type { TicketView } from './service.js';

/** Where a closure's verification stands, as a ticket system reads it beside the closure. */
export interface ClosureVerification {
  state: FollowUpState;
  /** How it ended or, once "solved?" is answered, how it is ending; null while undecided. */
  outcome: Outcome | null;
  /** The citizen said the problem was not solved: the closure is disputed. */
  disputed: boolean;
  answeredAt: string | null;
}

export type TicketWithVerification = Omit<TicketView, 'closures'> & {
  closures: (TicketView['closures'][number] & { verification: ClosureVerification | null })[];
};

/**
 * The ticket with each closure's verification (null for a closure without a follow-up, such as one
 * reopened before it was asked): one read of the ticket's follow-ups, by the unique index on
 * ticketRef and closure number. The citizen's own answers (rating, reason, words) are not shown.
 */
export async function withVerification(ctx: AppContext, ticket: TicketView): Promise<TicketWithVerification> {
  const followUps = await ctx.models.FollowUp.find({ ticketRef: ticket.ref })
    .select({ closureNumber: 1, state: 1, outcome: 1, answeredAt: 1 })
    .lean();
  const byClosure = new Map(followUps.map((f) => [f.closureNumber, f]));
  return {
    ...ticket,
    closures: ticket.closures.map((c) => {
      const f = byClosure.get(c.number);
      return {
        ...c,
        verification: f
          ? {
              state: f.state,
              outcome: (f.outcome as Outcome | undefined) ?? null,
              disputed: f.outcome === 'disputed',
              answeredAt: f.answeredAt ? f.answeredAt.toISOString() : null,
            }
          : null,
      };
    }),
  };
}
