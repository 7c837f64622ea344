import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveTicket, eventKey, TICKET_EVENTS_QUEUE, ticketEventJobId } from '../../src/tickets/service.js';
import { backfillTicketOwners, OWNER_BACKFILL } from '../../src/tickets/owner-backfill.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 23, findings 1 and 10: a scoped token is answered the same for another agency's ticket as
// for one that does not exist, on every tickets route, and another agency's event id is not "taken".
let sys: TestSystem;
let moh: string;
let hrsd: string;
let mohComplaints: string;
let momah: string;

beforeAll(async () => {
  sys = await startTestSystem();
  [moh, hrsd, mohComplaints, momah] = await Promise.all([
    sys.token('ticket_system', { agency: 'MOH' }),
    sys.token('ticket_system', { agency: 'HRSD' }),
    sys.token('ticket_system', { agency: 'MOH', department: 'complaints' }),
    sys.token('ticket_system', { agency: 'MOMAH' }),
  ]);
});
afterAll(async () => {
  await sys.stop();
});

let seconds = 0;
const event = (
  eventId: string,
  type: string,
  agency: string,
  opts: { department?: string; phone?: string } = {},
) => ({
  eventId,
  type,
  // Distinct, increasing event times, so the same call gives the same body every time.
  at: new Date(Date.UTC(2026, 10, 1, 8, 0, (seconds += 1))).toISOString(),
  agency,
  department: opts.department ?? 'complaints',
  agentId: 'a-1',
  citizenPhone: opts.phone ?? '+966501112233',
});

interface Answer {
  status: number;
  type: string | null;
  body: string;
}
async function answer(res: Promise<Response>, replace: Record<string, string> = {}): Promise<Answer> {
  const r = await res;
  let body = await r.text();
  for (const [from, to] of Object.entries(replace)) body = body.replaceAll(from, to);
  return { status: r.status, type: r.headers.get('content-type'), body };
}
const post = (ref: string, token: string, body: unknown, prefer = true) =>
  sys.api(`/api/tickets/${ref}/events`, {
    token,
    body,
    ...(prefer ? { headers: { prefer: 'return=representation' } } : {}),
  });
const read = (ref: string, token: string) => sys.api(`/api/tickets/${ref}`, { token });

/** The answer for a ref no one ever reported, read with `token`, with `ref` in its place. */
function missing(ref: string, token: string): Promise<Answer> {
  const never = `NO-${ref}`;
  return answer(read(never, token), { [never]: ref });
}

describe("another agency's ticket", () => {
  it('answers reads and events exactly as a missing ticket, storing nothing', async () => {
    expect((await post('O-1', hrsd, event('o1-closed', 'closed', 'HRSD'))).status).toBe(201);
    const asMissing = await missing('O-1', moh);
    expect(asMissing.status).toBe(404);

    expect(await answer(read('O-1', moh))).toEqual(asMissing);
    expect(await answer(post('O-1', moh, event('o1-reopen', 'reopened', 'MOH')))).toEqual(asMissing);
    expect(await answer(post('O-1', moh, event('o1-close', 'closed', 'MOH'), false))).toEqual(asMissing);
    expect(
      await sys.ctx.models.TicketEvent.countDocuments({ eventId: { $in: ['o1-reopen', 'o1-close'] } }),
    ).toBe(0);
    expect(await sys.ctx.models.Ticket.findById('O-1').lean()).toMatchObject({
      agency: 'HRSD',
      status: 'closed',
      eventCount: 1,
    });
  });

  it("answers a department-scoped token the same for another department's ticket", async () => {
    expect(
      (await post('O-2', moh, event('o2-closed', 'closed', 'MOH', { department: 'billing' }))).status,
    ).toBe(201);
    const asMissing = await missing('O-2', mohComplaints);
    expect(await answer(read('O-2', mohComplaints))).toEqual(asMissing);
    expect(await answer(post('O-2', mohComplaints, event('o2-reopen', 'reopened', 'MOH')))).toEqual(
      asMissing,
    );
    expect((await read('O-2', moh)).status).toBe(200);
  });

  it('keeps the agency and department of its first event against an unscoped token, saying why', async () => {
    const all = await sys.token('ticket_system');
    expect((await post('O-3', hrsd, event('o3-closed', 'closed', 'HRSD'))).status).toBe(201);
    for (const body of [
      event('o3-moh', 'reopened', 'MOH'),
      event('o3-dept', 'reopened', 'HRSD', { department: 'billing' }),
    ]) {
      const res = await post('O-3', all, body);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: 'ticket_owner_mismatch' });
    }
    expect(await sys.ctx.models.Ticket.findById('O-3').lean()).toMatchObject({
      agency: 'HRSD',
      department: 'complaints',
      status: 'closed',
    });
    // Its own agency's events still land through the unscoped token.
    expect((await post('O-3', all, event('o3-reopen', 'reopened', 'HRSD'))).status).toBe(201);
  });

  it('stored before owners were recorded belongs to the agency of its first event, not its latest', async () => {
    // What an old takeover left, written as the code before owners were recorded stored it: MOH's
    // closure, then MOMAH's reopen, and the ticket following the latest event.
    const t = Date.UTC(2026, 9, 1, 8);
    const row = (eventId: string, type: 'closed' | 'reopened', agency: string, k: number) => ({
      eventId,
      type,
      at: new Date(t + k * 60_000),
      receivedAt: new Date(t + k * 60_000),
      agency,
      department: 'complaints',
      agentId: 'a-1',
      citizenPhone: '+966501112233',
      language: 'ar' as const,
    });
    const rows = [row('old-closed', 'closed', 'MOH', 0), row('old-reopen', 'reopened', 'MOMAH', 1)];
    for (const r of rows)
      await sys.ctx.models.TicketEvent.create({
        ...r,
        _id: r.eventId,
        ticketRef: 'O-OLD',
        fingerprint: 'old',
      });
    await sys.ctx.models.Ticket.create({
      ...deriveTicket('O-OLD', rows, []),
      _id: 'O-OLD',
      agency: 'MOMAH',
      events: rows,
      revision: 2,
    });
    // What the first start-up of this version does on such a database (it has no mark yet).
    await sys.ctx.models.Migration.deleteOne({ _id: OWNER_BACKFILL });
    await backfillTicketOwners(sys.ctx.models, sys.ctx.log);

    const asMissing = await missing('O-OLD', momah);
    expect(await answer(read('O-OLD', momah))).toEqual(asMissing);
    expect(await answer(post('O-OLD', momah, event('old-again', 'closed', 'MOMAH')))).toEqual(asMissing);
    expect((await read('O-OLD', moh)).status).toBe(200);
    const res = await post('O-OLD', moh, event('old-close-2', 'closed', 'MOH'));
    expect(res.status).toBe(201);
    expect(await sys.ctx.models.Ticket.findById('O-OLD').lean()).toMatchObject({
      agency: 'MOH',
      status: 'closed',
    });
  });
});

describe("another agency's event id", () => {
  it("is a different event of this agency's, answered as a fresh id, each kept idempotent", async () => {
    const hrsdEvent = event('shared-10', 'closed', 'HRSD');
    const hrsdFirst = await answer(post('O-10', hrsd, hrsdEvent));
    expect(hrsdFirst.status).toBe(201);

    // MOH uses the same id for an event of its own: answered exactly as a never-used id is.
    const body = event('shared-10', 'closed', 'MOH');
    const reused = await answer(post('O-11', moh, body));
    const fresh = await answer(post('O-12', moh, { ...body, eventId: 'fresh-10' }), {
      'fresh-10': 'shared-10',
      'O-12': 'O-11',
    });
    expect(reused).toEqual(fresh);
    expect(reused.status).toBe(201);

    // Each agency's repeat is its own replay; a different event under its own id is still refused.
    const again = await post('O-11', moh, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(reused.body);
    const hrsdAgain = await post('O-10', hrsd, hrsdEvent);
    expect(hrsdAgain.status).toBe(200);
    expect(await hrsdAgain.text()).toBe(hrsdFirst.body);
    expect(JSON.parse(hrsdFirst.body)).toMatchObject({ ticket: { ref: 'O-10', agency: 'HRSD' } });
    const conflict = await post('O-11', moh, { ...body, type: 'reopened' });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'event_id_conflict' });

    expect(await sys.ctx.models.Ticket.findById('O-10').lean()).toMatchObject({
      agency: 'HRSD',
      eventCount: 1,
    });
    expect(await sys.ctx.models.Ticket.findById('O-11').lean()).toMatchObject({
      agency: 'MOH',
      eventCount: 1,
    });
  });

  it('answers the 202 path the same way', async () => {
    expect((await post('O-20', hrsd, event('shared-20', 'closed', 'HRSD'), false)).status).toBe(202);
    const body = event('shared-20', 'closed', 'MOH');
    const reused = await answer(post('O-21', moh, body, false));
    const fresh = await answer(post('O-22', moh, { ...body, eventId: 'fresh-20' }, false), {
      'fresh-20': 'shared-20',
    });
    expect(reused).toEqual(fresh);
    expect(reused.status).toBe(202);
  });

  it('gets an apply job of its own, whatever ids other agencies chose', async () => {
    // MOMAH holds `x-30`, so MOH's `x-30` is kept under its own key; HRSD's raw id spells that key
    // as the job id's escapes did (a space as `~20`), and `j:1` and `j~3A1` spelt one job id alike.
    expect((await post('O-30', momah, event('x-30', 'closed', 'MOMAH'), false)).status).toBe(202);
    expect((await post('O-31', hrsd, event('MOH~20x-30', 'closed', 'HRSD'), false)).status).toBe(202);
    expect((await post('O-32', moh, event('x-30', 'closed', 'MOH'), false)).status).toBe(202);
    expect((await post('O-33', hrsd, event('j:1', 'closed', 'HRSD'), false)).status).toBe(202);
    expect((await post('O-34', hrsd, event('j~3A1', 'closed', 'HRSD'), false)).status).toBe(202);
    const queue = sys.ctx.queues.get(TICKET_EVENTS_QUEUE);
    for (const [key, ref] of [
      ['x-30', 'O-30'],
      ['MOH~20x-30', 'O-31'],
      [eventKey('MOH', 'x-30'), 'O-32'],
      ['j:1', 'O-33'],
      ['j~3A1', 'O-34'],
    ] as const) {
      const job = await queue.getJob(ticketEventJobId(key));
      expect(job?.data, key).toEqual({ eventId: key, ticketRef: ref });
    }
  });
});
