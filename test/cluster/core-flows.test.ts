import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE } from '../../src/followup/queue.js';
import { FAST_FOLLOWUP_ENV, reply, waitForMessages } from '../support/followup.js';
import { startRedisCluster, type RedisClusterHarness } from '../support/redis-cluster.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { Call } from '../support/voice.js';
import { Processes } from '../races/processes.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';

/**
 * The core flows on a three-master Redis Cluster: BullMQ under a hash-tagged prefix, ioredis Cluster
 * connections in the web process and in a separate worker process, sessions and the Redis-counted
 * sign-in limit. Everything the system keeps in Redis must work when its keys live on three nodes.
 */

let cluster: RedisClusterHarness;
let sys: TestSystem;
let procs: Processes;
const prefix = `{c${randomBytes(4).toString('hex')}}`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  const env = { ...FAST_FOLLOWUP_ENV, QUEUE_PREFIX: prefix, LOGIN_MAX_ATTEMPTS: '3' };
  sys = await startTestSystem({ redisUrl: cluster.address, workers: false, env });
  procs = new Processes(sys, { ...env, REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodesEnv });
  await procs.worker();
  await createStaff(sys);
});
afterAll(async () => {
  await procs?.stop();
  await sys?.stop();
  await cluster?.stop();
});

describe('on a three-master Redis Cluster', () => {
  it('the web process talks to the cluster, and the config refuses a prefix without a hash tag', async () => {
    expect(sys.ctx.redis).toBeInstanceOf(Cluster);
    const masters = (sys.ctx.redis as Cluster).nodes('master');
    expect(masters).toHaveLength(3);
    const ready = await fetch(`${sys.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const { loadConfig } = await import('../../src/config/index.js');
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: cluster.nodesEnv, QUEUE_PREFIX: 'verisat' })).toThrow(
      /hash-tagged prefix/,
    );
  });

  it('a ticket closed through the API is applied by the worker process, sent, and answered by SMS', async () => {
    const token = await sys.token('ticket_system');
    const citizen = '+966500004401';
    const res = await sys.api('/api/tickets/CL-1/events', {
      token,
      body: {
        eventId: 'ev-cl-1',
        type: 'closed',
        at: new Date().toISOString(),
        agency: 'momrah',
        department: 'roads',
        agentId: 'agent-42',
        citizenPhone: citizen,
      },
    });
    // 202: queued on the cluster and applied by the other process.
    expect(res.status).toBe(202);
    await waitForMessages(sys, citizen, 1, 'bulk');
    await reply(sys, citizen, '2');
    await reply(sys, citizen, '4');
    await reply(sys, citizen, '1');
    const f = await eventually(async () => {
      const doc = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'CL-1' }).lean();
      return doc?.state === 'completed' ? doc : undefined;
    });
    expect(f).toMatchObject({ outcome: 'disputed', solved: false, rating: 4 });
    // The queue's keys carry the hash tag, so they share the slot BullMQ's multi-key scripts need.
    expect(await sys.ctx.redis.exists(`${prefix}:${FOLLOWUP_QUEUE}:meta`)).toBe(1);
  });

  it('a post-call rating reaches MongoDB through the queue on the cluster', async () => {
    const call = new Call(sys);
    const q1 = await call.post('/voice/rating?agent=a-7&ticket=CL-2&lang=en');
    const q2 = await call.press(q1, '5');
    await call.press(q2, '1');
    await call.hangUp(20);
    const r = await eventually(async () => {
      const doc = await sys.ctx.models.PostCallRating.findOne({ callSid: call.sid }).lean();
      return doc?.status === 'complete' && doc.callDurationSec === 20 ? doc : undefined;
    });
    expect(r).toMatchObject({ agentRating: 5, solvedOnCall: true });
  });

  it('sessions and the sign-in limit live on the cluster', async () => {
    const cookie = await login(sys, 'admin', PASSWORD);
    expect((await get(sys, '/dashboard', cookie)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${sys.baseUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'manager', password: 'wrong password 123' }).toString(),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
