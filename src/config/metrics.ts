import { z } from 'zod';
import { area } from './area.js';

/** GET /metrics (src/http/metrics.ts). */
export const metrics = area(
  {
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_WINDOW_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 31)
      .default(24),
    METRICS_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  },
  (e) => ({
    metrics: {
      /** Bearer token for /metrics on the public port; without it live mode does not serve it there. */
      token: e.METRICS_TOKEN,
      /** A loopback-only port serving /metrics without a token (each process its own port). */
      port: e.METRICS_PORT,
      /** Messages and answers are counted over this recent window. */
      windowHours: e.METRICS_WINDOW_HOURS,
      /** MongoDB-derived figures are recomputed at most this often. */
      dbCacheMs: Math.round(e.METRICS_CACHE_SECONDS * 1000),
    },
  }),
);
