import type { Request } from 'express';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../log.js';
import type { Principal } from './api-tokens.js';

/**
 * The audit log: who signed in, who failed to, who exported what (filter and row count), and who was
 * refused data outside their scope. Entries are written to MongoDB; a failed write is logged loudly
 * but does not fail the request that caused it.
 */

export type AuditAction = 'login' | 'login_failed' | 'login_limited' | 'logout' | 'export' | 'access_denied';

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
  rows?: number;
  ip?: string;
}

export function actorOf(principal: Pick<Principal, 'kind' | 'name'>): string {
  return `${principal.kind}:${principal.name}`;
}

export function clientIp(req: Request): string | undefined {
  return req.ip;
}

export async function writeAudit(deps: { models: Models; log: Logger }, entry: AuditEntry): Promise<void> {
  try {
    await deps.models.AuditLog.create({ at: new Date(), outcome: 'ok', ...entry });
  } catch (err) {
    deps.log.error({ err, action: entry.action, actor: entry.actor }, 'could not write audit log entry');
  }
}
