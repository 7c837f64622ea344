import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { closureState, TICKET_EVENTS_QUEUE } from '../../src/tickets/service.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { drained, Processes } from './processes.js';

/**
 * Issue 23, finding 1: a ticket belongs to the agency of its first accepted event, decided when that
 * event is accepted, not when a worker applies it. Processes: two web processes (the in-test one and
 * a spawned one) only store and queue events (202); a worker process applies them. So the second
 * agency's event arrives while the first one's is still queued, the window the probe used.
 */

// Follow-ups stay scheduled (sent in two days), so the test sees that the closure kept its own.
const ENV = { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '48' };
let sys: TestSystem;
let procs: Processes;
let otherWeb: string;
let moh: string;
let momah: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: ENV });
  procs = new Processes(sys, ENV);
  [otherWeb] = await Promise.all([procs.web(), procs.worker()]);
  [moh, momah] = await Promise.all([
    sys.token('ticket_system', { agency: 'MOH' }),
    sys.token('ticket_system', { agency: 'MOMAH' }),
  ]);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

type Agency = 'MOH' | 'MOMAH';

function post(base: string, ref: string, token: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/api/tickets/${ref}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function event(agency: Agency, eventId: string, type: 'closed' | 'reopened', at: Date, phone: string) {
  return {
    eventId,
    type,
    at: at.toISOString(),
    agency,
    department: 'complaints',
    agentId: 'agent-1',
    citizenPhone: phone,
  };
}

async function read(ref: string, token: string): Promise<{ status: number; body: string }> {
  const res = await sys.api(`/api/tickets/${ref}`, { token });
  return { status: res.status, body: await res.text() };
}

/** What a token gets reading a ref nobody ever reported, with that ref put back as `ref`. */
async function missingAnswer(ref: string, token: string): Promise<{ status: number; body: string }> {
  const never = `NEVER-${ref}`;
  const r = await read(never, token);
  return { status: r.status, body: r.body.replaceAll(never, ref) };
}

describe("another agency's event for a ticket whose first event is still queued", () => {
  it("is refused as for a missing ticket, and the first agency's closure and follow-up stand", async () => {
    const ref = 'T-RACE-2';
    const at = Date.now() - 60_000;
    const closed = await post(
      sys.baseUrl,
      ref,
      moh,
      event('MOH', 'race2-close', 'closed', new Date(at), '+966501110001'),
    );
    expect(closed.status).toBe(202);
    // At once, through the other web process, before the worker has applied MOH's event.
    const takeover = await post(
      otherWeb,
      ref,
      momah,
      event('MOMAH', 'race2-reopen', 'reopened', new Date(at + 1000), '+966509990001'),
    );
    const refused = { status: takeover.status, body: await takeover.text() };
    expect(refused).toEqual(await missingAnswer(ref, momah));
    expect(refused.status).toBe(404);

    const events = sys.ctx.queues.get(TICKET_EVENTS_QUEUE);
    await drained(events, 'ticket events');
    expect((await events.getJobCounts('failed')).failed).toBe(0);

    const ticket = await sys.ctx.models.Ticket.findById(ref).lean();
    expect(ticket).toMatchObject({ agency: 'MOH', status: 'closed', citizenPhone: '+966501110001' });
    expect(ticket?.events.map((e) => e.eventId)).toEqual(['race2-close']);
    const closure = ticket?.closures[0];
    expect(closure && closureState(closure)).toBe('closed');
    const number = closure?.number ?? 0;
    expect(
      await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, closureNumber: number }).lean(),
    ).toMatchObject({ state: 'scheduled', citizenPhone: '+966501110001' });
    const job = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', ref, number));
    expect(await job?.getState()).toBe('delayed');

    // MOH reads its ticket; MOMAH is answered exactly as for a ticket that does not exist.
    const own = await read(ref, moh);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ ticket: { ref, agency: 'MOH', status: 'closed' } });
    expect(await read(ref, momah)).toEqual(await missingAnswer(ref, momah));
    // And MOH still reports to it.
    const more = await post(
      otherWeb,
      ref,
      moh,
      event('MOH', 'race2-reopen-own', 'reopened', new Date(at + 2000), '+966501110001'),
    );
    expect(more.status).toBe(202);
  });

  it('leaves each of twenty refs, raced in both orders at once, with exactly one agency', async () => {
    const at = Date.now() - 60_000;
    const refs = Array.from({ length: 20 }, (_, i): { ref: string; first: Agency } => ({
      ref: `T-OWN-${i}`,
      // Alternate which agency's request is sent first, and through which web process.
      first: i % 2 === 0 ? 'MOH' : 'MOMAH',
    }));
    const outcomes = await Promise.all(
      refs.map(async ({ ref, first }) => {
        const second: Agency = first === 'MOH' ? 'MOMAH' : 'MOH';
        const send = (agency: Agency, base: string, type: 'closed' | 'reopened', offset: number) =>
          post(
            base,
            ref,
            agency === 'MOH' ? moh : momah,
            event(
              agency,
              `${ref}-${agency}`,
              type,
              new Date(at + offset),
              agency === 'MOH' ? '+966501110002' : '+966509990002',
            ),
          ).then(async (res) => ({ agency, status: res.status, body: await res.text() }));
        const [a, b] = await Promise.all([
          send(first, sys.baseUrl, 'closed', 0),
          send(second, otherWeb, 'reopened', 1000),
        ]);
        return { ref, answers: [a, b] };
      }),
    );
    await drained(sys.ctx.queues.get(TICKET_EVENTS_QUEUE), 'ticket events');

    for (const { ref, answers } of outcomes) {
      const ctx = `${ref}: ${JSON.stringify(answers.map((a) => [a.agency, a.status]))}`;
      const accepted = answers.filter((a) => a.status === 202);
      const refused = answers.filter((a) => a.status !== 202);
      expect(accepted, ctx).toHaveLength(1);
      expect(refused, ctx).toHaveLength(1);
      const owner = accepted[0]?.agency;
      const loser = refused[0];
      if (!owner || !loser) throw new Error(ctx);
      const loserToken = loser.agency === 'MOH' ? moh : momah;
      expect({ status: loser.status, body: loser.body }, ctx).toEqual(await missingAnswer(ref, loserToken));

      const ticket = await sys.ctx.models.Ticket.findById(ref).lean();
      expect(ticket?.agency, ctx).toBe(owner);
      expect(
        ticket?.events.map((e) => e.agency),
        ctx,
      ).toEqual([owner]);
      expect(
        await sys.ctx.models.TicketEvent.countDocuments({ eventId: `${ref}-${loser.agency}` }),
        ctx,
      ).toBe(0);
      expect((await read(ref, owner === 'MOH' ? moh : momah)).status, ctx).toBe(200);
      expect(await read(ref, loserToken), ctx).toEqual(await missingAnswer(ref, loserToken));
    }
    // Both orders happened: each agency won some refs.
    const owners = new Set(outcomes.map((o) => o.answers.find((a) => a.status === 202)?.agency));
    expect(owners).toEqual(new Set(['MOH', 'MOMAH']));
  });
});
