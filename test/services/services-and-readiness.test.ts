import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ServiceStartError, startMongo, startRedis } from '../../src/services/embedded.js';
import { logSink } from '../support/log-sink.js';
import { eventually, startTestSystem } from '../support/system.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'verisat-services-'));
const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('embedded services', () => {
  it('starts Redis on a free loopback port with noeviction, and stops it', async () => {
    const redis = await startRedis({ dataDir: path.join(root, 'r1'), searchPath, persistent: false });
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = new Redis(redis.url);
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    client.disconnect();
    await redis.stop();
    await redis.stop(); // twice is fine
    expect(await portOpen(redis.url)).toBe(false);
  });

  it('starts a MongoDB-wire server that stores data, and stops it', async () => {
    const mongo = await startMongo({ dataDir: path.join(root, 'm1'), searchPath, persistent: false });
    const conn = await mongoose.createConnection(`${mongo.url}probe`).asPromise();
    await conn.collection('things').insertOne({ name: 'ثابت' });
    expect(await conn.collection('things').findOne({}, { projection: { _id: 0 } })).toEqual({ name: 'ثابت' });
    await conn.close();
    await mongo.stop();
    expect(await portOpen(mongo.url)).toBe(false);
  });

  it('keeps development data across restarts of the same data folder', async () => {
    const dataDir = path.join(root, 'persist');
    const first = await startMongo({ dataDir, searchPath, persistent: true });
    let conn = await mongoose.createConnection(`${first.url}dev`).asPromise();
    await conn.collection('kept').insertOne({ n: 1 });
    await conn.close();
    await first.stop();
    const second = await startMongo({ dataDir, searchPath, persistent: true });
    conn = await mongoose.createConnection(`${second.url}dev`).asPromise();
    expect(await conn.collection('kept').countDocuments()).toBe(1);
    await conn.close();
    await second.stop();
  });

  it('says what to install when a binary is missing', async () => {
    const err = await startRedis({
      dataDir: path.join(root, 'r2'),
      searchPath: ['/nonexistent'],
      persistent: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceStartError);
    expect((err as Error).message).toMatch(/apt-get install redis-server.*REDIS_URL/s);
  });
});

describe('GET /readyz', () => {
  it('is ready with Redis and MongoDB up, and answers 503 once Redis stops, the detail in the log only', async () => {
    const redis = await startRedis({ dataDir: path.join(root, 'r3'), searchPath, persistent: false });
    const { lines, sink } = logSink();
    const sys = await startTestSystem({
      redisUrl: redis.url,
      env: { LOG_LEVEL: 'warn' },
      logDestination: sink,
    });
    try {
      sys.ctx.queues.get('probe'); // readiness also asks every queue
      const ready = await fetch(`${sys.baseUrl}/readyz`);
      const readyBody: unknown = await ready.clone().json();
      expect(ready.status, JSON.stringify(readyBody)).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { redis: { ok: true }, mongodb: { ok: true }, queues: { ok: true } },
      });

      await redis.stop();
      const down = await fetch(`${sys.baseUrl}/readyz`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as {
        status: string;
        checks: { redis: { ok: boolean; error: string }; mongodb: { ok: boolean } };
      };
      expect(body.status).toBe('unavailable');
      expect(body.checks.redis.ok).toBe(false);
      expect(body.checks.mongodb.ok).toBe(true);
      // Anyone may ask (a load balancer does): a word for what failed, never the error's own text
      // (addresses, ports, driver messages). The operator finds the detail in the log (issue 23, item 12).
      expect(['timeout', 'unavailable']).toContain(body.checks.redis.error);
      const logged = await eventually(() =>
        Promise.resolve(
          lines
            .map((l) => JSON.parse(l) as { msg?: string; check?: string; detail?: string })
            .find((l) => l.msg === 'readiness check failed' && l.check === 'redis'),
        ),
      );
      expect(logged.detail).toBeTruthy();
      const { port } = new URL(redis.url);
      const text = JSON.stringify(body);
      expect(text).not.toContain(logged.detail);
      expect(text).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|:${port}|closed`, 'i'));

      expect((await fetch(`${sys.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await sys.stop();
      await redis.stop();
    }
  });
});
