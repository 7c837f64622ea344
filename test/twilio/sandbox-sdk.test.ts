import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { verifyTwilioSignature } from '../../src/twilio/signature.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let receiver: http.Server;
let receiverUrl: string;
const callbacks: Record<string, string>[] = [];

beforeAll(async () => {
  sys = await startTestSystem();
  // A separate app receives status callbacks behind our own signature middleware, so the round trip
  // proves the sandbox signs exactly as Twilio does.
  const app = express();
  receiver = http.createServer(app);
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  app.post(
    '/status',
    ...verifyTwilioSignature({
      authToken: sys.ctx.config.twilio.authToken,
      publicBaseUrl: receiverUrl,
      log: createLogger({ level: 'silent' }),
    }),
    (req, res) => {
      callbacks.push(req.body as Record<string, string>);
      res.status(204).end();
    },
  );
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await sys.stop();
});

describe('sandbox Twilio API through the real SDK', () => {
  it('creates, fetches and lists a message, then posts signed status callbacks queued → sent → delivered', async () => {
    const client = sys.ctx.twilio;
    const created = await client.messages.create({
      to: '+966501234567',
      from: sys.ctx.config.twilio.from,
      body: 'هل تم حل مشكلتك؟ رد 1 نعم / 2 لا',
      statusCallback: `${receiverUrl}/status?followUp=abc`,
      validityPeriod: 3600,
    });
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    expect(created.to).toBe('+966501234567');
    expect(created.numSegments).toBe('1');
    expect(created.dateCreated).toBeInstanceOf(Date);

    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.body).toBe('هل تم حل مشكلتك؟ رد 1 نعم / 2 لا');

    const listed = await client.messages.list({ to: '+966501234567' });
    expect(listed.map((m) => m.sid)).toContain(created.sid);
    expect(await client.messages.list({ to: '+966500000000' })).toEqual([]);

    const statuses = await eventually(
      () => {
        const mine = callbacks.filter((c) => c.MessageSid === created.sid).map((c) => c.MessageStatus);
        return Promise.resolve(mine.length >= 2 ? mine : undefined);
      },
      { what: 'two status callbacks' },
    );
    expect(statuses).toEqual(['sent', 'delivered']);
    expect((await client.messages(created.sid).fetch()).status).toBe('delivered');
  });

  it('accepts WhatsApp addresses', async () => {
    const msg = await sys.ctx.twilio.messages.create({
      to: 'whatsapp:+966501234567',
      from: sys.ctx.config.twilio.whatsappFrom,
      body: 'hello',
    });
    expect(msg.to).toBe('whatsapp:+966501234567');
    expect(sys.ctx.sandbox?.getMessage(msg.sid)?.from).toBe('whatsapp:+966920000000');
  });

  it('reports failures for reserved numbers: synchronous codes as RestException, late ones in the callback', async () => {
    const client = sys.ctx.twilio;
    const err = await client.messages
      .create({ to: '+15005550001', from: '+966920000000', body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 400, code: 21211 });

    const unsub = await client.messages
      .create({ to: '+15005550004', from: '+966920000000', body: 'x' })
      .catch((e: unknown) => e);
    expect(unsub).toMatchObject({ status: 400, code: 21610 });

    const late = await client.messages.create({
      to: '+15005550030',
      from: '+966920000000',
      body: 'x',
      statusCallback: `${receiverUrl}/status`,
    });
    const final = await eventually(
      () =>
        Promise.resolve(
          callbacks.find((c) => c.MessageSid === late.sid && c.MessageStatus === 'undelivered'),
        ),
      {
        what: 'undelivered callback',
      },
    );
    expect(final.ErrorCode).toBe('30003');
  });

  it('counts UCS-2 segments for long Arabic text', async () => {
    const msg = await sys.ctx.twilio.messages.create({
      to: '+966501234567',
      from: '+966920000000',
      body: 'ش'.repeat(71),
    });
    expect(msg.numSegments).toBe('2');
  });

  it('validates parameters as Twilio does', async () => {
    const err = await sys.ctx.twilio.messages
      .create({ to: '+966501234567', from: '+966920000000', body: 'x', validityPeriod: 40_000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 21620 });
  });

  it('refuses requests without the account credentials', async () => {
    const res = await fetch(
      `${sys.baseUrl}/__twilio/api/2010-04-01/Accounts/${sys.ctx.config.twilio.accountSid}/Messages.json`,
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003 });
  });
});
