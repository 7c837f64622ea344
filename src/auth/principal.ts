import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import type { Models } from '../db/models/index.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../log.js';
import { requireApiToken } from './api-auth.js';
import type { Principal } from './api-tokens.js';
import { canReadReports, REPORT_ROLES } from './roles.js';
import { readCookie, SESSION_COOKIE, SessionStore } from './session.js';
import { findUserPrincipal } from './users.js';

/** The principal a guard before this handler stored; a route reached without one is a wiring mistake, answered 401. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal;
  if (!p) throw new HttpError(401, 'unauthorized', 'Not signed in');
  return p;
}

export interface AuthDeps {
  models: Models;
  log: Logger;
  sessions: SessionStore;
  tokenCacheMs: number;
}

/**
 * What authentication needs, from the context: one per router is fine (the session store holds no
 * state of its own beyond its Redis connection), and all of them read the same sessions.
 */
export function authDeps(ctx: AppContext): AuthDeps {
  return {
    models: ctx.models,
    log: ctx.log,
    tokenCacheMs: ctx.config.auth.apiTokenCacheMs,
    sessions: new SessionStore(
      ctx.redis,
      ctx.config.queuePrefix,
      Math.round(ctx.config.auth.sessionTtlHours * 3600),
    ),
  };
}

export async function sessionPrincipal(deps: AuthDeps, req: Request): Promise<Principal | undefined> {
  const id = readCookie(req, SESSION_COOKIE);
  if (!id) return undefined;
  const session = await deps.sessions.get(id);
  return session ? findUserPrincipal(deps.models, session.userId, session.createdAt) : undefined;
}

/**
 * A person signed in with a one-time password may only change it (issue 23, finding 3): pages send
 * them to /account, the API answers 403. True when the request was answered.
 */
export function sentToChangePassword(
  principal: Principal,
  req: Request,
  res: Response,
  next: NextFunction,
  mode: 'api' | 'page',
): boolean {
  if (!principal.mustChangePassword || `${req.baseUrl}${req.path}`.startsWith('/account')) return false;
  if (mode === 'page') {
    res.redirect(303, `/account?lang=${req.query.lang === 'en' ? 'en' : 'ar'}`);
    return true;
  }
  next(
    new HttpError(
      403,
      'password_change_required',
      'Change your one-time password first (/account); nothing else is open until then',
    ),
  );
  return true;
}

/** Only same-site paths: an attacker's link must not turn the login form into an open redirect. */
export function safeNext(value: unknown, fallback = '/dashboard'): string {
  if (typeof value !== 'string' || value.length > 2000 || !/^\/[\x21-\x7e]*$/.test(value)) return fallback;
  // Resolved as a browser would (dot segments, backslashes as slashes): `/..//evil.example/x`
  // passes any look at its first characters and still resolves to `//evil.example/x`.
  let url: URL;
  try {
    url = new URL(value, SITE);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}`;
  // A path that begins with two slashes is another host to a browser reading Location.
  return url.origin === SITE && !/^\/[/\\]/.test(path) ? path : fallback;
}

/** Any fixed origin: `next` is resolved against it only to see whether it stays on the site. */
const SITE = 'https://verisat.invalid';

/**
 * Who may read reports: a machine client with a bearer token (the foundation's API-token check), or
 * a person with a session cookie. Pages send an anonymous visitor to the sign-in form; the API
 * answers 401.
 */
export function requireReportReader(deps: AuthDeps, mode: 'api' | 'page'): RequestHandler {
  const tokenAuth = requireApiToken(deps, REPORT_ROLES);
  return async (req, res, next) => {
    if (mode === 'api' && req.header('authorization') !== undefined) return tokenAuth(req, res, next);
    const principal = await sessionPrincipal(deps, req);
    if (!principal) {
      if (mode === 'page')
        return res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
      res.setHeader('WWW-Authenticate', 'Bearer realm="verisat"');
      return next(
        new HttpError(401, 'unauthorized', 'Sign in, or send an API token (Authorization: Bearer <token>)'),
      );
    }
    if (sentToChangePassword(principal, req, res, next, mode)) return;
    if (!canReadReports(principal.role))
      return next(new HttpError(403, 'forbidden', `Role ${principal.role} may not read reports`));
    res.locals.principal = principal;
    next();
  };
}
