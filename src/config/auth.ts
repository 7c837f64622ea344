import { z } from 'zod';
import { area } from './area.js';

/** Sign-in: sessions, failed logins, API tokens. */
export const auth = area(
  {
    SESSION_TTL_HOURS: z.coerce
      .number()
      .min(0.25)
      .max(24 * 30)
      .default(8),
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
    LOGIN_WINDOW_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    API_TOKEN_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  },
  (e) => ({
    auth: {
      sessionTtlHours: e.SESSION_TTL_HOURS,
      /** Failed logins allowed per username (and 5x that per client address) in each window. */
      loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
      loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
      /** How long a verified API token is trusted before MongoDB is asked again (0: every call). */
      apiTokenCacheMs: Math.round(e.API_TOKEN_CACHE_SECONDS * 1000),
    },
  }),
);
