import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id through @node-rs/argon2 (prebuilt Rust binding, no install script). The library's
 * defaults follow OWASP's minimum (19 MiB memory, 2 passes, 1 lane); the parameters are stored in
 * each hash, so raising them later leaves existing hashes verifiable.
 */

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed login, not a crash.
    return false;
  }
}

/** Verified when the username is unknown, so a failed login takes as long whether or not it exists. */
let dummyHash: Promise<string> | undefined;
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hash('not-a-real-password-used-for-timing-only');
  await verifyPassword(await dummyHash, password);
}
