import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

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

function post(ref: string, body: unknown, auth: string | null = token) {
  return sys.api(`/api/tickets/${ref}/events`, { ...(auth === null ? {} : { token: auth }), body });
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
  });

  it('answers 404 for an unknown ticket and 400 for a malformed ref', async () => {
    expect((await sys.api('/api/tickets/NOPE-1', { token })).status).toBe(404);
    expect((await sys.api('/api/tickets/bad%20ref', { token })).status).toBe(400);
  });

  it('needs a token', async () => {
    expect((await sys.api('/api/tickets/T-700')).status).toBe(401);
  });
});
