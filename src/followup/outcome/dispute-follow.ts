import type { AppContext } from '../../context.js';
import { DISPUTE_STAGE, type Dispute, type DisputeState } from '../../db/models/dispute.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { TicketDoc } from '../../tickets/closure-hooks.js';
import { agencyFollowUpRules } from '../agency-rules.js';
import { localDay } from '../schedule/send-window.js';

/**
 * What the agency did after a disputed closure (issue 25, item 3), kept in one document per disputed
 * closure (db/models/dispute.ts). Three writers, each a conditional single-document update that only
 * moves forward, so their order does not matter and a replay changes nothing:
 *   - the disputed outcome's effects (outcome.ts applyEffects) insert it, waiting;
 *   - the ticket hook after each applied event records the earliest reopen and the next closure;
 *   - the next closure's decided follow-up records whether it was verified solved or disputed again.
 */

const DAY_MS = 86_400_000;

type DisputeCtx = Pick<AppContext, 'config' | 'models' | 'log'>;

export function disputeId(ticketRef: string, closureNumber: number): string {
  return `${ticketRef}#${closureNumber}`;
}

/** Raises the state only when it is further along than the stored one. */
async function advance(
  ctx: DisputeCtx,
  id: string,
  state: DisputeState,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await ctx.models.Dispute.updateOne(
    { _id: id, stage: { $lt: DISPUTE_STAGE[state] } },
    { $set: { state, stage: DISPUTE_STAGE[state], ...extra } },
  );
}

/** Records a disputed closure (idempotent: the first write's deadline stays), then what is already known of it. */
export async function recordDispute(ctx: DisputeCtx, f: FollowUpDoc): Promise<void> {
  if (f.outcome !== 'disputed') return;
  const rules = await agencyFollowUpRules(ctx, f.agency);
  // The answer's time when the citizen said it; a dispute decided otherwise dates from now.
  const disputedAt = f.solved === false && f.answeredAt ? new Date(f.answeredAt) : new Date();
  await ctx.models.Dispute.updateOne(
    { _id: disputeId(f.ticketRef, f.closureNumber) },
    {
      $setOnInsert: {
        ticketRef: f.ticketRef,
        closureNumber: f.closureNumber,
        agency: f.agency,
        department: f.department,
        agentId: f.agentId,
        closedAt: f.closedAt,
        disputedAt,
        day: localDay(disputedAt, ctx.config.timeZone),
        actDays: rules.disputeActDays,
        deadlineAt: new Date(disputedAt.getTime() + rules.disputeActDays * DAY_MS),
        state: 'waiting',
        stage: 0,
      },
    },
    { upsert: true },
  );
  // The agency may have reopened before the dispute was recorded: the ticket says so already.
  const ticket = await ctx.models.Ticket.findById(f.ticketRef).lean<TicketDoc>();
  if (ticket) await followDisputes(ctx, ticket);
}

/**
 * The ticket hook: for each disputed closure of this ticket, its earliest reopen and the closure
 * that followed it, and that closure's decided follow-up if there is one. Works from the ticket as it
 * stands, so a replayed event repeats nothing.
 */
export async function followDisputes(ctx: DisputeCtx, ticket: TicketDoc): Promise<void> {
  const ref = String(ticket._id);
  const disputes = await ctx.models.Dispute.find({ ticketRef: ref }).lean<(Dispute & { _id: string })[]>();
  for (const d of disputes) {
    const closure = ticket.closures.find((c) => c.number === d.closureNumber);
    if (!closure?.reopenedAt) continue;
    const reopenedAt = new Date(closure.reopenedAt);
    const daysToAct = Math.max(0, (reopenedAt.getTime() - new Date(d.disputedAt).getTime()) / DAY_MS);
    // The earliest reopen wins: a reopen known later but earlier by event time replaces a later one.
    await ctx.models.Dispute.updateOne(
      { _id: d._id, $or: [{ reopenedAt: { $exists: false } }, { reopenedAt: { $gt: reopenedAt } }] },
      {
        $set: {
          reopenedAt,
          ...(closure.reopenEventId ? { reopenEventId: closure.reopenEventId } : {}),
          inTime: reopenedAt.getTime() <= new Date(d.deadlineAt).getTime(),
          daysToAct,
        },
      },
    );
    await advance(ctx, d._id, 'reopened');
    const next = ticket.closures
      .filter((c) => c.number !== d.closureNumber && !c.supersededAt && c.closedAt >= reopenedAt)
      .sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime())[0];
    if (!next) continue;
    await ctx.models.Dispute.updateOne(
      { _id: d._id, nextClosureNumber: { $exists: false } },
      { $set: { nextClosureNumber: next.number, nextClosedAt: next.closedAt } },
    );
    await advance(ctx, d._id, 'closed_again');
    const decided = await ctx.models.FollowUp.findOne({ ticketRef: ref, closureNumber: next.number })
      .select({ outcome: 1 })
      .lean<Pick<FollowUpDoc, 'outcome'>>();
    if (decided?.outcome) await recordNextOutcome(ctx, ref, next.number, decided.outcome);
  }
}

/** The next closure's follow-up decided: the dispute before it learns how that closure went. */
export async function recordNextOutcome(
  ctx: DisputeCtx,
  ticketRef: string,
  closureNumber: number,
  outcome: string,
): Promise<void> {
  // A closure's follow-up decides once; a later effect replay writes the same outcome.
  await ctx.models.Dispute.updateMany(
    { ticketRef, nextClosureNumber: closureNumber, nextOutcome: { $exists: false } },
    { $set: { nextOutcome: outcome } },
  );
  if (outcome !== 'confirmed_solved' && outcome !== 'disputed') return;
  const state: DisputeState = outcome === 'confirmed_solved' ? 'verified_solved' : 'disputed_again';
  const ids = await ctx.models.Dispute.find({ ticketRef, nextClosureNumber: closureNumber })
    .select({ _id: 1 })
    .lean<{ _id: string }[]>();
  for (const { _id } of ids) await advance(ctx, _id, state);
}

/** From applyEffects: a disputed closure starts its record; any decided closure may end an earlier one's. */
export async function followDisputeEffects(ctx: DisputeCtx, f: FollowUpDoc): Promise<void> {
  if (f.outcome === 'disputed') await recordDispute(ctx, f);
  // Only a closure after a reopen can be the next one of a dispute.
  if (f.outcome && f.closureNumber > 1) await recordNextOutcome(ctx, f.ticketRef, f.closureNumber, f.outcome);
}
