import { z } from 'zod';
import type { Models } from '../db/models/index.js';
import type { Role } from '../db/models/access.js';
import type { Principal, Scope } from './api-tokens.js';
import { burnVerification, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

/** People who sign in to the dashboard (machine clients use API tokens instead). */

export const USER_ROLES = ['admin', 'agency_admin', 'manager', 'auditor'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, '3-64 characters: letters, digits, . _ @ -');

export const newUserSchema = z
  .object({
    username: usernameSchema,
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
  );
export type NewUser = z.input<typeof newUserSchema>;

export async function createUser(models: Models, input: NewUser): Promise<{ id: string; username: string }> {
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
  });
  return { id: doc._id.toString(), username: doc.username };
}

export async function setPassword(models: Models, username: string, password: string): Promise<boolean> {
  const pw = newUserSchema.shape.password.parse(password);
  const res = await models.User.updateOne(
    { username: usernameSchema.parse(username) },
    { $set: { passwordHash: await hashPassword(pw) } },
  );
  return res.matchedCount === 1;
}

function principalOf(doc: {
  _id: { toString(): string };
  username: string;
  role: Role;
  scope?: { agency?: string | null; department?: string | null } | null;
}): Principal {
  return {
    kind: 'user',
    id: doc._id.toString(),
    name: doc.username,
    role: doc.role,
    scope: { agency: doc.scope?.agency ?? undefined, department: doc.scope?.department ?? undefined },
  };
}

/** The principal for a username and password, or undefined; disabled users cannot sign in. */
export async function authenticateUser(
  models: Models,
  username: string,
  password: string,
): Promise<Principal | undefined> {
  const name = usernameSchema.safeParse(username);
  const doc = name.success ? await models.User.findOne({ username: name.data }).lean() : null;
  if (!doc || doc.disabledAt) {
    await burnVerification(password);
    return undefined;
  }
  return (await verifyPassword(doc.passwordHash, password)) ? principalOf(doc) : undefined;
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
