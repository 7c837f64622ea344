import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets the product must use again later (agencies' webhook secrets) are stored encrypted with
 * AES-256-GCM under SECRETS_KEY: a database dump or backup alone reveals none of them, and GCM's tag
 * refuses a ciphertext that was altered or encrypted under another key. Each ciphertext is
 * base64(iv ‖ tag ‖ data) with a fresh 96-bit IV, the size GCM is defined for.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

/** The plaintext, or undefined when the ciphertext was altered or made under another key. */
export function decryptSecret(key: Buffer, ciphertext: string): string | undefined {
  const raw = Buffer.from(ciphertext, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** A new webhook secret, `whsec_` + 256 random bits; receivers use the whole string as the HMAC key. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Short id naming a secret in pages and the audit log without revealing it. */
export function newSecretId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * CSRF token of a session: an HMAC of the session id, so it needs no storage, differs per session
 * and cannot be computed by a page that does not know the (HttpOnly) session cookie.
 */
export function csrfTokenFor(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key).update(`csrf:${sessionId}`).digest('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
