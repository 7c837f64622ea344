import { Router, type Response } from 'express';
import { z } from 'zod';
import { principalOf, requireReportReader, type AuthDeps } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { integrityTexts } from '../../i18n/integrity.js';
import { authorisedFilter } from '../authorise.js';
import { sessionCsrf } from '../../auth/session-csrf.js';
import { describeFilter, filterShape, langShape, parseQuery } from '../filters.js';
import { sendPage } from '../../http/ui/html.js';
import { renderMessagePage } from '../../http/ui/message-page.js';
import { renderIntegrityPage } from './page.js';
import { integritySignals } from './signals.js';

/** Who reads the integrity signals: they name agents, so auditors and administrators only. */
const INTEGRITY_ROLES: ReadonlySet<string> = new Set(['auditor', 'admin']);

export const integrityQuerySchema = z.strictObject({ ...filterShape, ...langShape });

function mayRead(res: Response): boolean {
  return INTEGRITY_ROLES.has(principalOf(res).role);
}

export function integrityRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const signalsFor = async (req: Parameters<typeof authorisedFilter>[1], res: Response) => {
    const { lang, ...query } = parseQuery(integrityQuerySchema, req.query);
    const filter = await authorisedFilter(ctx, req, principalOf(res), query);
    const report = await integritySignals(ctx.models, filter, {
      timeZone: ctx.config.timeZone,
      reopenDays: ctx.config.integrity.reopenDays,
    });
    return { lang: lang ?? 'ar', report };
  };

  router.get('/api/reports/integrity', requireReportReader(auth, 'api'), async (req, res) => {
    if (!mayRead(res))
      throw new HttpError(403, 'forbidden', 'integrity signals are for auditors and administrators');
    const { report } = await signalsFor(req, res);
    res.set('Cache-Control', 'no-store').json({
      filter: describeFilter(report.filter),
      reopenDays: report.reopenDays,
      definitions: report.definitions.map((d) => ({
        key: d.key,
        kind: d.kind,
        threshold: d.threshold,
        ...d.en,
        ar: d.ar,
      })),
      agents: report.agents,
      departments: report.departments,
    });
  });

  router.get('/audit/integrity', requireReportReader(auth, 'page'), async (req, res) => {
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    if (!mayRead(res)) {
      const t = integrityTexts(lang);
      return sendPage(
        res,
        403,
        renderMessagePage({
          lang,
          title: t.title,
          message: t.forbidden,
          path: '/audit/integrity',
          back: { href: '/', label: lang === 'ar' ? 'الصفحة الرئيسية' : 'Home' },
          principal: principalOf(res),
          csrf: sessionCsrf(ctx.config.admin.secretsKey, req) ?? '',
        }),
      );
    }
    const { report } = await signalsFor(req, res);
    const agents = await ctx.models.Agent.find(
      { agentId: { $in: report.agents.map((a) => a.key) } },
      { agentId: 1, displayName: 1 },
    ).lean();
    const names = new Map(agents.map((a) => [a.agentId, a.displayName || a.agentId]));
    sendPage(
      res,
      200,
      renderIntegrityPage(
        lang,
        report,
        { agent: (id) => names.get(id) ?? id },
        {
          principal: principalOf(res),
          csrf: sessionCsrf(ctx.config.admin.secretsKey, req) ?? '',
          sandbox: ctx.sandbox !== undefined,
        },
      ),
    );
  });
  return router;
}
