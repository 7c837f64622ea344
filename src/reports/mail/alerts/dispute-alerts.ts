import { unsubscribeUrl as signedUnsubscribeUrl } from '../../../mail/unsubscribe.js';
import { UnrecoverableError } from 'bullmq';
import type { AppContext } from '../../../context.js';
import { isDuplicateKey } from '../../../db/duplicate-key.js';
import { esc } from '../../../http/ui/html.js';
import type { FollowUpDoc } from '../../../db/models/followup.js';
import { disputeId } from '../../../followup/outcome/dispute-follow.js';
import { alertTexts } from '../../../i18n/alerts.js';
import { answerPageTexts } from '../../../i18n/followup.js';
import type { Language } from '../../../i18n/languages.js';
import {
  ALERT_JOB,
  ALERTS_QUEUE,
  disputeWindowJobId,
  type DisputeWindowJob,
} from '../../../mail/alert-queue.js';
import { enqueueMail } from '../../../mail/outbox.js';
import { recipientsFor, type Recipient } from '../../../mail/recipients.js';
import { maskPhone } from '../../../phone-mask.js';
import { localDayOf } from '../../periods.js';
import { riyadhTime } from '../../pages/times.js';
import { documentHtml, documentText, linkHtml, rowsHtml, rowsText, type MailRow } from './layout.js';
import { closureUrl } from './links.js';
import { loadAlertNames } from './names.js';

/**
 * Dispute alerts (issue 28, item 2; docs/mail.md "Alerts"). Each supervisor subscribed to the
 * disputed closure's agency, department or agent gets the first dispute at once; disputes after it
 * within the supervisor's window (the subscription's gatherMinutes, else MAIL_DISPUTE_GATHER_MINUTES)
 * are gathered into one mail when the window ends.
 *
 * Exactly once with several workers and replayed jobs: the window is one document per supervisor
 * (db/models/alerts.ts), changed only by conditional single-document updates (join while open and
 * not yet seen, seal once over, open a new one only over a sealed one); each mail's key is derived
 * from the supervisor and the window, so whoever composes it first records it and every later
 * attempt finds it recorded (src/mail/outbox.ts); the window's end is one delayed job per window.
 */

/** Disputes remembered per supervisor so a replayed one never opens a window of its own. */
const SEEN_KEPT = 500;
/** Racing workers each retry after losing a conditional write; a few rounds always settle. */
const ROUNDS = 6;

export type GatherResult = 'first' | 'gathered' | 'replay';

/** The job: the disputed closure's supervisors, each told at once or gathered into their window. */
export async function handleDisputeAlert(
  ctx: AppContext,
  followUpId: string,
  now: number = Date.now(),
): Promise<GatherResult[]> {
  const f = await ctx.models.FollowUp.findById(followUpId).lean<FollowUpDoc>();
  if (!f) throw new UnrecoverableError(`dispute alert: follow-up ${followUpId} no longer exists`);
  if (f.outcome !== 'disputed') return [];
  const id = disputeId(f.ticketRef, f.closureNumber);
  const recipients = await recipientsFor(ctx.models, 'dispute_alert', {
    agency: f.agency,
    department: f.department,
    agentId: f.agentId,
  });
  const results: GatherResult[] = [];
  for (const r of recipients) results.push(await gather(ctx, r, id, now));
  return results;
}

function gatherMs(ctx: AppContext, r: Recipient): number {
  return r.gatherMinutes !== undefined
    ? Math.max(0, Math.round(r.gatherMinutes * 60_000))
    : ctx.config.alerts.disputeGatherMs;
}

interface WindowDoc {
  _id: string;
  windowId: number;
  endsAt: Date;
  disputes: string[];
  sealed: boolean;
  seen: string[];
}

/** One dispute for one supervisor: join the open window, or seal the one that is over and open anew. */
export async function gather(
  ctx: AppContext,
  r: Recipient,
  dispute: string,
  now: number,
): Promise<GatherResult> {
  const { AlertWindow } = ctx.models;
  const seen = { $each: [dispute], $slice: -SEEN_KEPT };
  // A window of 0: every dispute on its own, even one timed before a window another worker just opened.
  const gathers = gatherMs(ctx, r) > 0;
  for (let round = 0; round < ROUNDS; round++) {
    const joined = !gathers
      ? null
      : await AlertWindow.findOneAndUpdate(
          { _id: r.userId, sealed: false, endsAt: { $gt: new Date(now) }, seen: { $ne: dispute } },
          { $push: { disputes: dispute, seen } },
          { returnDocument: 'after' },
        ).lean<WindowDoc>();
    if (joined) {
      await scheduleWindowEnd(ctx, r.userId, joined.windowId, joined.endsAt);
      return 'gathered';
    }
    const doc = await AlertWindow.findById(r.userId).lean<WindowDoc>();
    if (doc?.seen.includes(dispute)) {
      // Handled before (a replayed job, or a worker that died half-way): finish what it may not have.
      if (doc.disputes[0] === dispute) await sendFirst(ctx, r, doc.windowId, dispute);
      else if (doc.disputes.includes(dispute)) {
        if (doc.sealed) await flushWindow(ctx, doc);
        else await scheduleWindowEnd(ctx, r.userId, doc.windowId, doc.endsAt);
      }
      return 'replay';
    }
    if (gathers && doc && !doc.sealed && doc.endsAt.getTime() > now) continue; // opened a moment ago: join it
    if (doc) {
      // Over: sealed, so nothing joins it after its mail is composed, then that mail goes out.
      if (!doc.sealed)
        await AlertWindow.updateOne(
          { _id: r.userId, windowId: doc.windowId, sealed: false },
          { $set: { sealed: true } },
        );
      const over = await AlertWindow.findById(r.userId).lean<WindowDoc>();
      if (!over || over.windowId !== doc.windowId || !over.sealed) continue;
      await flushWindow(ctx, over);
    }
    // Names the window in its mails' keys: never the name of the one it replaces, even in the same ms.
    const windowId = doc ? Math.max(now, doc.windowId + 1) : now;
    const fresh = {
      windowId,
      endsAt: new Date(now + gatherMs(ctx, r)),
      disputes: [dispute],
      sealed: false,
    };
    let opened = false;
    if (doc) {
      const res = await AlertWindow.updateOne(
        { _id: r.userId, windowId: doc.windowId, sealed: true, seen: { $ne: dispute } },
        { $set: fresh, $push: { seen } },
      );
      opened = res.modifiedCount === 1;
    } else {
      try {
        await AlertWindow.create({ _id: r.userId, ...fresh, seen: [dispute] });
        opened = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (!opened) continue;
    await sendFirst(ctx, r, windowId, dispute);
    return 'first';
  }
  throw new Error(`dispute alert: window of user ${r.userId} kept changing; ${dispute} will be retried`);
}

async function scheduleWindowEnd(
  ctx: AppContext,
  userId: string,
  windowId: number,
  endsAt: Date,
): Promise<void> {
  const job: DisputeWindowJob = { userId, windowId };
  await ctx.queues.get<DisputeWindowJob>(ALERTS_QUEUE).add(ALERT_JOB.windowEnd, job, {
    jobId: disputeWindowJobId(userId, windowId),
    delay: Math.max(0, endsAt.getTime() - Date.now()),
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  });
}

/**
 * The window's end (its delayed job, or that job made due early): sealed, then its gathered
 * disputes mailed. A window already replaced was sealed and mailed by the dispute that replaced it.
 */
export async function handleWindowEnd(ctx: AppContext, job: DisputeWindowJob): Promise<{ mailed: number }> {
  const { AlertWindow } = ctx.models;
  await AlertWindow.updateOne(
    { _id: job.userId, windowId: job.windowId, sealed: false },
    { $set: { sealed: true } },
  );
  const doc = await AlertWindow.findById(job.userId).lean<WindowDoc>();
  if (!doc || doc.windowId !== job.windowId || !doc.sealed) return { mailed: 0 };
  return { mailed: await flushWindow(ctx, doc) };
}

/** The mail of a sealed window's gathered disputes (all but the first, which went at once). */
async function flushWindow(ctx: AppContext, doc: WindowDoc): Promise<number> {
  const gathered = doc.disputes.slice(1);
  if (gathered.length === 0) return 0;
  const items = await loadDisputes(ctx, gathered);
  const first = items[0];
  if (!first) return 0;
  // The supervisor as a recipient now: one who unsubscribed or lost the scope meanwhile gets nothing.
  const r = (
    await recipientsFor(ctx.models, 'dispute_alert', {
      agency: first.agency,
      department: first.department,
      agentId: first.agentId,
    })
  ).find((x) => x.userId === doc._id);
  if (!r) return 0;
  const minutes = Math.max(1, Math.round((doc.endsAt.getTime() - doc.windowId) / 60_000));
  const t = alertTexts(r.lang);
  const mail = await composeDisputes(ctx, r, items, {
    subject: t.gatheredSubject(items.length),
    intro: t.gatheredIntro(items.length, minutes),
  });
  const { created } = await enqueueMail(ctx, {
    key: `dispute_alert:user=${r.userId}:window=${doc.windowId}:gathered`,
    kind: 'dispute_alert',
    to: r.email,
    userId: r.userId,
    lang: r.lang,
    scope: { agency: first.agency },
    ...mail,
  });
  return created ? 1 : 0;
}

async function sendFirst(ctx: AppContext, r: Recipient, windowId: number, dispute: string): Promise<void> {
  const [item] = await loadDisputes(ctx, [dispute]);
  if (!item) throw new Error(`dispute alert: ${dispute} has no follow-up`);
  const t = alertTexts(r.lang);
  const mail = await composeDisputes(ctx, r, [item], {
    subject: t.disputeSubject(item.ticketRef),
    intro: t.disputeIntro,
  });
  await enqueueMail(ctx, {
    key: `dispute_alert:user=${r.userId}:window=${windowId}:first`,
    kind: 'dispute_alert',
    to: r.email,
    userId: r.userId,
    lang: r.lang,
    scope: { agency: item.agency, department: item.department, agentId: item.agentId },
    ...mail,
  });
}

export interface DisputeItem {
  id: string;
  ticketRef: string;
  closureNumber: number;
  agency: string;
  department: string;
  agentId: string;
  disputedAt: Date;
  reason?: string;
  /** The citizen's words with every phone number masked, in any digit script. */
  words?: string;
}

async function loadDisputes(ctx: AppContext, ids: string[]): Promise<DisputeItem[]> {
  const keys = ids.map((id) => {
    const at = id.lastIndexOf('#');
    return { id, ticketRef: id.slice(0, at), closureNumber: Number(id.slice(at + 1)) };
  });
  const [followUps, disputes] = await Promise.all([
    ctx.models.FollowUp.find({
      $or: keys.map(({ ticketRef, closureNumber }) => ({ ticketRef, closureNumber })),
    })
      .select({
        ticketRef: 1,
        closureNumber: 1,
        agency: 1,
        department: 1,
        agentId: 1,
        reason: 1,
        comment: 1,
        answeredAt: 1,
      })
      .lean<FollowUpDoc[]>(),
    ctx.models.Dispute.find({ _id: { $in: ids } }, { disputedAt: 1 }).lean<
      { _id: string; disputedAt: Date }[]
    >(),
  ]);
  const byKey = new Map(followUps.map((f) => [disputeId(f.ticketRef, f.closureNumber), f]));
  const at = new Map(disputes.map((d) => [d._id, d.disputedAt]));
  return keys.flatMap(({ id }) => {
    const f = byKey.get(id);
    if (!f) return [];
    return [
      {
        id,
        ticketRef: f.ticketRef,
        closureNumber: f.closureNumber,
        agency: f.agency,
        department: f.department,
        agentId: f.agentId,
        disputedAt: at.get(id) ?? f.answeredAt ?? new Date(),
        ...(f.reason ? { reason: f.reason } : {}),
        ...(f.comment ? { words: maskPhone(f.comment) } : {}),
      },
    ];
  });
}

async function composeDisputes(
  ctx: AppContext,
  r: Recipient,
  items: DisputeItem[],
  head: { subject: string; intro: string },
): Promise<{ subject: string; html: string; text: string; unsubscribeUrl: string }> {
  const lang: Language = r.lang;
  const t = alertTexts(lang);
  const names = await loadAlertNames(ctx.models, lang, {
    agencies: items.map((i) => i.agency),
    agentIds: items.map((i) => i.agentId),
  });
  const reasons = answerPageTexts[lang].reasons as Record<string, string>;
  const blocksHtml: string[] = [];
  const blocksText: string[] = [];
  for (const i of items) {
    const rows: MailRow[] = [
      {
        label: t.ticket,
        value: i.closureNumber > 1 ? `${i.ticketRef} #${i.closureNumber}` : i.ticketRef,
        ltr: true,
      },
      { label: t.agency, value: names.agency(i.agency) },
      { label: t.department, value: names.department(i.agency, i.department) },
      { label: t.agent, value: names.agent(i.agentId), code: i.agentId },
      { label: t.disputedAt, value: riyadhTime(i.disputedAt, lang) },
      { label: t.reason, value: i.reason ? (reasons[i.reason] ?? i.reason) : t.noReason },
      { label: t.words, value: i.words ?? t.noWords },
    ];
    const href = closureUrl(ctx.config, i.agentId, localDayOf(i.disputedAt, ctx.config.timeZone), lang);
    blocksHtml.push(
      `<h2 style="font-size:17px;margin:16px 0 4px"><bdi dir="ltr">${esc(i.ticketRef)}</bdi></h2>${rowsHtml(rows)}${linkHtml(href, t.openClosure)}`,
    );
    blocksText.push(`${rowsText(rows)}\n${t.openClosure}: ${href}`);
  }
  const unsubscribeUrl = signedUnsubscribeUrl(ctx.config, r.subscriptionId, r.lang);
  const html = documentHtml(
    lang,
    head.subject,
    `<h1 style="font-size:19px;margin:0 0 8px">${esc(head.subject)}</h1><p>${esc(head.intro)}</p>${blocksHtml.join('')}`,
    { text: t.footer, unsubscribe: { href: unsubscribeUrl, label: t.unsubscribe } },
  );
  const text = documentText([head.subject, head.intro, ...blocksText], {
    text: t.footer,
    unsubscribe: `${t.unsubscribe}: ${unsubscribeUrl}`,
  });
  return { subject: head.subject, html, text, unsubscribeUrl };
}
