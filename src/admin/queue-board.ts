import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { actorOf, writeAudit, type AuditEntry } from '../auth/audit.js';
import { authDeps } from '../auth/principal.js';
import { readCookie, SESSION_COOKIE } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { maskPhone } from '../log.js';
import { principalOf } from '../reports/authorise.js';
import { requireAdmin } from './auth.js';
import { csrfTokenFor } from './secrets.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The operators' queue board (bull-board): every queue's jobs by state, failed jobs with their
 * errors, retry and discard. Administrators only, behind the same sign-in as /admin.
 *
 * Only retrying and discarding are let through, each audited before it runs (and again when it
 * fails): adding jobs, editing their data, promoting delayed ones (a follow-up would leave its send
 * window), emptying or obliterating a queue would change what citizens receive, and are refused.
 */
const ALLOWED: { pattern: RegExp; action: `admin.queue.${string}` }[] = [
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/, action: 'admin.queue.retry' },
  { pattern: /^\/api\/queues\/([^/]+)\/retry\/(failed)$/, action: 'admin.queue.retry_all' },
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/clean$/, action: 'admin.queue.discard' },
  { pattern: /^\/api\/queues\/([^/]+)\/clean\/(failed|completed)$/, action: 'admin.queue.discard_all' },
];

const SAFE = ['GET', 'HEAD', 'OPTIONS'];

/** The board runs its own bundled scripts and styles, so it gets its own policy, on its path only. */
const boardPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'self'"],
  },
});

// Why: docs/decisions/0013-queue-board-behind-sign-in.md
export function queueBoardRouter(ctx: AppContext, queueNames: readonly string[]): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => {
      const a = new BullMQAdapter(ctx.queues.get(name), { allowRetries: true });
      // Inbound replies carry the citizen's number: the board shows it masked, as the logs do.
      a.setFormatter('data', (data: unknown) => maskDeep(data));
      a.setFormatter('returnValue', (value: unknown) => maskDeep(value));
      return a;
    }),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'verisat queues' } },
  });

  const key = ctx.config.admin.secretsKey;
  // The board's own script cannot carry our CSRF token. A browser sends Origin on every PUT and
  // DELETE it makes, and a page of another site cannot set it to ours: a same-origin Origin stands
  // in for the token (requireAdmin then checks both), and a request without one is refused.
  const originForToken: RequestHandler = (req, _res, next) => {
    if (SAFE.includes(req.method)) return next();
    const id = readCookie(req, SESSION_COOKIE);
    if (id && sameOrigin(req, ctx.config.publicBaseUrl)) req.headers['x-csrf-token'] = csrfTokenFor(key, id);
    next();
  };
  const audited: RequestHandler = async (req, res, next) => {
    if (SAFE.includes(req.method)) return next();
    const actor = actorOf(principalOf(res));
    const allowed = ALLOWED.map((a) => ({ a, m: a.pattern.exec(req.path) })).find((x) => x.m);
    if (!allowed?.m) {
      await writeAudit(ctx, {
        actor,
        action: 'admin.queue.refused',
        outcome: 'denied',
        detail: { method: req.method, path: req.path.slice(0, 200) },
        ...(req.ip ? { ip: req.ip } : {}),
      });
      return next(new HttpError(403, 'forbidden', 'The queue board only retries and discards jobs'));
    }
    const [, queue, second] = allowed.m;
    const target = allowed.a.action.endsWith('_all') ? `queue:${queue}` : `queue:${queue}/job:${second}`;
    const entry: AuditEntry = {
      actor,
      action: allowed.a.action,
      target,
      ...(allowed.a.action.endsWith('_all') ? { detail: { state: second } } : {}),
      ...(req.ip ? { ip: req.ip } : {}),
    };
    await writeAudit(ctx, entry);
    res.once('finish', () => {
      if (res.statusCode >= 400)
        void writeAudit(ctx, { ...entry, outcome: 'failed', detail: { status: res.statusCode } });
    });
    next();
  };

  const router = Router();
  router.use(
    QUEUE_BOARD_PATH,
    boardPolicy,
    originForToken,
    requireAdmin(ctx, authDeps(ctx), 'page', ['admin']),
    audited,
    adapter.getRouter() as RequestHandler,
  );
  return router;
}

function sameOrigin(req: Request, publicBaseUrl: string): boolean {
  const origin = req.header('origin');
  const host = req.header('host');
  return (
    origin !== undefined &&
    (origin === new URL(publicBaseUrl).origin ||
      (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)))
  );
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhone(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}
