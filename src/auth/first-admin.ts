import { randomBytes } from 'node:crypto';
import { passwordProblem } from './password-policy.js';
import type { Config } from '../config/index.js';
import type { Models } from '../db/models/index.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { createUser } from './users.js';

/**
 * Whether start-up may print credentials (a development API token, the first admin's password):
 * only on the sandbox stand-in in development (NODE_ENV development, or unset, which is read as
 * development). With live Twilio credentials real citizens are reached whatever NODE_ENV says, and
 * whatever a terminal shows ends up in a log collector; production is never sandbox.
 */
export function printsDevelopmentCredentials(config: Pick<Config, 'env' | 'twilio'>): boolean {
  return config.env === 'development' && config.twilio.mode === 'sandbox';
}

/**
 * The first start in development creates an admin, so the dashboard can be opened at once; the
 * password is random, printed once by the start-up banner, and must be changed at the first sign-in
 * (it sat in a terminal). Only while there is no user at all: two processes starting together
 * create one (the username is unique), and nothing is created once anyone exists.
 */
export async function createFirstAdmin(
  models: Models,
): Promise<{ username: string; password: string } | undefined> {
  if ((await models.User.countDocuments()) > 0) return undefined;
  const username = 'admin';
  let password = randomBytes(12).toString('base64url');
  // The policy refuses a password holding the user name; 16 random characters rarely do.
  while (passwordProblem(password, username)) password = randomBytes(12).toString('base64url');
  try {
    await createUser(models, { username, password, role: 'admin' }, { mustChangePassword: true });
  } catch (err) {
    if (isDuplicateKey(err)) return undefined;
    throw err;
  }
  return { username, password };
}
