import { createHash, randomBytes } from 'node:crypto';
import type { Models } from '../db/models/index.js';
import type { Role } from '../db/models/access.js';
import { nameProblem } from './names.js';

export interface Scope {
  agency?: string;
  department?: string;
}

export interface Principal {
  kind: 'token' | 'user';
  id: string;
  name: string;
  role: Role;
  scope: Scope;
  /** A person signed in with a one-time password: every page but /account asks to change it. */
  mustChangePassword?: true;
}

const TOKEN_PREFIX = 'vst_';

// Why: docs/decisions/0009-api-tokens-as-sha256.md
function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates a token and returns its only plaintext copy. Tokens are 256 random bits, so a fast hash is
 * enough to store them (password hashing is for guessable secrets).
 */
export async function createApiToken(
  models: Models,
  input: { name: string; role: Role; scope?: Scope },
): Promise<{ token: string; id: string }> {
  if (input.scope?.department !== undefined && input.scope.agency === undefined)
    throw new Error('a department scope needs its agency: a department lives inside one agency');
  if (input.role === 'agency_admin' && input.scope?.agency === undefined)
    throw new Error('an agency admin token needs its agency (--agency)');
  // The administration reads an admin's or auditor's role alone: scoped, it would be global anyway.
  if (
    (input.role === 'admin' || input.role === 'auditor') &&
    (input.scope?.agency ?? input.scope?.department)
  )
    throw new Error('admins and auditors see every agency; leave agency and department empty');
  const nameIssue = nameProblem(input.name, { platform: true });
  if (nameIssue) throw new Error(`token name: ${nameIssue}`);
  const secret = randomBytes(32).toString('base64url');
  const token = `${TOKEN_PREFIX}${secret}`;
  const doc = await models.ApiToken.create({
    tokenHash: hashToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    name: input.name,
    role: input.role,
    scope: input.scope ?? {},
  });
  return { token, id: doc._id.toString() };
}

export async function findPrincipalByToken(models: Models, token: string): Promise<Principal | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const doc = await models.ApiToken.findOne({
    tokenHash: hashToken(token),
    revokedAt: { $exists: false },
  }).lean();
  if (!doc) return undefined;
  return {
    kind: 'token',
    id: doc._id.toString(),
    name: doc.name,
    role: doc.role,
    scope: { agency: doc.scope?.agency ?? undefined, department: doc.scope?.department ?? undefined },
  };
}
