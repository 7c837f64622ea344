import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { actorOf, writeAudit, type AuditEntry } from '../auth/audit.js';
import { authDeps, principalOf } from '../auth/principal.js';
import { readCookie, SESSION_COOKIE } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { maskPhone } from '../log.js';
import { requireAdmin } from './auth.js';
import { csrfTokenFor } from '../auth/secrets.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The operators' queue board (bull-board): every queue's jobs by state, failed jobs with their
 * errors, retry and discard. Administrators only, behind the same sign-in as /admin.
 *
 * Only retrying failed jobs and discarding are let through, each audited before it runs (and again
 * when it fails): adding jobs, editing their data, promoting delayed ones (a follow-up would leave
 * its send window), retrying a completed one (a dispute would be posted to the agency again),
 * emptying or obliterating a queue would change what citizens receive, and are refused.
 */
const RETRY_ONE = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/;

const ALLOWED: { pattern: RegExp; action: `admin.queue.${string}` }[] = [
  { pattern: RETRY_ONE, action: 'admin.queue.retry' },
  { pattern: /^\/api\/queues\/([^/]+)\/retry\/(failed)$/, action: 'admin.queue.retry_all' },
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/clean$/, action: 'admin.queue.discard' },
  { pattern: /^\/api\/queues\/([^/]+)\/clean\/(failed|completed)$/, action: 'admin.queue.discard_all' },
];

const SAFE = ['GET', 'HEAD', 'OPTIONS'];

/**
 * The board's router matches without regard to case, and `…/:queue/clean/:status` before
 * `…/:queue/:job/clean`: a job "named" like one of these words would be audited as one job while
 * the whole queue is cleaned (or retried). Such a path is refused.
 */
const ACTION_WORDS = new Set(['retry', 'clean']);

/** Identifiers the board acts on (ours are built from SIDs and ticket refs, never a number). */
const IDENTIFIER_KEYS = new Set(['id', 'jobId']);

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

// Completed jobs are not offered for retry (retryFailedOnly enforces it on the server). The base
// adapter reads allowCompletedRetries, though BullMQAdapter's constructor type does not list it.
const ADAPTER_OPTIONS: { allowRetries: boolean; allowCompletedRetries: boolean } = {
  allowRetries: true,
  allowCompletedRetries: false,
};

// Why: docs/decisions/0013-queue-board-behind-sign-in.md
export function queueBoardRouter(ctx: AppContext, queueNames: readonly string[]): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(ctx.queues.get(name), ADAPTER_OPTIONS)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'verisat queues' } },
  });

  // Jobs carry citizens' numbers in their data, failure reasons, stack traces and logs: every
  // string the board's API answers with is masked, as the logs are. Nothing of it is cached.
  const maskedAnswers: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(maskDeep(body));
    next();
  };

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
    const [, queue = '', second = ''] = allowed.m;
    const single = !allowed.a.action.endsWith('_all');
    if (single && ACTION_WORDS.has(decodedSegment(second).toLowerCase())) {
      await writeAudit(ctx, {
        actor,
        action: 'admin.queue.refused',
        outcome: 'denied',
        detail: { method: req.method, path: req.path.slice(0, 200), reason: 'ambiguous' },
        ...(req.ip ? { ip: req.ip } : {}),
      });
      return next(new HttpError(403, 'forbidden', 'A job id that reads as an action is refused'));
    }
    const target = single
      ? `queue:${decodedSegment(queue)}/job:${decodedSegment(second)}`
      : `queue:${decodedSegment(queue)}`;
    const entry: AuditEntry = {
      actor,
      action: allowed.a.action,
      target,
      ...(single ? {} : { detail: { state: second } }),
      ...(req.ip ? { ip: req.ip } : {}),
    };
    await writeAudit(ctx, entry);
    res.once('finish', () => {
      if (res.statusCode >= 400)
        void writeAudit(ctx, { ...entry, outcome: 'failed', detail: { status: res.statusCode } });
    });
    next();
  };

  // One job retried: only if it is failed, decided by BullMQ in the same Redis script that moves it
  // (a job retried twice at once, or finished meanwhile, is not in the failed set and is refused).
  const retryFailedOnly: RequestHandler = async (req, res, next) => {
    const m = req.method === 'PUT' ? RETRY_ONE.exec(req.path) : null;
    if (!m) return next();
    const name = decodedSegment(m[1] ?? '');
    if (!queueNames.includes(name)) return next(new HttpError(404, 'not_found', 'No such queue'));
    const job = await ctx.queues.get(name).getJob(decodedSegment(m[2] ?? ''));
    if (!job) return next(new HttpError(404, 'not_found', 'No such job'));
    try {
      await job.retry('failed');
    } catch (err) {
      const state = await job.getState();
      if (state !== 'failed')
        return next(new HttpError(409, 'conflict', `Only a failed job can be retried; this one is ${state}`));
      throw err;
    }
    res.status(204).end();
  };

  const router = Router();
  router.use(
    QUEUE_BOARD_PATH,
    boardPolicy,
    originForToken,
    requireAdmin(ctx, authDeps(ctx), 'page', ['admin']),
    audited,
    maskedAnswers,
    retryFailedOnly,
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

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhone(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any job of ours: shown as masked text rather than in clear.
  if (depth > 8) return maskPhone(JSON.stringify(value));
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      IDENTIFIER_KEYS.has(k) && typeof v === 'string' ? v : maskDeep(v, depth + 1),
    ]),
  );
}
