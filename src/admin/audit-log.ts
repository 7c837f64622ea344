import { z } from 'zod';
import type { AppContext } from '../context.js';
import { HttpError, validationError } from '../http/errors.js';
import type { Who } from './change-audit.js';
import { codeSchema } from './schemas.js';

/** Reading the audit log: admins and auditors see every entry, an agency admin its agency's. */

export const auditQuerySchema = z
  .object({
    actor: z.string().trim().max(100).optional(),
    action: z
      .string()
      .trim()
      .regex(/^[a-z_.]{1,60}$/, 'an action such as admin.agency.update')
      .optional(),
    agency: codeSchema.optional(),
    from: z.iso.date({ error: 'YYYY-MM-DD' }).optional(),
    to: z.iso.date({ error: 'YYYY-MM-DD' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export function parseAuditQuery(raw: unknown): AuditQuery {
  const cleaned =
    typeof raw === 'object' && raw !== null
      ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''))
      : {};
  delete (cleaned as Record<string, unknown>).lang;
  const r = auditQuerySchema.safeParse(cleaned);
  if (!r.success) throw validationError(r.error, 'query', 400, cleaned);
  return r.data;
}

export async function readAuditLog(ctx: AppContext, who: Who, q: AuditQuery) {
  if (!['admin', 'auditor', 'agency_admin'].includes(who.p.role))
    throw new HttpError(403, 'forbidden', `Role ${who.p.role} may not read the audit log`);
  const filter: Record<string, unknown> = {};
  if (who.p.role === 'agency_admin') {
    if (q.agency !== undefined && q.agency !== who.p.scope.agency)
      throw new HttpError(403, 'forbidden', `agency: ${q.agency} is outside your scope`, {
        fields: [{ field: 'agency', message: 'outside your scope' }],
      });
    filter.agency = who.p.scope.agency ?? '\u0000none';
  } else if (q.agency) filter.agency = q.agency;
  // Exact matches only: a filter is never a regular expression a reader could make expensive.
  // An id (`user:<id>`) or a name: entries name their actor by id with the name beside it; older
  // entries named it `user:<name>`.
  if (q.actor)
    Object.assign(
      filter,
      q.actor.includes(':')
        ? { actor: q.actor }
        : { $or: [{ actorName: q.actor }, { actor: { $in: [`user:${q.actor}`, `token:${q.actor}`] } }] },
    );
  if (q.action) filter.action = q.action;
  if (q.from || q.to)
    filter.at = {
      ...(q.from ? { $gte: new Date(`${q.from}T00:00:00Z`) } : {}),
      ...(q.to ? { $lt: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
    };
  const docs = await ctx.models.AuditLog.find(filter).sort({ at: -1 }).limit(q.limit).lean();
  return docs.map((d) => ({
    at: d.at.toISOString(),
    actor: d.actor,
    actorName: d.actorName ?? null,
    attemptedName: d.attemptedName ?? null,
    action: d.action,
    outcome: d.outcome ?? 'ok',
    agency: d.agency ?? null,
    target: d.target ?? null,
    before: (d.before as unknown) ?? null,
    after: (d.after as unknown) ?? null,
    detail: (d.detail as unknown) ?? null,
    ip: d.ip ?? null,
  }));
}
