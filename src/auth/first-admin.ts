import { randomBytes } from 'node:crypto';
import type { Models } from '../db/models/index.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { createUser } from './users.js';

/**
 * The first start in development creates an admin, so the dashboard can be opened at once; the
 * password is random and printed once by the start-up banner. Only while there is no user at all:
 * two processes starting together create one (the username is unique), and nothing is created
 * once anyone exists.
 */
export async function createFirstAdmin(
  models: Models,
): Promise<{ username: string; password: string } | undefined> {
  if ((await models.User.countDocuments()) > 0) return undefined;
  const username = 'admin';
  const password = randomBytes(12).toString('base64url');
  try {
    await createUser(models, { username, password, role: 'admin' });
  } catch (err) {
    if (isDuplicateKey(err)) return undefined;
    throw err;
  }
  return { username, password };
}
