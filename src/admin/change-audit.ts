import type { Request } from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/api-tokens.js';
import { actorFields, writeAudit } from '../auth/audit.js';
import type { AppContext } from '../context.js';
import { validationError } from '../http/errors.js';

/** Who makes a change (the principal and the request it came with, for the audit log). */
export interface Who {
  p: Principal;
  req: Request;
}

export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(r.error, 'body', 422, input);
  return r.data;
}

/** One audit entry per administrative change: who, what, the record before and after (redacted). */
export async function auditChange(
  ctx: AppContext,
  who: Who,
  action: string,
  agency: string | undefined,
  target: string,
  before: unknown,
  after: unknown,
  detail?: Record<string, unknown>,
): Promise<void> {
  await writeAudit(ctx, {
    ...actorFields(who.p),
    action: `admin.${action}`,
    ...(agency ? { agency } : {}),
    target,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(detail ? { detail } : {}),
    ...(who.req.ip ? { ip: who.req.ip } : {}),
  });
}
