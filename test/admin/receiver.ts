import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * An agency's ticket system as a real HTTP server: it checks X-Verisat-Signature the way a receiver
 * is told to (any v1= that matches a secret it holds) and answers 200, or 401 when none matches.
 */
export interface Receiver {
  url: string;
  /** The secrets this receiver holds; a delivery is accepted when one of its v1= matches one. */
  secrets: string[];
  received: { type: string; body: string; matched: string[]; status: number; v1Count: number }[];
  close(): Promise<void>;
}

export function matchingSecrets(signature: string, body: string, candidates: string[]): string[] {
  const parts = signature.split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2) ?? '';
  const v1 = parts.filter((p) => p.startsWith('v1=')).map((p) => Buffer.from(p.slice(3), 'hex'));
  return candidates.filter((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
    return v1.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected));
  });
}

export async function startReceiver(): Promise<Receiver> {
  const state: Receiver = { url: '', secrets: [], received: [], close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const signature = String(req.headers['x-verisat-signature'] ?? '');
      const matched = matchingSecrets(signature, body, state.secrets);
      const status = matched.length > 0 ? 200 : 401;
      state.received.push({
        type: String(req.headers['x-verisat-event'] ?? ''),
        body,
        matched,
        status,
        v1Count: signature.split(',').filter((p) => p.startsWith('v1=')).length,
      });
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status === 200 ? 'accepted' : 'bad signature');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verisat`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}
