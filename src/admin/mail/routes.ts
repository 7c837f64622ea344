import express, { Router, type Request, type Response } from 'express';
import { principalOf, type AuthDeps } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { sendPage } from '../../http/ui/html.js';
import { adminTexts } from '../../i18n/admin.js';
import { requireAdmin } from '../auth.js';
import type { Who } from '../change-audit.js';
import { renderAccount } from '../pages/people-pages.js';
import type { PageCtx, PageState } from '../pages/render.js';
import { accountMailView } from './account.js';
import { subscriptionsApiRouter } from './api.js';
import { renderMailOverview } from './pages.js';
import { mailOverview, setOwnMailSettings, subscribe, unsubscribeOwn } from './subscriptions.js';

type Body = Record<string, string | string[] | undefined>;
type Lang = 'ar' | 'en';

const one = (b: Body, k: string): string => {
  const v = b[k];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
};

/**
 * The form's scope choice (`agency:MOH`, `department:MOH/lighting`, or empty for everything) and
 * agent as the fields a subscription stores; what they may be is checked by `subscribe`.
 */
export function formToSubscription(b: Body): Record<string, unknown> {
  const scope = one(b, 'scope');
  const [kind, rest = ''] = scope.includes(':')
    ? [scope.slice(0, scope.indexOf(':')), scope.slice(scope.indexOf(':') + 1)]
    : [scope];
  const where =
    kind === 'agency'
      ? { agency: rest }
      : kind === 'department'
        ? { agency: rest.split('/')[0] ?? '', department: rest.split('/').slice(1).join('/') }
        : {};
  const kinds = b.kinds === undefined ? [] : Array.isArray(b.kinds) ? b.kinds : [b.kinds];
  const gather = one(b, 'gather');
  return {
    kinds,
    ...where,
    ...(one(b, 'agent') ? { agentId: one(b, 'agent') } : {}),
    ...(gather ? { gatherMinutes: gather } : {}),
  };
}

/**
 * The mail parts of /account (address and language, subscriptions) and the administrators' /admin/mail.
 * The account forms carry the session's CSRF token like the password form; each refusal shows the
 * page again with what was typed and what is wrong.
 */
export function mailAdminRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  router.use(subscriptionsApiRouter(ctx, auth));
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const accountGuard = requireAdmin(ctx, auth, 'page');
  const mailGuard = requireAdmin(ctx, auth, 'page', ['admin', 'agency_admin']);
  const langOf = (req: Request): Lang => {
    const b = req.body as Body | undefined;
    const v = (b && one(b, 'lang')) || req.query.lang;
    return v === 'en' ? 'en' : 'ar';
  };
  const pc = (req: Request, res: Response): PageCtx => ({
    lang: langOf(req),
    p: principalOf(res),
    csrf: res.locals.csrf ?? '',
    path: req.path.startsWith('/account') ? '/account' : req.path,
    sandbox: ctx.sandbox !== undefined,
  });
  const who = (req: Request, res: Response): Who => ({ p: principalOf(res), req });
  const back = (req: Request, res: Response, anchor: string) =>
    res.redirect(303, `/account?lang=${langOf(req)}&saved=1#${anchor}`);

  const attempt =
    (change: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
      try {
        await change(req, res);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        const b = (req.body ?? {}) as Body;
        const typed = Object.fromEntries(
          Object.entries(b).flatMap(([k, v]) => (v === undefined || k === '_csrf' ? [] : [[k, v]])),
        ) as Record<string, string | string[]>;
        const state: PageState = { error: err };
        sendPage(
          res,
          err.status,
          renderAccount(
            pc(req, res),
            state,
            await accountMailView(ctx, principalOf(res), langOf(req), typed),
          ),
        );
      }
    };

  router.post(
    '/account/mail',
    form,
    accountGuard,
    attempt(async (req, res) => {
      const b = req.body as Body;
      await setOwnMailSettings(
        ctx,
        who(req, res),
        { email: one(b, 'email'), language: one(b, 'language') },
        langOf(req),
      );
      back(req, res, 'mail-address');
    }),
  );
  router.post(
    '/account/subscriptions',
    form,
    accountGuard,
    attempt(async (req, res) => {
      await subscribe(ctx, who(req, res), formToSubscription(req.body as Body), langOf(req));
      back(req, res, 'mail-subscriptions');
    }),
  );
  router.post(
    '/account/subscriptions/:id/remove',
    form,
    accountGuard,
    attempt(async (req, res) => {
      await unsubscribeOwn(ctx, who(req, res), String(req.params.id ?? ''), langOf(req));
      back(req, res, 'mail-subscriptions');
    }),
  );

  router.get('/admin/mail', mailGuard, async (req, res) => {
    const lang = langOf(req);
    const page = Number(typeof req.query.page === 'string' ? req.query.page : 0);
    const overview = await mailOverview(ctx, who(req, res), lang, page);
    sendPage(
      res,
      200,
      renderMailOverview(pc(req, res), overview, req.query.saved ? { notice: adminTexts(lang).changed } : {}),
    );
  });
  return router;
}
