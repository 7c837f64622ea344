import { Router } from 'express';
import { loginRouter } from '../auth/login-routes.js';
import { authDeps } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { reportsApiRouter } from './api-routes.js';
import { reportsWebRouter } from './pages/web-routes.js';
import { integrityRouter } from './integrity/routes.js';

/** Sign-in, the summary API, exports, the dashboard and the public scoreboard. */
export function reportsRouter(ctx: AppContext): Router {
  const auth = authDeps(ctx);
  const router = Router();
  router.use(loginRouter(ctx, auth));
  router.use(reportsApiRouter(ctx, auth));
  router.use(reportsWebRouter(ctx, auth));
  router.use(integrityRouter(ctx, auth));
  return router;
}
