import type { Request } from 'express';
import type { Principal } from '../auth/api-tokens.js';
import { actorFields, writeAudit } from '../auth/audit.js';
import type { AppContext } from '../context.js';
import type { Role } from '../db/models/access.js';
import { HttpError } from '../http/errors.js';

/**
 * Who may administer what. admin: every agency, users and tokens of any role. agency_admin: only
 * the agency in its scope, and only users and tokens inside it. auditor: reads (the directory and
 * the audit log) and changes nothing.
 */

export const ADMIN_READERS: readonly Role[] = ['admin', 'agency_admin', 'auditor'];
export const ADMIN_WRITERS: readonly Role[] = ['admin', 'agency_admin'];

/** The agencies this principal may read: all (undefined) or the one in its scope. */
export function agencyLimit(p: Pick<Principal, 'role' | 'scope'>): string | undefined {
  return p.role === 'agency_admin' ? (p.scope.agency ?? '\u0000none') : undefined;
}

export function fieldError(status: number, code: string, field: string, message: string): HttpError {
  return new HttpError(status, code, `${field}: ${message}`, { fields: [{ field, message }] });
}

async function deny(ctx: AppContext, req: Request, p: Principal, reason: string, agency?: string) {
  await writeAudit(ctx, {
    ...actorFields(p),
    action: 'access_denied',
    outcome: 'denied',
    detail: { path: req.path, method: req.method, reason },
    ...(agency ? { agency } : {}),
    ...(req.ip ? { ip: req.ip } : {}),
  });
}

/** 403 naming the field `agency` (and audited) unless the principal may change this agency. */
export async function assertManages(
  ctx: AppContext,
  req: Request,
  p: Principal,
  agency: string,
): Promise<void> {
  if (p.role === 'admin') return;
  if (p.role === 'agency_admin' && p.scope.agency === agency) return;
  const reason =
    p.role === 'agency_admin'
      ? `agency ${agency} is not yours to manage (you manage ${p.scope.agency ?? 'none'})`
      : `role ${p.role} may not change the directory`;
  await deny(ctx, req, p, reason, agency);
  throw fieldError(403, 'forbidden', 'agency', reason);
}

/** 404 for an agency outside an agency admin's scope, so other agencies' codes are not revealed. */
export async function assertReads(
  ctx: AppContext,
  req: Request,
  p: Principal,
  agency: string,
): Promise<void> {
  const limit = agencyLimit(p);
  if (limit === undefined || limit === agency) return;
  await deny(ctx, req, p, `agency ${agency} is outside the agency admin's scope`, agency);
  throw fieldError(404, 'not_found', 'agency', `no agency ${agency}`);
}

export function assertWriter(p: Principal): void {
  if (!ADMIN_WRITERS.includes(p.role))
    throw new HttpError(403, 'forbidden', `Role ${p.role} may read administration data but not change it`);
}
