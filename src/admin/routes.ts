import { Router } from 'express';
import { authDeps } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { adminApiRouter } from './api-routes.js';
import { connectorAdminRouter } from './connectors/routes.js';
import { mailAdminRouter } from './mail/routes.js';
import { adminWebRouter } from './web-routes.js';

/** /api/admin, the /admin and /account pages and their mail parts (issue 28); sessions are the dashboard's (same Redis keys). */
export function adminRouter(ctx: AppContext): Router {
  const auth = authDeps(ctx);
  const router = Router();
  router.use(adminApiRouter(ctx, auth));
  // Before the pages' catch-all guard: these pages bring their own (the same one).
  router.use(connectorAdminRouter(ctx, auth));
  router.use(mailAdminRouter(ctx, auth));
  router.use(adminWebRouter(ctx, auth));
  return router;
}
