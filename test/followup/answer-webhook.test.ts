import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/followup/outcome/webhook-delivery.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The optional answer webhook: every verified answer (solved or not) reaches the agency's ticket
 * system, signed like the dispute webhook, retried when refused, logged, and never with the number.
 */

let sys: TestSystem;
let token: string;
let receiver: http.Server;
let refuseNext = 0;
const deliveries: { body: string; signature: string; event: string }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (refuseNext > 0) {
        refuseNext -= 1;
        res.writeHead(503).end();
        return;
      }
      deliveries.push({
        body,
        signature: String(req.headers['x-verisat-signature']),
        event: String(req.headers['x-verisat-event']),
      });
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, DISPUTE_RETRY_BASE_MS: '50' },
  });
  token = await sys.token('ticket_system');
  const port = (receiver.address() as AddressInfo).port;
  await sys.ctx.models.Agency.create({
    code: 'hrsd',
    name: { ar: 'وزارة الموارد البشرية', en: 'Ministry of Human Resources' },
    answerWebhookUrl: `http://127.0.0.1:${port}/answers`,
    disputeWebhookSecret: 'agency-secret',
  });
  await sys.ctx.models.Agency.create({ code: 'quiet', name: { ar: 'جهة', en: 'Quiet agency' } });
});
afterAll(async () => {
  await sys?.stop();
  receiver.closeAllConnections();
  receiver.close();
});

function delivered(ref: string) {
  return eventually(
    () =>
      Promise.resolve(
        deliveries.find((d) => (JSON.parse(d.body) as { ticketRef: string }).ticketRef === ref),
      ),
    { what: `the answer for ${ref} delivered` },
  );
}

describe('answer webhook', () => {
  it('sends a solved answer with its rating, signed, without the citizen’s number, and logs it', async () => {
    const phone = '+966500000301';
    await ticketEvent(sys, token, 'AW-1', 'closed', { phone, language: 'en', agency: 'hrsd' });
    await waitForMessages(sys, phone, 1);
    await postInbound(sys, phone, 'yes');
    await postInbound(sys, phone, '5');
    const d = await delivered('AW-1');
    expect(d.event).toBe('closure.answered');
    expect(JSON.parse(d.body)).toMatchObject({
      type: 'closure.answered',
      solved: true,
      rating: 5,
      agency: 'hrsd',
    });
    // The receiver checks the signature over `${t}.${body}` with the agency's secret.
    const t = Number(/t=(\d+)/.exec(d.signature)?.[1]);
    expect(d.signature).toContain(signWebhookBody('agency-secret', t, d.body).split(',')[1]);
    expect(d.body).not.toContain('500000301');
    // The attempt is logged once the receiver has answered.
    const log = await eventually(
      async () => {
        const l = await sys.ctx.models.WebhookDelivery.find({ ticketRef: 'AW-1', kind: 'answer' }).lean();
        return l.length > 0 ? l : undefined;
      },
      { what: 'the delivery logged' },
    );
    expect(log.map((l) => l.ok)).toEqual([true]);
  });

  it('sends "not solved" with the reason and the citizen’s words, retried after a refusal', async () => {
    refuseNext = 1;
    const phone = '+966500000302';
    await ticketEvent(sys, token, 'AW-2', 'closed', { phone, language: 'en', agency: 'hrsd' });
    await waitForMessages(sys, phone, 1);
    await postInbound(sys, phone, 'no');
    await postInbound(sys, phone, '2');
    await postInbound(sys, phone, 'the street light is still broken');
    const d = await delivered('AW-2');
    await eventually(
      async () =>
        (await sys.ctx.models.WebhookDelivery.countDocuments({ ticketRef: 'AW-2', ok: true })) > 0
          ? true
          : undefined,
      { what: 'the retried delivery logged' },
    );
    expect(JSON.parse(d.body)).toMatchObject({ solved: false, rating: 2, outcome: 'disputed' });
    const log = await sys.ctx.models.WebhookDelivery.find({ ticketRef: 'AW-2', kind: 'answer' })
      .sort({ at: 1 })
      .lean();
    expect(log.map((l) => [l.ok, l.status])).toEqual([
      [false, 503],
      [true, 200],
    ]);
    expect(deliveries.filter((x) => x.body.includes('"AW-2"'))).toHaveLength(1);
  });

  it('sends nothing for an agency without an answer webhook', async () => {
    const phone = '+966500000303';
    await ticketEvent(sys, token, 'AW-3', 'closed', { phone, language: 'en', agency: 'quiet' });
    await waitForMessages(sys, phone, 1);
    await postInbound(sys, phone, 'yes');
    await postInbound(sys, phone, '4');
    await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'AW-3' }).lean();
        return f?.state === 'completed' && !f.effectsPending ? f : undefined;
      },
      { what: 'the conversation completed with its effects applied' },
    );
    expect(await sys.ctx.models.WebhookDelivery.countDocuments({ ticketRef: 'AW-3' })).toBe(0);
  });
});
