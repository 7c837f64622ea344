import { UnrecoverableError, type Job } from 'bullmq';
import type { AppContext } from '../context.js';
import { metricsOf } from '../http/metrics.js';
import type { WorkerDefinition } from '../queue/workers.js';
import { MAIL_ATTEMPTS, MAIL_QUEUE, type MailJob } from './outbox.js';
import { describeFailure, isPermanentRefusal, messageIdFor, smtpCodeOf } from './transport.js';

/**
 * Delivers one recorded mail (`mails`, inserted by enqueueMail) over SMTP and writes down what came
 * of it. Every change of the record is conditional on its still being `queued`, so a mail already
 * sent is never sent again, whichever worker or retry comes back to it. A 5xx refusal is final (no
 * retry); a 4xx or an unreachable server is retried with the job's backoff, and the last attempt
 * marks the mail failed. Log lines carry the mail's key and kind, never its address.
 */
export function mailWorker(ctx: AppContext): WorkerDefinition {
  const { mails } = metricsOf(ctx);
  return {
    queue: MAIL_QUEUE,
    options: { concurrency: 5 },
    process: async (job: Job) => {
      const { mailId } = job.data as MailJob;
      const mail = await ctx.models.Mail.findById(mailId).lean();
      if (!mail) throw new UnrecoverableError(`mail ${mailId} is not recorded`);
      if (mail.state !== 'queued') return { state: mail.state };
      const transport = ctx.mail?.transport;
      if (!transport) throw new Error(`no mail transport in this process for mail ${mailId}`);
      const attempt = job.attemptsMade + 1;
      const messageId = messageIdFor(mail._id, ctx.config.mail.from);
      const log = { mailId, kind: mail.kind, attempt };
      try {
        const receipt = await transport.send({
          from: ctx.config.mail.from,
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: bytesOf(a.content),
            // An inline image (an alert's chart) is shown where the html names it, not listed below.
            ...(a.cid ? { cid: a.cid } : {}),
          })),
          headers: {
            // What the mail is, for the recipient's mail rules (and the sandbox's Mail tab).
            'X-Verisat-Kind': mail.kind,
            ...(mail.unsubscribeUrl
              ? {
                  'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
                  // RFC 8058: the mail client may unsubscribe with one POST, no page to visit.
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                }
              : {}),
          },
        });
        await ctx.models.Mail.updateOne(
          { _id: mailId, state: 'queued' },
          {
            $set: { state: 'sent', sentAt: new Date(), messageId, lastResult: receipt.response },
            $inc: { attempts: 1 },
          },
        );
        mails.inc({ kind: mail.kind, outcome: 'sent' });
        ctx.log.info(log, 'mail sent');
        return { state: 'sent', messageId };
      } catch (err) {
        const permanent = isPermanentRefusal(err);
        const last = permanent || attempt >= (job.opts.attempts ?? MAIL_ATTEMPTS);
        const result = describeFailure(err);
        await ctx.models.Mail.updateOne(
          { _id: mailId, state: 'queued' },
          {
            $set: { lastResult: result, ...(last ? { state: 'failed', failedAt: new Date() } : {}) },
            $inc: { attempts: 1 },
          },
        );
        mails.inc({ kind: mail.kind, outcome: last ? 'failed' : 'retried' });
        const code = smtpCodeOf(err);
        ctx.log.warn(
          { ...log, code, final: last },
          last ? 'mail failed; not retried' : 'mail not delivered; will retry',
        );
        // The job's error is logged: the server's reply may quote the recipient, so addresses go.
        const why = `mail ${mailId} (${mail.kind}), attempt ${attempt}: ${withoutAddresses(result)}`;
        if (permanent) throw new UnrecoverableError(why);
        throw new Error(why, { cause: err });
      }
    },
  };
}

function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>"'@]+@[^\s<>"'@]+/g, '<address>');
}

/** An attachment read with lean() comes back as BSON Binary, not a Buffer. */
function bytesOf(content: unknown): Buffer {
  if (Buffer.isBuffer(content)) return content;
  const inner = (content as { buffer?: unknown } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  throw new Error('a mail attachment is not binary data');
}
