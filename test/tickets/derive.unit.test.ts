import { describe, expect, it } from 'vitest';
import { closureState, deriveTicket } from '../../src/tickets/service.js';

type Row = Parameters<typeof deriveTicket>[1][number];
let arrival = 0;
function ev(eventId: string, type: Row['type'], at: string): Row {
  arrival += 1;
  return {
    eventId,
    type,
    at: new Date(at),
    receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, arrival)),
    agency: 'moh',
    department: 'complaints',
    agentId: 'agent-7',
    citizenPhone: '+966501234567',
    language: 'ar',
  };
}

describe('deriveTicket', () => {
  it('numbers closures and tracks reopening in event-time order', () => {
    const t = deriveTicket(
      'T1',
      [
        ev('e1', 'opened', '2026-01-01T08:00:00Z'),
        ev('e2', 'closed', '2026-01-01T09:00:00Z'),
        ev('e3', 'reopened', '2026-01-02T09:00:00Z'),
        ev('e4', 'closed', '2026-01-03T09:00:00Z'),
      ],
      [],
    );
    expect(t.status).toBe('closed');
    expect(t.closures.map((c) => [c.number, closureState(c)])).toEqual([
      [1, 'reopened'],
      [2, 'closed'],
    ]);
    expect(t.closures[0]?.reopenedAt?.toISOString()).toBe('2026-01-02T09:00:00.000Z');
  });

  it('a close that arrives after a later reopen is recorded as already reopened', () => {
    const t = deriveTicket(
      'T2',
      [ev('r', 'reopened', '2026-01-02T09:00:00Z'), ev('c', 'closed', '2026-01-01T09:00:00Z')],
      [],
    );
    expect(t.status).toBe('open');
    expect(t.closures).toHaveLength(1);
    expect(closureState(t.closures[0]!)).toBe('reopened');
  });

  it('keeps closure numbers from before and marks a closure superseded by an earlier late close', () => {
    const first = deriveTicket('T3', [ev('late', 'closed', '2026-01-05T09:00:00Z')], []);
    expect(first.closures.map((c) => c.number)).toEqual([1]);
    const second = deriveTicket(
      'T3',
      [ev('late', 'closed', '2026-01-05T09:00:00Z'), ev('early', 'closed', '2026-01-04T09:00:00Z')],
      first.closures,
    );
    const byEvent = Object.fromEntries(second.closures.map((c) => [c.eventId, [c.number, closureState(c)]]));
    expect(byEvent).toEqual({ late: [1, 'superseded'], early: [2, 'closed'] });
    expect(second.status).toBe('closed');
  });

  it('a repeated close while already closed is not a new closure', () => {
    const t = deriveTicket(
      'T4',
      [ev('a', 'closed', '2026-01-01T09:00:00Z'), ev('b', 'closed', '2026-01-01T10:00:00Z')],
      [],
    );
    expect(t.closures).toHaveLength(1);
  });

  it('keeps the agency and department of the first event received, not the latest (issue 23)', () => {
    const first = ev('o1', 'closed', '2026-01-02T09:00:00Z');
    // Received later, though earlier in event time: a ticket stored before owners were recorded.
    const other = { ...ev('o2', 'reopened', '2026-01-01T09:00:00Z'), agency: 'momah', department: 'roads' };
    const later = { ...ev('o3', 'reopened', '2026-01-03T09:00:00Z'), agency: 'momah', department: 'roads' };
    for (const events of [
      [first, other, later],
      [later, other, first],
    ])
      expect(deriveTicket('T9', events, [])).toMatchObject({ agency: 'moh', department: 'complaints' });
  });
});
