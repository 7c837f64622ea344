import type { Request } from 'express';
import { csrfTokenFor, sameToken } from './secrets.js';
import { readCookie, SESSION_COOKIE } from './session.js';

/**
 * The CSRF token of the request's session cookie (undefined without one), for pages outside the
 * administration that still carry a form (the dashboard's sign-out).
 */
export function sessionCsrf(key: Buffer, req: Request): string | undefined {
  const id = readCookie(req, SESSION_COOKIE);
  return id ? csrfTokenFor(key, id) : undefined;
}

/** Whether a form post carries the `_csrf` field of the session it is sent with. */
export function formCsrfOk(key: Buffer, req: Request): boolean {
  const expected = sessionCsrf(key, req);
  const body: unknown = req.body;
  const given =
    typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string'
      ? body._csrf
      : (req.header('x-csrf-token') ?? '');
  return expected !== undefined && sameToken(given, expected);
}
