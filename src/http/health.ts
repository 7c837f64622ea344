import { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * What a readiness check answers anyone who asks (a load balancer does, without credentials): how
 * it went, never the error's own text, which names addresses, ports and driver internals.
 */
interface Check {
  ok: boolean;
  ms: number;
  error?: 'timeout' | 'unavailable';
}

class Timeout extends Error {}

/** The detail of a failed check, for the log: credentials in a connection URL cut out. */
function detailOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1***@').slice(0, 500);
}

async function timed(
  fn: () => Promise<unknown>,
  timeoutMs: number,
): Promise<{ check: Check; detail?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Timeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { check: { ok: true, ms: Math.round(performance.now() - started) } };
  } catch (err) {
    return {
      check: {
        ok: false,
        ms: Math.round(performance.now() - started),
        error: err instanceof Timeout ? 'timeout' : 'unavailable',
      },
      detail: detailOf(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  // A load balancer asks every few seconds: a check's failure is logged when its detail changes,
  // not on every probe of an outage.
  const lastLogged = new Map<string, string>();
  // Liveness: the process answers. Nothing external, so a Redis outage never restarts every pod.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: can this process do its work right now?
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all([
      timed(() => ctx.redis.ping(), 1000),
      timed(async () => {
        const db = ctx.db.conn.db;
        if (!db) throw new Error('not connected');
        await db.admin().ping();
      }, 1000),
      timed(
        () => Promise.all(ctx.queues.all().map((q) => q.getJobCounts('waiting', 'delayed', 'failed'))),
        1000,
      ),
    ]);
    const names = ['redis', 'mongodb', 'queues'] as const;
    names.forEach((check, i) => {
      const detail = results[i]?.detail;
      if (detail === undefined) lastLogged.delete(check);
      else if (lastLogged.get(check) !== detail) {
        lastLogged.set(check, detail);
        ctx.log.warn({ check, detail }, 'readiness check failed');
      }
    });
    const [redis, mongodb, queues] = results.map((r) => r.check);
    const ok = results.every((r) => r.check.ok);
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ready' : 'unavailable', checks: { redis, mongodb, queues } });
  });
  return router;
}
