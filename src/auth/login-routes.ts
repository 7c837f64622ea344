import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { reportTexts, type ReportLang } from '../i18n/reports.js';
import { sendPage } from '../http/ui/html.js';
import { renderLoginPage as loginPage } from './login-page.js';
import { actorFields, type AuditEntry, writeAudit } from './audit.js';
import { escapeName } from './names.js';
import { loginLimiters } from './login-limit.js';
import { safeNext, type AuthDeps } from './principal.js';
import { formCsrfOk } from './session-csrf.js';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from './session.js';
import { authenticateUser, findUserPrincipal } from './users.js';

const langOf = (v: unknown): ReportLang => (v === 'en' ? 'en' : 'ar');

const loginQuerySchema = z.object({
  next: z.string().max(2000).optional(),
  lang: z.enum(['ar', 'en']).optional(),
});
const loginBodySchema = z.object({
  username: z.string().max(200).default(''),
  password: z.string().max(1024).default(''),
  next: z.string().max(2000).optional(),
  lang: z.enum(['ar', 'en']).optional(),
});

/**
 * A cross-site page could post a login form to sign a manager into someone else's account; browsers
 * send Origin on every POST, so one that names another site is refused.
 */
function sameOrigin(req: Request, publicBaseUrl: string): boolean {
  const origin = req.header('origin');
  if (origin === undefined || origin === 'null') return origin === undefined;
  const host = req.header('host');
  return (
    origin === new URL(publicBaseUrl).origin ||
    (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`))
  );
}

export function loginRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const { publicBaseUrl } = ctx.config;

  router.get('/login', (req, res) => {
    const q = loginQuerySchema.safeParse(req.query);
    const lang = langOf(q.success ? q.data.lang : undefined);
    sendPage(res, 200, loginPage(lang, safeNext(q.success ? q.data.next : undefined)));
  });

  /**
   * Who a failed or refused sign-in names: a user, by id, when the name is one; otherwise nobody, with
   * the typed name escaped in a field of its own (it is anyone's to type: newlines, bidi overrides).
   */
  const attemptBy = async (
    typed: string,
    named: { id: string; username: string } | 'look up' | 'nobody',
  ): Promise<Pick<AuditEntry, 'actor' | 'actorName' | 'attemptedName'>> => {
    if (typeof named === 'object') return actorFields({ kind: 'user', id: named.id, name: named.username });
    const name = typed.trim().toLowerCase();
    const user =
      named === 'look up' && /^[a-z0-9][a-z0-9._@-]{2,63}$/.test(name)
        ? await ctx.models.User.findOne({ username: name }, { username: 1 }).lean()
        : null;
    return user
      ? actorFields({ kind: 'user', id: user._id.toString(), name: user.username })
      : { actor: 'anonymous', attemptedName: escapeName(name) };
  };

  // A refused attempt is audited like a failed one: a flood of them is what an auditor looks for.
  const onLimited: RequestHandler = async (req, res) => {
    const body = req.body as { lang?: unknown; username?: unknown } | undefined;
    const lang = langOf(body?.lang);
    await writeAudit(ctx, {
      ...(await attemptBy(typeof body?.username === 'string' ? body.username : '', 'look up')),
      action: 'login_limited',
      outcome: 'denied',
      ...(req.ip ? { ip: req.ip } : {}),
    });
    sendPage(res, 429, loginPage(lang, '/dashboard', reportTexts(lang).loginLimited));
  };

  router.post(
    '/login',
    express.urlencoded({ extended: false, limit: '4kb' }),
    (req, res, next) => {
      if (sameOrigin(req, publicBaseUrl)) return next();
      const lang = langOf((req.body as { lang?: unknown } | undefined)?.lang);
      sendPage(res, 403, loginPage(lang, '/dashboard', reportTexts(lang).loginForbidden));
    },
    ...loginLimiters({
      redis: ctx.redis,
      keyPrefix: ctx.config.queuePrefix,
      maxAttempts: ctx.config.auth.loginMaxAttempts,
      windowMinutes: ctx.config.auth.loginWindowMinutes,
      onLimited,
    }),
    async (req: Request, res: Response) => {
      const parsed = loginBodySchema.safeParse(req.body ?? {});
      const body = parsed.success
        ? parsed.data
        : { username: '', password: '', next: undefined, lang: undefined };
      const lang = langOf(body.lang);
      const next = safeNext(body.next);
      const { principal, named } = await authenticateUser(ctx.models, body.username, body.password);
      if (!principal) {
        await writeAudit(ctx, {
          ...(await attemptBy(body.username, named ?? 'nobody')),
          action: 'login_failed',
          outcome: 'failed',
          ...(req.ip ? { ip: req.ip } : {}),
        });
        return sendPage(res, 401, loginPage(lang, next, reportTexts(lang).loginFailed));
      }
      const sessionId = await auth.sessions.create(principal.id);
      setSessionCookie(req, res, publicBaseUrl, sessionId, auth.sessions.maxAgeMs);
      await writeAudit(ctx, {
        ...actorFields(principal),
        action: 'login',
        detail: { role: principal.role },
        ...(req.ip ? { ip: req.ip } : {}),
      });
      // A one-time password is changed before anything else (issue 23, finding 3).
      if (principal.mustChangePassword) return res.redirect(303, `/account?lang=${lang}`);
      const target = new URL(next, 'http://x');
      if (!target.searchParams.has('lang') && target.pathname === '/dashboard')
        target.searchParams.set('lang', lang);
      res.redirect(303, `${target.pathname}${target.search}`);
    },
  );

  // Signing out is a form of the signed-in session like any other: without its CSRF token (a page
  // of another site posting here) the session stays.
  router.post('/logout', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id && (!sameOrigin(req, publicBaseUrl) || !formCsrfOk(ctx.config.admin.secretsKey, req))) {
      const lang = langOf((req.body as { lang?: unknown } | undefined)?.lang);
      return sendPage(res, 403, loginPage(lang, '/dashboard', reportTexts(lang).signOutRefused));
    }
    if (id) {
      const session = await auth.sessions.get(id);
      await auth.sessions.destroy(id);
      const who = session ? await findUserPrincipal(ctx.models, session.userId) : undefined;
      if (who)
        await writeAudit(ctx, { ...actorFields(who), action: 'logout', ...(req.ip ? { ip: req.ip } : {}) });
    }
    clearSessionCookie(req, res, publicBaseUrl);
    res.redirect(303, '/login');
  });

  return router;
}
