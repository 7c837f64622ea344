import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/auth/password-policy.js';
import { csrfTokenFor, decryptSecret, encryptSecret, generateWebhookSecret } from '../../src/auth/secrets.js';
import { signingSecrets, signWebhookBody } from '../../src/followup/outcome/webhook-delivery.js';
import { isPrivateAddress, webhookUrlProblem } from '../../src/followup/outcome/webhook-url.js';
import { redactSecrets } from '../../src/auth/audit.js';
import { signDisputeBody } from '../../src/followup/outcome/dispute-webhook.js';
import { loggedPath } from '../../src/http/request-log.js';

const key = randomBytes(32);

describe('stored secrets', () => {
  it('round-trip under their key, and refuse another key or a changed ciphertext', () => {
    const secret = generateWebhookSecret();
    const sealed = encryptSecret(key, secret);
    expect(sealed).not.toContain(secret);
    expect(encryptSecret(key, secret)).not.toBe(sealed);
    expect(decryptSecret(key, sealed)).toBe(secret);
    expect(decryptSecret(randomBytes(32), sealed)).toBeUndefined();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(decryptSecret(key, raw.toString('base64'))).toBeUndefined();
  });

  it('sign with every secret not yet retired, newest first, and keep the legacy plaintext one until a rotation', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const entry = (value: string, retiresAt?: Date) => ({
      id: value,
      ciphertext: encryptSecret(key, value),
      createdAt: now,
      ...(retiresAt ? { retiresAt } : {}),
    });
    const agency = {
      webhookSecrets: [entry('new'), entry('old', new Date('2026-12-02T00:00:00Z')), entry('older', now)],
      disputeWebhookSecret: 'ignored once secrets are generated',
    };
    expect(signingSecrets(key, agency, now)).toEqual(['new', 'old']);
    expect(signingSecrets(key, { webhookSecrets: [], disputeWebhookSecret: 'hand-set' }, now)).toEqual([
      'hand-set',
    ]);
  });

  it('put one v1= per secret in the Stripe-style header, each an HMAC of t.body', () => {
    const header = signWebhookBody(['a', 'b'], 1700000000, '{"x":1}');
    const hmac = (s: string) => createHmac('sha256', s).update('1700000000.{"x":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${hmac('a')},v1=${hmac('b')}`);
    // The old single-secret form is unchanged for receivers that knew it.
    expect(signDisputeBody('a', 1700000000, '{"x":1}')).toBe(`t=1700000000,v1=${hmac('a')}`);
  });

  it('CSRF tokens differ per session and per key', () => {
    expect(csrfTokenFor(key, 's1')).not.toBe(csrfTokenFor(key, 's2'));
    expect(csrfTokenFor(key, 's1')).not.toBe(csrfTokenFor(randomBytes(32), 's1'));
  });
});

describe('webhook URLs in live mode', () => {
  it('names loopback, private, link-local, mapped and unique-local addresses as private', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '212.26.1.1', '2001:4860:4860::8888'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('must be https and public when strict, any http(s) otherwise', async () => {
    expect(await webhookUrlProblem('http://127.0.0.1:9/x', { strict: false })).toBeUndefined();
    expect(await webhookUrlProblem('ftp://example.org/x', { strict: false })).toMatch(/http/);
    expect(await webhookUrlProblem('https://user:pw@8.8.8.8/x', { strict: true })).toMatch(/user name/);
    expect(await webhookUrlProblem('http://8.8.8.8/x', { strict: true })).toMatch(/https/);
    expect(await webhookUrlProblem('https://8.8.8.8/x', { strict: true })).toBeUndefined();
    expect(await webhookUrlProblem('https://[fd12::1]/x', { strict: true })).toMatch(/private/);
  });
});

describe('password policy and audit redaction', () => {
  it('wants length, refuses breached favourites and the user name', () => {
    expect(passwordProblem('short')).toMatch(/12/);
    expect(passwordProblem('password1234')).toMatch(/common/);
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBeDefined();
    expect(passwordProblem('sara-is-the-best-2026', 'sara')).toMatch(/user name/);
    expect(passwordProblem('a long and unusual passphrase')).toBeUndefined();
  });

  it('keeps invitation and reset tokens out of request logs', () => {
    expect(loggedPath('/account/password/abcDEF123_-xyz?lang=en')).toBe('/account/password/:token');
  });

  it('redacts secret-looking fields at any depth', () => {
    expect(
      redactSecrets({
        name: 'x',
        webhookSecrets: [{ id: 'a' }],
        nested: { passwordHash: 'h', ok: 1 },
        at: new Date(0),
      }),
    ).toEqual({
      name: 'x',
      webhookSecrets: '[redacted]',
      nested: { passwordHash: '[redacted]', ok: 1 },
      at: '1970-01-01T00:00:00.000Z',
    });
  });
});
