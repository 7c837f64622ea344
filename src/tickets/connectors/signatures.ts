import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature schemes of the ticket systems, as each one documents it. Every comparison is in
 * constant time, over digests of equal length, so neither the value nor its length leaks.
 */

/** Constant-time equality of two strings of any length (compared as SHA-256 digests). */
export function sameValue(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * Zendesk: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(timestamp + body)) with the webhook's
 * signing secret; the timestamp is `X-Zendesk-Webhook-Signature-Timestamp`
 * (https://developer.zendesk.com/documentation/webhooks/verifying/).
 */
export function zendeskSignature(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update(body).digest('base64');
}

/**
 * GLPI (src/Webhook.php): `X-GLPI-signature` = hex(HMAC-SHA256(body + timestamp)) with the
 * webhook's secret; the timestamp (Unix seconds) is `X-GLPI-timestamp`.
 */
export function glpiSignature(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).update(timestamp).digest('hex');
}

/**
 * GLPI's challenge–response check of a URL: it GETs `?crc_token=<t>` and expects the body to be
 * hex(HMAC-SHA256(t)) under the same secret.
 */
export function glpiChallengeAnswer(secret: string, crcToken: string): string {
  return createHmac('sha256', secret).update(crcToken).digest('hex');
}

/** Zendesk signs at send time; older than this (or this far ahead) is taken as a replay. */
export const ZENDESK_TOLERANCE_MS = 5 * 60_000;

/** Whether a Zendesk timestamp (ISO 8601, as Zendesk sends it) is within the tolerance of now. */
export function freshTimestamp(timestamp: string, now: Date, toleranceMs = ZENDESK_TOLERANCE_MS): boolean {
  const at = /^\d+$/.test(timestamp) ? Number(timestamp) * 1000 : Date.parse(timestamp);
  return Number.isFinite(at) && Math.abs(now.getTime() - at) <= toleranceMs;
}
