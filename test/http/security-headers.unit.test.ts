import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/http/page-policy.js';
import { securityHeaders } from '../../src/http/security-headers.js';

/** A policy's directives, whatever the spacing between them. */
const directives = (csp: string | null) =>
  (csp ?? '')
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);

async function headersFor(publicBaseUrl: string): Promise<Headers> {
  const app = express();
  app.use(securityHeaders({ publicBaseUrl }));
  app.get('/', (_req, res) => res.send('ok'));
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).headers;
  } finally {
    server.close();
  }
}

describe('security headers', () => {
  it('send the page policy as helmet renders it, and HSTS only behind an https address', async () => {
    const plain = await headersFor('http://127.0.0.1:3000');
    expect(directives(plain.get('content-security-policy'))).toEqual(directives(PAGE_CSP));
    expect(plain.get('strict-transport-security')).toBeNull();
    expect(plain.get('x-frame-options')).toBe('DENY');
    const secure = await headersFor('https://verisat.example.gov.sa');
    expect(secure.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(directives(secure.get('content-security-policy'))).toEqual(directives(PAGE_CSP));
  });
});
