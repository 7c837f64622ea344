import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/inbound.js';
import { findFreePort, startMongo, type EmbeddedService } from '../../src/services/embedded.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// This file stops and restarts its own MongoDB-wire server, on the same port and data folder.
const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-inbound-outage-'));
const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
let port: number;
let mongo: EmbeddedService;
let sys: TestSystem;

beforeAll(async () => {
  port = await findFreePort();
  mongo = await startMongo({ dataDir: dir, searchPath, persistent: true, port });
  sys = await startTestSystem({ workers: true, mongoUrl: mongo.url, env: FAST_FOLLOWUP_ENV });
});
afterAll(async () => {
  await sys.stop();
  await mongo.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function awaitingFollowUp(ref: string, phone: string): Promise<void> {
  const now = new Date();
  const closure = {
    ticketRef: ref,
    closureNumber: 1,
    agency: 'momrah',
    department: 'roads',
    agentId: 'agent-42',
    closedAt: now,
  };
  await sys.ctx.models.VerifiedScore.create({ ...closure, day: '2026-11-22', sent: true });
  await sys.ctx.models.FollowUp.create({
    ...closure,
    citizenPhone: phone,
    language: 'ar',
    state: 'awaiting_solved',
    channel: 'sms',
    jobId: `fu-send-${ref}-1`,
    sendAt: now,
    sentAt: now,
  });
}

const inbound = (sid: string, from: string, body: string) =>
  sys.postTwilio('/sms/inbound', {
    MessageSid: sid,
    AccountSid: sys.ctx.config.twilio.accountSid,
    From: from,
    To: '+966920000000',
    Body: body,
    NumMedia: '0',
  });

describe('inbound replies are queued, not handled in the webhook', () => {
  it('a reply that arrives while MongoDB is down is answered, and applied, once it is back', async () => {
    const phone = '+966500000901';
    await awaitingFollowUp('O-1', phone);
    await mongo.stop();
    const sid = `SM${'a'.repeat(32)}`;
    const res = await inbound(sid, phone, 'نعم');
    // Twilio hears back at once, and does not retry a webhook: the job is what keeps the reply.
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('<Message>');

    mongo = await startMongo({ dataDir: dir, searchPath, persistent: true, port });
    const followUp = await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-1' }).lean();
        return f?.solved === true ? f : undefined;
      },
      { timeoutMs: 30_000, what: 'the reply applied after MongoDB came back' },
    );
    expect(followUp.state).toBe('awaiting_rating');
    const answers = await eventually(() => {
      const list = sys.ctx.sandbox?.listMessages({ to: phone }) ?? [];
      return Promise.resolve(list.length > 0 ? list : undefined);
    });
    expect(answers).toHaveLength(1);
    expect(answers[0]?.body).toMatch(/1.*5/); // asks for the 1–5 rating
  });

  it('the same webhook delivered twice is answered once', async () => {
    const phone = '+966500000902';
    await awaitingFollowUp('O-2', phone);
    const sid = `SM${'b'.repeat(32)}`;
    const [a, b] = await Promise.all([inbound(sid, phone, '2'), inbound(sid, phone, '2')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await eventually(async () =>
      (await sys.ctx.queues.get(INBOUND_QUEUE).getJobState(inboundJobId(sid))) === 'completed'
        ? true
        : undefined,
    );
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'O-2' }).lean();
    expect(f).toMatchObject({ solved: false, state: 'awaiting_rating' });
    expect(sys.ctx.sandbox?.listMessages({ to: phone })).toHaveLength(1);
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ sid })).toBe(1);
  });
});
