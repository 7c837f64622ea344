import { Router } from 'express';
import { loginRouter } from '../auth/login-routes.js';
import type { AuthDeps } from '../auth/principal.js';
import { SessionStore } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { reportsApiRouter } from './api-routes.js';
import { reportsWebRouter } from './pages/web-routes.js';

/** Sign-in, the summary API, exports, the dashboard and the public scoreboard. */
export function reportsRouter(ctx: AppContext): Router {
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
  router.use(loginRouter(ctx, auth));
  router.use(reportsApiRouter(ctx, auth));
  router.use(reportsWebRouter(ctx, auth));
  return router;
}
