import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { PAGE_CSP_DIRECTIVES } from './page-policy.js';

// Why: docs/decisions/0014-libraries-for-solved-problems.md
/**
 * Security headers on every response, from helmet: the page policy as the default CSP (a page that
 * needs more, the sandbox phone or the queue board, sets its own on its own path), no framing, no
 * sniffing, no referrer leaving the site, and HSTS only when the public address is https (over plain
 * http a browser ignores it, and on a developer's 127.0.0.1 it would pin every other local service).
 */
export function securityHeaders(opts: { publicBaseUrl: string }): RequestHandler {
  const https = new URL(opts.publicBaseUrl).protocol === 'https:';
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(PAGE_CSP_DIRECTIVES).map(([name, values]) => [name, [...values]]),
      ),
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // The answer page's link is opened from SMS apps; nothing of ours is meant to be embedded.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
