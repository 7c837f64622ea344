import { createHash, timingSafeEqual } from 'node:crypto';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Router, type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.js';
import { HttpError } from './errors.js';

/**
 * Prometheus metrics of one process (prom-client). Two kinds:
 * - counted here, per process: request latency, job failures, reconciler repairs, plus Node's own;
 * - read from the shared stores at scrape time, the same from every process: queue depth and age
 *   (Redis), messages by status and answers by outcome (MongoDB, over a recent window, cached so a
 *   scrape every few seconds costs one aggregation per cache period).
 * One registry per AppContext (a WeakMap, not the global registry): tests run several systems in
 * one process, and each must count only its own.
 */
export interface ProcessMetrics {
  registry: Registry;
  jobFailures: Counter<'queue'>;
  reconcilerRepairs: Counter<'kind'>;
  /** How each citizen reply was read, by the question it answered (followup/conversation/inbound.ts). */
  replyReadings: Counter<'question' | 'outcome'>;
  /** Mail delivery attempts by kind and what came of them (src/mail/worker.ts). */
  mails: Counter<'kind' | 'outcome'>;
  /** Queues whose depth and age are reported; filled by the process from the worker definitions. */
  queueNames: Set<string>;
}

const byContext = new WeakMap<AppContext, ProcessMetrics>();

/**
 * The V8 heap in use just after the last full (mark-compact) collection: what the process really
 * holds. The heap in use at scrape time swings with garbage not yet collected, and resident memory
 * keeps what V8 reserved; a leak shows as this growing. One observer per process, started lazily.
 */
let heapAfterMajorGc: number | undefined;
let gcObserver: PerformanceObserver | undefined;
function watchMajorGcs(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } | null }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
        heapAfterMajorGc = v8.getHeapStatistics().used_heap_size;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}

export function metricsOf(ctx: AppContext): ProcessMetrics {
  let m = byContext.get(ctx);
  if (!m) {
    m = createMetrics(ctx);
    byContext.set(ctx, m);
  }
  return m;
}

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

function createMetrics(ctx: AppContext): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'verisat_' });
  const queueNames = new Set<string>();
  const cacheMs = ctx.config.metrics.dbCacheMs;
  watchMajorGcs();
  new Gauge({
    name: 'verisat_nodejs_heap_after_major_gc_bytes',
    help: 'V8 heap in use just after the last full garbage collection (before the first one: in use now); growth means a leak',
    registers: [registry],
    collect() {
      this.set(heapAfterMajorGc ?? v8.getHeapStatistics().used_heap_size);
    },
  });

  new Histogram({
    name: 'verisat_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern (never the raw path: it carries tokens and numbers)',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'verisat_queue_job_failures_total',
    help: 'Job attempts that failed in this process, by queue (retried or final)',
    labelNames: ['queue'],
    registers: [registry],
  });
  const reconcilerRepairs = new Counter({
    name: 'verisat_reconciler_repairs_total',
    help: 'What the reconciler repaired in this process: events requeued, jobs restored, effects replayed, sums repaired',
    labelNames: ['kind'],
    registers: [registry],
  });
  // The measured share of each reading: a rise in `unclear` or `clarified` says replies are being
  // missed, a rise in `not_solved` against the answer page's share says they may be misread.
  const replyReadings = new Counter({
    name: 'verisat_reply_readings_total',
    help: 'Citizen replies (SMS, WhatsApp) read in this process, by the question asked (solved, rating, reason, none) and what came of them: solved, not_solved, rating, reason, clarified (unclear, asked again), unclear (unclear after the clarification, kept as a comment), language (asked again in another language), opt_out, opt_in, help',
    labelNames: ['question', 'outcome'],
    registers: [registry],
  });
  const mails = new Counter({
    name: 'verisat_mails_total',
    help: 'Mail delivery attempts in this process by kind (dispute_alert, drift_alert, weekly_report, monthly_report, test) and outcome: sent, retried (refused for now or unreachable; tried again later), failed (refused for good, or out of attempts)',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });

  new Gauge({
    name: 'verisat_queue_jobs',
    help: 'Jobs in each queue by state (shared: the same from every process)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await reported(ctx, 'queue depth', async () => {
        await Promise.all(
          [...queueNames].map(async (name) => {
            const counts = await ctx.queues.get(name).getJobCounts(...STATES);
            for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      });
    },
  });
  new Gauge({
    name: 'verisat_queue_oldest_due_job_age_seconds',
    help: 'How long the oldest job that is due (waiting, or delayed past its time) has waited, by queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      await reported(ctx, 'queue age', () =>
        Promise.all(
          [...queueNames].map(async (name) => {
            const queue = ctx.queues.get(name);
            // Oldest first: the waiting list's tail and the delayed set's lowest score.
            const [waiting] = await queue.getJobs(['wait'], 0, 0, true);
            const [delayed] = await queue.getJobs(['delayed'], 0, 0, true);
            const dueAt = [waiting, delayed]
              .filter((j) => j !== undefined)
              .map((j) => j.timestamp + (j.delay ?? 0))
              .filter((t) => t <= now);
            this.set({ queue: name }, dueAt.length ? (now - Math.min(...dueAt)) / 1000 : 0);
          }),
        ),
      );
    },
  });

  const windowStart = () => new Date(Date.now() - ctx.config.metrics.windowHours * 3_600_000);
  new Gauge({
    name: 'verisat_messages',
    help: 'Outbound messages created in the last METRICS_WINDOW_HOURS, by status and Twilio error code (shared)',
    labelNames: ['status', 'error_code', 'channel'],
    registers: [registry],
    collect: cached(
      ctx,
      cacheMs,
      'messages',
      async function (this: Gauge<'status' | 'error_code' | 'channel'>) {
        const rows = await ctx.models.FollowUpMessage.aggregate<{
          _id: { status?: string | null; errorCode?: number | null; channel?: string | null };
          n: number;
        }>([
          { $match: { direction: 'outbound', createdAt: { $gte: windowStart() } } },
          {
            $group: {
              _id: { status: '$status', errorCode: '$errorCode', channel: '$channel' },
              n: { $sum: 1 },
            },
          },
        ]);
        this.reset();
        for (const r of rows)
          this.set(
            {
              status: r._id.status ?? 'unknown',
              error_code: r._id.errorCode == null ? '' : String(r._id.errorCode),
              channel: r._id.channel ?? 'sms',
            },
            r.n,
          );
      },
    ),
  });
  new Gauge({
    name: 'verisat_answers',
    help: 'Follow-ups with an outcome, last changed in the last METRICS_WINDOW_HOURS, by outcome and channel (shared)',
    labelNames: ['outcome', 'channel'],
    registers: [registry],
    collect: cached(ctx, cacheMs, 'answers', async function (this: Gauge<'outcome' | 'channel'>) {
      const rows = await ctx.models.FollowUp.aggregate<{
        _id: { outcome: string; channel?: string | null };
        n: number;
      }>([
        { $match: { updatedAt: { $gte: windowStart() }, outcome: { $exists: true } } },
        { $group: { _id: { outcome: '$outcome', channel: '$channel' }, n: { $sum: 1 } } },
      ]);
      this.reset();
      for (const r of rows) this.set({ outcome: r._id.outcome, channel: r._id.channel ?? 'sms' }, r.n);
    }),
  });

  return { registry, jobFailures, reconcilerRepairs, replyReadings, mails, queueNames };
}

/**
 * A store that does not answer leaves its figures out of this scrape (and says so in the log) rather
 * than failing the whole scrape: the process's own counters are most wanted exactly then.
 */
async function reported(ctx: AppContext, what: string, collect: () => Promise<unknown>): Promise<void> {
  try {
    await collect();
  } catch (err) {
    ctx.log.warn({ err, metric: what }, 'metrics: a store did not answer; figures left out of this scrape');
  }
}

/**
 * A gauge's collect that runs at most once per `ms` (the previous values stand in between), and
 * never two at once when scrapes overlap.
 */
function cached<G>(
  ctx: AppContext,
  ms: number,
  what: string,
  load: (this: G) => Promise<void>,
): (this: G) => Promise<void> {
  let at = 0;
  let running: Promise<void> | undefined;
  return async function (this: G) {
    if (Date.now() - at < ms) return;
    running ??= reported(ctx, what, () => load.call(this)).finally(() => {
      running = undefined;
    });
    await running;
    at = Date.now();
  };
}

/** The route pattern a request matched (`/f/:token`), or `unmatched`: never the raw path. */
function routeOf(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    const path = route.path;
    // A mounted router's prefix is the request's own text, in whatever case it was sent (Express
    // matches without regard to case): one series per route, not one per spelling. Our mount
    // paths are lower-case literals, never parameters.
    if (typeof path === 'string') return `${req.baseUrl.toLowerCase()}${path}`;
  }
  return 'unmatched';
}

/** Times every request, labelled by method, route pattern and status class. */
export function requestMetrics(ctx: AppContext): RequestHandler {
  const histogram = metricsOf(ctx).registry.getSingleMetric('verisat_http_request_duration_seconds') as
    Histogram<'method' | 'route' | 'status'> | undefined;
  if (!histogram) throw new Error('metrics registry has no request histogram');
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.once('finish', () =>
      end({ method: req.method, route: routeOf(req), status: `${Math.floor(res.statusCode / 100)}xx` }),
    );
    next();
  };
}

/**
 * `GET /metrics` in Prometheus's text format. With METRICS_TOKEN it needs that bearer token; in live
 * mode without one it is not served on the public port at all (METRICS_PORT serves it on loopback).
 */
export function metricsRouter(ctx: AppContext): Router {
  const router = Router();
  const { token } = ctx.config.metrics;
  const open = ctx.config.twilio.mode === 'sandbox' || token !== undefined;
  if (!open) return router;
  router.get('/metrics', metricsHandler(ctx, token));
  return router;
}

export function metricsHandler(ctx: AppContext, token: string | undefined): RequestHandler {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = token === undefined ? undefined : digest(token);
  return async (req, res, next) => {
    if (expected) {
      const given = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return next(
          new HttpError(401, 'unauthorized', 'Send the metrics token (Authorization: Bearer <token>)'),
        );
      }
    }
    try {
      const { registry } = metricsOf(ctx);
      const body = await registry.metrics();
      res.status(200).set({ 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).send(body);
    } catch (err) {
      next(new Error('collecting metrics failed', { cause: err }));
    }
  };
}
