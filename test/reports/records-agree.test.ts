import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE } from '../../src/followup/queue.js';
import { addDays, localToday } from '../../src/reports/periods.js';
import type { TwilioSandbox } from '../../src/twilio/stand-in/api.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The chain of counts, the integrity page and the open data read one month that went through the
 * real flows (ticket events, the sender and its worker, the stand-in's status callbacks, signed
 * call webhooks, citizens' replies), and must tell the same story, figure for figure.
 *
 * The month, counted by hand: 14 closures, all sampled (rate 1).
 *   - 3 closed ten days ago, past the 48-hour maximum age: too old to ask.
 *   - 3 answered "solved" by SMS; 2 delivered and not answered.
 *   - 2 to a number Twilio refuses when sending (21211, the stand-in's +15005550001).
 *   - 2 to a number whose message comes back undelivered later (30003, +15005550030).
 *   - 2 verification calls (a voice-only agency) answered by a machine: asked, never confirmed.
 * So: asked 11 = 3 + 2 + 2 + 2 + 2; undeliverable 4 (refused and late); delivered 5; delivery not
 * confirmed 2 (the machines); answered 3; no answer 2; too old 3; not yet asked 0.
 */

const EXPECTED_CHAIN = {
  closures: 14,
  sampled: 14,
  asked: 11,
  delivered: 5,
  answered: 3,
  drops: {
    notSampled: 0,
    tooOld: 3,
    skippedRecentContact: 0,
    reopened: 0,
    optedOut: 0,
    notYetAsked: 0,
    undeliverable: 4,
    deliveryUnconfirmed: 2,
    noAnswer: 2,
  },
};

let sys: TestSystem;
let sandbox: TwilioSandbox;
let events: string;
let admin: string;
let from: string;
let to: string;

const HOUR = 3_600_000;

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  return eventually(async () => check(), { what });
}

const followUp = (ref: string) => sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: {
      ...FAST_FOLLOWUP_ENV,
      FOLLOWUP_MAX_AGE_HOURS: '48',
      CHANNEL_WAIT_HOURS: '24',
      REMINDER_AFTER_HOURS: '24',
    },
  });
  if (!sys.ctx.sandbox) throw new Error('the stand-in is not running');
  sandbox = sys.ctx.sandbox;
  events = await sys.token('ticket_system');
  admin = await sys.token('admin');
  to = localToday(sys.ctx.config.timeZone);
  from = addDays(to, -30);
  await sys.ctx.models.Agency.create({ code: 'AGV', name: { ar: 'جهة', en: 'Agency' }, channels: ['voice'] });

  // Stale: reported ten days after the closure.
  const stale = new Date(Date.now() - 240 * HOUR).toISOString();
  for (const ref of ['R-OLD-1', 'R-OLD-2', 'R-OLD-3'])
    await ticketEvent(sys, events, ref, 'closed', { at: stale, agency: 'AGR', phone: '+966500003001' });

  // Answered, and delivered but unanswered.
  for (const [i, ref] of ['R-ANS-1', 'R-ANS-2', 'R-ANS-3', 'R-QUIET-1', 'R-QUIET-2'].entries()) {
    const phone = `+9665000031${String(i).padStart(2, '0')}`;
    await ticketEvent(sys, events, ref, 'closed', { agency: 'AGR', phone });
    await waitForMessages(sys, phone, 1);
    if (ref.startsWith('R-ANS')) await reply(sys, phone, '1');
  }

  // Refused at sending (21211), and undelivered later (30003).
  for (const ref of ['R-BAD-1', 'R-BAD-2'])
    await ticketEvent(sys, events, ref, 'closed', { agency: 'AGR', phone: '+15005550001' });
  for (const ref of ['R-LATE-1', 'R-LATE-2'])
    await ticketEvent(sys, events, ref, 'closed', { agency: 'AGR', phone: '+15005550030' });

  // Verification calls answered by a machine.
  for (const [i, ref] of ['R-CALL-1', 'R-CALL-2'].entries()) {
    const phone = `+96650000320${i}`;
    await ticketEvent(sys, events, ref, 'closed', { agency: 'AGV', phone });
    const call = await waitFor(`a call to ${ref}`, () =>
      sandbox.calls.list({ to: phone }).find((c) => c.status === 'ringing'),
    );
    await sandbox.calls.answer(call.sid, 'machine_start');
    await waitFor(`${ref}'s call ended`, () => (call.status === 'completed' ? true : undefined));
  }

  // Every flow has landed: the outcomes each one ends in.
  for (const ref of ['R-BAD-1', 'R-BAD-2', 'R-LATE-1', 'R-LATE-2'])
    await waitFor(`${ref} undeliverable`, async () =>
      (await followUp(ref))?.outcome === 'undeliverable' ? true : undefined,
    );
  for (const ref of ['R-CALL-1', 'R-CALL-2'])
    await waitFor(`${ref}'s machine recorded`, async () =>
      (await followUp(ref))?.attempts?.[0]?.result === 'machine' ? true : undefined,
    );
  for (const ref of ['R-QUIET-1', 'R-QUIET-2'])
    await waitFor(
      `${ref} delivered`,
      async () =>
        (await sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref, delivered: true }).lean()) ?? undefined,
    );
});

afterAll(async () => {
  await sys?.stop();
});

interface SignalRow {
  key: string;
  signals: { key: string; count: number; n: number }[];
}

function csvTotals(text: string): Record<string, number> {
  const [head, ...rows] = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  const columns = (head ?? '').split(',');
  const totals: Record<string, number> = {};
  for (const row of rows) {
    const cells = row.split(',');
    columns.forEach((c, i) => {
      if (c === 'day' || c === 'agency') return;
      totals[c] = (totals[c] ?? 0) + Number(cells[i]);
    });
  }
  return totals;
}

describe('the chain of counts, the integrity page and the open data agree', () => {
  it('on every figure they share, and each equals the seeded month', async () => {
    // The sums are counted by each writer just after its write: read once they have caught up.
    const chain = await waitFor('the chain of counts', async () => {
      const res = await sys.api(`/api/reports/summary?from=${from}&to=${to}`, { token: admin });
      const body = (await res.json()) as { overall: { chainOfCounts: typeof EXPECTED_CHAIN } };
      return JSON.stringify(body.overall.chainOfCounts) === JSON.stringify(EXPECTED_CHAIN)
        ? body.overall.chainOfCounts
        : undefined;
    }).catch(async (err: unknown) => {
      const res = await sys.api(`/api/reports/summary?from=${from}&to=${to}`, { token: admin });
      // The figures as they stand, for the failure message.
      expect(((await res.json()) as { overall: { chainOfCounts: unknown } }).overall.chainOfCounts).toEqual(
        EXPECTED_CHAIN,
      );
      throw err;
    });
    expect(chain).toEqual(EXPECTED_CHAIN);

    const integrity = await sys.api(`/api/reports/integrity?from=${from}&to=${to}`, { token: admin });
    expect(integrity.status).toBe(200);
    const signals = (await integrity.json()) as { agents: SignalRow[]; departments: SignalRow[] };
    const undeliverable = (rows: SignalRow[]) =>
      rows
        .map((r) => r.signals.find((s) => s.key === 'undeliverable') ?? { count: 0, n: 0 })
        .reduce((a, s) => ({ count: a.count + s.count, n: a.n + s.n }), { count: 0, n: 0 });
    // "Undeliverable numbers": undeliverable ÷ asked, per agent and per department.
    expect(undeliverable(signals.agents)).toEqual({ count: 4, n: 11 });
    expect(undeliverable(signals.departments)).toEqual({ count: 4, n: 11 });

    const csv = await sys.api('/public/counts.csv');
    expect(csv.status).toBe(200);
    const totals = csvTotals(await csv.text());
    expect(totals).toMatchObject({
      closures: 14,
      not_sampled: 0,
      too_old: 3,
      skipped_recent_contact: 0,
      reopened_before_asking: 0,
      opted_out_before_asking: 0,
      asked: 11,
      undeliverable: 4,
      delivered: 5,
      answered: 3,
      solved_answered: 3,
      solved_yes: 3,
    });

    // The shared figures, side by side.
    expect([chain.closures, chain.drops.tooOld, chain.asked, chain.drops.undeliverable]).toEqual([
      totals.closures,
      totals.too_old,
      totals.asked,
      totals.undeliverable,
    ]);
    expect([chain.delivered, chain.answered]).toEqual([totals.delivered, totals.answered]);
    expect([undeliverable(signals.agents).count, undeliverable(signals.agents).n]).toEqual([
      chain.drops.undeliverable,
      chain.asked,
    ]);
  });

  it('the call records moved on from "ringing", and the refused numbers left no failed job', async () => {
    const calls = await sys.ctx.models.FollowUpMessage.find({ channel: 'voice' }).lean();
    expect(calls.map((c) => c.status)).toEqual(['completed', 'completed']);
    expect(await sys.ctx.queues.get(FOLLOWUP_QUEUE).getFailedCount()).toBe(0);
  });
});
