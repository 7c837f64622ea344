import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Models } from '../db/models/index.js';
import type { EventRow } from '../db/models/ticket.js';
import type { Logger } from '../log.js';

/**
 * Tickets stored before owners were recorded (ticket_owners) get theirs here, once, at start-up
 * before the process serves or works: the agency and department of the ticket's earliest-received
 * event (not its latest's, which an event of another agency could once set). After it, claiming a
 * ticket is one insert, with the events of the same moment (TicketService.claim), and no reads of
 * older records per event.
 *
 * Every write only inserts an owner that is missing, so the migration can run in several processes
 * at once, stop half-way and run again; a mark in `migrations` makes later start-ups skip it.
 */
export const OWNER_BACKFILL = 'ticket-owners-backfill';

type Claim = Pick<EventRow, 'eventId' | 'agency' | 'department' | 'receivedAt'>;
const CLAIM_FIELDS = { eventId: 1, agency: 1, department: 1, receivedAt: 1 } as const;

/** The earliest received; of two received at once, the one listed first (a stored event row). */
function earliest(claims: Claim[]): Claim | undefined {
  return claims.reduce<Claim | undefined>(
    (a, b) => (a && a.receivedAt.getTime() <= b.receivedAt.getTime() ? a : b),
    undefined,
  );
}

export async function backfillTicketOwners(
  models: Models,
  log: Logger,
): Promise<{ ran: boolean; recorded: number }> {
  const { Migration, Ticket, TicketEvent, TicketOwner } = models;
  if (await Migration.exists({ _id: OWNER_BACKFILL })) return { ran: false, recorded: 0 };
  let recorded = 0;
  const record = async (ref: string, claim: Claim): Promise<void> => {
    try {
      const written = await TicketOwner.updateOne(
        { _id: ref },
        {
          $setOnInsert: {
            agency: claim.agency,
            department: claim.department,
            eventId: claim.eventId,
            claimedAt: new Date(),
          },
        },
        { upsert: true },
      );
      recorded += written.upsertedCount;
    } catch (err) {
      // Another process recorded the same owner first.
      if (!isDuplicateKey(err)) throw err;
    }
  };
  const owned = async (ref: string) => (await TicketOwner.exists({ _id: ref })) !== null;

  // Applied tickets: the earliest of the events on the ticket and its stored event rows.
  for await (const ticket of Ticket.find({})
    .select({ 'events.eventId': 1, 'events.agency': 1, 'events.department': 1, 'events.receivedAt': 1 })
    .sort({ _id: 1 })
    .lean()
    .cursor()) {
    if (await owned(ticket._id)) continue;
    const row = await TicketEvent.findOne({ ticketRef: ticket._id })
      .sort({ receivedAt: 1 })
      .select(CLAIM_FIELDS)
      .lean();
    const first = earliest([...(row ? [row] : []), ...ticket.events]);
    if (first) await record(ticket._id, first);
  }
  // Events accepted but not applied yet, whose ticket is not stored: the first row of each ticket.
  let previous: string | undefined;
  for await (const row of TicketEvent.find({})
    .select({ ...CLAIM_FIELDS, ticketRef: 1 })
    .sort({ ticketRef: 1, receivedAt: 1 })
    .lean()
    .cursor()) {
    if (row.ticketRef === previous) continue;
    previous = row.ticketRef;
    if (!(await owned(row.ticketRef))) await record(row.ticketRef, row);
  }

  await Migration.updateOne(
    { _id: OWNER_BACKFILL },
    { $setOnInsert: { doneAt: new Date(), changed: recorded } },
    { upsert: true },
  ).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
  log.info({ recorded }, 'ticket owners recorded for tickets stored before owners were');
  return { ran: true, recorded };
}
