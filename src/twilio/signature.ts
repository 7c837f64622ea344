import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import twilio from 'twilio';
import type { Logger } from '../log.js';

export interface SignatureOptions {
  authToken: string;
  /** The public URL Twilio requested, without a trailing slash (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  log: Logger;
}

// Why: docs/decisions/0018-signature-over-public-base-url.md
/**
 * Parses the form body and checks `X-Twilio-Signature` against the configured public URL plus the
 * path and query as received. Twilio signs the URL it called, so behind a proxy the Host header and
 * protocol seen here are wrong; the SDK's own `webhook()` middleware rebuilds the URL from them.
 */
export function verifyTwilioSignature(opts: SignatureOptions): RequestHandler[] {
  const check: RequestHandler = (req, res, next) => {
    const signature = req.header('x-twilio-signature');
    const url = `${opts.publicBaseUrl}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (signature === undefined || !signatureMatches(opts.authToken, signature, url, params)) {
      opts.log.warn(
        { path: req.path, hasSignature: signature !== undefined },
        'rejected a webhook with an invalid Twilio signature',
      );
      res.status(403).type('text/plain').send('Invalid Twilio signature');
      return;
    }
    next();
  };
  return [express.urlencoded({ extended: false, limit: '64kb' }), check];
}

/**
 * The URL exactly as configured is what Twilio signs, so one HMAC settles almost every request; the
 * SDK's validateRequest (which re-parses the URL and tries it with and without the port and in
 * escaped forms, up to six HMACs) runs only when that first check fails.
 */
function signatureMatches(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string>,
): boolean {
  const expected = Buffer.from(twilio.getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
  return twilio.validateRequest(authToken, signature, url, params);
}
