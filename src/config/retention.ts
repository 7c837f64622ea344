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
    RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(2000),
    RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(20),
    RETENTION_BATCH_TARGET_MS: z.coerce.number().min(0).max(60_000).default(5),
    RETENTION_RECORDING_DELETES_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(20),
  },
  (e) => ({
    retention: {
      phoneDays: e.RETENTION_PHONE_DAYS,
      recordingDays: e.RETENTION_RECORDING_DAYS,
      commentDays: e.RETENTION_COMMENT_DAYS,
      everyHours: e.RETENTION_EVERY_HOURS,
      batchSize: e.RETENTION_BATCH_SIZE,
      batchPauseMs: e.RETENTION_BATCH_PAUSE_MS,
      batchTargetMs: e.RETENTION_BATCH_TARGET_MS,
      recordingDeletesPerSecond: e.RETENTION_RECORDING_DELETES_PER_SECOND,
    },
  }),
);
