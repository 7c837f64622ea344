import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 17, finding 8: a slow body must not hold a connection open for minutes.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ env: { REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await sys.stop();
});

describe('a request trickled in slowly', () => {
  it('is answered 408 and its connection closed once the request timeout has passed', async () => {
    const { port } = new URL(sys.baseUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Headers promise a body that arrives a byte at a time, far slower than the timeout allows.
    socket.write(
      'POST /sms/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
    );
    let dripped = 0;
    const drip = setInterval(() => socket.writable && socket.write('a') && (dripped += 1), 200);
    await closed;
    clearInterval(drip);
    const tookMs = Date.now() - started;
    // Answered 408 and closed by the server while the promised body was still short: the trickle
    // did not hold the connection until it finished.
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(dripped).toBeLessThan(1000);
    // Not before the timeout: a lower bound only, which a busy machine can only make later.
    expect(tookMs).toBeGreaterThanOrEqual(900);
  });
});
