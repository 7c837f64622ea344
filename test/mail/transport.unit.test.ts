import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { describeSmtp } from '../../src/config/mail.js';
import { describeFailure, isPermanentRefusal, messageIdFor } from '../../src/mail/transport.js';

describe('mail settings', () => {
  it('take an smtp:// or smtps:// URL and refuse anything else, naming the variable', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465' }).mail.smtpUrl).toBe(
      'smtps://u:p@mail.example:465',
    );
    expect(loadConfig({}).mail).toMatchObject({ smtpUrl: undefined });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'no address here' })).toThrow(/MAIL_FROM/);
  });

  it('never show the SMTP password', () => {
    const shown = describeSmtp('smtp://relay%40moh:s3cr%3Et@mail.moh.gov.sa:587');
    expect(shown).not.toContain('s3cr');
    expect(shown).toBe('smtp://relay%40moh:***@mail.moh.gov.sa:587');
  });
});

describe('an SMTP failure', () => {
  const smtpError = (responseCode: number, code = 'EENVELOPE') =>
    Object.assign(new Error('refused'), { responseCode, code, response: `${responseCode} refused` });

  it('is final on a 5xx about the mail, and retried on a 4xx, a refused login or no answer', () => {
    expect(isPermanentRefusal(smtpError(550))).toBe(true);
    expect(isPermanentRefusal(smtpError(552, 'EMESSAGE'))).toBe(true);
    expect(isPermanentRefusal(smtpError(451))).toBe(false);
    expect(isPermanentRefusal(smtpError(535, 'EAUTH'))).toBe(false);
    expect(isPermanentRefusal(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }))).toBe(
      false,
    );
    expect(describeFailure(smtpError(550))).toBe('550 refused');
    expect(describeFailure(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('the Message-ID', () => {
  it('is the same for the same mail, in the sender’s domain', () => {
    const a = messageIdFor('weekly_report:agency=MOH:2026-W48:user=u1', 'verisat <no-reply@moh.gov.sa>');
    expect(a).toBe(
      messageIdFor('weekly_report:agency=MOH:2026-W48:user=u1', 'verisat <no-reply@moh.gov.sa>'),
    );
    expect(a).toMatch(/^<mail-[0-9a-f]{40}@moh\.gov\.sa>$/);
    expect(a).not.toBe(messageIdFor('weekly_report:agency=MOH:2026-W48:user=u2', 'no-reply@moh.gov.sa'));
  });
});
