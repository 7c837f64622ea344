import { z } from 'zod';
import type { Models } from '../db/models/index.js';
import type { Role } from '../db/models/access.js';
import { passwordProblem } from './password-policy.js';
import type { Principal, Scope } from './api-tokens.js';
import { isReservedName } from './names.js';
import { burnVerification, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

/** People who sign in to the dashboard (machine clients use API tokens instead). */

export const USER_ROLES = ['admin', 'agency_admin', 'manager', 'auditor'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, '3-64 characters: letters, digits, . _ @ -');

/** A name for a new user: `system` or `anonymous` would read, in the audit log, as no person at all. */
export const newUsernameSchema = usernameSchema.refine((n) => !isReservedName(n), {
  message: 'is reserved for the platform; choose another name',
});

/** The password policy (src/auth/password-policy.ts) for every way a password is set. */
function checkPassword(c: z.RefinementCtx, password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) c.addIssue({ code: 'custom', path: ['password'], message: problem });
}

export const newUserSchema = z
  .object({
    username: newUsernameSchema,
    password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
    role: z.enum(USER_ROLES),
    agency: z.string().trim().min(1).max(80).optional(),
    department: z.string().trim().min(1).max(80).optional(),
  })
  .refine((u) => u.role !== 'manager' || u.agency !== undefined || u.department !== undefined, {
    message: 'a manager needs --agency (and optionally --department): the scope they may see',
    path: ['agency'],
  })
  .refine((u) => u.department === undefined || u.agency !== undefined, {
    message: 'a department scope needs its agency (--agency): a department lives inside one agency',
    path: ['agency'],
  })
  .refine((u) => u.role !== 'agency_admin' || (u.agency !== undefined && u.department === undefined), {
    message: 'an agency admin is scoped to exactly one agency (--agency), without a department',
    path: ['agency'],
  })
  .refine(
    (u) =>
      u.role === 'manager' ||
      u.role === 'agency_admin' ||
      (u.agency === undefined && u.department === undefined),
    {
      message: 'only managers and agency admins are scoped; admins and auditors see every agency',
      path: ['agency'],
    },
  )
  .superRefine((u, c) => checkPassword(c, u.password, u.username));
export type NewUser = z.input<typeof newUserSchema>;

/**
 * `mustChangePassword`: the password was made for the user (the first development admin's is
 * printed at start-up), so the first sign-in leads to changing it and nowhere else.
 */
export async function createUser(
  models: Models,
  input: NewUser,
  opts: { mustChangePassword?: boolean } = {},
): Promise<{ id: string; username: string }> {
  const u = newUserSchema.parse(input);
  const scope: Scope = {
    ...(u.agency ? { agency: u.agency } : {}),
    ...(u.department ? { department: u.department } : {}),
  };
  const doc = await models.User.create({
    username: u.username,
    passwordHash: await hashPassword(u.password),
    role: u.role,
    scope,
    ...(opts.mustChangePassword ? { mustChangePassword: true } : {}),
  });
  return { id: doc._id.toString(), username: doc.username };
}

/**
 * The update that sets a new password, wherever it is set (own change, link, command line): every
 * session opened before it ends, and a one-time password's restriction is lifted.
 */
export function passwordUpdate(passwordHash: string): {
  $set: { passwordHash: string; sessionsValidAfter: Date };
  $unset: { mustChangePassword: 1 };
  $inc: { revision: 1 };
} {
  return {
    $set: { passwordHash, sessionsValidAfter: new Date() },
    $unset: { mustChangePassword: 1 },
    $inc: { revision: 1 },
  };
}

const setPasswordSchema = z
  .object({ username: usernameSchema, password: z.string() })
  .superRefine((u, c) => checkPassword(c, u.password, u.username));

/** An operator sets a user's password (npm run user -- --reset-password): the web's rules apply. */
export async function setPassword(models: Models, username: string, password: string): Promise<boolean> {
  const u = setPasswordSchema.parse({ username, password });
  const res = await models.User.updateOne(
    { username: u.username },
    passwordUpdate(await hashPassword(u.password)),
  );
  return res.matchedCount === 1;
}

function principalOf(doc: {
  _id: { toString(): string };
  username: string;
  role: Role;
  scope?: { agency?: string | null; department?: string | null } | null;
  mustChangePassword?: boolean | null;
}): Principal {
  return {
    kind: 'user',
    id: doc._id.toString(),
    name: doc.username,
    role: doc.role,
    scope: { agency: doc.scope?.agency ?? undefined, department: doc.scope?.department ?? undefined },
    ...(doc.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/**
 * A sign-in: the principal, or who was named when that is a user (for the audit log, by id). Disabled
 * users cannot sign in; an unknown name costs the same hash as a known one.
 */
export async function authenticateUser(
  models: Models,
  username: string,
  password: string,
): Promise<{ principal?: Principal; named?: { id: string; username: string } }> {
  const name = usernameSchema.safeParse(username);
  const doc = name.success ? await models.User.findOne({ username: name.data }).lean() : null;
  if (!doc) {
    await burnVerification(password);
    return {};
  }
  const named = { id: doc._id.toString(), username: doc.username };
  if (doc.disabledAt) {
    await burnVerification(password);
    return { named };
  }
  return (await verifyPassword(doc.passwordHash, password))
    ? { principal: principalOf(doc), named }
    : { named };
}

/**
 * Re-read on every request so a disabled user or a changed scope takes effect at once. A session
 * older than the user's last password change or forced reset is refused (sessionCreatedAt).
 */
export async function findUserPrincipal(
  models: Models,
  userId: string,
  sessionCreatedAt?: number,
): Promise<Principal | undefined> {
  if (!/^[0-9a-f]{24}$/.test(userId)) return undefined;
  const doc = await models.User.findById(userId).lean();
  if (!doc || doc.disabledAt) return undefined;
  if (
    sessionCreatedAt !== undefined &&
    doc.sessionsValidAfter &&
    sessionCreatedAt < doc.sessionsValidAfter.getTime()
  )
    return undefined;
  return principalOf(doc);
}
