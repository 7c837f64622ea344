import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { signDisputeBody } from '../../followup/outcome/dispute-webhook.js';

/**
 * The ticket system's side of the dispute webhook, run by the demo: it accepts POSTs and checks
 * each one's X-Verisat-Signature with the agency's secret, as a real receiver must.
 */
export interface ReceivedDispute {
  body: Record<string, unknown>;
  signatureValid: boolean;
}

export interface DisputeReceiver {
  url: string;
  received: ReceivedDispute[];
  close(): Promise<void>;
}

function signatureValid(secret: string, header: string | undefined, raw: string): boolean {
  const t = /(?:^|,)t=(\d+)/.exec(header ?? '')?.[1];
  if (t === undefined || header === undefined) return false;
  const expected = Buffer.from(signDisputeBody(secret, Number(t), raw));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startDisputeReceiver(secret: string): Promise<DisputeReceiver> {
  const received: ReceivedDispute[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Kept empty: the check on the received body reports it.
      }
      const header = req.headers['x-verisat-signature'];
      received.push({
        body,
        signatureValid: signatureValid(secret, typeof header === 'string' ? header : undefined, raw),
      });
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/disputes`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
