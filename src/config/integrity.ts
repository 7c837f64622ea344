import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { area } from './area.js';

/** Tamper evidence and gaming signals (src/audit-chain, src/reports/integrity). */
export const integrity = area(
  {
    INTEGRITY_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    CHAIN_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
    REOPEN_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  },
  (e, at) => ({
    integrity: {
      /** HMAC key of the chains' checkpoints and of the device/network hashes on answers. */
      key:
        // Derived from the answer-link secret when not set, as the sampling key is.
        e.INTEGRITY_KEY ??
        createHmac('sha256', at.answerLinkSecret).update('verisat integrity key').digest('hex'),
      /** A keyed checkpoint every this many chain entries. */
      checkpointEvery: e.CHAIN_CHECKPOINT_EVERY,
      /** A closure reopened within this many days counts for the "reopened" integrity signal. */
      reopenDays: e.REOPEN_WINDOW_DAYS,
    },
  }),
);
