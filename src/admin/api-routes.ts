import express, { Router, type Request, type Response } from 'express';
import { principalOf, type AuthDeps } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { z } from 'zod';
import { HttpError, validationError } from '../http/errors.js';
import { parseAuditQuery, readAuditLog } from './audit-log.js';
import { requireAdmin } from './auth.js';
import type { Who } from './change-audit.js';
import { CSV_KINDS, exportDirectoryCsv, importDirectoryCsv, type CsvKind } from './csv-directory.js';
import {
  createAgency,
  createAgent,
  createDepartment,
  getAgency,
  listAgencies,
  listAgents,
  listDepartments,
  updateAgency,
  updateAgent,
  updateDepartment,
} from './directory.js';
import {
  createToken,
  forceReset,
  inviteUser,
  listTokens,
  listUsers,
  revokeToken,
  updateUser,
} from './people.js';
import { addUnknownCode, listUnknownCodes } from './unknown-codes.js';
import {
  listDeliveries,
  resendDelivery,
  retirePreviousSecrets,
  rotateSecret,
  sendTestEvent,
} from './webhook/secrets.js';

/**
 * The administration API. Same error shape, validation and scope rules as the pages (both call the
 * functions in this folder); a change answers with the record as stored, a secret only once.
 */

function param(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}

/** The directory CSV's query: which list, and (on upload) whether to only check it. */
export const directoryCsvQuerySchema = z
  .object({
    kind: z.enum(CSV_KINDS, { error: `must be one of ${CSV_KINDS.join(', ')}` }).default('agents'),
    dryRun: z
      .enum(['true', '1', 'false', '0'])
      .optional()
      .describe('true or 1: check the file, change nothing'),
  })
  .strict();

function csvQuery(req: Request): { kind: CsvKind; dryRun: boolean } {
  const q = directoryCsvQuerySchema.safeParse(req.query);
  if (!q.success) throw validationError(q.error, 'query', 400);
  return { kind: q.data.kind, dryRun: q.data.dryRun === 'true' || q.data.dryRun === '1' };
}

export function adminApiRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });
  const csv = express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' });
  const guard = requireAdmin(ctx, auth, 'api');
  const who = (req: Request, res: Response): Who => ({ p: principalOf(res), req });
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  router.use('/api/admin', json, csv, guard, (_req, res, next) => {
    noStore(res);
    next();
  });

  router.get('/api/admin/agencies', async (req, res) => {
    res.json({ agencies: await listAgencies(ctx, principalOf(res)) });
  });
  router.post('/api/admin/agencies', async (req, res) => {
    res.status(201).json(await createAgency(ctx, who(req, res), req.body));
  });
  router.get('/api/admin/agencies/:code', async (req, res) => {
    res.json({ agency: await getAgency(ctx, who(req, res), param(req, 'code')) });
  });
  router.patch('/api/admin/agencies/:code', async (req, res) => {
    res.json(await updateAgency(ctx, who(req, res), param(req, 'code'), req.body));
  });

  router.get('/api/admin/agencies/:code/departments', async (req, res) => {
    res.json({ departments: await listDepartments(ctx, who(req, res), param(req, 'code')) });
  });
  router.post('/api/admin/agencies/:code/departments', async (req, res) => {
    res
      .status(201)
      .json({ department: await createDepartment(ctx, who(req, res), param(req, 'code'), req.body) });
  });
  router.patch('/api/admin/agencies/:code/departments/:dept', async (req, res) => {
    res.json({
      department: await updateDepartment(
        ctx,
        who(req, res),
        param(req, 'code'),
        param(req, 'dept'),
        req.body,
      ),
    });
  });
  router.get('/api/admin/agencies/:code/agents', async (req, res) => {
    res.json({ agents: await listAgents(ctx, who(req, res), param(req, 'code')) });
  });
  router.post('/api/admin/agencies/:code/agents', async (req, res) => {
    res.status(201).json({ agent: await createAgent(ctx, who(req, res), param(req, 'code'), req.body) });
  });
  router.patch('/api/admin/agencies/:code/agents/:agent', async (req, res) => {
    res.json({
      agent: await updateAgent(ctx, who(req, res), param(req, 'code'), param(req, 'agent'), req.body),
    });
  });

  // CSV: GET exports, POST imports (body text/csv; ?dryRun=true changes nothing).
  router.get('/api/admin/agencies/:code/directory.csv', async (req, res) => {
    const { kind } = csvQuery(req);
    const body = await exportDirectoryCsv(ctx, who(req, res), param(req, 'code'), kind);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${param(req, 'code')}-${kind}.csv"`)
      .send(body);
  });
  router.post('/api/admin/agencies/:code/directory.csv', async (req, res) => {
    if (typeof req.body !== 'string')
      throw new HttpError(415, 'unsupported_media_type', 'Send the CSV as text/csv');
    const { kind, dryRun } = csvQuery(req);
    const report = await importDirectoryCsv(ctx, who(req, res), param(req, 'code'), kind, req.body, dryRun);
    res.status(report.problems.length > 0 ? 422 : dryRun ? 200 : 201).json({
      ...(report.problems.length > 0
        ? {
            error: 'validation_failed',
            message: `${report.problems.length} bad row(s); nothing was changed`,
            details: {
              fields: report.problems.map((p) => ({
                field: `line ${p.line}: ${p.field}`,
                message: p.message,
              })),
            },
          }
        : {}),
      report,
    });
  });

  router.post('/api/admin/agencies/:code/webhook/secret', async (req, res) => {
    res.status(201).json(await rotateSecret(ctx, who(req, res), param(req, 'code'), req.body));
  });
  router.post('/api/admin/agencies/:code/webhook/secret/retire-previous', async (req, res) => {
    await retirePreviousSecrets(ctx, who(req, res), param(req, 'code'));
    res.json({ agency: await getAgency(ctx, who(req, res), param(req, 'code')) });
  });
  router.post('/api/admin/agencies/:code/webhook/test', async (req, res) => {
    res.json({ delivery: await sendTestEvent(ctx, who(req, res), param(req, 'code')) });
  });
  router.get('/api/admin/agencies/:code/webhook/deliveries', async (req, res) => {
    res.json({ deliveries: await listDeliveries(ctx, who(req, res), param(req, 'code')) });
  });
  router.post('/api/admin/agencies/:code/webhook/deliveries/:id/resend', async (req, res) => {
    res.status(202).json(await resendDelivery(ctx, who(req, res), param(req, 'code'), param(req, 'id')));
  });

  router.get('/api/admin/users', async (req, res) => {
    res.json({ users: await listUsers(ctx, who(req, res)) });
  });
  router.post('/api/admin/users', async (req, res) => {
    res.status(201).json(await inviteUser(ctx, who(req, res), req.body));
  });
  router.patch('/api/admin/users/:username', async (req, res) => {
    res.json({ user: await updateUser(ctx, who(req, res), param(req, 'username'), req.body) });
  });
  router.post('/api/admin/users/:username/reset-password', async (req, res) => {
    res.json(await forceReset(ctx, who(req, res), param(req, 'username')));
  });

  router.get('/api/admin/tokens', async (req, res) => {
    res.json({ tokens: await listTokens(ctx, who(req, res)) });
  });
  router.post('/api/admin/tokens', async (req, res) => {
    const { token, view } = await createToken(ctx, who(req, res), req.body);
    res.status(201).json({ token, ...view });
  });
  router.delete('/api/admin/tokens/:id', async (req, res) => {
    res.json({ token: await revokeToken(ctx, who(req, res), param(req, 'id')) });
  });

  router.get('/api/admin/audit', async (req, res) => {
    res.json({ entries: await readAuditLog(ctx, who(req, res), parseAuditQuery(req.query)) });
  });
  router.get('/api/admin/unknown-codes', async (req, res) => {
    res.json({ unknown: await listUnknownCodes(ctx, who(req, res)) });
  });
  router.post('/api/admin/unknown-codes/add', async (req, res) => {
    res.status(201).json(await addUnknownCode(ctx, who(req, res), req.body));
  });
  return router;
}
