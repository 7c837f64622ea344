import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { sampleDraw } from '../../src/followup/schedule/contact-policy.js';
import { FOLLOWUP_QUEUE } from '../../src/followup/queue.js';
import { FAST_FOLLOWUP_ENV, messagesTo, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The contact policy through the real flow: closures by the tickets API, sends by the worker
 * through the SDK and the stand-in. Each part of the policy is on here, as in production.
 */

const DAY = 86_400_000;

describe('fatigue: a number is asked at most once per CONTACT_MIN_DAYS, across agencies', () => {
  let sys: TestSystem;
  let token: string;
  beforeAll(async () => {
    sys = await startTestSystem({ workers: true, env: { ...FAST_FOLLOWUP_ENV, CONTACT_MIN_DAYS: '30' } });
    token = await sys.token('ticket_system');
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const settled = (ref: string) =>
    eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean<FollowUpDoc>();
        return f && f.state !== 'scheduled' && f.state !== 'sending' ? f : undefined;
      },
      { what: `${ref} sent or skipped` },
    );

  it('skips, records and counts a second closure inside the gap, and asks again after it', async () => {
    const phone = '+966500000901';
    await ticketEvent(sys, token, 'CP-1', 'closed', { phone, agency: 'momrah' });
    await waitForMessages(sys, phone, 1);
    // Another agency, a day later in the citizen's life: still inside the 30 days.
    await ticketEvent(sys, token, 'CP-2', 'closed', { phone, agency: 'moh' });
    const skipped = await settled('CP-2');
    expect(skipped).toMatchObject({ state: 'skipped', outcome: 'skipped_recent_contact' });
    expect(messagesTo(sys, phone)).toHaveLength(1);
    const score = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'CP-2' }).lean();
    expect(score).toMatchObject({ outcome: 'skipped_recent_contact', sent: false });

    // The first contact 31 days ago: the next closure is asked.
    await sys.ctx.models.Contact.updateOne(
      { _id: phone },
      { $set: { lastContactAt: new Date(Date.now() - 31 * DAY) } },
    );
    await ticketEvent(sys, token, 'CP-3', 'closed', { phone, agency: 'moh' });
    expect(await settled('CP-3')).toMatchObject({ state: 'awaiting_solved' });
    expect(messagesTo(sys, phone)).toHaveLength(2);
  });

  it('of two agencies closing for one citizen at once, exactly one asks', async () => {
    const phone = '+966500000902';
    await Promise.all([
      ticketEvent(sys, token, 'CP-R1', 'closed', { phone, agency: 'momrah' }),
      ticketEvent(sys, token, 'CP-R2', 'closed', { phone, agency: 'moh' }),
    ]);
    const outcomes = (await Promise.all([settled('CP-R1'), settled('CP-R2')])).map((f) => f.state).sort();
    expect(outcomes).toEqual(['awaiting_solved', 'skipped']);
    expect(messagesTo(sys, phone)).toHaveLength(1);
  });
});

describe('sampling: a share of closures, drawn by a keyed hash an auditor can reproduce', () => {
  let sys: TestSystem;
  const KEY = 'sampling-key-for-the-test-000000000000';
  beforeAll(async () => {
    // Nothing is sent here (the delay is days): the draw is made when the closure is recorded.
    sys = await startTestSystem({
      workers: true,
      env: { FOLLOWUP_DELAY_HOURS: '72', AGENCY_SAMPLE_RATES: 'momrah=0.25', SAMPLING_KEY: KEY },
    });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('asks 25% ± 3 points of 2,000 closures, each decision reproduced from its recorded draw', async () => {
    const token = await sys.token('ticket_system');
    const N = 2000;
    const refs = Array.from({ length: N }, (_, i) => `SMP-${i}`);
    // Queued as a ticket system sends them (202), applied by the worker in batches.
    for (let i = 0; i < N; i += 100) {
      await Promise.all(
        refs.slice(i, i + 100).map(async (ref, j) => {
          const res = await sys.api(`/api/tickets/${ref}/events`, {
            token,
            body: {
              eventId: `ev-${ref}`,
              type: 'closed',
              at: new Date().toISOString(),
              agency: 'momrah',
              department: 'roads',
              // Spread over agents as a real day is: one agent-day's sums document per 40 closures.
              agentId: `agent-${(i + j) % 50}`,
              citizenPhone: `+9665010${String(i + j).padStart(5, '0')}`,
              language: 'ar',
            },
          });
          expect(res.status, await res.text()).toBe(202);
        }),
      );
    }
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.countDocuments({ ticketRef: /^SMP-/ })) === N ? true : undefined,
      { within: 'bulk', what: 'every closure recorded' },
    );
    const followUps = await sys.ctx.models.FollowUp.find({ ticketRef: /^SMP-/ }).lean<FollowUpDoc[]>();
    expect(followUps).toHaveLength(N);
    const asked = followUps.filter((f) => f.state === 'scheduled');
    const notSampled = followUps.filter((f) => f.state === 'skipped' && f.outcome === 'not_sampled');
    expect(asked.length + notSampled.length).toBe(N);
    expect(asked.length / N).toBeGreaterThanOrEqual(0.22);
    expect(asked.length / N).toBeLessThanOrEqual(0.28);
    for (const f of followUps) {
      const draw = sampleDraw(KEY, f.ticketRef, f.closureNumber);
      expect(f.sampleDraw, f.ticketRef).toBe(draw);
      expect(f.sampleRate, f.ticketRef).toBe(0.25);
      expect(f.state === 'scheduled', f.ticketRef).toBe(draw < 0.25);
    }
    // Only the drawn closures wait for a send; the others are counted as not sampled.
    const delayed = await sys.ctx.queues.get(FOLLOWUP_QUEUE).getDelayedCount();
    expect(delayed).toBe(asked.length);
    expect(await sys.ctx.models.VerifiedScore.countDocuments({ outcome: 'not_sampled' })).toBe(
      notSampled.length,
    );
  });

  it('asks every closure of an agency without a rate of its own (SAMPLE_RATE defaults to 1)', async () => {
    const token = await sys.token('ticket_system');
    await ticketEvent(sys, token, 'SMP-MOH', 'closed', { agency: 'moh', phone: '+966501999999' });
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'SMP-MOH' }).lean<FollowUpDoc>();
    expect(f).toMatchObject({ state: 'scheduled', sampleRate: 1 });
  });
});

describe('prayer times: nothing starts during a prayer', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({
      env: {
        FOLLOWUP_DELAY_HOURS: '0',
        SEND_WINDOW: '09:00-21:00',
        PRAYER_CITY: 'riyadh',
        PRAYER_PAUSE_BEFORE_MINUTES: '5',
        PRAYER_PAUSE_AFTER_MINUTES: '30',
      },
    });
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('schedules a closure due during Maghrib in Riyadh after the prayer margin', async () => {
    // 15 June 2026: Maghrib in Riyadh at 18:44 local (Umm al-Qura); the pause runs 18:39–19:14.
    const token = await sys.token('ticket_system');
    await ticketEvent(sys, token, 'PR-1', 'closed', {
      at: '2026-06-15T18:45:00+03:00',
      phone: '+966500000903',
    });
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'PR-1' }).lean<FollowUpDoc>();
    expect(f?.sendAt.toISOString()).toBe('2026-06-15T16:14:00.000Z');
  });
});
