import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPUTE_QUEUE, disputeJobId } from '../../src/followup/queue.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The dispute webhook tells the agency what the citizen has said by the time it is sent: a rating
 * and a reason given in the same breath as "not solved" travel with it.
 */

let sys: TestSystem;
let token: string;
let receiver: http.Server;
const deliveries: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      deliveries.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  // A grace far longer than the test: only the end of the conversation can send the dispute in time.
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, DISPUTE_WEBHOOK_GRACE_SECONDS: '600' },
  });
  token = await sys.token('ticket_system');
  await sys.ctx.models.Agency.create({
    code: 'momrah',
    name: { ar: 'أمانة الرياض', en: 'Riyadh Municipality' },
    disputeWebhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/disputes`,
    disputeWebhookSecret: 'agency-secret',
  });
});
afterAll(async () => {
  await sys?.stop();
  receiver.closeAllConnections();
  receiver.close();
});

describe('dispute webhook', () => {
  it('carries the rating and reason the citizen sent together with "not solved"', async () => {
    const phone = '+966500000201';
    await ticketEvent(sys, token, 'DW-1', 'closed', { phone, language: 'en' });
    await waitForMessages(sys, phone, 1);
    // Three texts sent one after another, as a citizen types "2", "2", "1" without waiting.
    for (const text of ['2', '2', '1']) {
      const { res } = await postInbound(sys, phone, text);
      expect(res.status).toBe(200);
    }
    await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'DW-1' }).lean();
        return f?.state === 'completed' ? f : undefined;
      },
      { what: 'the conversation completed' },
    );
    const delivered = await eventually(
      () => Promise.resolve(deliveries.find((d) => d.ticketRef === 'DW-1')),
      { what: 'the dispute delivered' },
    );
    expect(delivered).toMatchObject({ type: 'closure.disputed', rating: 2, reason: 'no_contact' });
    expect(deliveries.filter((d) => d.ticketRef === 'DW-1')).toHaveLength(1);
  });

  it('after "not solved" alone, waits for the grace and sends what is known then', async () => {
    const phone = '+966500000202';
    await ticketEvent(sys, token, 'DW-2', 'closed', { phone, language: 'en' });
    await waitForMessages(sys, phone, 1);
    const { res } = await postInbound(sys, phone, 'no');
    expect(res.status).toBe(200);
    const queue = sys.ctx.queues.get(DISPUTE_QUEUE);
    const waiting = await eventually(
      async () => {
        const job = await queue.getJob(disputeJobId('DW-2', 1));
        return job && (await job.getState()) === 'delayed' ? job : undefined;
      },
      { what: 'the dispute waiting out its grace' },
    );
    expect(waiting.delay).toBe(600_000);
    // The citizen stops there; the grace ends (made due here rather than waited for).
    await waiting.promote();
    const delivered = await eventually(
      () => Promise.resolve(deliveries.find((d) => d.ticketRef === 'DW-2')),
      { what: 'the dispute delivered' },
    );
    expect(delivered).toMatchObject({ type: 'closure.disputed', rating: null, reason: null });
  });
});
