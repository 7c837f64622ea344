import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { DEADLINE, POLL_MS } from '../support/time.js';

describe('development start-up', () => {
  it('prints where the phone, dashboard and public board are, a one-time admin password that signs in, and human log lines', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verisat-dev-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        PORT: '0',
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        REDIS_URL: inject('redisUrl'),
        MONGODB_URI: `${inject('mongoUrl')}dev_${process.pid}`,
        QUEUE_PREFIX: `dev${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const deadline = Date.now() + DEADLINE.process;
      while (!/sign in:/.test(out) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, POLL_MS));
      const url = /web:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      expect(out).toMatch(/phone:\s+http:\/\/\S+\/sandbox/);
      expect(out).toMatch(/dashboard:\s+http:\/\/\S+\/dashboard/);
      expect(out).toMatch(/public:\s+http:\/\/\S+\/public/);
      const password = /user admin, one-time password (\S+)/.exec(out)?.[1];
      expect(password, out).toBeDefined();

      const login = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          username: 'admin',
          password: password ?? '',
          next: '/dashboard',
        }).toString(),
      });
      expect(login.status).toBe(303);
      // Issue 23, finding 3: a one-time password leads to the change form, and nowhere else.
      expect(login.headers.get('location')).toMatch(/^\/account\b/);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const visit = (p: string) => fetch(`${url}${p}`, { redirect: 'manual', headers: { cookie } });
      for (const p of ['/dashboard', '/admin/users', '/sandbox', '/audit/integrity']) {
        const res = await visit(p);
        expect(res.status, p).toBe(303);
        expect(res.headers.get('location'), p).toMatch(/^\/account\b/);
      }
      for (const p of ['/api/reports/summary', '/api/admin/users']) {
        const res = await visit(p);
        expect(res.status, p).toBe(403);
        expect(await res.text(), p).toContain('password_change_required');
      }
      const account = await visit('/account?lang=en');
      expect(account.status).toBe(200);
      const page = await account.text();
      expect(page).toContain('Change your one-time password');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const change = (current: string, next: string) =>
        fetch(`${url}/account`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, lang: 'en', current, password: next }).toString(),
        });
      // The same password again is no change.
      expect((await change(password ?? '', password ?? '')).status).toBe(422);
      const own = 'my own long passphrase 2026';
      const changed = await change(password ?? '', own);
      expect(changed.status).toBe(303);
      const signIn = (pw: string) =>
        fetch(`${url}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: 'admin', password: pw, next: '/dashboard' }).toString(),
        });
      expect((await signIn(password ?? '')).status).toBe(401);
      const again = await signIn(own);
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toMatch(/^\/dashboard/);
      const fresh = (again.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(
        (await fetch(`${url}/dashboard`, { redirect: 'manual', headers: { cookie: fresh } })).status,
      ).toBe(200);

      // A request's log line, pretty-printed: a short human line, not a JSON object.
      await fetch(`${url}/sandbox`);
      const deadline2 = Date.now() + DEADLINE.state;
      while (!/INFO.*\/sandbox/.test(out) && Date.now() < deadline2)
        await new Promise((r) => setTimeout(r, POLL_MS));
      const logLine = out.split('\n').find((l) => /INFO.*\/sandbox/.test(l));
      expect(logLine, out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO/);
      expect(out.split('\n').some((l) => l.startsWith('{'))).toBe(false);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, out).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('logs JSON lines outside development, and refuses pretty logs in production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        LOG_FORMAT: 'pretty',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'f'.repeat(32),
        PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
        ANSWER_LINK_SECRET: 'a-production-answer-link-secret-000000',
      }),
    ).toThrow(/LOG_FORMAT: production logs are JSON lines/);
  });
});
