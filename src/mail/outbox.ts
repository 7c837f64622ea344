import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { MailKind } from '../db/models/mail.js';
import type { Language } from '../i18n/languages.js';

/** The queue that delivers `mails` documents over SMTP; a job carries the mail's id only. */
export const MAIL_QUEUE = 'mail';

/** Delivery attempts of one mail, MAIL_RETRY_BASE_MS apart and doubling; then it is marked failed. */
export const MAIL_ATTEMPTS = 10;

/** The job on MAIL_QUEUE. */
export interface MailJob {
  mailId: string;
}

export interface MailScope {
  agency?: string;
  department?: string;
  agentId?: string;
}

export interface OutgoingMail {
  /**
   * What the mail is about and to whom; the same key is the same mail, sent at most once (e.g.
   * `monthly_report:agency=MOH:2026-11:user=<id>`).
   */
  key: string;
  kind: MailKind;
  to: string;
  userId?: string;
  lang: Language;
  scope?: MailScope;
  subject: string;
  html: string;
  text: string;
  /** `cid`: an inline image the html shows as `<img src="cid:…">` (mail clients drop inline SVG). */
  attachments?: { filename: string; contentType: string; content: Buffer; cid?: string }[];
  unsubscribeUrl?: string;
}

export interface EnqueueResult {
  /** False when a mail with this key was already recorded (by this or another worker, before a restart). */
  created: boolean;
}

/** BullMQ ids may not contain ':'; a digest of the key keeps them short and unique. */
export function mailJobId(key: string): string {
  return `mail-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/**
 * Records the mail, then queues its delivery. The insert is the claim: a duplicate key means someone
 * already prepared this mail, and only the queue add is repeated (same job id, so BullMQ ignores it
 * when the first add landed), which finishes the work of a process that died between the two steps.
 */
export async function enqueueMail(ctx: AppContext, mail: OutgoingMail): Promise<EnqueueResult> {
  let created = true;
  try {
    await ctx.models.Mail.create({
      _id: mail.key,
      kind: mail.kind,
      to: mail.to,
      userId: mail.userId,
      lang: mail.lang,
      scope: mail.scope ?? {},
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      attachments: mail.attachments ?? [],
      unsubscribeUrl: mail.unsubscribeUrl,
      state: 'queued',
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    created = false;
    const existing = await ctx.models.Mail.findById(mail.key, { state: 1 }).lean();
    if (existing?.state !== 'queued') return { created };
  }
  await ctx.queues.get(MAIL_QUEUE).add('send', { mailId: mail.key } satisfies MailJob, {
    jobId: mailJobId(mail.key),
    attempts: MAIL_ATTEMPTS,
    backoff: { type: 'exponential', delay: ctx.config.mail.retryBaseMs },
    // The record in `mails` is the history; the job is kept a while only to refuse a second add.
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  });
  return { created };
}
