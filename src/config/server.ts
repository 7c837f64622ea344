import { z } from 'zod';
import { area, booleanish, optionalUrl } from './area.js';

/** The web process: where it listens, how it is reached, what it logs, how it treats slow clients. */
export const server = area(
  {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: optionalUrl,
    TRUST_PROXY: z
      .string()
      .trim()
      .regex(
        /^[0-9A-Za-z.:/, -]+$/,
        'addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated',
      )
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    RUN_WORKERS_IN_WEB: booleanish.default(true),
  },
  (e, at, report) => {
    if (at.twilioMode === 'live' && e.PUBLIC_BASE_URL === undefined)
      report('PUBLIC_BASE_URL', 'required when TWILIO_MODE=live (Twilio signs webhooks against it)');
    if (e.NODE_ENV === 'production' && e.LOG_FORMAT === 'pretty')
      report('LOG_FORMAT', 'production logs are JSON lines (pretty is for a developer terminal)');
    return {
      env: e.NODE_ENV,
      host: e.HOST,
      port: e.PORT,
      /** The URL Twilio (and citizens) reach us at; webhook signatures are validated against it. */
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
      /**
       * Proxies whose X-Forwarded-For / -Proto are believed (Express `trust proxy`); none by default,
       * so a client cannot choose its own address for rate limits and the audit log.
       */
      trustProxy: e.TRUST_PROXY,
      logLevel: e.LOG_LEVEL,
      /** JSON lines (production, and tests) or short human lines (development's default). */
      logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      /**
       * How long a client may take to send a whole request, and its headers: a body trickled in a byte
       * at a time would otherwise hold a connection (and a slot) for minutes.
       */
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS),
      runWorkersInWeb: e.RUN_WORKERS_IN_WEB,
    };
  },
);
