import express, { type Express } from 'express';
import { queueBoardRouter } from './admin/queue-board.js';
import { landingRouter } from './http/ui/landing.js';
import { apiReferenceRouter } from './http/ui/api-reference.js';
import { apiRouteDocs, API_VERSION } from './api-docs.js';
import { authDeps } from './auth/principal.js';
import { adminRouter } from './admin/routes.js';
import { unsubscribeRouter } from './admin/mail/unsubscribe-routes.js';
import { importsRouter } from './admin/imports/routes.js';
import type { AppContext } from './context.js';
import { followUpRouter } from './followup/routes.js';
import { errorHandler, notFound } from './http/errors.js';
import { healthRouter } from './http/health.js';
import { metricsRouter, requestMetrics } from './http/metrics.js';
import { requestLogger } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { reportsRouter } from './reports/routes.js';
import { retentionRouter } from './retention/routes.js';
import { demoBanner } from './sandbox/demo/banner.js';
import { sandboxRouter } from './sandbox/routes.js';
import { connectorsRouter } from './tickets/connectors/routes.js';
import { ticketsRouter } from './tickets/routes.js';
import { voiceRouter } from './voice/routes.js';
import { voiceHandoffApiRouter } from './voice/handoff-api.js';
import { PROCESSED_QUEUES } from './worker-definitions.js';

/** Builds the Express app without listening, so tests and the server share it. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-* only from the proxies configured (TRUST_PROXY): believed from anyone, a rotating
  // X-Forwarded-For made every request a new client to the sign-in limits and the audit log.
  // Signatures never depend on it: they use PUBLIC_BASE_URL.
  app.set('trust proxy', ctx.config.trustProxy ?? false);
  // Query strings are parsed flat, so `agency[$ne]=x` arrives as a key, never as an object.
  app.set('query parser', 'simple');
  // Every response is per request (API results, per-user pages, webhooks): an ETag would cost a
  // SHA-1 of each body for conditional requests no client makes.
  app.set('etag', false);

  // Timed first, so the histogram covers every route; /metrics itself beside the health checks.
  app.use(requestMetrics(ctx));
  app.use(healthRouter(ctx));
  app.use(metricsRouter(ctx));
  if (ctx.sandbox) app.use('/__twilio', ctx.sandbox.router());
  app.use(requestLogger(ctx.log));
  // No page of ours is meant to be framed (the answer page and the dashboard take clicks that
  // count), no response is to be sniffed into another type, and every page gets the page CSP.
  app.use(securityHeaders({ publicBaseUrl: ctx.config.publicBaseUrl }));
  // A database of generated demo data says so on every page (npm run demo -- --month).
  app.use(demoBanner(ctx.db.conn, ctx.log));

  // Voice first: Twilio waits on these while a caller listens, so they skip the other routers' matching.
  app.use(voiceRouter(ctx));
  app.use(ticketsRouter(ctx));
  app.use(voiceHandoffApiRouter(ctx));
  app.use(connectorsRouter(ctx));
  app.use(followUpRouter(ctx));
  app.use(reportsRouter(ctx));
  app.use(landingRouter(ctx, authDeps(ctx)));
  app.use(apiReferenceRouter(ctx, apiRouteDocs, API_VERSION));
  // Erasure on request and the queue board (issue 16) sit beside the administration, before its
  // catch-all guard (which would ask the board's own script for a form token).
  app.use(retentionRouter(ctx));
  app.use(queueBoardRouter(ctx, PROCESSED_QUEUES));
  // Before the administration's catch-all guard, which lets agency administrators' readers in too.
  app.use(importsRouter(ctx, authDeps(ctx)));
  // The signed one-click unsubscribe link of every subscription mail: no sign-in, the link is the authority.
  app.use(unsubscribeRouter(ctx));
  app.use(adminRouter(ctx));
  // The sandbox phone exists only beside the Twilio stand-in: in live mode its paths are 404.
  if (ctx.sandbox) app.use(sandboxRouter(ctx, ctx.sandbox));

  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return app;
}
