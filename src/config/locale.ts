import { z } from 'zod';
import { area } from './area.js';

/** How numbers without a country code and local times are read: the citizens' country and zone. */
export const locale = area(
  {
    PHONE_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code')
      .default('SA'),
    TIME_ZONE: z
      .string()
      .refine(isValidTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}"` })
      .default('Asia/Riyadh'),
  },
  (e) => ({ phoneDefaultRegion: e.PHONE_DEFAULT_REGION, timeZone: e.TIME_ZONE }),
);

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
