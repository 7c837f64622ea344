import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { reconcileFollowUps } from '../../src/followup/schedule/reconciler.js';
import { startRedis, type EmbeddedService } from '../../src/services/embedded.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Processes } from '../races/processes.js';
import { allSent, answerAllAndCheck, expectOneMessageEach } from './outcomes.js';
import { DEADLINE } from '../support/time.js';

/**
 * Redis killed (SIGKILL, no chance to write anything) and started again on its append-only file
 * while follow-ups wait as delayed jobs and a worker process is sending them, and while the ticket
 * system goes on closing tickets. Redis has its own server here: the run's shared one must stay up.
 */

const FIRST = 20;
const DURING = 6;
const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-redis-fault-'));
const searchPath = loadConfig({ PATH: process.env.PATH }).binSearchPath;
let redis: EmbeddedService;
let sys: TestSystem;
let procs: Processes;

const startOwnRedis = (port?: number) =>
  startRedis({
    dataDir: dir,
    searchPath,
    persistent: false,
    startTimeoutMs: DEADLINE.process,
    ...(port ? { port } : {}),
  });

beforeAll(async () => {
  redis = await startOwnRedis();
  // Sent 3.6 s after closing: the kill below lands while most of them still wait in Redis.
  const env = { ...FAST_FOLLOWUP_ENV, FOLLOWUP_DELAY_HOURS: '0.001', SMS_RATE_PER_SECOND: '8' };
  sys = await startTestSystem({ redisUrl: redis.url, workers: false, env });
  procs = new Processes(sys, { ...env, REDIS_URL: redis.url, REMINDER_AFTER_HOURS: '0' });
  await procs.worker();
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const phone = (i: number) => `+9665000042${String(i).padStart(2, '0')}`;
const ref = (i: number) => `RK-${i}`;

const closedAt = new Map<number, string>();

/** A ticket system's report of closure i; a retry sends the very same event. */
function closeTicket(token: string, i: number): Promise<Response> {
  const at = closedAt.get(i) ?? new Date().toISOString();
  closedAt.set(i, at);
  return sys.api(`/api/tickets/${ref(i)}/events`, {
    token,
    headers: { prefer: 'return=representation' },
    body: {
      eventId: `ev-rk-${i}`,
      type: 'closed',
      at,
      agency: 'momrah',
      department: 'roads',
      agentId: 'agent-42',
      citizenPhone: phone(i),
    },
  });
}

const sentSoFar = () =>
  (sys.ctx.sandbox?.listMessages() ?? []).filter((m) => m.to.startsWith('+9665000042')).length;

describe('Redis killed and restarted under scheduled and sending follow-ups', () => {
  it('loses no follow-up, sends none twice, and keeps every answer', async () => {
    const token = await sys.token('ticket_system');
    for (let i = 0; i < FIRST; i++) expect((await closeTicket(token, i)).status).toBe(201);

    await eventually(() => Promise.resolve(sentSoFar() >= 3 ? true : undefined), {
      what: 'the first sends',
    });
    process.kill(redis.pid ?? 0, 'SIGKILL');
    await redis.stop();
    expect(sentSoFar()).toBeLessThan(FIRST);

    // The ticket system keeps reporting closures while Redis is down: each is either accepted
    // (stored in MongoDB; the reconciler queues it later) or refused with 503, and then retried.
    const refused: number[] = [];
    for (let i = FIRST; i < FIRST + DURING; i++) {
      const res = await closeTicket(token, i);
      expect([201, 202, 503], await res.clone().text()).toContain(res.status);
      if (res.status === 503) refused.push(i);
    }

    redis = await startOwnRedis(Number(new URL(sys.ctx.redisUrl).port));
    await eventually(async () => ((await sys.ctx.redis.ping()) === 'PONG' ? true : undefined), {
      what: 'the web process back on Redis',
    });
    for (const i of refused) expect([200, 201, 202]).toContain((await closeTicket(token, i)).status);
    // What the worker runs at start and every few minutes: jobs the last second of AOF lost come back.
    await reconcileFollowUps(sys.ctx);

    const all = Array.from({ length: FIRST + DURING }, (_, i) => i);
    await allSent(
      sys,
      all.map((i) => ref(i)),
    );
    const phones = all.map((i) => phone(i));
    await expectOneMessageEach(sys, phones);
    await answerAllAndCheck(sys, phones);
  });
});
