import { z } from 'zod';
import { area, booleanish } from './area.js';

/** Reports, exports, the dashboard and the public scoreboard. */
export const reports = area(
  {
    REPORT_MIN_N: z.coerce.number().int().min(1).max(10_000).default(10),
    REPORT_MAX_RANGE_DAYS: z.coerce.number().int().min(1).max(3660).default(366),
    PUBLIC_SCOREBOARD: booleanish.default(true),
    SUMS_REPAIR_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
    REPORT_MAIL: booleanish.default(true),
    REPORT_MAIL_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  },
  (e) => ({
    reports: {
      /** Groups with fewer answers than this are flagged low_n and never ranked. */
      minN: e.REPORT_MIN_N,
      /** Longest from..to span a report or export may ask for, in days. */
      maxRangeDays: e.REPORT_MAX_RANGE_DAYS,
      /** Serve the per-agency public scoreboard at /public. */
      publicScoreboard: e.PUBLIC_SCOREBOARD,
      /**
       * The reconciler counts scores still pending in their daily sums this long after their last
       * write (a writer that crashed); younger ones most likely have their writer still counting them.
       */
      sumsRepairAfterMs: e.SUMS_REPAIR_AFTER_SECONDS * 1000,
      /** The Chromium that prints report PDFs and alert charts (Debian's `chromium` package). */
      chromiumPath: e.CHROMIUM_PATH,
      /**
       * The weekly (Sunday) and monthly (the 1st) report mails: on or off, and the local hour
       * (TIME_ZONE) they are sent at.
       */
      mail: { enabled: e.REPORT_MAIL, hour: e.REPORT_MAIL_HOUR },
    },
  }),
);
