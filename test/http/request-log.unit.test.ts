import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/errors.js';
import { loggedPath, requestLogger } from '../../src/http/request-log.js';
import { createLogger } from '../../src/log.js';
import { logSink } from '../support/log-sink.js';

async function withApp(level: string, run: (base: string, lines: string[]) => Promise<void>) {
  const { lines, sink } = logSink();
  const app = express();
  app.use(requestLogger(createLogger({ level, destination: sink })));
  app.get('/f/:token', (_req, res) => res.send('page'));
  app.get('/account/password/:token', (_req, res) => res.send('form'));
  app.get('/missing', (_req, res) => res.status(404).send('no'));
  app.get('/broken', (_req, res) => res.status(500).send('oops'));
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines);
  } finally {
    server.close();
  }
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('requestLogger', () => {
  it('writes one line per request with id, route shape and status, at a level set by the status', async () => {
    await withApp('info', async (base, lines) => {
      const ok = await fetch(`${base}/f/SECRET-TOKEN?lang=ar`);
      await fetch(`${base}/missing`);
      await fetch(`${base}/broken`, { headers: { 'x-request-id': 'upstream-42' } });
      expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => lines.length).toBe(3);
      const [page, missing, broken] = parsed(lines);
      expect(page).toMatchObject({
        level: 30,
        msg: 'request completed',
        req: { id: ok.headers.get('x-request-id'), method: 'GET', path: '/f/:token' },
        res: { status: 200 },
      });
      expect(typeof page?.responseTime).toBe('number');
      expect(missing).toMatchObject({ level: 40, res: { status: 404 } });
      expect(broken).toMatchObject({ level: 50, req: { id: 'upstream-42' }, res: { status: 500 } });
      expect(lines.join('')).not.toContain('SECRET-TOKEN');
      expect(lines.join('')).not.toContain('lang=ar');
    });
  });

  it('ignores a request id that is not a plain token, and logs nothing below its level', async () => {
    await withApp('warn', async (base, lines) => {
      const res = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'bad id; drop' } });
      await fetch(`${base}/f/x`);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => lines.length).toBe(1);
      expect(parsed(lines)[0]).toMatchObject({ res: { status: 404 } });
    });
  });
});

describe('the error log (issue 17, finding 7)', () => {
  it('masks an answer token in the path of a failed request, as the request log does', async () => {
    const { lines, sink } = logSink();
    const app = express();
    app.get('/f/:token', () => {
      throw new Error('database unavailable');
    });
    app.use(errorHandler(createLogger({ level: 'error', destination: sink })));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const token = 'SECRETTOKEN0123456789abcdefghijk';
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/f/${token}?x=1`);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('database unavailable');
      expect(lines.join('')).toContain('/f/:token');
      expect(lines.join('')).not.toContain(token);
    } finally {
      server.close();
    }
  });
});

describe('token redaction by path variant (issue 23, item 6)', () => {
  const token = 'Tok3nSECRETabcdefghij0123456789xy';
  // Express routes paths case-insensitively and with a trailing slash; a probe also tries encoded
  // and doubled slashes. Whatever the shape, routed or not, the token stays out of the log.
  const variants = [
    `/f/${token}`,
    `/F/${token}`,
    `/f/${token}/`,
    `//f/${token}`,
    `/f//${token}`,
    `/f%2F${token}`,
    `/f%2f${token}`,
    `/%66/${token}`,
    `/%46/${token}`,
    `/f%252F${token}`,
    `/f\\${token}`,
    `/account/password/${token}`,
    `/ACCOUNT/PASSWORD/${token}`,
    `/Account/Password/${token}/`,
    `/account%2Fpassword%2F${token}`,
    `/account//password/${token}`,
    `//ACCOUNT/password%2f${token}?lang=en`,
  ];

  it.each(variants)('%s', (path) => {
    const logged = loggedPath(path);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.slice(0, 12));
    expect(logged.toLowerCase()).toMatch(/^\/(f|account\/password)\/:token\/?$/);
  });

  it('keeps every variant out of the request log of a real server, routed or not', async () => {
    await withApp('info', async (base, lines) => {
      for (const path of variants) await fetch(`${base}${path}`);
      await expect.poll(() => lines.length).toBe(variants.length);
      const routed = parsed(lines).filter((l) => (l.res as { status: number }).status === 200);
      expect(routed.length).toBeGreaterThanOrEqual(6);
      expect(lines.join('')).not.toContain(token.slice(0, 12));
    });
  });

  it('leaves other paths as they were', () => {
    expect(loggedPath('/api/tickets/T-1/events?x=1')).toBe('/api/tickets/T-1/events');
    expect(loggedPath('/fonts/a.woff')).toBe('/fonts/a.woff');
    expect(loggedPath('/account')).toBe('/account');
  });
});
