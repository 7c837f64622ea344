import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Paths whose next segment is a credential: answer links, invitation and reset links. */
const TOKEN_PATHS = /^\/(f|account\/password)\/[^/]*/i;

/** Percent-decoding until it settles (a probe double-encodes), tolerant of a stray '%'. */
function decoded(path: string): string {
  let out = path;
  for (let i = 0; i < 4; i += 1) {
    const next = out.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * Full URLs carry tokens (/f/:token) and query strings: only the route shape is logged. Express
 * routes without regard to case and past a trailing slash, and a probe adds encoded and doubled
 * slashes, so the path is read decoded, its slashes collapsed, before the token is cut out.
 */
export function loggedPath(url: string): string {
  const q = url.search(/[?#]/);
  const path = decoded(q === -1 ? url : url.slice(0, q))
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/');
  return path.replace(TOKEN_PATHS, (_m, prefix: string) => `/${prefix.toLowerCase()}/:token`);
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
