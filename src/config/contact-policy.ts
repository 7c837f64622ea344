import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { area, checkedBy } from './area.js';
import { placeOf } from './places.js';
import { parseHours } from './send-window-text.js';

/**
 * The agency code pattern of ticket events (src/tickets/routes.ts): codes are trimmed and compared
 * exactly there, case included, so `moh` and `MOH` are two agencies and a rate is found by its code
 * as the events spell it.
 */
const AGENCY_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * AGENCY_SAMPLE_RATES as `code=rate,…`. A code the events API would refuse, a rate outside 0–1, or
 * two entries whose codes differ only in case are refused: each would leave an agency at the
 * default rate without a word. Whether a code names an agency is checked at start-up against the
 * directory (checkAgencySampleRates in src/followup/schedule/contact-policy.ts). The problems name
 * the entry; the configuration puts the variable's name before them.
 */
export function parseAgencySampleRates(raw: string): { rates: Map<string, number>; problems: string[] } {
  const rates = new Map<string, number>();
  const problems: string[] = [];
  const seen = new Map<string, string>();
  if (raw.trim() === '') return { rates, problems };
  for (const entry of raw.split(',')) {
    const [code = '', rate, ...extra] = entry.split('=').map((x) => x.trim());
    const where = `"${entry.trim()}"`;
    if (rate === undefined || extra.length > 0) {
      problems.push(`${where} is not agency=rate (e.g. momrah=0.25,moh=1)`);
      continue;
    }
    if (!AGENCY_CODE.test(code)) {
      problems.push(
        `${where}: "${code}" is not an agency code (1–64 letters, digits, . _ -, starting with a letter or digit)`,
      );
      continue;
    }
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(rate)) {
      problems.push(`${where}: the rate must be a number from 0 to 1`);
      continue;
    }
    const other = seen.get(code.toLowerCase());
    if (other !== undefined) {
      problems.push(
        other === code
          ? `${where}: agency "${code}" is given twice`
          : `${where}: "${code}" and "${other}" differ only in case; agency codes are compared exactly, so name the agency once, as its ticket events spell it`,
      );
      continue;
    }
    seen.set(code.toLowerCase(), code);
    rates.set(code, Number(rate));
  }
  return { rates, problems };
}

/** Who is asked (followup/schedule/contact-policy.ts) and when (followup/schedule/window-config.ts). */
export const contactPolicy = area(
  {
    SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
    // Each code must be one the events API accepts.
    AGENCY_SAMPLE_RATES: z
      .string()
      .transform((v, ctx): ReadonlyMap<string, number> => {
        const { rates, problems } = parseAgencySampleRates(v);
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return rates;
      })
      .default(() => new Map<string, number>()),
    SAMPLING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    CONTACT_MIN_DAYS: z.coerce.number().min(0).max(365).default(30),
    PRAYER_CITY: z.string().superRefine(checkedBy(placeOf)).default('riyadh'),
    PRAYER_PAUSE_BEFORE_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
    PRAYER_PAUSE_AFTER_MINUTES: z.coerce.number().int().min(0).max(120).default(30),
    RAMADAN_SEND_WINDOW: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$/, {
        message: 'HH:MM-HH:MM, or off',
        abort: true,
      })
      .superRefine(checkedBy((v) => v === 'off' || parseHours(v)))
      .default('10:00-17:00'),
  },
  (e, at) => ({
    sampleRate: e.SAMPLE_RATE,
    agencySampleRates: e.AGENCY_SAMPLE_RATES,
    /** Keys the sampling draw: without it nobody can predict who is asked; with it an auditor can. */
    samplingKey:
      // Derived from the answer-link secret when not set: as secret as it is, and required with it.
      e.SAMPLING_KEY ??
      createHmac('sha256', at.answerLinkSecret).update('verisat sampling key').digest('hex'),
    contactMinDays: e.CONTACT_MIN_DAYS,
    /** A city of the prayer-times table, "latitude,longitude", or "none". */
    prayerCity: e.PRAYER_CITY.trim().toLowerCase(),
    prayerPauseBeforeMinutes: e.PRAYER_PAUSE_BEFORE_MINUTES,
    prayerPauseAfterMinutes: e.PRAYER_PAUSE_AFTER_MINUTES,
    /** "HH:MM-HH:MM" used instead of the send window's hours during Ramadan, or "off". */
    ramadanSendWindow: e.RAMADAN_SEND_WINDOW,
  }),
);
