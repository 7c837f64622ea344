import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

// Issue 23, finding 12: values printed in this repository are no secrets in live mode or production.
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const DEV_KEY = createHash('sha256').update('verisat development secrets key').digest();
const LIVE = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'x'.repeat(32),
  PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
  ANSWER_LINK_SECRET: 'k'.repeat(40),
  SECRETS_KEY: 'ab'.repeat(32),
};

describe('public development values in live mode and production', () => {
  it('refuses the development SECRETS_KEY, in hex or base64, naming the variable and not its value', () => {
    for (const written of [
      DEV_KEY.toString('hex'),
      DEV_KEY.toString('base64'),
      DEV_KEY.toString('base64url'),
    ]) {
      for (const env of [
        { ...LIVE, SECRETS_KEY: written },
        { ...LIVE, NODE_ENV: 'production', SECRETS_KEY: written },
      ]) {
        const found = problems(env);
        expect(found, written).toEqual([expect.stringMatching(/^SECRETS_KEY: .*development/)]);
        expect(found.join('\n')).not.toContain(written);
      }
    }
    // Development keeps deriving it.
    expect(loadConfig({}).admin.secretsKey).toEqual(DEV_KEY);
  });

  it("refuses the sandbox's public account SID and auth token as live credentials", () => {
    const sandbox = loadConfig({}).twilio;
    const both = problems({
      ...LIVE,
      TWILIO_ACCOUNT_SID: sandbox.accountSid,
      TWILIO_AUTH_TOKEN: sandbox.authToken,
    });
    expect(both).toEqual([
      expect.stringMatching(/^TWILIO_ACCOUNT_SID: .*sandbox/),
      expect.stringMatching(/^TWILIO_AUTH_TOKEN: .*sandbox/),
    ]);
    expect(both.join('\n')).not.toContain(sandbox.authToken);
    expect(problems({ ...LIVE, TWILIO_AUTH_TOKEN: sandbox.authToken })).toEqual([
      expect.stringMatching(/^TWILIO_AUTH_TOKEN: /),
    ]);
    expect(problems({ ...LIVE, NODE_ENV: 'production', TWILIO_ACCOUNT_SID: sandbox.accountSid })).toEqual([
      expect.stringMatching(/^TWILIO_ACCOUNT_SID: /),
    ]);
    expect(loadConfig(LIVE).twilio.mode).toBe('live');
    // The sandbox itself still runs on them.
    expect(loadConfig({ NODE_ENV: 'test' }).twilio.accountSid).toBe(sandbox.accountSid);
  });
});
