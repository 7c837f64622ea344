import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from '../../src/mail/unsubscribe.js';

// Issue 28, item 1: the one-click unsubscribe link names one subscription and only the server's key
// makes a link that verifies.
const config = loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://verisat.example/' });
const other = loadConfig({ NODE_ENV: 'test', SECRETS_KEY: 'ab'.repeat(32) });
const id = '6a0f1c2b3d4e5f6a7b8c9d0e';

describe('unsubscribe links', () => {
  it('carries the subscription id and verifies back to it', () => {
    const url = unsubscribeUrl(config, id, 'en');
    expect(url).toMatch(
      /^https:\/\/verisat\.example\/mail\/unsubscribe\/6a0f1c2b3d4e5f6a7b8c9d0e\.[\w-]{43}\?lang=en$/,
    );
    expect(verifyUnsubscribeToken(config, unsubscribeToken(config, id))).toEqual({ subscriptionId: id });
  });

  it('refuses a link signed with another key, for another id, altered or cut short', () => {
    const token = unsubscribeToken(config, id);
    const tag = token.split('.')[1] ?? '';
    expect(verifyUnsubscribeToken(config, unsubscribeToken(other, id))).toBeUndefined();
    expect(verifyUnsubscribeToken(config, `6a0f1c2b3d4e5f6a7b8c9d0f.${tag}`)).toBeUndefined();
    expect(
      verifyUnsubscribeToken(config, `${id}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`),
    ).toBeUndefined();
    expect(verifyUnsubscribeToken(config, token.slice(0, -2))).toBeUndefined();
    expect(verifyUnsubscribeToken(config, id)).toBeUndefined();
    expect(verifyUnsubscribeToken(config, '')).toBeUndefined();
    expect(() => unsubscribeToken(config, 'not-an-id')).toThrow(/not a subscription id/);
  });
});
