import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { foldDigits } from '../phone-mask.js';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** Normalises what a ticket system sends ("0501234567", "+966 50 123 4567", "00966...") to E.164. */
export function normalisePhone(input: string, defaultRegion: string): PhoneResult {
  const trimmed = foldDigits(input).trim().replace(/^00/, '+');
  try {
    const parsed = parsePhoneNumberWithError(trimmed, defaultRegion as CountryCode);
    if (!parsed.isValid()) return { ok: false, reason: 'is not a valid phone number for its country' };
    return { ok: true, e164: parsed.number };
  } catch (err) {
    const code = err instanceof Error ? err.message : 'INVALID';
    return { ok: false, reason: `could not be read as a phone number (${code})` };
  }
}
