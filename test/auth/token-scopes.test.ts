import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 17, finding 2: a ticket-system token scoped to one agency reports and reads only that
// agency's tickets, and its errors name no other agency's ticket.
let sys: TestSystem;
let moh: string;
let hrsd: string;

beforeAll(async () => {
  sys = await startTestSystem();
  [moh, hrsd] = await Promise.all([
    sys.token('ticket_system', { agency: 'MOH' }),
    sys.token('ticket_system', { agency: 'HRSD' }),
  ]);
});
afterAll(async () => {
  await sys.stop();
});

const event = (eventId: string, type: string, agency: string, phone = '+966501112233') => ({
  eventId,
  type,
  at: new Date().toISOString(),
  agency,
  department: 'complaints',
  agentId: 'a-1',
  citizenPhone: phone,
});
const post = (ref: string, token: string, body: unknown) =>
  sys.api(`/api/tickets/${ref}/events`, {
    token,
    body,
    headers: { prefer: 'return=representation' },
  });

describe('scoped ticket-system tokens', () => {
  it('refuses events for another agency, and stores nothing of them', async () => {
    const res = await post('S-1', moh, event('s1-closed', 'closed', 'HRSD'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'out_of_scope' });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ _id: 's1-closed' })).toBe(0);
    expect(await sys.ctx.models.Ticket.exists({ _id: 'S-1' })).toBeNull();
  });

  it("cannot move, reopen or read another agency's ticket, and learns nothing of it from errors", async () => {
    expect((await post('S-2', hrsd, event('s2-closed', 'closed', 'HRSD', '+966502223344'))).status).toBe(201);

    // Answered as a ticket that does not exist (issue 23, finding 10; test/tickets/ticket-oracles.test.ts).
    const takeover = await post('S-2', moh, event('s2-reopen', 'reopened', 'MOH', '+966509998877'));
    expect(takeover.status).toBe(404);
    expect(await takeover.text()).not.toContain('HRSD');
    const ticket = await sys.ctx.models.Ticket.findById('S-2').lean();
    expect(ticket).toMatchObject({ agency: 'HRSD', status: 'closed', citizenPhone: '+966502223344' });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ _id: 's2-reopen' })).toBe(0);

    const read = await sys.api('/api/tickets/S-2', { token: moh });
    expect(read.status).toBe(404);
    expect((await sys.api('/api/tickets/S-2', { token: hrsd })).status).toBe(200);

    // Reusing the other agency's event id for an event of its own: ids are per agency, so it is
    // simply its own new event (issue 23, finding 10), and says nothing of the other.
    const reused = await post('S-3', moh, event('s2-closed', 'closed', 'MOH'));
    expect(reused.status).toBe(201);
    expect(await reused.text()).not.toContain('S-2');
  });

  it('works as before for its own agency and for an unscoped token', async () => {
    expect((await post('S-4', moh, event('s4-closed', 'closed', 'MOH'))).status).toBe(201);
    const own = await sys.api('/api/tickets/S-4', { token: moh });
    expect(own.status).toBe(200);
    // It names a citizen's closures: never kept by a shared cache (finding 8).
    expect(own.headers.get('cache-control')).toBe('no-store');
    const all = await sys.token('ticket_system');
    expect((await post('S-5', all, event('s5-closed', 'closed', 'HRSD'))).status).toBe(201);
    expect((await sys.api('/api/tickets/S-4', { token: all })).status).toBe(200);
  });
});

// Issue 17, finding 4: codes are codes. What the citizen reads under the official sender, and the
// public board lists, is never raw ticket-system text.
describe('agency, department and agent codes', () => {
  it.each([
    ['agency', '<script>alert(1)</script>'],
    ['agency', '=HYPERLINK("https://evil.example","x")'],
    ['agency', 'MOH\u202Eevil'],
    ['agency', 'MOH\u0000'],
    ['agency', 'MOH\r\nBcc: x'],
    ['department', '+cmd'],
    ['agentId', '@a-1'],
    ['agency', 'وزارة الصحة'],
  ])('refuses %s %j with 422 and stores nothing', async (field, value) => {
    const all = await sys.token('ticket_system');
    const eventId = `code-${field}-${Buffer.from(value).toString('hex').slice(0, 40)}`;
    const res = await post('S-CODE', all, { ...event(eventId, 'closed', 'MOH'), [field]: value });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { details: { fields: { field: string }[] } }).details.fields).toEqual([
      expect.objectContaining({ field }),
    ]);
    expect(await sys.ctx.models.TicketEvent.countDocuments({ _id: eventId })).toBe(0);
    expect(await sys.ctx.models.Ticket.exists({ _id: 'S-CODE' })).toBeNull();
    expect(sys.ctx.sandbox?.listMessages() ?? []).not.toContainEqual(
      expect.objectContaining({ body: expect.stringContaining(value) as unknown }),
    );
  });
});
