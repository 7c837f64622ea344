import { sealAuditRecord } from '../audit-chain/seal.js';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../auth/api-tokens.js';
import { createApiToken } from '../auth/api-tokens.js';
import { actorFields } from '../auth/audit.js';
import { grantProblem, scopeProblem } from '../auth/grants.js';
import { tokenNameSchema } from '../auth/names.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { newUsernameSchema, passwordUpdate, usernameSchema, USER_ROLES } from '../auth/users.js';
import type { AppContext } from '../context.js';
import { ROLES, type Role } from '../db/models/access.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { HttpError } from '../http/errors.js';
import { assertWriter, fieldError } from './access.js';
import { auditChange, parseBody, type Who } from './change-audit.js';
import { passwordProblem } from '../auth/password-policy.js';
import { codeSchema } from './schemas.js';

/**
 * Users and API tokens managed in the product. An admin manages anyone; an agency admin only the
 * people and tokens of its own agency, and only with roles inside it (never admin or auditor). An
 * invitation or reset link carries a random token whose SHA-256 alone is stored; using it is one
 * conditional update on that hash and its expiry, so it works once and only until it expires.
 */

/** Stored in place of a password hash until the invitation is used: no password verifies against it. */
const NO_PASSWORD = '!no-password';

const scopeFields = {
  agency: codeSchema.optional(),
  department: codeSchema.optional(),
};

/** The roles an agency admin may give: those that stay inside its agency. */
const AGENCY_GRANTABLE: readonly Role[] = ['agency_admin', 'manager', 'ticket_system'];

async function checkGrant(
  ctx: AppContext,
  who: Who,
  role: Role,
  agency: string | undefined,
  department: string | undefined,
): Promise<void> {
  assertWriter(who.p);
  const problem = scopeProblem(role, agency, department);
  if (problem && role !== 'ticket_system')
    throw fieldError(422, 'validation_failed', problem.field, problem.message);
  if (who.p.role === 'agency_admin') {
    if (!AGENCY_GRANTABLE.includes(role))
      throw fieldError(
        403,
        'forbidden',
        'role',
        `an agency admin may give only ${AGENCY_GRANTABLE.join(', ')}`,
      );
    if (agency !== who.p.scope.agency)
      throw fieldError(403, 'forbidden', 'agency', `agency ${agency ?? '(none)'} is not yours to manage`);
  }
  const missing = await grantProblem(ctx.models, role, agency, department);
  if (missing) throw fieldError(422, 'validation_failed', missing.field, missing.message);
}

function linkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: createHash('sha256').update(token).digest('hex') };
}

export function passwordLink(ctx: AppContext, token: string): string {
  return `${ctx.config.publicBaseUrl}/account/password/${token}`;
}

type UserDoc = {
  username: string;
  role: Role;
  scope?: { agency?: string | null; department?: string | null } | null;
  disabledAt?: Date | null;
  resetExpiresAt?: Date | null;
  passwordHash: string;
  revision?: number | null;
  createdAt?: Date;
  email?: string | null;
};

export function userView(u: UserDoc) {
  return {
    username: u.username,
    role: u.role,
    agency: u.scope?.agency ?? null,
    department: u.scope?.department ?? null,
    disabled: !!u.disabledAt,
    passwordSet: u.passwordHash !== NO_PASSWORD,
    linkOpenUntil: u.resetExpiresAt && u.resetExpiresAt > new Date() ? u.resetExpiresAt.toISOString() : null,
    revision: u.revision ?? 0,
    /** Where this person's alerts and reports go (issue 28); null: no mail. */
    email: u.email ?? null,
  };
}

function userFilter(p: Principal): Record<string, unknown> {
  return p.role === 'agency_admin' ? { 'scope.agency': p.scope.agency ?? '\u0000none' } : {};
}

export async function listUsers(ctx: AppContext, who: Who) {
  const docs = await ctx.models.User.find(userFilter(who.p)).sort({ username: 1 }).limit(5000).lean();
  return docs.map(userView);
}

export const newUserAdminSchema = z
  .object({ username: newUsernameSchema, role: z.enum(USER_ROLES), ...scopeFields })
  .strict();

export async function inviteUser(ctx: AppContext, who: Who, input: unknown) {
  const data = parseBody(newUserAdminSchema, input);
  await checkGrant(ctx, who, data.role, data.agency, data.department);
  const link = linkToken();
  const expires = new Date(Date.now() + ctx.config.admin.inviteTtlHours * 3_600_000);
  try {
    await ctx.models.User.create({
      username: data.username,
      passwordHash: NO_PASSWORD,
      role: data.role,
      scope: {
        ...(data.agency ? { agency: data.agency } : {}),
        ...(data.department ? { department: data.department } : {}),
      },
      resetTokenHash: link.hash,
      resetExpiresAt: expires,
      revision: 0,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    if (who.p.role !== 'agency_admin')
      throw fieldError(409, 'duplicate', 'username', `user ${data.username} exists`);
    return blindInvite(ctx, who, data, expires);
  }
  const doc = await ctx.models.User.findOne({ username: data.username }).lean();
  if (!doc) throw fieldError(500, 'internal_error', 'username', 'user vanished after its creation');
  const view = userView(doc);
  await auditChange(ctx, who, 'user.create', data.agency, `user:${data.username}`, null, view);
  return { user: view, link: passwordLink(ctx, link.token), expiresAt: expires.toISOString() };
}

/**
 * An agency admin who invites a name that is taken is answered as for a new name, with a link that
 * opens nothing: "that name is taken" would tell it who works in other agencies. Its own agency's
 * names included, or a second invitation of a name would tell the two apart (a new name is taken
 * after its first). Nothing is changed or sent; the attempt is audited without an agency, so admins
 * and auditors see it and the agency admin's own audit view does not. What remains: the name does not
 * appear in its user list afterwards (closing that needs names per agency).
 */
async function blindInvite(
  ctx: AppContext,
  who: Who,
  data: z.infer<typeof newUserAdminSchema>,
  expires: Date,
) {
  await auditChange(ctx, who, 'user.create', undefined, `user:${data.username}`, null, null, {
    refused: 'the name belongs to a user outside this agency; answered as if invited',
    agency: data.agency ?? null,
  });
  const view = userView({
    username: data.username,
    role: data.role,
    scope: { agency: data.agency ?? null, department: data.department ?? null },
    passwordHash: NO_PASSWORD,
    resetExpiresAt: expires,
    revision: 0,
  });
  return { user: view, link: passwordLink(ctx, linkToken().token), expiresAt: expires.toISOString() };
}

export const userPatchSchema = z
  .object({
    role: z.enum(USER_ROLES).optional(),
    agency: codeSchema.nullable().optional(),
    department: codeSchema.nullable().optional(),
    disabled: z.boolean().optional(),
    revision: z.number().int().min(0).optional(),
    /** The person's mail address, so a manager an admin created receives mail; '' or null removes it. */
    email: z
      .union([z.literal(''), z.email().max(254)])
      .nullable()
      .optional(),
  })
  .strict();

async function managedUser(ctx: AppContext, who: Who, username: string) {
  assertWriter(who.p);
  const name = usernameSchema.safeParse(username);
  const doc = name.success
    ? await ctx.models.User.findOne({ username: name.data, ...userFilter(who.p) }).lean()
    : null;
  if (!doc) throw fieldError(404, 'not_found', 'username', `no user ${username}`);
  return doc;
}

export async function updateUser(ctx: AppContext, who: Who, username: string, input: unknown) {
  const data = parseBody(userPatchSchema, input);
  const before = await managedUser(ctx, who, username);
  if (
    before.username === who.p.name &&
    who.p.kind === 'user' &&
    (data.disabled || (data.role && data.role !== before.role))
  )
    throw fieldError(
      422,
      'validation_failed',
      'username',
      'you cannot disable yourself or change your own role',
    );
  const role = data.role ?? before.role;
  const agency = data.agency === null ? undefined : (data.agency ?? before.scope?.agency ?? undefined);
  const department =
    data.department === null || data.agency === null
      ? undefined
      : (data.department ?? before.scope?.department ?? undefined);
  await checkGrant(ctx, who, role, agency, department);
  const set: Record<string, unknown> = {
    role,
    scope: { ...(agency ? { agency } : {}), ...(department ? { department } : {}) },
  };
  const unset: Record<string, 1> = {};
  if (data.disabled === true && !before.disabledAt) {
    set.disabledAt = new Date();
    set.sessionsValidAfter = new Date();
  }
  if (data.disabled === false) unset.disabledAt = 1;
  if (data.email) set.email = data.email;
  else if (data.email !== undefined) unset.email = 1;
  const after = await ctx.models.User.findOneAndUpdate(
    { _id: before._id, revision: data.revision ?? before.revision ?? 0 },
    { $set: set, $inc: { revision: 1 }, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
    { returnDocument: 'after' },
  ).lean();
  if (!after)
    throw fieldError(409, 'conflict', 'revision', 'the user was changed meanwhile; reload and try again');
  const action =
    data.disabled === true ? 'user.disable' : data.disabled === false ? 'user.enable' : 'user.update';
  await auditChange(
    ctx,
    who,
    action,
    agency ?? before.scope?.agency ?? undefined,
    `user:${after.username}`,
    userView(before),
    userView(after),
  );
  return userView(after);
}

/** Ends the user's password and sessions and opens a single-use reset link. */
export async function forceReset(ctx: AppContext, who: Who, username: string) {
  const before = await managedUser(ctx, who, username);
  const link = linkToken();
  const expires = new Date(Date.now() + ctx.config.admin.inviteTtlHours * 3_600_000);
  const after = await ctx.models.User.findOneAndUpdate(
    { _id: before._id, revision: before.revision ?? 0 },
    {
      $set: {
        passwordHash: NO_PASSWORD,
        resetTokenHash: link.hash,
        resetExpiresAt: expires,
        sessionsValidAfter: new Date(),
      },
      $inc: { revision: 1 },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!after) throw fieldError(409, 'conflict', 'revision', 'the user was changed meanwhile; try again');
  await auditChange(
    ctx,
    who,
    'user.reset_password',
    before.scope?.agency ?? undefined,
    `user:${before.username}`,
    userView(before),
    userView(after),
  );
  return { user: userView(after), link: passwordLink(ctx, link.token), expiresAt: expires.toISOString() };
}

/** The user a link belongs to while it works, for the form that uses it. */
export async function userOfLink(ctx: AppContext, token: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const doc = await ctx.models.User.findOne({
    resetTokenHash: createHash('sha256').update(token).digest('hex'),
    resetExpiresAt: { $gt: new Date() },
  }).lean();
  return doc && !doc.disabledAt ? doc.username : undefined;
}

/** Sets the password through a link: one conditional update, so the link works once. */
export async function usePasswordLink(
  ctx: AppContext,
  token: string,
  password: string,
  ip?: string,
): Promise<string> {
  const username = await userOfLink(ctx, token);
  if (!username) throw fieldError(410, 'link_expired', 'token', 'this link was used already or has expired');
  const problem = passwordProblem(password, username);
  if (problem) throw fieldError(422, 'validation_failed', 'password', problem);
  const update = passwordUpdate(await hashPassword(password));
  const done = await ctx.models.User.findOneAndUpdate(
    { resetTokenHash: createHash('sha256').update(token).digest('hex'), resetExpiresAt: { $gt: new Date() } },
    { ...update, $unset: { ...update.$unset, resetTokenHash: 1, resetExpiresAt: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!done) throw fieldError(410, 'link_expired', 'token', 'this link was used already or has expired');
  const audited = await ctx.models.AuditLog.create({
    at: new Date(),
    ...actorFields({ kind: 'user', id: done._id.toString(), name: done.username }),
    action: 'admin.user.password_set',
    target: `user:${done.username}`,
    ...(done.scope?.agency ? { agency: done.scope.agency } : {}),
    ...(ip ? { ip } : {}),
  });
  await sealAuditRecord(ctx, audited._id);
  return done.username;
}

/** A wrong current password: the one refusal of a password change that counts as a guess. */
export class WrongCurrentPassword extends HttpError {
  constructor() {
    super(422, 'validation_failed', 'currentPassword: the current password is not right', {
      fields: [{ field: 'currentPassword', message: 'the current password is not right' }],
    });
  }
}

export async function changeOwnPassword(
  ctx: AppContext,
  who: Who,
  current: string,
  next: string,
): Promise<void> {
  if (who.p.kind !== 'user')
    throw fieldError(403, 'forbidden', 'password', 'only a signed-in person has a password');
  const doc = await ctx.models.User.findById(who.p.id).lean();
  if (!doc || !(await verifyPassword(doc.passwordHash, current))) throw new WrongCurrentPassword();
  const problem = passwordProblem(next, doc.username);
  if (problem) throw fieldError(422, 'validation_failed', 'newPassword', problem);
  // A one-time password "changed" to itself would stay the password that was printed.
  if (next === current)
    throw fieldError(422, 'validation_failed', 'newPassword', 'must differ from the current password');
  const done = await ctx.models.User.findOneAndUpdate(
    { _id: doc._id, passwordHash: doc.passwordHash },
    passwordUpdate(await hashPassword(next)),
  ).lean();
  if (!done) throw fieldError(409, 'conflict', 'currentPassword', 'the password was changed meanwhile');
  await auditChange(
    ctx,
    who,
    'user.password_change',
    doc.scope?.agency ?? undefined,
    `user:${doc.username}`,
    undefined,
    undefined,
  );
}

// API tokens ----------------------------------------------------------------------------------------

export const newTokenSchema = z
  .object({ name: tokenNameSchema, role: z.enum(ROLES), ...scopeFields })
  .strict();

type TokenDoc = {
  _id: { toString(): string };
  prefix: string;
  name: string;
  role: Role;
  scope?: { agency?: string | null; department?: string | null } | null;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
  createdAt?: Date;
};

export function tokenView(t: TokenDoc) {
  return {
    id: t._id.toString(),
    prefix: t.prefix,
    name: t.name,
    role: t.role,
    agency: t.scope?.agency ?? null,
    department: t.scope?.department ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export async function listTokens(ctx: AppContext, who: Who) {
  const docs = await ctx.models.ApiToken.find(userFilter(who.p)).sort({ createdAt: -1 }).limit(5000).lean();
  return docs.map(tokenView);
}

export async function createToken(ctx: AppContext, who: Who, input: unknown) {
  const data = parseBody(newTokenSchema, input);
  await checkGrant(ctx, who, data.role, data.agency, data.department);
  const scope = {
    ...(data.agency ? { agency: data.agency } : {}),
    ...(data.department ? { department: data.department } : {}),
  };
  const { token, id } = await createApiToken(ctx.models, { name: data.name, role: data.role, scope });
  const doc = await ctx.models.ApiToken.findById(id).lean();
  if (!doc) throw fieldError(500, 'internal_error', 'token', 'token vanished after its creation');
  const view = tokenView(doc);
  await auditChange(ctx, who, 'token.create', data.agency, `token:${view.prefix}`, null, view);
  return { token, view };
}

export async function revokeToken(ctx: AppContext, who: Who, id: string) {
  assertWriter(who.p);
  if (!/^[0-9a-f]{24}$/.test(id)) throw fieldError(404, 'not_found', 'token', 'no such token');
  const before = await ctx.models.ApiToken.findOne({ _id: id, ...userFilter(who.p) }).lean();
  if (!before) throw fieldError(404, 'not_found', 'token', 'no such token');
  const after = await ctx.models.ApiToken.findOneAndUpdate(
    { _id: id, revokedAt: { $exists: false } },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (!after) throw fieldError(409, 'conflict', 'token', 'the token is already revoked');
  await auditChange(
    ctx,
    who,
    'token.revoke',
    before.scope?.agency ?? undefined,
    `token:${before.prefix}`,
    tokenView(before),
    tokenView(after),
  );
  return tokenView(after);
}
