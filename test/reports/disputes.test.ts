import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disputeId } from '../../src/followup/outcome/dispute-follow.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Disputes followed until acted on (issue 25, item 3), driven as a deployment sees them: ticket
 * events through the tickets API, the citizen's answers through the signed SMS webhook, the figures
 * through GET /api/reports/disputes.
 */

let sys: TestSystem;
let tickets: string;
let admin: string;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  tickets = await sys.token('ticket_system');
  admin = await sys.token('admin');
  await sys.ctx.models.Agency.create({
    code: 'momrah',
    name: { ar: 'أمانة الرياض', en: 'Riyadh Municipality' },
  });
  await sys.ctx.models.Agency.create({ code: 'nwc', name: { ar: 'المياه الوطنية', en: 'National Water' } });
  // The second agency gives itself two days, through the admin API.
  const set = await sys.api('/api/admin/agencies/nwc', {
    method: 'PATCH',
    token: admin,
    body: { disputeActDays: 2 },
  });
  expect(set.status, await set.clone().text()).toBe(200);
  expect(((await set.json()) as { agency: { disputeActDays: number } }).agency.disputeActDays).toBe(2);
});
afterAll(async () => {
  await sys?.stop();
});

/** Closes a ticket and has the citizen answer "not solved", rate 2 and give a reason: a finished dispute. */
async function disputedClosure(ref: string, phone: string, agency = 'momrah') {
  await ticketEvent(sys, tickets, ref, 'closed', { phone, language: 'en', agency });
  await waitForMessages(sys, phone, 1);
  for (const text of ['2', '2', '1']) await reply(sys, phone, text);
  return eventually(
    async () => (await sys.ctx.models.Dispute.findById(disputeId(ref, 1)).lean()) ?? undefined,
    { what: `the dispute of ${ref} recorded` },
  );
}

async function stored(ref: string, until: (d: { state: string }) => boolean) {
  return eventually(
    async () => {
      const d = await sys.ctx.models.Dispute.findById(disputeId(ref, 1)).lean();
      return d && until(d) ? d : undefined;
    },
    { what: `the dispute of ${ref}` },
  );
}

interface Figures {
  disputes: number;
  actedInTime: { x: number; n: number; share: number | null; interval: { low: number; high: number } | null };
  actedLate: number;
  waiting: number;
  laterVerifiedSolved: { x: number; n: number; share: number | null };
  disputedAgain: number;
  medianDaysToAct: number | null;
  oldestWaiting: { ticketRef: string; closureNumber: number; daysWaiting: number; overdue: boolean }[];
}
interface DisputesJson {
  groupBy: string;
  overall: Figures;
  groups: (Figures & { key: string; agency: string; department?: string; agent?: string })[];
}

async function disputesApi(query = ''): Promise<DisputesJson> {
  const res = await sys.api(`/api/reports/disputes${query}`, { token: admin });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as DisputesJson;
}

describe('disputes followed until acted on', () => {
  it('a reopen within the deadline is acted on in time; one after it is late', async () => {
    const first = await disputedClosure('DSP-IN', '+966500000301');
    expect(first).toMatchObject({ agency: 'momrah', state: 'waiting', actDays: 7 });
    expect(first.deadlineAt.getTime() - first.disputedAt.getTime()).toBe(7 * DAY_MS);
    await ticketEvent(sys, tickets, 'DSP-IN', 'reopened', { phone: '+966500000301' });
    const inTime = await stored('DSP-IN', (d) => d.state === 'reopened');
    expect(inTime.inTime).toBe(true);
    expect(inTime.daysToAct).toBeLessThan(1);

    await disputedClosure('DSP-LATE', '+966500000302');
    // The agency's reopen is dated ten days after the dispute.
    const lateAt = new Date(Date.now() + 10 * DAY_MS).toISOString();
    await ticketEvent(sys, tickets, 'DSP-LATE', 'reopened', { phone: '+966500000302', at: lateAt });
    const late = await stored('DSP-LATE', (d) => d.state === 'reopened');
    expect(late.inTime).toBe(false);
    expect(late.daysToAct).toBeGreaterThan(9.9);
    expect(late.reopenedAt?.toISOString()).toBe(lateAt);
  });

  it('a dispute nobody reopens waits, and is listed among the oldest waiting', async () => {
    const d = await disputedClosure('DSP-WAIT', '+966500000303');
    expect(d.state).toBe('waiting');
    const json = await disputesApi('?agency=momrah');
    const waiting = json.overall.oldestWaiting.find((w) => w.ticketRef === 'DSP-WAIT');
    expect(waiting).toEqual({
      ticketRef: 'DSP-WAIT',
      closureNumber: 1,
      disputedAt: d.disputedAt.toISOString(),
      daysWaiting: 0,
      overdue: false,
    });
  });

  it('reopened, closed again and verified solved on the next follow-up', async () => {
    const phone = '+966500000304';
    await disputedClosure('DSP-FIX', phone);
    await ticketEvent(sys, tickets, 'DSP-FIX', 'reopened', { phone });
    await ticketEvent(sys, tickets, 'DSP-FIX', 'closed', { phone, language: 'en' });
    const again = await stored('DSP-FIX', (d) => d.state === 'closed_again');
    expect(again.nextClosureNumber).toBe(2);
    await waitForMessages(sys, phone, 2);
    await reply(sys, phone, '1');
    const fixed = await stored('DSP-FIX', (d) => d.state === 'verified_solved');
    expect(fixed).toMatchObject({ inTime: true, nextClosureNumber: 2, nextOutcome: 'confirmed_solved' });
    // The solved closure is no dispute of its own.
    expect(await sys.ctx.models.Dispute.findById(disputeId('DSP-FIX', 2)).lean()).toBeNull();
  });

  it("respects the second agency's own deadline", async () => {
    await disputedClosure('DSP-NWC', '+966500000305', 'nwc');
    const d = await stored('DSP-NWC', (x) => x.state === 'waiting');
    expect(d.actDays).toBe(2);
    expect(d.deadlineAt.getTime() - d.disputedAt.getTime()).toBe(2 * DAY_MS);
    // Three days: in time for Riyadh's seven, late for the water company's two.
    const at = new Date(Date.now() + 3 * DAY_MS).toISOString();
    await ticketEvent(sys, tickets, 'DSP-NWC', 'reopened', { phone: '+966500000305', agency: 'nwc', at });
    const late = await stored('DSP-NWC', (x) => x.state === 'reopened');
    expect(late.inTime).toBe(false);
  });

  it('gives the figures per agency, department and agent', async () => {
    const byAgency = await disputesApi('?groupBy=agency');
    const momrah = byAgency.groups.find((g) => g.key === 'momrah')!;
    // DSP-IN and DSP-FIX in time, DSP-LATE late; DSP-WAIT is inside its deadline, so not yet counted.
    expect(momrah).toMatchObject({
      disputes: 4,
      actedLate: 1,
      waiting: 1,
      disputedAgain: 0,
      laterVerifiedSolved: { x: 1, n: 4, share: 0.25 },
    });
    expect(momrah.actedInTime).toMatchObject({ x: 2, n: 3 });
    expect(momrah.actedInTime.share).toBeCloseTo(2 / 3, 10);
    // Wilson 95% for 2 of 3.
    expect(momrah.actedInTime.interval?.low).toBeCloseTo(0.2077, 3);
    expect(momrah.actedInTime.interval?.high).toBeCloseTo(0.9385, 3);
    // Two reopens within a second of the dispute, one ten days on: the middle of three is the fast one.
    expect(momrah.medianDaysToAct).toBeLessThan(1);
    expect(momrah.oldestWaiting.map((w) => w.ticketRef)).toEqual(['DSP-WAIT']);
    const nwc = byAgency.groups.find((g) => g.key === 'nwc')!;
    expect(nwc).toMatchObject({ disputes: 1, actedLate: 1, actedInTime: { x: 0, n: 1 } });
    expect(nwc.medianDaysToAct).toBeGreaterThan(2.9);
    expect(byAgency.overall.disputes).toBe(5);

    const byAgent = await disputesApi('?groupBy=agent&agency=momrah');
    expect(byAgent.groups).toHaveLength(1);
    expect(byAgent.groups[0]).toMatchObject({
      key: 'momrah/roads/agent-42',
      agency: 'momrah',
      department: 'roads',
      agent: 'agent-42',
      disputes: 4,
    });
    const byDept = await disputesApi('?groupBy=department');
    expect(byDept.groups.map((g) => g.key)).toEqual(['momrah/roads', 'nwc/roads']);

    // The public board's data: counts per agency only, no ticket, department or agent.
    const pub = await sys.api('/public/disputes.json');
    expect(pub.status).toBe(200);
    const board = (await pub.json()) as { agencies: Record<string, unknown>[] };
    expect(board.agencies.find((a) => a.agency === 'momrah')).toMatchObject({
      disputes: 4,
      decided: 3,
      acted_in_time: 2,
      acted_late: 1,
      waiting: 1,
      later_verified_solved: 1,
    });
    expect(board.agencies.find((a) => a.agency === 'nwc')).toMatchObject({
      disputes: 1,
      acted_in_time: 0,
      acted_in_time_share: 0,
    });
    expect(JSON.stringify(board)).not.toMatch(/DSP-|agent-42|roads/);

    const bad = await sys.api('/api/reports/disputes?groupBy=week', { token: admin });
    expect(bad.status).toBe(400);
    const anonymous = await sys.api('/api/reports/disputes');
    expect(anonymous.status).toBe(401);
  });
});
