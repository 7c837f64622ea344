import { sealAuditRecord, type SealDeps } from '../audit-chain/seal.js';
import type { Principal } from './api-tokens.js';
import { escapeName } from './names.js';

/**
 * The audit log: who signed in, who failed to, who exported what (filter and row count), and who was
 * refused data outside their scope. Entries are written to MongoDB; a failed write is logged loudly
 * but does not fail the request that caused it.
 */

export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'login_limited'
  /** Too many wrong current passwords on /account. */
  | 'password_change_limited'
  | 'logout'
  | 'export'
  | 'access_denied'
  /** Changes made through the administration API and pages (src/admin/). */
  | `admin.${string}`;

export interface AuditEntry {
  /**
   * Who acted, by id (`user:<id>`, `token:<id>`) or a fixed name (`system`, `anonymous`): names can be
   * chosen, repeated and changed, ids cannot.
   */
  actor: string;
  /** The actor's name when it acted, escaped, for readers; filled in from the id when not given. */
  actorName?: string;
  /** The name a failed sign-in gave, escaped; never an actor (anyone can type any name). */
  attemptedName?: string;
  action: AuditAction;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
  rows?: number;
  ip?: string;
  /** The agency a change concerns (an agency admin reads its own agency's entries). */
  agency?: string;
  /** What changed, e.g. `agency:MOH`, `user:sara`, `token:vst_ab12cd`. */
  target?: string;
  before?: unknown;
  after?: unknown;
}

/** Field names whose values never reach the audit log, whatever record they sit in. */
const SECRET_KEYS = /secret|password|token|ciphertext|hash/i;

/**
 * A copy with every secret-looking field replaced by "[redacted]", so before/after snapshots can be
 * written whole without a secret ever reaching the audit log. Dates become ISO strings.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 6) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object') {
    if ('toHexString' in value && typeof value.toHexString === 'function')
      return String((value as { toHexString(): string }).toHexString());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__v' || k === '_id') continue;
      out[k] =
        SECRET_KEYS.test(k) && v !== undefined && v !== null ? '[redacted]' : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

export function actorOf(principal: Pick<Principal, 'kind' | 'id'>): string {
  return `${principal.kind}:${principal.id}`;
}

/** The actor's id and its name, escaped, for an audit entry. */
export function actorFields(
  principal: Pick<Principal, 'kind' | 'id' | 'name'>,
): Pick<AuditEntry, 'actor' | 'actorName'> {
  return { actor: actorOf(principal), actorName: escapeName(principal.name, 80) };
}

/** The name behind an id-form actor, for writers that passed only the actor. */
async function nameOfActor(deps: SealDeps, actor: string): Promise<string | undefined> {
  const m = /^(user|token):([0-9a-f]{24})$/.exec(actor);
  if (!m?.[2]) return undefined;
  const doc =
    m[1] === 'user'
      ? await deps.models.User.findById(m[2], { username: 1 }).lean()
      : await deps.models.ApiToken.findById(m[2], { name: 1 }).lean();
  const name = doc && ('username' in doc ? doc.username : 'name' in doc ? doc.name : undefined);
  return typeof name === 'string' ? escapeName(name, 80) : undefined;
}

export async function writeAudit(deps: SealDeps, entry: AuditEntry): Promise<void> {
  try {
    const { before, after, ...rest } = entry;
    const actorName = entry.actorName ?? (await nameOfActor(deps, entry.actor));
    const created = await deps.models.AuditLog.create({
      at: new Date(),
      outcome: 'ok',
      ...rest,
      ...(actorName !== undefined ? { actorName } : {}),
      ...(before !== undefined ? { before: redactSecrets(before) } : {}),
      ...(after !== undefined ? { after: redactSecrets(after) } : {}),
    });
    // Tamper evidence: the entry as stored joins the audit chain (src/audit-chain).
    await sealAuditRecord(deps, created._id);
  } catch (err) {
    deps.log.error({ err, action: entry.action, actor: entry.actor }, 'could not write audit log entry');
  }
}
