import type { RequestHandler } from 'express';
import type { Models } from '../db/models/index.js';
import { perDatabaseCache } from '../db/per-database-cache.js';
import type { Role } from '../db/models/access.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../log.js';
import { findPrincipalByToken, type Principal } from './api-tokens.js';

/** Shared by a database's routes; only known tokens are kept, so guesses cannot fill it. */
const verifiedTokens = perDatabaseCache<Principal>();

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
  }
}

// Why: docs/decisions/0008-api-token-cache.md
/**
 * Bearer-token authentication for machine clients. 401 when the token is missing or unknown, 403
 * when it is valid but its role may not use this route.
 */
export function requireApiToken(
  deps: {
    models: Models;
    log: Logger;
    /**
     * How long a verified token is trusted without asking MongoDB again (API_TOKEN_CACHE_SECONDS).
     * A ticket system calls once per event; without it every call paid a token query before its own
     * write. The price: a token revoked in the database keeps working for up to this long.
     */
    tokenCacheMs: number;
  },
  roles: readonly Role[],
): RequestHandler {
  const lastRecorded = new Map<string, number>();
  const verified = verifiedTokens(deps.models, { max: 10_000, ttlMs: deps.tokenCacheMs });
  return async (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="verisat"');
      return next(new HttpError(401, 'unauthorized', 'Missing bearer token (Authorization: Bearer <token>)'));
    }
    const cached = deps.tokenCacheMs > 0 ? verified.get(match[1]) : undefined;
    const principal = cached ?? (await findPrincipalByToken(deps.models, match[1]));
    if (principal && !cached && deps.tokenCacheMs > 0) verified.set(match[1], principal);
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="verisat", error="invalid_token"');
      return next(new HttpError(401, 'unauthorized', 'Unknown or revoked API token'));
    }
    if (!roles.includes(principal.role)) {
      return next(new HttpError(403, 'forbidden', `Role ${principal.role} may not use this endpoint`));
    }
    res.locals.principal = principal;
    // Last-use time is a convenience for operators: written at most once a minute per token, so a
    // busy ticket system does not pay a database write per call, and a failed write fails nothing.
    const now = Date.now();
    if ((lastRecorded.get(principal.id) ?? 0) < now - 60_000) {
      lastRecorded.set(principal.id, now);
      deps.models.ApiToken.updateOne({ _id: principal.id }, { $set: { lastUsedAt: new Date(now) } }).catch(
        (err: unknown) => deps.log.warn({ err }, 'could not record API token use'),
      );
    }
    next();
  };
}
