import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/auth/users.js';
import { lastCompletePeriod } from '../../../src/reports/mail/periodic/period.js';
import { reportMailKey, sendPeriodicReports } from '../../../src/reports/mail/periodic/send.js';
import {
  PERIODIC_REPORT_QUEUE,
  queuePeriodicSend,
  sendJobId,
} from '../../../src/reports/mail/periodic/worker.js';
import type { MailScope } from '../../../src/mail/outbox.js';
import { markDemoData } from '../../../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../../../src/sandbox/demo/month.js';
import { eventually, startTestSystem, type TestSystem } from '../../support/system.js';
import { PASSWORD } from '../helpers.js';

/**
 * Issue 28's done-criterion: two worker processes and a restart send each periodic report exactly
 * once. Two systems with workers on one Redis, one database and one queue prefix (two processes of
 * one deployment) both run the same week's reports; one is stopped while its run is half-way and
 * started again, and runs the week once more. Each subscriber then has exactly one mail per scope.
 */

const id = randomBytes(4).toString('hex');
const shared = { dbName: `t_once_${id}`, env: { QUEUE_PREFIX: `tonce${id}` }, workers: true };

let a: TestSystem;
let b: TestSystem;
let restarted: TestSystem | undefined;
let week: string;

interface Subscriber {
  username: string;
  lang: 'ar' | 'en';
  role: 'admin' | 'manager';
  scope: MailScope;
  userId?: string;
}
const SUBSCRIBERS: Subscriber[] = [
  { username: 'admin.all', lang: 'en', role: 'admin', scope: {} },
  { username: 'momah.ar', lang: 'ar', role: 'manager', scope: { agency: 'MOMAH' } },
  { username: 'momah.en', lang: 'en', role: 'manager', scope: { agency: 'MOMAH' } },
  { username: 'roads.ar', lang: 'ar', role: 'manager', scope: { agency: 'MOMAH', department: 'roads' } },
  { username: 'nwc.en', lang: 'en', role: 'manager', scope: { agency: 'NWC' } },
];

beforeAll(async () => {
  a = await startTestSystem(shared);
  b = await startTestSystem(shared);
  const models = a.ctx.models;
  await markDemoData(models.VerifiedScore.db, 'periodic reports exactly once');
  await writeDemoMonth(models, { days: 14, timeZone: a.ctx.config.timeZone });
  for (const s of SUBSCRIBERS) {
    const { id: userId } = await createUser(models, {
      username: s.username,
      password: PASSWORD,
      role: s.role,
      ...s.scope,
    });
    await models.User.updateOne(
      { _id: userId },
      { $set: { email: `${s.username}@example.gov.sa`, language: s.lang } },
    );
    await models.Subscription.create({ userId, kind: 'weekly_report', ...s.scope });
    s.userId = userId;
  }
  week = lastCompletePeriod('weekly_report', a.ctx.config.timeZone).label;
});
afterAll(async () => {
  await Promise.allSettled([a?.stop(), b?.stop(), restarted?.stop()]);
  await b?.ctx.db.conn.dropDatabase().catch(() => undefined);
});

describe('periodic reports with two workers and a restart', () => {
  it('records each subscriber one mail per scope for the week', async () => {
    // Worker A runs the week itself and dies after its first scope is recorded (the process stops
    // there, so its run fails at its next database call); B's schedule queues the week's job twice
    // meanwhile (either worker may take it).
    let stopping: Promise<void> | undefined;
    const first = sendPeriodicReports(a.ctx, 'weekly_report', week, {
      afterScope: async () => {
        stopping ??= a.stop();
        await stopping;
      },
    }).then(
      () => 'finished' as const,
      (err: unknown) => err,
    );
    await queuePeriodicSend(b.ctx, 'weekly_report', week);
    await queuePeriodicSend(b.ctx, 'weekly_report', week);
    const outcome = await first;
    expect(outcome, 'A died before its run finished').not.toBe('finished');
    expect(await b.ctx.models.Mail.countDocuments({ kind: 'weekly_report' })).toBeGreaterThanOrEqual(1);

    // Started again, A runs the week once more (what the job's retry does), alongside B's job.
    restarted = await startTestSystem(shared);
    const again = await sendPeriodicReports(restarted.ctx, 'weekly_report', week);
    expect(again.scopes).toBe(4);
    await queuePeriodicSend(restarted.ctx, 'weekly_report', week);
    const job = await b.ctx.queues.get(PERIODIC_REPORT_QUEUE).getJob(sendJobId('weekly_report', week));
    await eventually(async () => ((await job?.getState()) === 'completed' ? true : undefined), {
      within: 'bulk',
    });

    const recorded = await b.ctx.models.Mail.find(
      { kind: 'weekly_report' },
      { userId: 1, scope: 1, to: 1, lang: 1, attachments: 1 },
    ).lean();
    const perSubscriberScope = new Map<string, number>();
    for (const m of recorded) {
      const k = `${m.userId}|${m.scope?.agency ?? ''}|${m.scope?.department ?? ''}`;
      perSubscriberScope.set(k, (perSubscriberScope.get(k) ?? 0) + 1);
    }
    expect([...perSubscriberScope.values()]).toEqual(SUBSCRIBERS.map(() => 1));
    expect(recorded.map((m) => m._id).sort()).toEqual(
      SUBSCRIBERS.map((s) => reportMailKey('weekly_report', s.scope, week, s.userId ?? '')).sort(),
    );
    for (const s of SUBSCRIBERS) {
      const m = recorded.find((r) => r.userId === s.userId);
      expect(m, s.username).toMatchObject({ to: `${s.username}@example.gov.sa`, lang: s.lang });
      expect(m?.attachments.map((x) => x.contentType)).toEqual(['application/pdf']);
    }
  });
});
