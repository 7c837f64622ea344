import { describe, expect, it } from 'vitest';
import { signAnswerToken, verifyAnswerToken } from '../../../src/followup/answer-token.js';

const SECRET = 'x'.repeat(40);
const ID = '65a1b2c3d4e5f60718293a4b';

describe('answer tokens', () => {
  it('round-trips in 32 URL-safe characters', () => {
    const token = signAnswerToken(SECRET, ID, new Date('2026-12-01T10:30:00Z'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const check = verifyAnswerToken(SECRET, token, new Date('2026-11-22T00:00:00Z'));
    expect(check).toEqual({ ok: true, followUpId: ID, expiresAt: new Date('2026-12-01T11:00:00Z') });
  });
  it('rejects expired, tampered, foreign and malformed tokens with distinct errors', () => {
    const token = signAnswerToken(SECRET, ID, new Date('2026-12-01T10:00:00Z'));
    expect(verifyAnswerToken(SECRET, token, new Date('2026-12-02T00:00:00Z'))).toEqual({ ok: false, error: 'expired' });
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect(verifyAnswerToken(SECRET, flipped, new Date('2026-11-22T00:00:00Z'))).toEqual({ ok: false, error: 'bad_signature' });
    expect(verifyAnswerToken('y'.repeat(40), token, new Date('2026-11-22T00:00:00Z'))).toEqual({ ok: false, error: 'bad_signature' });
    expect(verifyAnswerToken(SECRET, 'short', new Date())).toEqual({ ok: false, error: 'malformed' });
    expect(verifyAnswerToken(SECRET, `${token}=`, new Date())).toEqual({ ok: false, error: 'malformed' });
  });
});
