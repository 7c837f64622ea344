import { Router } from 'express';
import type { AppContext } from '../context.js';

interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  // Liveness: the process answers. Nothing external, so a Redis outage never restarts every pod.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: can this process do its work right now?
  router.get('/readyz', async (_req, res) => {
    const [redis, mongodb, queues] = await Promise.all([
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
    const ok = redis.ok && mongodb.ok && queues.ok;
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ready' : 'unavailable', checks: { redis, mongodb, queues } });
  });
  return router;
}
