import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runDueWork, TimeTravelRefusedError } from '../../src/sandbox/time-travel.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const LIVE = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'live-auth-token-of-a-real-account',
  ANSWER_LINK_SECRET: 'a-live-answer-link-secret-of-its-own-000',
  SECRETS_KEY: 'cd'.repeat(32),
};

let live: TestSystem;

beforeAll(async () => {
  live = await startTestSystem({ env: LIVE });
});
afterAll(async () => {
  await live?.stop();
});

describe('live mode has no sandbox', () => {
  it('answers 404 for the phone page, its script, its API and the stand-in API', async () => {
    expect(live.ctx.config.twilio.mode).toBe('live');
    for (const path of ['/sandbox', '/sandbox?lang=en', '/sandbox/phone.js', '/sandbox/api/magic-numbers']) {
      expect((await fetch(`${live.baseUrl}${path}`)).status, path).toBe(404);
    }
    const call = await fetch(`${live.baseUrl}/sandbox/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+966501234567' }),
    });
    expect(call.status).toBe(404);
    const standIn = await fetch(
      `${live.baseUrl}/__twilio/api/2010-04-01/Accounts/${LIVE.TWILIO_ACCOUNT_SID}/Messages.json`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${LIVE.TWILIO_ACCOUNT_SID}:${LIVE.TWILIO_AUTH_TOKEN}`).toString('base64')}`,
        },
      },
    );
    expect(standIn.status).toBe(404);
  });

  it('refuses time travel, in code and on the command line', async () => {
    await expect(runDueWork(live.ctx, 'T-1')).rejects.toBeInstanceOf(TimeTravelRefusedError);
    const run = promisify(execFile)('node', ['--import', 'tsx', 'scripts/due.ts', 'T-1'], {
      env: {
        PATH: process.env.PATH,
        ...LIVE,
        PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
        REDIS_URL: live.services.redisUrl,
      },
    });
    const failure = await run.then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/sandbox only/);
  });
});

describe('live start-up without NODE_ENV (issue 23, finding 3)', () => {
  it('prints no API token and no password, and says how to create the first admin', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verisat-live-'));
    const uri = `${inject('mongoUrl')}live_start_${process.pid}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      // NODE_ENV unset, as the probe ran it.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...LIVE,
        PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
        PORT: '0',
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        RUN_WORKERS_IN_WEB: 'false',
        REDIS_URL: inject('redisUrl'),
        MONGODB_URI: uri,
        QUEUE_PREFIX: `live${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!/sign in:.*\n/.test(out) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/verisat is running/);
      expect(out).toMatch(/sign in:.*npm run user -- --username \S+ --role admin/);
      expect(out).not.toMatch(/vst_/);
      expect(out).not.toMatch(/API token:/);
      expect(out).not.toMatch(/password [A-Za-z0-9_-]{12,}/);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, out).toBe(0);
      // Nothing was created behind the operator's back either.
      const conn = await mongoose.createConnection(uri).asPromise();
      try {
        expect(await conn.collection('users').countDocuments()).toBe(0);
        expect(await conn.collection('api_tokens').countDocuments()).toBe(0);
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
