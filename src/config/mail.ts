import { z } from 'zod';
import { area } from './area.js';

/**
 * Mail to staff (alerts and periodic reports, issue 28): the SMTP server it goes through, and the sender
 * (how long dispute alerts are gathered is src/config/alerts.ts). Without SMTP_URL the process starts its own SMTP catcher
 * (src/services/mail-catcher.ts), which keeps what it receives for the sandbox's Mail tab.
 */
export const mail = area(
  {
    SMTP_URL: z
      .url()
      .refine((v) => /^smtps?:\/\//i.test(v), 'an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587')
      .optional(),
    MAIL_FROM: z.string().trim().min(3).max(320).default('verisat <no-reply@verisat.invalid>'),
    MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  },
  (e, _basis, report) => {
    if (!/@[^@\s>]+/.test(e.MAIL_FROM))
      report('MAIL_FROM', 'an address such as no-reply@example.gov.sa or "verisat <no-reply@...>"');
    return {
      mail: {
        /** smtp:// (STARTTLS when offered) or smtps:// (TLS from the start); unset: the embedded catcher. */
        smtpUrl: e.SMTP_URL,
        from: e.MAIL_FROM,
        /** First retry delay of a mail the server refused for now (doubles each attempt; MAIL_ATTEMPTS in all). */
        retryBaseMs: e.MAIL_RETRY_BASE_MS,
      },
    };
  },
);

/** The SMTP URL with its password hidden, for log lines and start-up messages. */
export function describeSmtp(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unreadable SMTP URL)';
  }
}
