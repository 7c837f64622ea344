import { randomBytes } from 'node:crypto';
import { countSegments } from '../twilio/segments.js';
import type { SandboxMessage } from '../twilio/stand-in/api.js';
import { postSignedWebhook } from '../twilio/stand-in/webhook-sender.js';

/**
 * A citizen's handset in the sandbox: what the stand-in holds for the number (everything the system
 * sent it, with its live delivery status) beside what the handset sent, and sending a reply the
 * way Twilio delivers one: a signed, form-encoded POST to /sms/inbound.
 */

export interface InboxMessage {
  sid: string;
  direction: 'in' | 'out';
  body: string;
  status: string;
  errorCode: number | null;
  segments: number;
  at: string;
  /** Paths of answer pages the message links to (/f/<token>), to open on this server. */
  answerLinks: string[];
  /** A WhatsApp template's quick-reply buttons, to tap. */
  buttons: { id: string; title: string }[];
}

export interface InboxOptions {
  publicBaseUrl: string;
  deliverTo?: string;
  accountSid: string;
  authToken: string;
  /** The number citizens write to (the system's sender). */
  serviceNumber: string;
  /** What the stand-in sent to a number. */
  sentTo: (phone: string) => SandboxMessage[];
  maxPerNumber?: number;
  /**
   * How the handset's message reaches the system when not a plain SMS webhook: WhatsApp goes through
   * the stand-in, which opens the 24-hour window.
   */
  send?: (
    from: string,
    message: { body: string; button?: { id: string; title: string } },
  ) => Promise<{
    sid: string;
    status: number;
  }>;
}

const ANSWER_LINK = /\/f\/([A-Za-z0-9_-]{16,64})/g;

function answerLinksIn(body: string): string[] {
  return [...body.matchAll(ANSWER_LINK)].map((m) => `/f/${m[1] ?? ''}`);
}

export class SandboxInbox {
  private readonly sentByHandset = new Map<string, InboxMessage[]>();

  constructor(private readonly opts: InboxOptions) {}

  list(phone: string): InboxMessage[] {
    const out: InboxMessage[] = this.opts.sentTo(phone).map((m) => ({
      sid: m.sid,
      direction: 'out',
      body: m.body,
      status: m.status,
      errorCode: m.errorCode,
      segments: m.numSegments,
      at: m.dateCreated.toISOString(),
      answerLinks: answerLinksIn(m.body),
      buttons: m.buttons,
    }));
    out.push(...(this.sentByHandset.get(phone) ?? []));
    return out.sort((a, b) => a.at.localeCompare(b.at) || (a.direction === 'in' ? -1 : 1));
  }

  /** The handset replies; resolves once the webhook has answered (Twilio's part is then done). */
  async reply(
    from: string,
    body: string,
    button?: { id: string; title: string },
  ): Promise<{ sid: string; status: number }> {
    if (this.opts.send) {
      const sent = await this.opts.send(from, { body, ...(button ? { button } : {}) });
      this.remember(from, sent.sid, button?.title ?? body, sent.status);
      return sent;
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const url = `${this.opts.publicBaseUrl}/sms/inbound`;
    const params = {
      AccountSid: this.opts.accountSid,
      ApiVersion: '2010-04-01',
      Body: body,
      From: from,
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: String(countSegments(body).segments),
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: this.opts.serviceNumber,
    };
    const deliverTo = this.opts.deliverTo ? `${this.opts.deliverTo.replace(/\/+$/, '')}/sms/inbound` : url;
    const res = await postSignedWebhook(url, params, this.opts.authToken, { deliverTo });
    await res.text();
    this.remember(from, sid, body, res.status);
    return { sid, status: res.status };
  }

  private remember(from: string, sid: string, body: string, status: number): void {
    const list = this.sentByHandset.get(from) ?? [];
    list.push({
      sid,
      direction: 'in',
      body,
      status: status === 200 ? 'received' : `refused (${status})`,
      errorCode: null,
      segments: countSegments(body).segments,
      at: new Date().toISOString(),
      answerLinks: [],
      buttons: [],
    });
    this.sentByHandset.set(from, list.slice(-(this.opts.maxPerNumber ?? 200)));
    // Only a bounded number of handsets is remembered.
    if (this.sentByHandset.size > 500) {
      const oldest = this.sentByHandset.keys().next().value;
      if (oldest !== undefined) this.sentByHandset.delete(oldest);
    }
  }
}
