import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Full URLs carry tokens (/f/:token) and query strings: only the route shape is logged. */
export function loggedPath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  // Answer links and invitation / reset links carry their credential in the path.
  return path
    .replace(/^\/f\/[^/]+/, '/f/:token')
    .replace(/^\/account\/password\/[^/]+/, '/account/password/:token');
}

// Why: docs/decisions/0010-request-log-without-pino-http.md
/**
 * One JSON log line per request, with a request id (taken from X-Request-Id when sane). Written by
 * hand rather than with pino-http: that middleware builds a child logger and serializers for every
 * request, which cost a fifth of an IVR step's CPU; this keeps the same fields for a few lookups.
 */
export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    const url = req.originalUrl;
    res.once('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          req: { id, method: req.method, path: loggedPath(url) },
          res: { status },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
    res.once('close', () => {
      if (res.writableFinished) return;
      log.warn({ req: { id, method: req.method, path: loggedPath(url) } }, 'request aborted');
    });
    next();
  };
}
