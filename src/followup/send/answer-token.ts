import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one-tap answer link carries a compact signed token: 12-byte follow-up id, 3-byte expiry (hours
 * since 2020-01-01 UTC) and a 9-byte HMAC-SHA256 tag: 24 bytes, 32 base64url characters, so the whole
 * link still fits in a two-segment Arabic SMS. 72 bits of tag cannot be guessed online.
 */
const EPOCH_MS = Date.UTC(2020, 0, 1);
const HOUR_MS = 3_600_000;
const TAG_BYTES = 9;
const BODY_BYTES = 15;
/** Characters in a token: 24 bytes in base64url, no padding. */
export const ANSWER_TOKEN_LENGTH = 32;
/** A shorter secret would make the 72-bit tag the weaker part; config asks for 32 characters. */
const MIN_SECRET_CHARS = 16;

export type TokenError = 'malformed' | 'bad_signature' | 'expired';
export type TokenCheck = { ok: true; followUpId: string; expiresAt: Date } | { ok: false; error: TokenError };

function tag(secret: string, body: Buffer): Buffer {
  if (secret.length < MIN_SECRET_CHARS)
    throw new Error(
      `answer link secret is ${secret.length} characters; at least ${MIN_SECRET_CHARS} are needed`,
    );
  return createHmac('sha256', secret).update(body).digest().subarray(0, TAG_BYTES);
}

/** Signs a link for one follow-up; the same inputs always give the same token (a retried send reuses it). */
export function signAnswerToken(secret: string, followUpId: string, expiresAt: Date): string {
  if (!/^[0-9a-f]{24}$/i.test(followUpId))
    throw new Error(`follow-up id "${followUpId}" is not a 24-hex ObjectId`);
  if (Number.isNaN(expiresAt.getTime()))
    throw new Error(`answer link for ${followUpId}: expiry is an invalid date`);
  // Rounded up to the hour: a link never expires before the time asked for.
  const hours = Math.ceil((expiresAt.getTime() - EPOCH_MS) / HOUR_MS);
  if (hours < 0 || hours > 0xffffff) throw new Error(`expiry ${expiresAt.toISOString()} cannot be encoded`);
  const body = Buffer.alloc(BODY_BYTES);
  body.write(followUpId, 0, 'hex');
  body.writeUIntBE(hours, 12, 3);
  return Buffer.concat([body, tag(secret, body)]).toString('base64url');
}

/**
 * Checks a token from a link. The tag is compared in constant time, before the expiry is read, so an
 * expired token is only reported as expired when it is genuine.
 */
export function verifyAnswerToken(secret: string, token: string, now = new Date()): TokenCheck {
  if (token.length !== ANSWER_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token))
    return { ok: false, error: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== BODY_BYTES + TAG_BYTES) return { ok: false, error: 'malformed' };
  const body = raw.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(raw.subarray(BODY_BYTES), tag(secret, body)))
    return { ok: false, error: 'bad_signature' };
  const expiresAt = new Date(EPOCH_MS + body.readUIntBE(12, 3) * HOUR_MS);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, error: 'expired' };
  return { ok: true, followUpId: body.subarray(0, 12).toString('hex'), expiresAt };
}
