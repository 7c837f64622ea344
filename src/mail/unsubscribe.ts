import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/index.js';

/**
 * The signed one-click unsubscribe link of a mail sent for a subscription (RFC 8058): the link alone
 * is the authority to end that one subscription, so whoever holds the mail can stop it without
 * signing in, and nobody can stop another's. The token is the subscription's id and an HMAC-SHA256
 * of it under SECRETS_KEY (already required in production and live mode, and already the CSRF
 * tokens' key), kept apart from the CSRF tokens by its own prefix. Nothing is stored per link: a
 * removed subscription's link finds nothing, and a new subscription gets a new id and a new link.
 */

const ID = /^[0-9a-f]{24}$/;
const TOKEN = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;

function tagOf(key: Buffer, subscriptionId: string): string {
  return createHmac('sha256', key).update(`mail-unsubscribe:${subscriptionId}`).digest('base64url');
}

/** The token of a subscription id: `<id>.<base64url HMAC>`. */
export function unsubscribeToken(config: Pick<Config, 'admin'>, subscriptionId: string): string {
  if (!ID.test(subscriptionId)) throw new Error(`not a subscription id: ${subscriptionId.slice(0, 40)}`);
  return `${subscriptionId}.${tagOf(config.admin.secretsKey, subscriptionId)}`;
}

/**
 * The address a mail names in its footer and its List-Unsubscribe header. With the mail's language,
 * the page answers in it even after the subscription is gone (a second click finds no owner to ask);
 * the language is outside the signature, as it changes nothing but the words.
 */
export function unsubscribeUrl(
  config: Pick<Config, 'admin' | 'publicBaseUrl'>,
  subscriptionId: string,
  lang?: 'ar' | 'en',
): string {
  const url = `${config.publicBaseUrl}/mail/unsubscribe/${unsubscribeToken(config, subscriptionId)}`;
  return lang ? `${url}?lang=${lang}` : url;
}

/** The subscription id a token names, or undefined when it is malformed, altered or signed by another key. */
export function verifyUnsubscribeToken(
  config: Pick<Config, 'admin'>,
  token: string,
): { subscriptionId: string } | undefined {
  const m = TOKEN.exec(token);
  if (!m?.[1] || !m[2]) return undefined;
  const given = Buffer.from(m[2]);
  const expected = Buffer.from(tagOf(config.admin.secretsKey, m[1]));
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { subscriptionId: m[1] }
    : undefined;
}
