import { foldDigits } from '../../phone-mask.js';
import { normalisePhone, type PhoneResult } from '../phone.js';

/**
 * A citizen's number as an export writes it: `05xxxxxxxx`, `5xxxxxxxx` (a spreadsheet drops the
 * leading 0 of a number it took for a number), `9665xxxxxxxx` (the country code without its +),
 * `+966…`, `00966…`, with spaces, dashes, dots or brackets, in any digit script. Then the events
 * API's own normalisation decides, so an imported number is exactly what the API would store.
 */
export function importPhone(value: string | number, defaultRegion: string): PhoneResult {
  const raw = typeof value === 'number' ? String(value) : value;
  const compact = foldDigits(raw).replace(/[\s\p{Z}\p{Pd}\u2212.()\u200e\u200f\u202a-\u202e]/gu, '');
  if (compact === '') return { ok: false, reason: 'is empty' };
  // A number with its country code but no "+" is read as a national number otherwise (and refused).
  const withPlus = /^966\d{9}$/.test(compact) ? `+${compact}` : compact;
  return normalisePhone(withPlus, defaultRegion);
}
