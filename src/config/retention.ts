import { z } from 'zod';
import { area } from './area.js';

/** Personal data is removed when older than these periods (Saudi PDPL); scores and counts stay. */
export const retention = area(
  {
    RETENTION_PHONE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    RETENTION_RECORDING_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    RETENTION_COMMENT_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    RETENTION_EVERY_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 7)
      .default(24),
  },
  (e) => ({
    retention: {
      phoneDays: e.RETENTION_PHONE_DAYS,
      recordingDays: e.RETENTION_RECORDING_DAYS,
      commentDays: e.RETENTION_COMMENT_DAYS,
      everyHours: e.RETENTION_EVERY_HOURS,
    },
  }),
);
