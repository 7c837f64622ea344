/**
 * Rating-step webhook throughput and latency on loopback at 50 concurrent requests, against a bare
 * Express route returning fixed TwiML measured in the same run. Our path: signature check, query and
 * body validation, the flow engine, a BullMQ add of the answer, TwiML rendering.
 * Usage: npm run bench -- voice   (BENCH_SECONDS per run, default 10)
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { startTestSystem, useSharedServers } from '../test/support/system.js';
import { autocannon, benchServices, ratio, report, runLoad } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const services = await benchServices();
useSharedServers(() => ({ redisUrl: services.redisUrl, mongoUrl: services.mongoUrl }));

try {
  const sys = await startTestSystem({ env: { LOG_LEVEL: 'silent' } });
  const token = sys.ctx.config.twilio.authToken;
  const path = '/voice/step?f=post-call-rating&s=agent_rating&l=ar&r=0&a=a-1&t=T-1';
  const fixed = new twilio.twiml.VoiceResponse();
  fixed
    .gather({ numDigits: 1, action: path })
    .say({ voice: 'Polly.Zeina', language: 'arb' }, 'هل حلت مشكلتك في هذه المكالمة؟');
  const fixedXml = fixed.toString();
  const bare = express();
  bare.post('/voice/step', express.urlencoded({ extended: false }), (_req, res) => {
    res.type('text/xml').send(fixedXml);
  });
  const bareServer = http.createServer(bare).listen(0, '127.0.0.1');
  await once(bareServer, 'listening');
  const bareBase = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  // Every request is a different call pressing 1–5, signed over the public URL as Twilio signs it.
  const params = (i: number) => ({
    CallSid: `CA${i.toString(16).padStart(32, '0')}`,
    AccountSid: sys.ctx.config.twilio.accountSid,
    Digits: String((i % 5) + 1),
    CallStatus: 'in-progress',
  });
  const post = async (base: string, i: number) => {
    const p = params(i);
    const signature = twilio.getExpectedTwilioSignature(token, `${sys.ctx.config.publicBaseUrl}${path}`, p);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(p).toString(),
    });
    const text = await res.text();
    return res.status === 200 && text.includes('<Gather');
  };
  await runLoad('(warm-up)', 500, 20, (i) => post(bareBase, i));
  await runLoad('(warm-up)', 500, 20, (i) => post(sys.baseUrl, 1_000_000 + i));
  // The loaded runs come from autocannon in its own process, with one signed request (one call
  // pressing 5 again and again: the answer's job id makes every repeat a no-op, as for a replay).
  const p = params(7);
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': twilio.getExpectedTwilioSignature(
      token,
      `${sys.ctx.config.publicBaseUrl}${path}`,
      p,
    ),
  };
  const body = new URLSearchParams(p).toString();
  const baseline = await autocannon('bare Express fixed TwiML (baseline)', `${bareBase}${path}`, {
    body,
    headers,
    seconds: SECONDS,
    connections: 50,
  });
  const ours = await autocannon('rating step webhook (ours)', `${sys.baseUrl}${path}`, {
    body,
    headers,
    seconds: SECONDS,
    connections: 50,
  });
  report(ours);
  report(baseline);
  ratio('rating steps: ours / baseline', ours.perSecond, baseline.perSecond, 0.7);
  console.log(
    `rating step p99 ${ours.latency.p99.toFixed(2)} ms at 50 concurrent (target < 20 ms: ${ours.latency.p99 < 20 ? 'met' : 'NOT met'})`,
  );
  bareServer.close();
  await sys.stop();
} finally {
  await services.stop();
}
process.exit(0);
