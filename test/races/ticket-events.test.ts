import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { closureState, TICKET_EVENTS_QUEUE } from '../../src/tickets/service.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { drained, Processes } from './processes.js';

/**
 * Processes: the in-test web only stores and queues the events (no `Prefer: return=representation`,
 * so it applies none itself); two worker processes apply them, twenty jobs at a time each. Events of
 * one ticket are then derived concurrently in two processes, and only the ticket's revision check
 * keeps them from overwriting each other.
 */

const TICKETS = 10;
const EVENTS = 20;
// Follow-ups stay scheduled (sent in two days), so the test sees which closures were left one.
const ENV = { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '48' };
let sys: TestSystem;
let procs: Processes;

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: ENV });
  procs = new Processes(sys, ENV);
  await Promise.all([procs.worker(), procs.worker()]);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
});

interface PlannedEvent {
  eventId: string;
  type: 'closed' | 'reopened';
  at: Date;
}

/** Twenty events, closed and reopened alternating a second apart, starting with either. */
function plan(ref: string, start: number): PlannedEvent[] {
  const firstClosed = Math.random() < 0.5;
  return Array.from({ length: EVENTS }, (_, k) => ({
    eventId: `${ref}-e${k}`,
    type: (k % 2 === 0) === firstClosed ? 'closed' : 'reopened',
    at: new Date(start + k * 1000),
  }));
}

describe('twenty events of one ticket at once', () => {
  it('keep every event, take the status of the latest, and leave a follow-up only for the closure in force', async () => {
    const apiToken = await sys.token('ticket_system');
    const start = Date.now() - 3_600_000;
    const plans = Array.from({ length: TICKETS }, (_, i) => ({
      ref: `RT-${i}`,
      phone: `+9665000054${String(i).padStart(2, '0')}`,
      events: plan(`RT-${i}`, start),
    }));
    // Every event of every ticket at once, each ticket's in shuffled order.
    const statuses = await Promise.all(
      plans.flatMap((p) =>
        [...p.events]
          .sort(() => Math.random() - 0.5)
          .map(async (e) => {
            const res = await sys.api(`/api/tickets/${p.ref}/events`, {
              token: apiToken,
              body: {
                eventId: e.eventId,
                type: e.type,
                at: e.at.toISOString(),
                agency: 'momrah',
                department: 'roads',
                agentId: 'agent-42',
                citizenPhone: p.phone,
                language: 'ar',
              },
            });
            return res.status;
          }),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([202]));
    const events = sys.ctx.queues.get(TICKET_EVENTS_QUEUE);
    await drained(events, 'ticket events');
    expect((await events.getJobCounts('failed')).failed).toBe(0);

    const followUps = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    for (const p of plans) {
      const latest = p.events[p.events.length - 1];
      if (!latest) throw new Error('no events planned');
      const ticket = await sys.ctx.models.Ticket.findById(p.ref).lean();
      if (!ticket) throw new Error(`${p.ref}: no ticket`);
      const all = await sys.ctx.models.FollowUp.find({ ticketRef: p.ref }).lean<FollowUpDoc[]>();
      const ctx = `${p.ref}: latest ${latest.type}; closures ${JSON.stringify(
        ticket.closures.map((c) => [c.number, c.eventId, closureState(c)]),
      )}; follow-ups ${JSON.stringify(all.map((f) => [f.closureNumber, f.state]))}`;

      // Every event landed once, whatever order the two processes applied them in.
      expect(ticket.events.map((e) => e.eventId).sort(), ctx).toEqual(p.events.map((e) => e.eventId).sort());
      expect(ticket.eventCount, ctx).toBe(EVENTS);
      expect(ticket.status, ctx).toBe(latest.type === 'closed' ? 'closed' : 'open');
      expect(ticket.statusAt.getTime(), ctx).toBe(latest.at.getTime());

      // The closure in force is the latest close, when the latest event is one; no other is.
      const inForce = ticket.closures.filter((c) => closureState(c) === 'closed');
      expect(
        inForce.map((c) => c.eventId),
        ctx,
      ).toEqual(latest.type === 'closed' ? [latest.eventId] : []);
      // Closure numbers are never reused.
      expect(new Set(ticket.closures.map((c) => c.number)).size, ctx).toBe(ticket.closures.length);

      // Exactly that closure has a scheduled follow-up, with its send job waiting; every other
      // closure's follow-up (one was made whenever a derivation saw it in force) was cancelled.
      const scheduled = all.filter((f) => f.state === 'scheduled');
      expect(
        scheduled.map((f) => f.closureNumber),
        ctx,
      ).toEqual(inForce.map((c) => c.number));
      for (const c of inForce) {
        const job = await followUps.getJob(followUpJobId('send', p.ref, c.number));
        expect(await job?.getState(), ctx).toBe('delayed');
        expect(
          (await sys.ctx.models.FollowUp.findOne({ ticketRef: p.ref, closureNumber: c.number }).lean())
            ?.state,
          ctx,
        ).toBe('scheduled');
      }
      for (const f of all.filter((x) => x.state !== 'scheduled'))
        expect([f.state, f.outcome], ctx).toEqual(['cancelled', 'cancelled_reopened']);
      expect(
        all.filter((f) => f.effectsPending),
        ctx,
      ).toEqual([]);
      const scores = await sys.ctx.models.VerifiedScore.find({ ticketRef: p.ref }).lean();
      for (const f of all)
        expect(scores.find((s) => s.closureNumber === f.closureNumber)?.outcome, ctx).toBe(f.outcome);
    }
  });

  it('ask again for a close that comes back into force after a late earlier close superseded it', async () => {
    // The smallest order the race above produces: the close at t3 is in force, the close at t1
    // arrives and supersedes it (its follow-up is cancelled), then the reopen at t2 arrives and the
    // close at t3 is in force again. Applied one at a time, so this one fails the same way every time.
    const apiToken = await sys.token('ticket_system');
    const ref = 'RT-back';
    const t = Date.now() - 3_600_000;
    for (const [eventId, type, at] of [
      ['back-3', 'closed', t + 2000],
      ['back-1', 'closed', t],
      ['back-2', 'reopened', t + 1000],
    ] as const) {
      const res = await sys.api(`/api/tickets/${ref}/events`, {
        token: apiToken,
        headers: { prefer: 'return=representation' },
        body: {
          eventId,
          type,
          at: new Date(at).toISOString(),
          agency: 'momrah',
          department: 'roads',
          agentId: 'agent-42',
          citizenPhone: '+966500005499',
          language: 'ar',
        },
      });
      expect(res.status).toBe(201);
    }
    const ticket = await sys.ctx.models.Ticket.findById(ref).lean();
    const inForce = ticket?.closures.filter((c) => closureState(c) === 'closed') ?? [];
    expect(inForce.map((c) => c.eventId)).toEqual(['back-3']);
    const number = inForce[0]?.number ?? 0;
    expect(
      await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, closureNumber: number }).lean(),
    ).toMatchObject({
      state: 'scheduled',
    });
    expect(
      (await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, closureNumber: number }).lean())?.outcome,
    ).toBeUndefined();
    const job = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getJob(followUpJobId('send', ref, number));
    expect(await job?.getState()).toBe('delayed');
    const score = await sys.ctx.models.VerifiedScore.findOne({
      ticketRef: ref,
      closureNumber: number,
    }).lean();
    expect(score?.outcome).toBeUndefined();
  });
});
