import { MAX_AGE_MARGIN_HOURS } from '../../followup/agency-rules.js';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { principalOf, requireReportReader, type AuthDeps } from '../../auth/principal.js';
import { sessionCsrf } from '../../auth/session-csrf.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { loadDashboard } from './dashboard-data.js';
import { renderDashboard, renderDashboardError, SORT_KEYS } from './dashboard-page.js';
import { filterShape, langShape, parseQuery } from '../filters.js';
import { sendPage } from '../../http/ui/html.js';
import { loadDisputesView } from './disputes-view.js';
import { resolveNames } from './resolve-names.js';
import { loadDisputeReasons, loadEntityExtra, renderEntityPage, type EntityKind } from './entity-page.js';
import { loadVoiceComments, serveVoiceComment } from './voice-comments.js';
import { mayHearRecordings } from '../authorise.js';
import { filterLeniently, parseLeniently } from './lenient.js';
import {
  boardRange,
  cachedLoader,
  PUBLIC_DAYS,
  publicBoardLoader,
  renderPublicBoard,
} from './public-page.js';
import { renderMethodology } from './methodology-page.js';
import { placeOf } from '../../followup/schedule/prayer-times.js';
import { DAY_COUNT_COLUMNS, loadDayCounts } from '../open-data/day-counts.js';
import { loadPublicDisputeCounts } from '../open-data/dispute-counts.js';
import { csvLine, UTF8_BOM } from '../exports/csv.js';
import { addDays, localToday } from '../periods.js';

const dashboardQuerySchema = z.strictObject({
  ...filterShape,
  ...langShape,
  sort: z.enum(SORT_KEYS, { error: `must be one of ${SORT_KEYS.join(', ')}` }).optional(),
  dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
});
const publicQuerySchema = z.strictObject(langShape);
const noQuerySchema = z.strictObject({});

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
      const { query: named, problems } = await resolveNames(ctx.models, raw, lang);
      const { lang: _lang, sort, dir, ...query } = parseLeniently(dashboardQuerySchema, named, problems);
      const filter = await filterLeniently(ctx, req, principal, query, problems);
      const seesIntegrity = principal.role === 'auditor' || principal.role === 'admin';
      const [data, disputes] = await Promise.all([
        loadDashboard(ctx.models, filter, ctx.config.reports.minN, lang, {
          ...(seesIntegrity
            ? { integrity: { timeZone: ctx.config.timeZone, reopenDays: ctx.config.integrity.reopenDays } }
            : {}),
        }),
        loadDisputesView(ctx.models, filter),
      ]);
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
            problems,
            sandbox: ctx.sandbox !== undefined,
            today: localToday(ctx.config.timeZone),
            disputes,
          },
          data,
        ),
      );
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 400 && err.status !== 403)) throw err;
      sendPage(res, err.status, renderDashboardError(lang, principal, err.status, err.message));
    }
  });

  const entityQuerySchema = z.strictObject({
    from: filterShape.from,
    to: filterShape.to,
    ...langShape,
    q: z.string().max(100, 'at most 100 characters').optional(),
  });
  const entityPage =
    (kind: EntityKind) =>
    async (req: Request, res: Response): Promise<void> => {
      const principal = principalOf(res);
      const raw = withoutEmpty(req.query);
      const lang = raw.lang === 'en' ? 'en' : 'ar';
      const params = req.params as Record<string, string>;
      const typed =
        kind === 'agent'
          ? { agent: params.code }
          : kind === 'agency'
            ? { agency: params.code }
            : { agency: params.agency, department: params.code };
      try {
        const { query: named, problems } = await resolveNames(ctx.models, typed, lang);
        if (problems.length > 0)
          throw new HttpError(404, 'not_found', problems.map((p) => p.message).join(' '));
        const { lang: _l, q, ...dates } = parseLeniently(entityQuerySchema, raw, problems);
        const filter = await filterLeniently(ctx, req, principal, { ...dates, ...named }, problems);
        const seesIntegrity = principal.role === 'auditor' || principal.role === 'admin';
        const [data, extra, disputes, voiceComments, place] = await Promise.all([
          loadDashboard(ctx.models, filter, ctx.config.reports.minN, lang, {
            ...(seesIntegrity
              ? { integrity: { timeZone: ctx.config.timeZone, reopenDays: ctx.config.integrity.reopenDays } }
              : {}),
          }),
          loadEntityExtra(ctx.models, filter, ctx.config.reports.minN, q ?? ''),
          loadDisputesView(ctx.models, filter),
          loadVoiceComments(ctx.models, filter),
          // Where an agent sits, for the breadcrumbs (the figures are kept by agent id alone).
          kind === 'agent' && filter.agent !== undefined
            ? ctx.models.Agent.findOne({ agentId: filter.agent }, { agency: 1, department: 1 }).lean()
            : Promise.resolve(null),
        ]);
        const disputeReasons = await loadDisputeReasons(ctx.models, disputes.recent);
        const code =
          kind === 'agent'
            ? (filter.agent ?? '')
            : kind === 'agency'
              ? (filter.agency ?? '')
              : (filter.department ?? '');
        const name =
          kind === 'agent'
            ? data.names.agent(code)
            : kind === 'agency'
              ? data.names.agency(code)
              : data.names.department(filter.agency, code);
        sendPage(
          res,
          200,
          renderEntityPage({
            lang,
            principal,
            csrf: sessionCsrf(ctx.config.admin.secretsKey, req) ?? '',
            kind,
            code,
            name,
            path: req.path,
            data,
            extra,
            disputes,
            disputeReasons,
            place: {
              agency: place?.agency ?? filter.agency,
              department: place?.department ?? filter.department,
            },
            voice: { comments: voiceComments, mayHear: mayHearRecordings(principal.role) },
            problems,
            today: localToday(ctx.config.timeZone),
            sandbox: ctx.sandbox !== undefined,
          }),
        );
      } catch (err) {
        if (!(err instanceof HttpError) || ![400, 403, 404].includes(err.status)) throw err;
        sendPage(res, err.status, renderDashboardError(lang, principal, err.status, err.message));
      }
    };
  router.get('/reports/agent/:code', requireReportReader(auth, 'page'), entityPage('agent'));
  router.get('/reports/agency/:code', requireReportReader(auth, 'page'), entityPage('agency'));
  router.get(
    '/reports/department/:agency/:code',
    requireReportReader(auth, 'page'),
    entityPage('department'),
  );

  router.get('/reports/voice/:id', requireReportReader(auth, 'page'), async (req, res) => {
    try {
      await serveVoiceComment(ctx, req, res, principalOf(res));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      res.status(err.status).type('text/plain').send(err.message);
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
    router.get('/public/methodology', async (req, res) => {
      const { lang } = parseQuery(publicQuerySchema, req.query);
      const { computedAt } = await board();
      const policy = ctx.config.followUp.policy;
      const page = renderMethodology(lang ?? 'ar', {
        delayHours: ctx.config.followUp.delayHours,
        sendWindow: ctx.config.followUp.sendWindow,
        sendDays: ctx.config.followUp.sendDays,
        prayers: placeOf(policy.prayerCity)
          ? {
              place: policy.prayerCity,
              beforeMinutes: policy.prayerPauseBeforeMinutes,
              afterMinutes: policy.prayerPauseAfterMinutes,
            }
          : null,
        ramadanWindow: policy.ramadanSendWindow === 'off' ? null : policy.ramadanSendWindow,
        contactMinDays: policy.contactMinDays,
        maxAgeHours: ctx.config.followUp.maxAgeHours ?? ctx.config.followUp.delayHours + MAX_AGE_MARGIN_HOURS,
        sampleRate: policy.sampleRate,
        agencyRates: policy.agencySampleRates.size,
        minN: ctx.config.reports.minN,
        boardDays: PUBLIC_DAYS,
        updatedAt: computedAt,
      });
      sendPage(res, 200, page, { cache: 'public, max-age=60' });
    });
    // The counts behind the board, read once a minute like the board itself.
    const counts = cachedLoader(async () => {
      const range = boardRange(localToday(ctx.config.timeZone));
      return { ...range, rows: await loadDayCounts(ctx.models, range.from, range.to) };
    });
    router.get('/public/counts.json', async (req, res) => {
      parseQuery(noQuerySchema, req.query);
      const c = await counts();
      res
        .set({
          'Cache-Control': 'public, max-age=60',
          'Content-Disposition': `attachment; filename="verisat-day-counts_${c.from}_${c.to}.json"`,
        })
        .json({
          from: c.from,
          to: c.to,
          timeZone: ctx.config.timeZone,
          minN: ctx.config.reports.minN,
          columns: DAY_COUNT_COLUMNS,
          rows: c.rows,
        });
    });
    // Disputes and the share acted on in time, per agency, over the board's days (docs/reports.md).
    const disputeCounts = cachedLoader(async () => {
      const to = localToday(ctx.config.timeZone);
      const from = addDays(to, -(PUBLIC_DAYS - 1));
      return { from, to, rows: await loadPublicDisputeCounts(ctx.models, from, to) };
    });
    router.get('/public/disputes.json', async (req, res) => {
      parseQuery(noQuerySchema, req.query);
      const d = await disputeCounts();
      res
        .set('Cache-Control', 'public, max-age=60')
        .json({ from: d.from, to: d.to, timeZone: ctx.config.timeZone, agencies: d.rows });
    });
    router.get('/public/counts.csv', async (req, res) => {
      parseQuery(noQuerySchema, req.query);
      const c = await counts();
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Cache-Control': 'public, max-age=60',
        'Content-Disposition': `attachment; filename="verisat-day-counts_${c.from}_${c.to}.csv"`,
      });
      res.send(
        UTF8_BOM +
          csvLine(DAY_COUNT_COLUMNS) +
          c.rows.map((r) => csvLine(DAY_COUNT_COLUMNS.map((k) => r[k]))).join(''),
      );
    });
  }
  return router;
}
