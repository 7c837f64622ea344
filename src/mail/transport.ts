import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { describeSmtp } from '../config/mail.js';

/**
 * The SMTP connection every mail goes out through: one pooled nodemailer transport per process,
 * built from SMTP_URL (or the embedded catcher's URL), kept open between mails and closed at shutdown.
 */
// Why: docs/decisions/0024-mail-nodemailer-smtp-server.md

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  /** Extra headers, e.g. List-Unsubscribe (RFC 8058). */
  headers: Record<string, string>;
}

export interface DeliveryReceipt {
  messageId: string;
  /** The server's reply to the message, e.g. "250 OK: queued as 1234". */
  response: string;
}

export interface MailTransport {
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  /** Where mail goes, with the password hidden: for logs and the start-up lines. */
  readonly where: string;
  close(): void;
}

export interface TransportOptions {
  /** Connections kept open to the server at most (nodemailer's pool). */
  maxConnections?: number;
  /** How long to wait for the server to connect, greet, and answer each command (ms). */
  timeoutMs?: number;
}

export function createMailTransport(smtpUrl: string, opts: TransportOptions = {}): MailTransport {
  const timeout = opts.timeoutMs ?? 30_000;
  const transporter = createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections ?? 3,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
  });
  return {
    where: describeSmtp(smtpUrl),
    async send(m) {
      const info = (await transporter.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        // Both parts: nodemailer sends them as multipart/alternative, the plain text first.
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        headers: m.headers,
        attachments: m.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
        })),
      })) as { messageId?: string; response?: string };
      return { messageId: info.messageId ?? m.messageId, response: info.response ?? '' };
    },
    close: () => transporter.close(),
  };
}

/**
 * The Message-ID of a mail, derived from its key: a retry, or a worker that sent it and died before
 * recording so, sends the same Message-ID, which mail servers and clients use to drop the duplicate.
 */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^@\s>]+)>?\s*$/.exec(from)?.[1] ?? 'verisat.invalid';
  return `<mail-${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

/** A reply code from the server, when the failure is one (nodemailer sets responseCode). */
export function smtpCodeOf(err: unknown): number | undefined {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A refusal the server will repeat however often we try: a 5xx reply about the message or its
 * recipient. A refused login (EAUTH, 535) is not: it is about our credentials, not this mail, and an
 * operator who fixes SMTP_URL wants the mails waiting to go out then.
 */
export function isPermanentRefusal(err: unknown): boolean {
  const code = smtpCodeOf(err);
  const kind = (err as { code?: unknown } | null)?.code;
  return code !== undefined && code >= 500 && code < 600 && kind !== 'EAUTH';
}

/** What the record keeps of a failure: the server's reply, or the error's message. */
export function describeFailure(err: unknown): string {
  const response = (err as { response?: unknown } | null)?.response;
  if (typeof response === 'string' && response !== '') return response.slice(0, 1000);
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}
