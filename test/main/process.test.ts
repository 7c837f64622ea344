import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DEADLINE, POLL_MS } from '../support/time.js';

// The real entry point as an operator runs it: prints where it listens, serves, and drains on SIGTERM.
describe('src/main.ts', () => {
  it('starts web and workers, prints its address, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verisat-main-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        REDIS_URL: inject('redisUrl'),
        MONGODB_URI: `${inject('mongoUrl')}main_${process.pid}`,
        QUEUE_PREFIX: `main${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + DEADLINE.process;
      while (
        !/web:\s+http:\/\/127\.0\.0\.1:\d+/.test(out) &&
        Date.now() < deadline &&
        child.exitCode === null
      ) {
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const url = /web:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      expect(out).toContain('twilio:     sandbox');
      expect(out).toMatch(/API token:\s+vst_/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, out).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with live Twilio credentials and no answer-link secret of its own (issue 17, finding 1)', async () => {
    const live = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // NODE_ENV unset, as the probe ran it.
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'f'.repeat(32),
      PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
      REDIS_URL: inject('redisUrl'),
      MONGODB_URI: `${inject('mongoUrl')}main_live_${process.pid}`,
    };
    for (const [env, expected] of [
      [live, /ANSWER_LINK_SECRET: required in production and with live Twilio credentials/],
      [
        { ...live, ANSWER_LINK_SECRET: 'development-only-answer-link-secret-0000' },
        /ANSWER_LINK_SECRET: the public development secret cannot sign live answer links/,
      ],
    ] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(out).toMatch(expected);
      expect(out).not.toContain('listening');
    }
  });
});
