import { Router } from 'express';
import { z } from 'zod';
import { requireReportReader, type AuthDeps } from '../../auth/principal.js';
import { sessionCsrf } from '../../auth/session-csrf.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { authorisedFilter, principalOf } from '../authorise.js';
import { loadDashboard } from './dashboard-data.js';
import { renderDashboard, renderDashboardError, SORT_KEYS } from './dashboard-page.js';
import { filterShape, langShape, parseQuery } from '../filters.js';
import { sendPage } from './html.js';
import { publicBoardLoader, renderPublicBoard } from './public-page.js';

const dashboardQuerySchema = z.strictObject({
  ...filterShape,
  ...langShape,
  sort: z.enum(SORT_KEYS, { error: `must be one of ${SORT_KEYS.join(', ')}` }).optional(),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
});
const publicQuerySchema = z.strictObject(langShape);

/** An empty form field means "all": drop it rather than reject it as an empty code. */
function withoutEmpty(query: unknown): Record<string, unknown> {
  if (typeof query !== 'object' || query === null) return {};
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

export function reportsWebRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();

  router.get('/dashboard', requireReportReader(auth, 'page'), async (req, res) => {
    const principal = principalOf(res);
    const raw = withoutEmpty(req.query);
    const lang = raw.lang === 'en' ? 'en' : 'ar';
    try {
      const { lang: _lang, sort, dir, ...query } = parseQuery(dashboardQuerySchema, raw);
      const filter = await authorisedFilter(ctx, req, principal, query);
      const data = await loadDashboard(ctx.models, filter, ctx.config.reports.minN, lang);
      const sortKey = sort ?? 'rank';
      sendPage(
        res,
        200,
        renderDashboard(
          {
            lang,
            principal,
            sort: sortKey,
            dir: dir ?? (sortKey === 'rank' || sortKey === 'agent' ? 'asc' : 'desc'),
            csrf: sessionCsrf(ctx.config.admin.secretsKey, req) ?? '',
          },
          data,
        ),
      );
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 400 && err.status !== 403)) throw err;
      sendPage(res, err.status, renderDashboardError(lang, principal, err.status, err.message));
    }
  });

  if (ctx.config.reports.publicScoreboard) {
    const board = publicBoardLoader(ctx.models, {
      timeZone: ctx.config.timeZone,
      minN: ctx.config.reports.minN,
    });
    router.get('/public', async (req, res) => {
      const { lang } = parseQuery(publicQuerySchema, req.query);
      sendPage(res, 200, renderPublicBoard(lang ?? 'ar', await board()), { cache: 'public, max-age=60' });
    });
  }
  return router;
}
