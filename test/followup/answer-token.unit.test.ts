import { describe, expect, it } from 'vitest';
import {
  ANSWER_TOKEN_LENGTH,
  signAnswerToken,
  verifyAnswerToken,
} from '../../src/followup/send/answer-token.js';

const SECRET = 'x'.repeat(40);
const ID = '65a1b2c3d4e5f60718293a4b';
const EXPIRES = new Date('2026-12-01T10:00:00Z');
const BEFORE = new Date('2026-11-22T00:00:00Z');

/** Changes one character of a token to another valid base64url character. */
function flip(token: string, at: number): string {
  const c = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${c}${token.slice(at + 1)}`;
}

describe('answer tokens', () => {
  it('round-trips in 32 URL-safe characters', () => {
    const token = signAnswerToken(SECRET, ID, new Date('2026-12-01T10:30:00Z'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ANSWER_TOKEN_LENGTH).toBe(32);
    // Expiry is kept to the hour, rounded up so a link never dies early.
    expect(verifyAnswerToken(SECRET, token, BEFORE)).toEqual({
      ok: true,
      followUpId: ID,
      expiresAt: new Date('2026-12-01T11:00:00Z'),
    });
  });

  it('is deterministic, so a retried send carries the same link', () => {
    expect(signAnswerToken(SECRET, ID, EXPIRES)).toBe(signAnswerToken(SECRET, ID, EXPIRES));
    expect(signAnswerToken(SECRET, ID, EXPIRES)).not.toBe(
      signAnswerToken(SECRET, '65a1b2c3d4e5f60718293a4c', EXPIRES),
    );
  });

  it('reads an upper-case id back in lower case', () => {
    const check = verifyAnswerToken(SECRET, signAnswerToken(SECRET, ID.toUpperCase(), EXPIRES), BEFORE);
    expect(check).toMatchObject({ ok: true, followUpId: ID });
  });

  it('is valid until the expiry and expired from it on', () => {
    const token = signAnswerToken(SECRET, ID, EXPIRES);
    expect(verifyAnswerToken(SECRET, token, new Date(EXPIRES.getTime() - 1)).ok).toBe(true);
    expect(verifyAnswerToken(SECRET, token, EXPIRES)).toEqual({ ok: false, error: 'expired' });
    expect(verifyAnswerToken(SECRET, token, new Date('2026-12-02T00:00:00Z'))).toEqual({
      ok: false,
      error: 'expired',
    });
  });

  it('rejects a changed id, expiry or tag, and a foreign secret, as a bad signature', () => {
    const token = signAnswerToken(SECRET, ID, EXPIRES);
    for (const at of [0, 5, 16, 19, 25, 31]) {
      expect(verifyAnswerToken(SECRET, flip(token, at), BEFORE)).toEqual({
        ok: false,
        error: 'bad_signature',
      });
    }
    expect(verifyAnswerToken('y'.repeat(40), token, BEFORE)).toEqual({ ok: false, error: 'bad_signature' });
  });

  it('reports a forged token as a bad signature even when its expiry has passed', () => {
    const token = signAnswerToken(SECRET, ID, EXPIRES);
    expect(verifyAnswerToken('y'.repeat(40), token, new Date('2030-01-01T00:00:00Z'))).toEqual({
      ok: false,
      error: 'bad_signature',
    });
  });

  it.each([
    '',
    'short',
    'A'.repeat(31),
    'A'.repeat(33),
    `${'A'.repeat(31)}=`,
    `${'A'.repeat(31)}+`,
    `${'A'.repeat(31)}/`,
    `${'A'.repeat(31)}.`,
    'ش'.repeat(32),
    `${'A'.repeat(31)}\n`,
  ])('rejects %j as malformed', (token) => {
    expect(verifyAnswerToken(SECRET, token, BEFORE)).toEqual({ ok: false, error: 'malformed' });
  });

  it('refuses to sign what it cannot encode', () => {
    expect(() => signAnswerToken(SECRET, 'not-an-object-id', EXPIRES)).toThrow(
      /"not-an-object-id" is not a 24-hex ObjectId/,
    );
    expect(() => signAnswerToken(SECRET, ID, new Date('2019-12-31T00:00:00Z'))).toThrow(/cannot be encoded/);
    expect(() => signAnswerToken(SECRET, ID, new Date(Number.NaN))).toThrow(/invalid date/);
    expect(() => signAnswerToken('short', ID, EXPIRES)).toThrow(/at least 16/);
  });
});
