import { z } from 'zod';
import { area } from './area.js';

/**
 * Alerts by e-mail (issue 28, docs/mail.md "Alerts"): how disputes are gathered, and when and over
 * what the daily drift check runs (docs/methodology.md "Drift alerts").
 */
export const alerts = area(
  {
    MAIL_DISPUTE_GATHER_MINUTES: z.coerce.number().min(0).max(1440).default(15),
    DRIFT_CHECK_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time written HH:MM')
      .default('07:00'),
    DRIFT_WINDOW_DAYS: z.coerce.number().int().min(7).max(366).default(28),
    DRIFT_CLEAR_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  },
  (e) => ({
    alerts: {
      /**
       * Disputes after the first within this many minutes go to a supervisor as one mail at the
       * window's end (a subscription's gatherMinutes overrides it; 0 sends each at once).
       */
      disputeGatherMs: Math.round(e.MAIL_DISPUTE_GATHER_MINUTES * 60_000),
      /** Local time (TIME_ZONE) of the daily drift check. */
      driftCheckAt: e.DRIFT_CHECK_AT,
      /** The rolling window of complete local days each check reads. */
      driftWindowDays: e.DRIFT_WINDOW_DAYS,
      /** Consecutive days back within the limit that end a drift episode. */
      driftClearDays: e.DRIFT_CLEAR_DAYS,
    },
  }),
);
