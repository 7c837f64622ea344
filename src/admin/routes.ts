import { Router } from 'express';
import type { AuthDeps } from '../auth/principal.js';
import { SessionStore } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { adminApiRouter } from './api-routes.js';
import { adminWebRouter } from './web-routes.js';

/** /api/admin and the /admin and /account pages; sessions are the dashboard's (same Redis keys). */
export function adminRouter(ctx: AppContext): Router {
  const auth: AuthDeps = {
    models: ctx.models,
    log: ctx.log,
    tokenCacheMs: ctx.config.auth.apiTokenCacheMs,
    sessions: new SessionStore(
      ctx.redis,
      ctx.config.queuePrefix,
      Math.round(ctx.config.auth.sessionTtlHours * 3600),
    ),
  };
  const router = Router();
  router.use(adminApiRouter(ctx, auth));
  router.use(adminWebRouter(ctx, auth));
  return router;
}
