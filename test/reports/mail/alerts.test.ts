import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/auth/users.js';
import type { MailKind, MailRecord } from '../../../src/db/models/mail.js';
import { ALERTS_QUEUE, disputeAlertJobId, disputeWindowJobId } from '../../../src/mail/alert-queue.js';
import { handleDisputeAlert, handleWindowEnd } from '../../../src/reports/mail/alerts/dispute-alerts.js';
import { runDriftCheck } from '../../../src/reports/mail/alerts/drift.js';
import { writeDemoMonth } from '../../../src/sandbox/demo/month.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../../support/system.js';

/**
 * Alerts by e-mail (issue 28): a gaming agent's drift reaches its department's manager once per
 * episode, and a disputed closure reaches its supervisor at once, the next ones gathered. Asserted
 * on the `mails` records (the outbox the mail worker delivers from).
 */

const DAY_MS = 86_400_000;

interface TabMail {
  id: number;
  to: string;
  subject: string;
  kind: string | null;
}
let sys: TestSystem;
let token: string;

async function manager(
  username: string,
  scope: { agency: string; department: string },
  email: string,
  language: 'ar' | 'en',
): Promise<string> {
  const { id } = await createUser(sys.ctx.models, {
    username,
    password: 'correct horse battery staple 42',
    role: 'manager',
    ...scope,
  });
  await sys.ctx.models.User.updateOne({ _id: id }, { $set: { email, language } });
  return id;
}

async function mailsOf(userId: string, kind: MailKind): Promise<MailRecord[]> {
  return sys.ctx.models.Mail.find({ userId, kind }).sort({ createdAt: 1 }).lean<MailRecord[]>();
}

beforeAll(async () => {
  // A grace far longer than the test: only the end of the conversation sends the alert in time,
  // so it carries the reason and the words typed after "not solved".
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, DISPUTE_WEBHOOK_GRACE_SECONDS: '600', MAIL_DISPUTE_GATHER_MINUTES: '15' },
  });
  token = await sys.token('ticket_system');
  await writeDemoMonth(sys.ctx.models, { days: 30, timeZone: sys.ctx.config.timeZone });
});
afterAll(async () => {
  await sys?.stop();
});

describe('drift alerts', () => {
  it('mail the gaming agent’s department manager once per episode, with the chart and the figures, and nobody else', async () => {
    const roads = await manager(
      'roads-manager',
      { agency: 'MOMAH', department: 'roads' },
      'roads@example.test',
      'ar',
    );
    const lighting = await manager(
      'lighting-manager',
      { agency: 'MOMAH', department: 'lighting' },
      'lighting@example.test',
      'ar',
    );
    await sys.ctx.models.Subscription.create([
      { userId: roads, kind: 'drift_alert', agency: 'MOMAH', department: 'roads' },
      { userId: lighting, kind: 'drift_alert', agency: 'MOMAH', department: 'lighting' },
    ]);

    // Two workers checking at once: one opens the episode.
    const first = await Promise.all([runDriftCheck(sys.ctx), runDriftCheck(sys.ctx)]);
    expect(first.flatMap((r) => r.opened).filter((g) => g === 'agent:momah-r-02')).toHaveLength(1);
    // Run again (a replayed job) and on the next day: the episode is the same.
    const again = await runDriftCheck(sys.ctx);
    expect(again.opened).toEqual([]);
    const nextDay = await runDriftCheck(sys.ctx, { now: new Date(Date.now() + DAY_MS) });
    expect(nextDay.outside).toContain('agent:momah-r-02');
    expect(nextDay.opened).toEqual([]);

    const mails = await mailsOf(roads, 'drift_alert');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.to).toBe('roads@example.test');
    expect(mail?.lang).toBe('ar');
    expect(mail?.subject).toContain('فهد القحطاني');
    expect(mail?.html).toContain('dir="rtl"');
    expect(mail?.html).toContain('فهد القحطاني <bdi dir="ltr">(momah-r-02)</bdi>');
    expect(mail?.text).toContain('فهد القحطاني (momah-r-02)');
    const episode = await sys.ctx.models.DriftEpisode.findById('agent:momah-r-02').lean();
    expect(episode).toMatchObject({ open: true, episode: 1, mailedEpisode: 1 });
    const f = episode?.figures;
    // The figures as the mail gives them: rate, n, limit, expected and interval.
    for (const x of [f?.rate, f?.limit, f?.expected, f?.low, f?.high])
      expect(mail?.text).toContain(`${((x ?? 0) * 100).toFixed(1)}%`);
    expect(mail?.text).toContain(String(f?.n));
    expect(f?.rate).toBeGreaterThan(f?.limit ?? 1);
    // The chart: a PNG attached inline and shown by its cid.
    const chart = mail?.attachments.find((a) => a.cid && mail.html.includes(`cid:${a.cid}`));
    expect(chart?.contentType).toBe('image/png');
    // Stored as BSON binary; read back as its bytes.
    const bytes = Buffer.from((chart?.content as unknown as { buffer: Uint8Array }).buffer);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.ALERTS_DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync('/tmp/drift-chart.png', bytes);
      writeFileSync('/tmp/drift-mail.html', mail?.html ?? '');
      writeFileSync('/tmp/drift-mail.txt', mail?.text ?? '');
    }
    expect(mail?.unsubscribeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mail\/unsubscribe\/[^?]+\?lang=ar$/);

    expect(await mailsOf(lighting, 'drift_alert')).toHaveLength(0);

    // Delivered over SMTP: the sandbox's Mail tab lists exactly one drift mail to the roads manager,
    // shown as sent (right to left, the chart inline, the one-click unsubscribe header).
    const admin = await sys.token('admin');
    const tab = (path: string) =>
      fetch(`${sys.baseUrl}/sandbox/api/mails${path}`, { headers: { authorization: `Bearer ${admin}` } });
    await eventually(
      async () => ((await mailsOf(roads, 'drift_alert'))[0]?.state === 'sent' ? true : undefined),
      { what: 'the drift mail sent' },
    );
    const listed = ((await (await tab('')).json()) as { mails: TabMail[] }).mails.filter(
      (m) => m.kind === 'drift_alert',
    );
    expect(listed.map((m) => m.to)).toEqual(['roads@example.test']);
    expect(listed[0]?.subject).toBe(mail?.subject);
    const shown = (await (await tab(`/${listed[0]?.id}`)).json()) as {
      html: string | null;
      listUnsubscribe: string | null;
    };
    expect(shown.html).toContain('dir="rtl"');
    expect(shown.html).toContain(`cid:${chart?.cid}`);
    expect(shown.listUnsubscribe).toBe(`<${mail?.unsubscribeUrl}>`);

    // Weeks later, inside (no answers at all) for longer than the clearing run: the episode ends…
    const later = await runDriftCheck(sys.ctx, { now: new Date(Date.now() + 40 * DAY_MS) });
    expect(later.closed).toContain('agent:momah-r-02');
    expect(await mailsOf(roads, 'drift_alert')).toHaveLength(1);
    // …and a departure after that is a new episode, with its own mail.
    const again2 = await runDriftCheck(sys.ctx);
    expect(again2.opened).toContain('agent:momah-r-02');
    expect(await sys.ctx.models.DriftEpisode.findById('agent:momah-r-02').lean()).toMatchObject({
      open: true,
      episode: 2,
    });
    expect(await mailsOf(roads, 'drift_alert')).toHaveLength(2);
  });
});

describe('dispute alerts', () => {
  let supervisor: string;

  beforeAll(async () => {
    await sys.ctx.models.Agency.create({
      code: 'momrah',
      name: { ar: 'أمانة الرياض', en: 'Riyadh Municipality' },
    });
    await sys.ctx.models.Agent.create({
      agentId: 'agent-42',
      agency: 'momrah',
      department: 'roads',
      displayName: 'Omar Alharbi',
    });
    supervisor = await manager(
      'roads-supervisor',
      { agency: 'momrah', department: 'roads' },
      'supervisor@example.test',
      'en',
    );
    await sys.ctx.models.Subscription.create({
      userId: supervisor,
      kind: 'dispute_alert',
      agency: 'momrah',
      department: 'roads',
    });
  });

  /** Closes a ticket and has the citizen answer "not solved", a rating, and a reason with words. */
  async function dispute(ref: string, phone: string, reason: string): Promise<void> {
    await ticketEvent(sys, token, ref, 'closed', { phone, language: 'en' });
    await waitForMessages(sys, phone, 1);
    for (const text of ['2', '2', reason]) {
      const { res } = await postInbound(sys, phone, text);
      expect(res.status).toBe(200);
    }
    await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean();
        return f?.state === 'completed' && !f.effectsPending ? f : undefined;
      },
      { what: `${ref} disputed and its conversation over` },
    );
    await eventually(
      async () => {
        const state = await sys.ctx.queues.get(ALERTS_QUEUE).getJobState(disputeAlertJobId(ref, 1));
        if (state === 'failed') throw new Error(`the alert of ${ref} failed`);
        return state === 'completed' ? true : undefined;
      },
      { what: `the alert of ${ref} handled` },
    );
  }

  it('tells the supervisor at once, with the reference, the agent, the reason, the masked words and a link', async () => {
    await dispute('DA-1', '+966500000301', '4 nobody came, call me on 0501234567 or ٠٥٠٧٦٥٤٣٢١');
    const mails = await mailsOf(supervisor, 'dispute_alert');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.to).toBe('supervisor@example.test');
    expect(mail?.subject).toContain('DA-1');
    expect(mail?.html).toContain('dir="ltr"');
    for (const part of [mail?.html ?? '', mail?.text ?? '']) {
      expect(part).toContain('DA-1');
      expect(part).toContain('Omar Alharbi');
      expect(part).toContain('(agent-42)');
      expect(part).toContain('Other');
      expect(part).toContain('nobody came, call me on');
      // Never the number, in any digit script.
      expect(part).not.toContain('0501234567');
      expect(part).not.toContain('٠٥٠٧٦٥٤٣٢١');
      expect(part).toContain('050•••••67');
      expect(part).toContain(`/reports/agent/agent-42?`);
    }
    expect(mail?.text).toContain(`${sys.baseUrl}/reports/agent/agent-42?from=`);
  });

  it('gathers the disputes after it into one mail at the window’s end', async () => {
    await dispute('DA-2', '+966500000302', '1');
    await dispute('DA-3', '+966500000303', '2 the pothole is still there');
    // Gathered, not sent: still one mail.
    expect(await mailsOf(supervisor, 'dispute_alert')).toHaveLength(1);
    const window = await sys.ctx.models.AlertWindow.findById(supervisor).lean();
    expect(window?.disputes).toEqual(['DA-1#1', 'DA-2#1', 'DA-3#1']);
    // The window's end, made due now rather than waited for (as the sandbox's time travel does).
    const end = await sys.ctx.queues
      .get(ALERTS_QUEUE)
      .getJob(disputeWindowJobId(supervisor, window?.windowId ?? 0));
    expect(await end?.getState()).toBe('delayed');
    await end?.promote();
    const mails = await eventually(
      async () => {
        const list = await mailsOf(supervisor, 'dispute_alert');
        return list.length >= 2 ? list : undefined;
      },
      { what: 'the gathered mail' },
    );
    expect(mails).toHaveLength(2);
    const gathered = mails[1];
    expect(gathered?.subject).toBe('2 more closures disputed');
    for (const ref of ['DA-2', 'DA-3']) expect(gathered?.text).toContain(ref);
    expect(gathered?.text).not.toContain('DA-1');
    expect(gathered?.text).toContain('the pothole is still there');

    // A replay of every job changes nothing.
    const queue = sys.ctx.queues.get(ALERTS_QUEUE);
    for (const ref of ['DA-1', 'DA-2', 'DA-3'])
      await (await queue.getJob(disputeAlertJobId(ref, 1)))?.retry('completed');
    await (await queue.getJob(disputeWindowJobId(supervisor, window?.windowId ?? 0)))?.retry('completed');
    await eventually(async () => {
      const c = await queue.getJobCounts('waiting', 'active');
      return c.waiting === 0 && c.active === 0 ? true : undefined;
    });
    expect(await mailsOf(supervisor, 'dispute_alert')).toHaveLength(2);
  });
  it('sends each mail once when two workers handle the same disputes and window at once', async () => {
    const racing = await manager(
      'racing-supervisor',
      { agency: 'momrah', department: 'roads' },
      'racing@example.test',
      'ar',
    );
    const oneByOne = await manager(
      'each-supervisor',
      { agency: 'momrah', department: 'roads' },
      'each@example.test',
      'en',
    );
    await sys.ctx.models.Subscription.create([
      { userId: racing, kind: 'dispute_alert', agency: 'momrah' },
      { userId: oneByOne, kind: 'dispute_alert', agentId: 'agent-42', gatherMinutes: 0 },
    ]);
    const idOf = async (ref: string) =>
      String((await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean())?._id);
    const [a, b] = [await idOf('DA-2'), await idOf('DA-3')];
    // The same dispute twice and another, all at once, as two workers and a replay would.
    await Promise.all([
      handleDisputeAlert(sys.ctx, a),
      handleDisputeAlert(sys.ctx, a),
      handleDisputeAlert(sys.ctx, b),
    ]);
    expect(await mailsOf(racing, 'dispute_alert')).toHaveLength(1);
    const window = await sys.ctx.models.AlertWindow.findById(racing).lean();
    expect([...(window?.disputes ?? [])].sort()).toEqual(['DA-2#1', 'DA-3#1']);
    const end = { userId: racing, windowId: window?.windowId ?? 0 };
    await Promise.all([handleWindowEnd(sys.ctx, end), handleWindowEnd(sys.ctx, end)]);
    const mails = await mailsOf(racing, 'dispute_alert');
    expect(mails).toHaveLength(2);
    // In Arabic, right to left.
    expect(mails[1]?.html).toContain('dir="rtl"');
    expect(mails[1]?.subject).toBe('اعتراض جديد على إغلاق بلاغ');
    // A window of 0 minutes: every dispute at once, none gathered.
    expect(await mailsOf(oneByOne, 'dispute_alert')).toHaveLength(2);
  });

  it('names each window apart, even two opened in the same millisecond', async () => {
    const prompt = await manager(
      'prompt-supervisor',
      { agency: 'momrah', department: 'roads' },
      'prompt@example.test',
      'en',
    );
    await sys.ctx.models.Subscription.create({
      userId: prompt,
      kind: 'dispute_alert',
      agentId: 'agent-42',
      gatherMinutes: 0,
    });
    const idOf = async (ref: string) =>
      String((await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean())?._id);
    const at = Date.now();
    await handleDisputeAlert(sys.ctx, await idOf('DA-2'), at);
    await handleDisputeAlert(sys.ctx, await idOf('DA-3'), at);
    const mails = await mailsOf(prompt, 'dispute_alert');
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Closure disputed by the citizen: DA-2',
      'Closure disputed by the citizen: DA-3',
    ]);
  });
});
