import type { Request, RequestHandler } from 'express';
import { requireApiToken } from '../auth/api-auth.js';
import { safeNext, sentToChangePassword, type AuthDeps } from '../auth/principal.js';
import { readCookie, SESSION_COOKIE } from '../auth/session.js';
import type { Role } from '../db/models/access.js';
import { findUserPrincipal } from '../auth/users.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { sendPage } from '../http/ui/html.js';
import { renderMessagePage } from '../http/ui/message-page.js';
import { ADMIN_READERS } from './access.js';
import { csrfTokenFor, sameToken } from '../auth/secrets.js';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The CSRF token of the signed-in session, for forms (absent for bearer-token callers). */
    csrf?: string;
  }
}

/**
 * Authentication for /admin pages and /api/admin. A bearer token (machine clients) needs no CSRF
 * check: a browser never adds one on its own. A session cookie does: the cookie is SameSite=Lax, and
 * on top of that every state-changing request must carry the session's CSRF token (`_csrf` field or
 * `X-CSRF-Token` header) and, when the browser sends one, an Origin of this site.
 */
export function requireAdmin(
  ctx: AppContext,
  auth: AuthDeps,
  mode: 'api' | 'page',
  roles: readonly Role[] = ADMIN_READERS,
): RequestHandler {
  const tokenAuth = requireApiToken(auth, roles);
  const key = ctx.config.admin.secretsKey;
  return async (req, res, next) => {
    if (mode === 'api' && req.header('authorization') !== undefined) return tokenAuth(req, res, next);
    const id = readCookie(req, SESSION_COOKIE);
    const session = id ? await auth.sessions.get(id) : undefined;
    const principal = session
      ? await findUserPrincipal(ctx.models, session.userId, session.createdAt)
      : undefined;
    if (!id || !principal) {
      if (mode === 'page')
        return res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
      res.setHeader('WWW-Authenticate', 'Bearer realm="verisat"');
      return next(
        new HttpError(401, 'unauthorized', 'Sign in, or send an API token (Authorization: Bearer <token>)'),
      );
    }
    const csrf = csrfTokenFor(key, id);
    const refuse = (err: HttpError, text: { ar: string; en: string }) => {
      if (mode === 'api') return next(err);
      // A person gets a page in both languages, not the API's JSON.
      const lang = req.query.lang === 'en' ? 'en' : 'ar';
      sendPage(
        res,
        err.status,
        renderMessagePage({
          lang,
          title: text[lang],
          message: text[lang],
          path: req.path,
          back: { href: '/', label: lang === 'ar' ? 'الصفحة الرئيسية' : 'Home' },
        }),
      );
    };
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !csrfOk(req, csrf, ctx.config.publicBaseUrl))
      return refuse(
        new HttpError(
          403,
          'csrf_failed',
          'This form is out of date or came from another site; reload the page and try again',
        ),
        {
          ar: 'هذا النموذج قديم أو أُرسل من موقع آخر؛ أعد تحميل الصفحة وحاول مرة أخرى.',
          en: 'This form is out of date or came from another site; reload the page and try again.',
        },
      );
    res.locals.principal = principal;
    res.locals.csrf = csrf;
    if (sentToChangePassword(principal, req, res, next, mode)) return;
    // The account page is every signed-in person's; everything else is for administrators and auditors.
    if (!roles.includes(principal.role) && !req.path.startsWith('/account'))
      return refuse(
        new HttpError(403, 'forbidden', `Role ${principal.role} may not use the administration`),
        {
          ar: 'ليست لديك صلاحية الوصول إلى الإدارة.',
          en: 'Your role does not give access to the administration.',
        },
      );
    next();
  };
}

function csrfOk(req: Request, expected: string, publicBaseUrl: string): boolean {
  const origin = req.header('origin');
  if (origin !== undefined) {
    const host = req.header('host');
    const ok =
      origin === new URL(publicBaseUrl).origin ||
      (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
    if (!ok) return false;
  }
  const body: unknown = req.body;
  const fromBody =
    typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string'
      ? body._csrf
      : undefined;
  const given = fromBody ?? req.header('x-csrf-token') ?? '';
  return sameToken(given, expected);
}
