import type { TestSystem } from './system.js';
import { eventually } from './system.js';

export const FAST_FOLLOWUP_ENV = {
  FOLLOWUP_DELAY_HOURS: '0',
  SEND_WINDOW: '00:00-24:00',
  SEND_DAYS: 'all',
  RETRY_BASE_MS: '50',
  DISPUTE_RETRY_BASE_MS: '50',
  SMS_RATE_PER_SECOND: '1000',
};

let seq = 0;

export async function ticketEvent(
  sys: TestSystem,
  token: string,
  ref: string,
  type: 'opened' | 'closed' | 'reopened',
  opts: { at?: string; phone?: string; language?: 'ar' | 'en'; agency?: string; eventId?: string } = {},
): Promise<Response> {
  seq += 1;
  const res = await sys.api(`/api/tickets/${ref}/events`, {
    token,
    body: {
      eventId: opts.eventId ?? `ev-${ref}-${type}-${seq}`,
      type,
      at: opts.at ?? new Date().toISOString(),
      agency: opts.agency ?? 'momrah',
      department: 'roads',
      agentId: 'agent-42',
      citizenPhone: opts.phone ?? '+966501234567',
      language: opts.language ?? 'ar',
    },
  });
  if (res.status >= 300 && res.status !== 200)
    throw new Error(`ticket event failed: ${res.status} ${await res.text()}`);
  return res;
}

export function messagesTo(sys: TestSystem, phone: string) {
  return sys.ctx.sandbox?.listMessages({ to: phone }) ?? [];
}

/**
 * Waits until the stand-in has `count` messages for the number and the worker has recorded its
 * sends (a citizen replies seconds after delivery, not in the millisecond before the worker writes),
 * and returns the messages oldest first.
 */
export async function waitForMessages(sys: TestSystem, phone: string, count: number, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const list = messagesTo(sys, phone).sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
      if (list.length < count) return undefined;
      const recording = await sys.ctx.models.FollowUp.countDocuments({
        citizenPhone: phone,
        state: 'sending',
      });
      return recording === 0 ? list : undefined;
    },
    { timeoutMs, what: `${count} message(s)` },
  );
}

/** Sends an inbound SMS the way Twilio does and returns the TwiML reply texts. */
export async function reply(
  sys: TestSystem,
  from: string,
  body: string,
  extra: Record<string, string> = {},
): Promise<string[]> {
  seq += 1;
  const sid = `SM${seq.toString(16).padStart(8, '0')}${'f'.repeat(24)}`;
  const res = await sys.postTwilio('/sms/inbound', {
    MessageSid: sid,
    AccountSid: sys.ctx.config.twilio.accountSid,
    From: from,
    To: '+966920000000',
    Body: body,
    NumMedia: '0',
    ...extra,
  });
  if (res.status !== 200) throw new Error(`inbound answered ${res.status}: ${await res.text()}`);
  const xml = await res.text();
  return [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'"),
  );
}
