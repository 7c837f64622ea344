import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveTicket } from '../../src/tickets/service.js';
import { backfillTicketOwners, OWNER_BACKFILL } from '../../src/tickets/owner-backfill.js';
import { ticketService } from '../../src/tickets/worker.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Tickets stored before ticket_owners existed get their owner once, from a start-up migration, so
 * accepting an event costs an insert of its owner (shared by the events of the same moment) and
 * no reads of old records.
 */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys.stop();
});

const t0 = Date.UTC(2026, 9, 1, 8);
const types = ['closed', 'reopened'] as const;
const row = (eventId: string, agency: string, k: number, department = 'complaints') => ({
  eventId,
  type: types[k % 2] ?? 'closed',
  at: new Date(t0 + k * 60_000),
  receivedAt: new Date(t0 + k * 60_000),
  agency,
  department,
  agentId: 'a-1',
  citizenPhone: '+966501112233',
  language: 'ar' as const,
});
type Row = ReturnType<typeof row>;

/** Written as the code before owners were recorded stored them: events, and the ticket derived. */
async function legacy(ref: string, rows: Row[], opts: { ticket?: Row[]; events?: Row[] } = {}) {
  for (const r of opts.events ?? rows)
    await sys.ctx.models.TicketEvent.create({ ...r, _id: r.eventId, ticketRef: ref, fingerprint: 'old' });
  const onTicket = opts.ticket ?? rows;
  if (onTicket.length === 0) return;
  await sys.ctx.models.Ticket.create({
    ...deriveTicket(ref, onTicket, []),
    _id: ref,
    // The latest event's agency, as an old takeover left it.
    agency: onTicket[onTicket.length - 1]?.agency,
    events: onTicket,
    revision: onTicket.length,
  });
}

const owners = async () =>
  Object.fromEntries(
    (await sys.ctx.models.TicketOwner.find({}).sort({ _id: 1 }).lean()).map((o) => [
      o._id,
      [o.agency, o.department, o.eventId],
    ]),
  );

describe('the ticket owners migration', () => {
  it('records each older ticket for the agency of its earliest event, and changes nothing the second time', async () => {
    // Applied tickets, one taken over by a later event of another agency.
    await legacy('B-1', [row('b1-a', 'MOH', 0), row('b1-b', 'MOMAH', 1)]);
    await legacy('B-2', [row('b2-a', 'HRSD', 2, 'billing')]);
    // Accepted but never applied: only its events are stored.
    await legacy('B-3', [row('b3-a', 'MOMAH', 3), row('b3-b', 'MOH', 4)], { ticket: [] });
    // Its earliest event is on the ticket only (its stored event row was removed).
    await legacy('B-4', [row('b4-a', 'MOH', 5), row('b4-b', 'HRSD', 6)], {
      events: [row('b4-b', 'HRSD', 6)],
    });
    // Already recorded (a claim made by the code since): kept as it is.
    await legacy('B-5', [row('b5-a', 'MOH', 7)]);
    await sys.ctx.models.TicketOwner.create({
      _id: 'B-5',
      agency: 'MOH',
      department: 'other',
      eventId: 'b5-claim',
      claimedAt: new Date(),
    });
    // The system started before these were written; a database from before owners has no mark.
    await sys.ctx.models.Migration.deleteOne({ _id: OWNER_BACKFILL });

    const first = await backfillTicketOwners(sys.ctx.models, sys.ctx.log);
    expect(first).toEqual({ ran: true, recorded: 4 });
    const expected = {
      'B-1': ['MOH', 'complaints', 'b1-a'],
      'B-2': ['HRSD', 'billing', 'b2-a'],
      'B-3': ['MOMAH', 'complaints', 'b3-a'],
      'B-4': ['MOH', 'complaints', 'b4-a'],
      'B-5': ['MOH', 'other', 'b5-claim'],
    };
    expect(await owners()).toEqual(expected);
    expect(await sys.ctx.models.Migration.findById(OWNER_BACKFILL).lean()).toMatchObject({ changed: 4 });

    // Done once: the next start only reads the mark.
    expect(await backfillTicketOwners(sys.ctx.models, sys.ctx.log)).toEqual({ ran: false, recorded: 0 });
    // Stopped before its mark was written: run again, it records nothing twice.
    await sys.ctx.models.Migration.deleteOne({ _id: OWNER_BACKFILL });
    expect(await backfillTicketOwners(sys.ctx.models, sys.ctx.log)).toEqual({ ran: true, recorded: 0 });
    expect(await owners()).toEqual(expected);

    // And the events API follows the recorded owner.
    const service = ticketService(sys.ctx);
    const outcome = await service.accept({
      ticketRef: 'B-1',
      eventId: 'b1-c',
      type: 'closed',
      at: new Date(t0 + 10 * 60_000),
      agency: 'MOMAH',
      department: 'complaints',
      agentId: 'a-1',
      citizenPhone: '+966501112233',
      language: 'ar',
    });
    expect(outcome).toEqual({ kind: 'not_owner', owner: { agency: 'MOH', department: 'complaints' } });
  });

  it("claims a new ticket's owner with one insert and one read beside it, reading no older records", async () => {
    const service = ticketService(sys.ctx);
    const ops: string[] = [];
    const note = (e: { collectionName: string; method: string }) =>
      ops.push(`${e.collectionName}.${e.method}`);
    sys.ctx.db.conn.on('operation-start', note);
    try {
      const outcome = await service.accept({
        ticketRef: 'B-NEW',
        eventId: 'bnew-1',
        type: 'closed',
        at: new Date(),
        agency: 'MOH',
        department: 'complaints',
        agentId: 'a-1',
        citizenPhone: '+966501112233',
        language: 'ar',
      });
      expect(outcome).toEqual({ kind: 'accepted', replayed: false });
    } finally {
      sys.ctx.db.conn.off('operation-start', note);
    }
    expect(ops).toEqual(['ticket_owners.insertMany', 'ticket_owners.find', 'ticket_events.insertMany']);
    expect(await sys.ctx.models.TicketOwner.findById('B-NEW').lean()).toMatchObject({
      agency: 'MOH',
      department: 'complaints',
      eventId: 'bnew-1',
    });
  });
  it('claims the owners of a burst of new tickets together: a few commands for the burst, not one per event', async () => {
    const service = ticketService(sys.ctx);
    const ops: string[] = [];
    const note = (e: { collectionName: string; method: string }) =>
      ops.push(`${e.collectionName}.${e.method}`);
    const event = (i: number, agency = 'MOH') => ({
      ticketRef: `BURST-${i}`,
      eventId: `burst-${i}-${agency}`,
      type: 'closed' as const,
      at: new Date(),
      agency,
      department: 'complaints',
      agentId: 'a-1',
      citizenPhone: '+966501112233',
      language: 'ar' as const,
    });
    // One ticket already owned by another agency, so the burst holds a refusal too.
    await sys.ctx.models.TicketOwner.create({
      _id: 'BURST-0',
      agency: 'MOMAH',
      department: 'complaints',
      eventId: 'burst-0-first',
      claimedAt: new Date(),
    });
    sys.ctx.db.conn.on('operation-start', note);
    let outcomes;
    try {
      outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => service.accept(event(i))));
    } finally {
      sys.ctx.db.conn.off('operation-start', note);
    }
    expect(outcomes[0]).toEqual({ kind: 'not_owner', owner: { agency: 'MOMAH', department: 'complaints' } });
    expect(outcomes.slice(1).every((o) => o.kind === 'accepted' && !o.replayed)).toBe(true);
    expect(ops).toEqual(['ticket_owners.insertMany', 'ticket_owners.find', 'ticket_events.insertMany']);
    const refs = Array.from({ length: 20 }, (_, i) => `BURST-${i}`);
    const stored = await sys.ctx.models.TicketOwner.find({ _id: { $in: refs } }).lean();
    expect(stored).toHaveLength(20);
    expect(stored.find((o) => o._id === 'BURST-0')).toMatchObject({
      agency: 'MOMAH',
      eventId: 'burst-0-first',
    });
    expect(stored.filter((o) => o.agency === 'MOH')).toHaveLength(19);
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: { $in: refs } })).toBe(19);
  });
});
