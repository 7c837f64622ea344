import type { Request } from 'express';
import type { Principal } from '../auth/api-tokens.js';
import { actorOf, writeAudit } from '../auth/audit.js';
import { applyScope, seesPhoneNumbers } from '../auth/roles.js';
import type { Role } from '../db/models/access.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { assertKnownValues } from './sums/aggregate.js';
import { describeFilter, resolveFilter, type ReportFilter, type exportQuerySchema } from './filters.js';
import type { z } from 'zod';

/**
 * Turns a validated query into the filter this principal may run: default range and its limits
 * (400), the principal's scope (403, written to the audit log), and names that exist (400).
 */
export async function authorisedFilter(
  ctx: AppContext,
  req: Request,
  principal: Principal,
  query: Omit<z.infer<typeof exportQuerySchema>, 'lang'>,
  opts: { defaultDays?: number } = {},
): Promise<ReportFilter> {
  const requested = resolveFilter(query, {
    timeZone: ctx.config.timeZone,
    maxRangeDays: ctx.config.reports.maxRangeDays,
    ...(opts.defaultDays !== undefined ? { defaultDays: opts.defaultDays } : {}),
  });
  const decision = applyScope(principal, requested);
  if (!decision.allowed) {
    await writeAudit(ctx, {
      actor: actorOf(principal),
      action: 'access_denied',
      outcome: 'denied',
      detail: {
        path: req.path,
        filter: describeFilter(requested),
        reason: decision.reason,
        scope: principal.scope,
      },
      ...(req.ip ? { ip: req.ip } : {}),
    });
    throw new HttpError(403, 'forbidden', `Outside your scope: ${decision.reason}`);
  }
  await assertKnownValues(ctx.models, decision.filter);
  return decision.filter;
}

/**
 * Who may hear a citizen's recorded voice comment: the roles that see personal data in clear
 * (auth/roles.ts seesPhoneNumbers, administrators). A voice identifies a citizen as surely as the
 * number does, so it follows the same rule; other readers see that a voice comment exists.
 */
export function mayHearRecordings(role: Role): boolean {
  return seesPhoneNumbers(role);
}
