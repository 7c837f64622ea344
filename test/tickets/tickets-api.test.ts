import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_EVENTS_QUEUE, ticketEventJobId } from '../../src/tickets/service.js';
import { ticketService } from '../../src/tickets/worker.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let token: string;

const base = {
  agency: 'moh',
  department: 'complaints',
  agentId: 'agent-7',
  citizenPhone: '0501234567',
  language: 'ar',
};

beforeAll(async () => {
  sys = await startTestSystem();
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

/** Asks for the applied result (`Prefer: return=representation`); the 202 path has tests of its own. */
function post(ref: string, body: unknown, auth: string | null = token) {
  return sys.api(`/api/tickets/${ref}/events`, {
    ...(auth === null ? {} : { token: auth }),
    body,
    headers: { prefer: 'return=representation' },
  });
}

describe('POST /api/tickets/:ref/events', () => {
  it('needs a valid bearer token', async () => {
    const missing = await post(
      'T-100',
      { ...base, eventId: 'x1', type: 'closed', at: '2026-11-01T10:00:00+03:00' },
      null,
    );
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await post(
      'T-100',
      { ...base, eventId: 'x1', type: 'closed', at: '2026-11-01T10:00:00+03:00' },
      'vst_not-a-real-token',
    );
    expect(wrong.status).toBe(401);
    expect(await sys.ctx.models.TicketEvent.countDocuments()).toBe(0);
  });

  it('refuses a token whose role may not report events', async () => {
    const auditor = await sys.token('auditor');
    const res = await post(
      'T-100',
      { ...base, eventId: 'x2', type: 'closed', at: '2026-11-01T10:00:00+03:00' },
      auditor,
    );
    expect(res.status).toBe(403);
  });

  it('stores a closure with the phone number in E.164 and answers 201', async () => {
    const res = await post('T-200', {
      ...base,
      eventId: 'ev-200-1',
      type: 'closed',
      at: '2026-11-01T10:00:00+03:00',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      ticket: { status: string; closures: { number: number; state: string }[] };
    };
    expect(body.ticket.status).toBe('closed');
    expect(body.ticket.closures).toEqual([
      expect.objectContaining({ number: 1, state: 'closed', closedAt: '2026-11-01T07:00:00.000Z' }),
    ]);
    const stored = await sys.ctx.models.Ticket.findOne({ ref: 'T-200' }).lean();
    expect(stored?.citizenPhone).toBe('+966501234567');
    expect(stored?.language).toBe('ar');
  });

  it('rejects an invalid phone number with a 422 that names the field, storing nothing', async () => {
    const res = await post('T-300', {
      ...base,
      citizenPhone: '12345',
      eventId: 'ev-300',
      type: 'closed',
      at: '2026-11-01T10:00:00Z',
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: string;
      message: string;
      details: { fields: { field: string }[] };
    };
    expect(body.error).toBe('validation_failed');
    expect(body.details.fields.map((f) => f.field)).toEqual(['citizenPhone']);
    expect(await sys.ctx.models.Ticket.countDocuments({ ref: 'T-300' })).toBe(0);
  });

  it('names each invalid field of a malformed body', async () => {
    const res = await post('T-301', {
      eventId: '',
      type: 'solved',
      at: 'yesterday',
      agency: 'moh',
      extra: 1,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { details: { fields: { field: string }[] } };
    expect(body.details.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['eventId', 'type', 'at', 'department', 'agentId', 'citizenPhone']),
    );
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await sys.api('/api/tickets/T-302/events', { token, body: '{"eventId":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/not valid JSON/);
  });

  it('the same event id twice changes nothing and answers with the stored result', async () => {
    const event = { ...base, eventId: 'ev-400', type: 'closed', at: '2026-11-02T10:00:00+03:00' };
    const first = await post('T-400', event);
    const again = await post('T-400', event);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: 'T-400' })).toBe(1);
    const ticket = await sys.ctx.models.Ticket.findOne({ ref: 'T-400' }).lean();
    expect(ticket?.closures).toHaveLength(1);
  });

  it('refuses a reused event id carrying a different event', async () => {
    await post('T-410', { ...base, eventId: 'ev-410', type: 'closed', at: '2026-11-02T10:00:00Z' });
    const res = await post('T-410', {
      ...base,
      eventId: 'ev-410',
      type: 'reopened',
      at: '2026-11-02T11:00:00Z',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: 'event_id_conflict',
      message: expect.stringContaining('ev-410') as unknown,
    });
    // The first event stands, and the ticket it closed is still closed.
    expect(await sys.ctx.models.TicketEvent.findById('ev-410').lean()).toMatchObject({ type: 'closed' });
    expect(await sys.ctx.models.Ticket.findById('T-410').lean()).toMatchObject({ status: 'closed' });
  });

  it('orders events by event time, not arrival: a late close before a reopen leaves the ticket open', async () => {
    const reopened = await post('T-500', {
      ...base,
      eventId: 'ev-500-r',
      type: 'reopened',
      at: '2026-11-03T12:00:00Z',
    });
    expect(reopened.status).toBe(201);
    const closed = await post('T-500', {
      ...base,
      eventId: 'ev-500-c',
      type: 'closed',
      at: '2026-11-03T09:00:00Z',
    });
    const body = (await closed.json()) as {
      ticket: { status: string; closures: { state: string; reopenedAt: string }[] };
    };
    expect(body.ticket.status).toBe('open');
    expect(body.ticket.closures).toEqual([
      expect.objectContaining({ state: 'reopened', reopenedAt: '2026-11-03T12:00:00.000Z' }),
    ]);
  });

  it('handles concurrent events for one ticket without losing any', async () => {
    const times = ['09', '10', '11', '12', '13', '14'];
    const results = await Promise.all(
      times.map((h, i) =>
        post('T-600', {
          ...base,
          eventId: `ev-600-${h}`,
          type: i % 2 === 0 ? 'closed' : 'reopened',
          at: `2026-11-04T${h}:00:00Z`,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(times.map(() => 201));
    const view = (await (await sys.api('/api/tickets/T-600', { token })).json()) as {
      ticket: { eventCount: number; closures: unknown[]; status: string };
    };
    expect(view.ticket.eventCount).toBe(6);
    expect(view.ticket.closures).toHaveLength(3);
    expect(view.ticket.status).toBe('open');
  });
});

describe('GET /api/tickets/:ref', () => {
  it('returns the ticket and its closures', async () => {
    await post('T-700', { ...base, eventId: 'ev-700-1', type: 'closed', at: '2026-11-05T09:00:00Z' });
    await post('T-700', { ...base, eventId: 'ev-700-2', type: 'reopened', at: '2026-11-05T10:00:00Z' });
    await post('T-700', { ...base, eventId: 'ev-700-3', type: 'closed', at: '2026-11-05T11:00:00Z' });
    const res = await sys.api('/api/tickets/T-700', { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ticket: { ref: string; status: string; closures: { number: number; state: string }[] };
    };
    expect(body.ticket.ref).toBe('T-700');
    expect(body.ticket.status).toBe('closed');
    expect(body.ticket.closures.map((c) => [c.number, c.state])).toEqual([
      [1, 'reopened'],
      [2, 'closed'],
    ]);
    // Each closure's verification beside it: the reopened one was never asked, the new one waits.
    const shown = body.ticket.closures as unknown as { verification: Record<string, unknown> | null }[];
    expect(shown.map((c) => c.verification)).toEqual([
      { state: 'cancelled', outcome: 'cancelled_reopened', disputed: false, answeredAt: null },
      { state: 'scheduled', outcome: null, disputed: false, answeredAt: null },
    ]);
  });

  it('answers 404 for an unknown ticket and 400 for a malformed ref', async () => {
    expect((await sys.api('/api/tickets/NOPE-1', { token })).status).toBe(404);
    expect((await sys.api('/api/tickets/bad%20ref', { token })).status).toBe(400);
  });

  it('needs a token', async () => {
    expect((await sys.api('/api/tickets/T-700')).status).toBe(401);
  });
});

describe('accepting events without waiting (202)', () => {
  const accept = (s: TestSystem, t: string, ref: string, body: unknown) =>
    s.api(`/api/tickets/${ref}/events`, { token: t, body });

  it('stores and queues the event, answers 202, and a worker applies it and schedules the follow-up', async () => {
    const live = await startTestSystem({ workers: true, env: { FOLLOWUP_DELAY_HOURS: '72' } });
    try {
      const t = await live.token('ticket_system');
      // An hour ago: with the 72-hour delay the follow-up waits, whatever day the test runs.
      const at = new Date(Date.now() - 3_600_000).toISOString();
      const res = await accept(live, t, 'T-800', {
        ...base,
        eventId: 'ev-800',
        type: 'closed',
        at,
      });
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe('/api/tickets/T-800');
      expect(await res.json()).toEqual({
        event: { eventId: 'ev-800', type: 'closed', at },
        status: 'accepted',
      });
      const ticket = await eventually(async () => {
        const r = await live.api('/api/tickets/T-800', { token: t });
        return r.status === 200 ? ((await r.json()) as { ticket: { status: string } }).ticket : undefined;
      });
      expect(ticket.status).toBe('closed');
      const followUp = await eventually(
        async () => (await live.ctx.models.FollowUp.findOne({ ticketRef: 'T-800' }).lean()) ?? undefined,
      );
      expect(followUp).toMatchObject({ state: 'scheduled', closureNumber: 1 });
      const stored = await eventually(async () => {
        const e = await live.ctx.models.TicketEvent.findById('ev-800').lean();
        return e?.result ? e : undefined;
      });
      expect(stored.result).toMatchObject({ ticket: { ref: 'T-800', status: 'closed' } });
    } finally {
      await live.stop();
    }
  });

  it('an apply job that runs before its event is stored applies it as soon as it lands, using no attempt', async () => {
    // The usual backoff is 30 s: a missing event retried that way would not be applied within the wait below.
    const live = await startTestSystem({
      workers: true,
      env: { FOLLOWUP_DELAY_HOURS: '72', RETRY_BASE_MS: '30000' },
    });
    try {
      const t = await live.token('ticket_system');
      const queue = live.ctx.queues.get(TICKET_EVENTS_QUEUE);
      // The job first, as when the database is slower than Redis under load.
      await ticketService(live.ctx).enqueue({ eventId: 'ev-850', ticketRef: 'T-850' });
      const waiting = await eventually(async () => {
        const job = await queue.getJob(ticketEventJobId('ev-850'));
        return job && (await job.getState()) === 'delayed' && job.attemptsStarted > 0 ? job : undefined;
      });
      expect(waiting.attemptsMade).toBe(0);
      const at = new Date(Date.now() - 3_600_000).toISOString();
      expect(
        (await accept(live, t, 'T-850', { ...base, eventId: 'ev-850', type: 'closed', at })).status,
      ).toBe(202);
      const followUp = await eventually(
        async () => (await live.ctx.models.FollowUp.findOne({ ticketRef: 'T-850' }).lean()) ?? undefined,
        { what: 'the follow-up of the late event' },
      );
      expect(followUp).toMatchObject({ state: 'scheduled', closureNumber: 1 });
      // The state first, then the job: a job read just before it finished still shows no attempt.
      const done = await eventually(async () => {
        const id = ticketEventJobId('ev-850');
        return (await queue.getJobState(id)) === 'completed' ? await queue.getJob(id) : undefined;
      });
      // One attempt made: the one that applied it (the looks before it used none).
      expect(done.attemptsMade).toBe(1);
      expect((await live.ctx.models.TicketEvent.findById('ev-850').lean())?.result).toMatchObject({
        ticket: { ref: 'T-850', status: 'closed' },
      });
    } finally {
      await live.stop();
    }
  });

  it('a repeat before the worker ran queues nothing new; once applied, a repeat answers the result', async () => {
    const event = { ...base, eventId: 'ev-810:a', type: 'closed', at: '2026-11-06T10:00:00Z' };
    const first = await accept(sys, token, 'T-810', event);
    const again = await accept(sys, token, 'T-810', event);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const queue = sys.ctx.queues.get(TICKET_EVENTS_QUEUE);
    const jobs = await queue.getJobs(['waiting', 'delayed']);
    expect(jobs.filter((j) => (j.data as { eventId: string }).eventId === 'ev-810:a')).toHaveLength(1);
    expect(await sys.ctx.models.Ticket.findById('T-810').lean()).toBeNull();

    // A caller who wants the ticket gets the event applied then and there; the queued job finds it done.
    const applied = await post('T-810', event);
    expect(applied.status).toBe(200);
    expect(applied.headers.get('preference-applied')).toBe('return=representation');
    const result = (await applied.json()) as { ticket: { status: string; eventCount: number } };
    expect(result.ticket).toMatchObject({ status: 'closed', eventCount: 1 });
    const replay = await accept(sys, token, 'T-810', event);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(result);
  });

  it('the same new event twice at once is stored and queued once', async () => {
    const event = { ...base, eventId: 'ev-830', type: 'closed', at: '2026-11-06T10:00:00Z' };
    const [a, b] = await Promise.all([
      accept(sys, token, 'T-830', event),
      accept(sys, token, 'T-830', event),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect([a, b].filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect(await sys.ctx.models.TicketEvent.countDocuments({ eventId: 'ev-830' })).toBe(1);
    const jobs = await sys.ctx.queues.get(TICKET_EVENTS_QUEUE).getJobs(['waiting', 'delayed']);
    expect(jobs.filter((j) => (j.data as { eventId: string }).eventId === 'ev-830')).toHaveLength(1);
  });

  it('refuses a reused event id with different content even before it is applied', async () => {
    await accept(sys, token, 'T-820', {
      ...base,
      eventId: 'ev-820',
      type: 'closed',
      at: '2026-11-06T10:00:00Z',
    });
    const res = await accept(sys, token, 'T-820', {
      ...base,
      eventId: 'ev-820',
      type: 'reopened',
      at: '2026-11-06T10:00:00Z',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'event_id_conflict' });
    expect(await sys.ctx.models.TicketEvent.findById('ev-820').lean()).toMatchObject({ type: 'closed' });
    const jobs = await sys.ctx.queues.get(TICKET_EVENTS_QUEUE).getJobs(['waiting', 'delayed']);
    expect(jobs.filter((j) => (j.data as { eventId: string }).eventId === 'ev-820')).toHaveLength(1);
  });
});

describe('API token cache', () => {
  it('a revoked token keeps working while it is cached, stops once its cache time is over, and at once with 0', async () => {
    // Proven by state, not by a clock: a cache far longer than the test (300 s) shows the revoked
    // token still served from it, a short one (1 s) shows the cache lets go of it, and 0 shows none.
    const long = await startTestSystem({ env: { API_TOKEN_CACHE_SECONDS: '300' } });
    const short = await startTestSystem({ env: { API_TOKEN_CACHE_SECONDS: '1' } });
    const uncached = await startTestSystem({ env: { API_TOKEN_CACHE_SECONDS: '0' } });
    const get = (s: TestSystem, t: string) => s.api('/api/tickets/NOPE-1', { token: t });
    const notFound = { error: 'ticket_not_found', message: 'No ticket with ref NOPE-1' };
    const refused = { error: 'unauthorized', message: 'Unknown or revoked API token' };
    const expectRefused = async (res: Response) => {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="verisat", error="invalid_token"');
      expect(await res.json()).toMatchObject(refused);
    };
    const revokeAll = (s: TestSystem) =>
      s.ctx.models.ApiToken.updateMany({}, { $set: { revokedAt: new Date() } });
    try {
      const [tLong, tShort, tNone] = [
        await long.token('auditor'),
        await short.token('auditor'),
        await uncached.token('auditor'),
      ];
      for (const [s, t] of [
        [long, tLong],
        [short, tShort],
        [uncached, tNone],
      ] as const) {
        const first = await get(s, t);
        expect(first.status).toBe(404);
        expect(await first.json()).toMatchObject(notFound);
        await revokeAll(s);
      }
      // Still trusted from the cache: the ticket system's call goes through.
      const cached = await get(long, tLong);
      expect(cached.status).toBe(404);
      expect(await cached.json()).toMatchObject(notFound);
      // Refused once the cache has let go of it.
      await eventually(async () => ((await get(short, tShort)).status === 401 ? true : undefined));
      await expectRefused(await get(short, tShort));
      // Without a cache, refused at once.
      await expectRefused(await get(uncached, tNone));
    } finally {
      await long.stop();
      await short.stop();
      await uncached.stop();
    }
  });
});
