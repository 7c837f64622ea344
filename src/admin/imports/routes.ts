import { readFileSync } from 'node:fs';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { principalOf, type AuthDeps } from '../../auth/principal.js';
import type { Principal } from '../../auth/api-tokens.js';
import type { AppContext } from '../../context.js';
import type { Role } from '../../db/models/access.js';
import { HttpError, validationError } from '../../http/errors.js';
import { PAGE_CSP_WITH_OWN_SCRIPT } from '../../http/page-policy.js';
import { csvLine, UTF8_BOM } from '../../reports/exports/csv.js';
import { IMPORT_FIELDS, type ImportField } from '../../tickets/imports/headers.js';
import { assertManages, fieldError } from '../access.js';
import { requireAdmin } from '../auth.js';
import { renderImportsPage } from './page.js';
import { formatOf, importClosures, importFilter, mappingOf, viewImport } from './service.js';

/**
 * Closures from a file (issue 26.1): POST /api/imports/closures and its record, result file and the
 * agency's column names under /api/imports, and the page at /admin/imports. Agency administrators
 * and admins, each within their agency.
 */

const IMPORT_ROLES: readonly Role[] = ['admin', 'agency_admin'];
const CLIENT_SCRIPT = readFileSync(new URL('./imports.client.js', import.meta.url), 'utf8');

export const agencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an agency code: 1–64 letters, digits, . _ -');

export const mappingBody = z
  .object({
    columns: z
      .record(z.string().trim().min(1).max(200), z.enum(IMPORT_FIELDS))
      .refine((c) => Object.keys(c).length <= 50, 'at most 50 names'),
  })
  .strict();

function queryValue(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The agency an upload or a mapping is for: named (and the uploader's to manage) or the uploader's own. */
async function agencyFor(
  ctx: AppContext,
  req: Request,
  p: Principal,
  named: string | undefined,
): Promise<string | undefined> {
  if (named === undefined) return p.role === 'admin' ? undefined : (p.scope.agency ?? '\u0000none');
  const code = agencyCode.safeParse(named);
  if (!code.success)
    throw fieldError(400, 'validation_failed', 'agency', code.error.issues[0]?.message ?? 'invalid');
  await assertManages(ctx, req, p, code.data);
  return code.data;
}

export function importsRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const api = requireAdmin(ctx, auth, 'api', IMPORT_ROLES);
  const page = requireAdmin(ctx, auth, 'page', IMPORT_ROLES);
  const json = express.json({ limit: '32kb' });
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  router.use('/api/imports', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/api/imports/closures', api, async (req, res) => {
    const p = principalOf(res);
    // Refused before a byte of the body is read: the type, the size the client declared, the agency.
    const format = formatOf(req.get('content-type'));
    const declared = req.get('content-length');
    const limit = ctx.config.imports.maxBytes;
    if (declared !== undefined && Number(declared) > limit)
      throw new HttpError(
        413,
        'too_large',
        `The file is ${declared} bytes, over the ${limit}-byte limit (IMPORT_MAX_BYTES)`,
      );
    const agency = await agencyFor(ctx, req, p, queryValue(req, 'agency'));
    const dryRun = ['1', 'true', 'yes'].includes(queryValue(req, 'dryRun') ?? '');
    const crash = ctx.config.env === 'test' ? Number(req.get('x-test-crash-after-batches') ?? NaN) : NaN;
    const answer = await importClosures(ctx, {
      principal: p,
      format,
      body: req,
      ...(agency ? { agency } : {}),
      dryRun,
      ...(Number.isInteger(crash) ? { crashAfterBatches: crash } : {}),
    });
    res.status(200).json(answer);
  });

  router.get('/api/imports', api, async (req, res) => {
    const p = principalOf(res);
    const since = queryValue(req, 'since');
    const sinceDate = since ? new Date(since) : undefined;
    const filter = {
      ...importFilter(p),
      ...(sinceDate && !Number.isNaN(sinceDate.getTime()) ? { startedAt: { $gte: sinceDate } } : {}),
    };
    const docs = await ctx.models.ClosureImport.find(filter).sort({ startedAt: -1 }).limit(50).lean();
    res.json({ imports: docs.map((d) => viewImport(d)) });
  });

  router.get('/api/imports/mappings/:agency', api, async (req, res) => {
    const agency = await agencyFor(ctx, req, principalOf(res), String(req.params.agency));
    res.json({ agency, columns: await mappingOf(ctx, agency) });
  });

  router.put('/api/imports/mappings/:agency', api, json, async (req, res) => {
    const p = principalOf(res);
    const agency = await agencyFor(ctx, req, p, String(req.params.agency));
    const body = mappingBody.safeParse(req.body);
    if (!body.success) throw validationError(body.error, 'body');
    await saveMapping(ctx, agency ?? '', body.data.columns, p);
    res.json({ agency, columns: await mappingOf(ctx, agency) });
  });

  router.get('/api/imports/:id', api, async (req, res) => {
    const doc = await ctx.models.ClosureImport.findOne(
      importFilter(principalOf(res), String(req.params.id)),
    ).lean();
    if (!doc) throw new HttpError(404, 'not_found', `No import ${String(req.params.id)}`);
    res.json({ import: viewImport(doc) });
  });

  router.get('/api/imports/:id/result.csv', api, async (req, res) => {
    const id = String(req.params.id);
    const doc = await ctx.models.ClosureImport.findOne(importFilter(principalOf(res), id)).lean();
    if (!doc) throw new HttpError(404, 'not_found', `No import ${id}`);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="import-${id}.csv"`,
    });
    res.write(UTF8_BOM + csvLine(['line', 'status', 'ticket_ref', 'column', 'reason']));
    const cursor = ctx.models.ImportRow.find({ importId: id }).sort({ line: 1 }).lean().cursor();
    for await (const r of cursor) {
      const chunk = csvLine([r.line, r.status, r.ticketRef ?? '', r.column ?? '', r.reason ?? '']);
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.get('/admin/imports/imports.js', (_req, res) => {
    res.status(200).set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.send(CLIENT_SCRIPT);
  });

  router.get('/admin/imports', page, async (req, res) => {
    const p = principalOf(res);
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    const agency = await agencyFor(ctx, req, p, queryValue(req, 'agency'));
    const docs = await ctx.models.ClosureImport.find(importFilter(p))
      .sort({ startedAt: -1 })
      .limit(20)
      .lean();
    const html = renderImportsPage({
      lang,
      principal: p,
      csrf: res.locals.csrf ?? '',
      agency: agency === '\u0000none' ? undefined : agency,
      mapping: await mappingOf(ctx, agency),
      imports: docs.map((d) => viewImport(d)),
      saved: req.query.saved === '1',
    });
    res
      .status(200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_CSP_WITH_OWN_SCRIPT,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'same-origin',
        'Cache-Control': 'no-store',
      })
      .send(html);
  });

  router.post('/admin/imports/mapping', form, page, async (req, res) => {
    const p = principalOf(res);
    const body = req.body as Record<string, unknown>;
    const agency = await agencyFor(ctx, req, p, typeof body.agency === 'string' ? body.agency : undefined);
    const list = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    const headers = list(body.header);
    const fields = list(body.field);
    const columns: Record<string, string> = {};
    headers.forEach((h, i) => {
      const f = fields[i] ?? '';
      if (h.trim() !== '' && f !== '') columns[h.trim()] = f;
    });
    const parsed = mappingBody.safeParse({ columns });
    if (!parsed.success) throw validationError(parsed.error, 'body');
    await saveMapping(ctx, agency ?? '', parsed.data.columns, p);
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    const q = new URLSearchParams({ lang, saved: '1', ...(p.role === 'admin' && agency ? { agency } : {}) });
    res.redirect(303, `/admin/imports?${q.toString()}`);
  });

  return router;
}

async function saveMapping(
  ctx: AppContext,
  agency: string,
  columns: Record<string, ImportField>,
  p: Principal,
): Promise<void> {
  if (agency === '' || agency === '\u0000none')
    throw fieldError(400, 'validation_failed', 'agency', 'name the agency whose column names these are');
  await ctx.models.ImportMapping.updateOne(
    { _id: agency },
    {
      $set: {
        columns: Object.entries(columns).map(([header, field]) => ({ header, field })),
        updatedBy: p.name,
      },
    },
    { upsert: true },
  );
}
