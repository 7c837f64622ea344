import express from 'express';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { verifyTwilioSignature } from '../../src/twilio/signature.js';

const TOKEN = 'test-auth-token-0123456789abcdef';
// Twilio calls the public URL (a proxy in front); the app sees another host and port.
const PUBLIC = 'https://verisat.example.gov.sa';
let server: http.Server;
let local: string;
const seen: Record<string, string>[] = [];

beforeAll(async () => {
  const app = express();
  app.post(
    '/voice/step',
    ...verifyTwilioSignature({
      authToken: TOKEN,
      publicBaseUrl: PUBLIC,
      log: createLogger({ level: 'silent' }),
    }),
    (req, res) => {
      seen.push(req.body as Record<string, string>);
      res.type('text/xml').send('<Response/>');
    },
  );
  server = http.createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function post(pathAndQuery: string, params: Record<string, string>, signature: string | undefined) {
  return fetch(`${local}${pathAndQuery}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}

describe('verifyTwilioSignature', () => {
  const params = { CallSid: `CA${'1'.repeat(32)}`, Digits: '5', From: '+966501234567' };
  const path = '/voice/step?flow=post-call-rating&step=agent&lang=ar&try=0&agent=a%2F7';

  it('accepts a request signed over the public URL with its query string, behind a proxy', async () => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params);
    const res = await post(path, params, sig);
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toEqual(params);
  });

  it.each([
    ['no signature', undefined],
    [
      'signed with another token',
      twilio.getExpectedTwilioSignature('other-token', `${PUBLIC}${path}`, params),
    ],
    [
      'signed over the local URL',
      twilio.getExpectedTwilioSignature(TOKEN, `http://127.0.0.1${path}`, params),
    ],
    [
      'signed over another query',
      twilio.getExpectedTwilioSignature(
        TOKEN,
        `${PUBLIC}/voice/step?flow=post-call-rating&step=thanks`,
        params,
      ),
    ],
  ])('rejects a forgery (%s) with 403 before the handler runs', async (_label, sig) => {
    const before = seen.length;
    const res = await post(path, params, sig);
    expect(res.status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it('rejects a signed request whose body was changed', async () => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${path}`, params);
    const res = await post(path, { ...params, Digits: '1' }, sig);
    expect(res.status).toBe(403);
  });
});
