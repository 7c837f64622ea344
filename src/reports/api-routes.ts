import { z } from 'zod';
import { Router, type Request, type Response } from 'express';
import { actorOf, writeAudit } from '../auth/audit.js';
import { principalOf, requireReportReader, type AuthDeps } from '../auth/principal.js';
import { seesPhoneNumbers } from '../auth/roles.js';
import type { AppContext } from '../context.js';
import { buildSummary, type ReportGroup } from './sums/aggregate.js';
import { authorisedFilter } from './authorise.js';
import { SCORE_PROJECTION, rowMapper, type ScoreDoc } from './exports/export-rows.js';
import { CONTENT_TYPES, EXPORT_FORMATS, writeExport, type ExportFormat } from './exports/export-stream.js';
import {
  describeFilter,
  exportQuerySchema,
  parseQuery,
  scoreMatch,
  summaryQuerySchema,
  type ReportFilter,
} from './filters.js';
import { METRIC_DEFINITIONS, type Metrics } from './sums/metrics.js';
import { summaryCsv, summaryRows } from './exports/summary-export.js';
import { filterShape, langShape } from './filters.js';
import type { ComparisonSummary } from './stats/comparison.js';
import { buildDisputeSummary, DISPUTE_GROUP_BYS } from './disputes/summary.js';

export const summaryExportQuerySchema = summaryQuerySchema.extend(langShape);

// Disputes have no channel (the reopen is the agency's, whatever channel the citizen answered on).
const { channel: _channel, ...disputeFilterShape } = filterShape;
export const disputesQuerySchema = z.strictObject({
  ...disputeFilterShape,
  groupBy: z.enum(DISPUTE_GROUP_BYS, { error: `must be one of ${DISPUTE_GROUP_BYS.join(', ')}` }).optional(),
});

/** The figures of one group as the API returns them; `low_n` groups carry no rank. */
export function metricsJson(m: Metrics, lowN: boolean) {
  return {
    closures: m.closures,
    sent: m.sent,
    messagesDelivered: m.delivered,
    answers: m.answers,
    verifiedResolutionRate: m.verifiedResolutionRate,
    falseClosureRate: m.falseClosureRate,
    responseRate: m.responseRate,
    csat: m.csat,
    meanRating: m.meanRating,
    postCallRatingMean: m.postCallRatingMean,
    brushOffGap: m.brushOffGap,
    ratingDistribution: m.ratingDistribution,
    chainOfCounts: m.chain,
    low_n: lowN,
  };
}

export function groupJson(g: ReportGroup) {
  return {
    key: g.key,
    ...(g.agency !== undefined ? { agency: g.agency } : {}),
    ...(g.department !== undefined ? { department: g.department } : {}),
    ...(g.agent !== undefined ? { agent: g.agent } : {}),
    ...(g.period !== undefined ? { period: g.period } : {}),
    /** Position by the pessimistic bound (stats/comparison.ts); every ranked group has its own. */
    rank: g.rank,
    /** 95% interval of the rank from posterior simulation; null when not ranked. */
    rankInterval: g.rankInterval,
    /** Above, within or below expected on the funnel plot, with its limits at this n. */
    funnel: g.funnel,
    ...metricsJson(g.metrics, g.lowN),
  };
}

/** JSON has no Infinity: the threshold of a test that could not be run is null. */
export function comparisonJson(c: ComparisonSummary) {
  return {
    ...c,
    overdispersion: {
      ...c.overdispersion,
      threshold: Number.isFinite(c.overdispersion.threshold) ? c.overdispersion.threshold : null,
    },
  };
}

export function exportFileName(filter: ReportFilter, format: ExportFormat): string {
  const ext = format === 'json' ? 'ndjson' : format;
  const scope = [filter.agency, filter.department, filter.agent]
    .filter(Boolean)
    .join('_')
    .replace(/[^A-Za-z0-9_.-]/g, '');
  return `verisat-scores_${filter.from}_${filter.to}${scope ? `_${scope}` : ''}.${ext}`;
}

async function runExport(ctx: AppContext, req: Request, res: Response, format: ExportFormat): Promise<void> {
  const principal = principalOf(res);
  const { lang: langParam, ...query } = parseQuery(exportQuerySchema, req.query);
  const lang = langParam ?? 'ar';
  const filter = await authorisedFilter(ctx, req, principal, query);
  const showPhones = seesPhoneNumbers(principal.role);

  res.status(200).set({
    'Content-Type': CONTENT_TYPES[format],
    'Content-Disposition': `attachment; filename="${exportFileName(filter, format)}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const cursor = ctx.models.VerifiedScore.collection.find<ScoreDoc>(scoreMatch(filter), {
    projection: SCORE_PROJECTION,
    batchSize: 2000,
  });
  const audit = (rows: number, aborted: boolean) =>
    writeAudit(ctx, {
      actor: actorOf(principal),
      action: 'export',
      outcome: aborted ? 'failed' : 'ok',
      rows,
      detail: {
        format,
        lang,
        filter: describeFilter(filter),
        phonesMasked: !showPhones,
        ...(aborted ? { aborted: true } : {}),
      },
      ...(req.ip ? { ip: req.ip } : {}),
    });
  // Counted as rows are mapped, so an export cut short is audited with what was actually sent.
  let rows = 0;
  let audited = false;
  const mapRow = rowMapper({ timeZone: ctx.config.timeZone, showPhones });
  try {
    const result = await writeExport(format, res, {
      docs: cursor,
      mapRow: (doc) => {
        rows += 1;
        return mapRow(doc);
      },
      lang,
      signal: abort.signal,
      // The audit entry is written before the last bytes go out: a complete file implies an entry.
      beforeFinish: async (n) => {
        audited = true;
        await audit(n, false);
      },
    });
    if (result.aborted && !audited) await audit(rows, true);
  } catch (err) {
    if (!abort.signal.aborted) ctx.log.error({ err, format }, 'export failed part-way');
    if (!res.destroyed) res.destroy();
    if (!audited) await audit(rows, true);
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

export function reportsApiRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const reader = requireReportReader(auth, 'api');

  router.get('/api/reports/summary', reader, async (req, res) => {
    const principal = principalOf(res);
    const { groupBy, ...query } = parseQuery(summaryQuerySchema, req.query);
    const filter = await authorisedFilter(ctx, req, principal, query);
    const summary = await buildSummary(ctx.models, filter, groupBy ?? null, ctx.config.reports.minN);
    res.set('Cache-Control', 'no-store').json({
      filter: describeFilter(filter),
      timeZone: ctx.config.timeZone,
      groupBy: summary.groupBy,
      weekStart: 'sunday',
      minN: summary.minN,
      overall: metricsJson(summary.overall.metrics, summary.overall.lowN),
      groups: summary.groups.map(groupJson),
      /** How the groups were compared: funnel target, overdispersion, order, draws and seed. */
      comparison: summary.comparison ? comparisonJson(summary.comparison) : null,
      definitions: METRIC_DEFINITIONS.map((d) => ({
        key: d.key,
        name: d.en.name,
        definition: d.en.definition,
        ar: d.ar,
      })),
    });
  });

  // What agencies did after disputed closures (reports/disputes, docs/reports.md "Disputes").
  router.get('/api/reports/disputes', reader, async (req, res) => {
    const principal = principalOf(res);
    const { groupBy, ...query } = parseQuery(disputesQuerySchema, req.query);
    const filter = await authorisedFilter(ctx, req, principal, query);
    const by = groupBy ?? 'agency';
    const summary = await buildDisputeSummary(ctx.models, filter, by);
    res.set('Cache-Control', 'no-store').json({
      filter: describeFilter(filter),
      timeZone: ctx.config.timeZone,
      groupBy: by,
      overall: summary.overall,
      groups: summary.groups,
    });
  });

  // The summary as a file: every rate with its interval, n and rank (exports/summary-export.ts).
  for (const format of ['csv', 'json'] as const) {
    router.get(`/api/exports/summary.${format}`, reader, async (req, res) => {
      const principal = principalOf(res);
      const { groupBy, lang, ...query } = parseQuery(summaryExportQuerySchema, req.query);
      const filter = await authorisedFilter(ctx, req, principal, query);
      const summary = await buildSummary(ctx.models, filter, groupBy ?? null, ctx.config.reports.minN);
      const rows = summaryRows(summary);
      await writeAudit(ctx, {
        actor: actorOf(principal),
        action: 'export',
        rows: rows.length,
        detail: { format, kind: 'summary', groupBy: groupBy ?? null, filter: describeFilter(filter) },
        ...(req.ip ? { ip: req.ip } : {}),
      });
      const name = `verisat-summary_${filter.from}_${filter.to}${groupBy ? `_${groupBy}` : ''}.${format}`;
      res.set({ 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${name}"` });
      if (format === 'json') {
        res.json({
          filter: describeFilter(filter),
          groupBy: groupBy ?? null,
          minN: summary.minN,
          comparison: summary.comparison ? comparisonJson(summary.comparison) : null,
          rows,
        });
        return;
      }
      res.type('text/csv; charset=utf-8').send(summaryCsv(summary, lang ?? 'ar'));
    });
  }

  for (const format of EXPORT_FORMATS) {
    router.get(`/api/exports/scores.${format}`, reader, (req, res) => runExport(ctx, req, res, format));
  }
  return router;
}
