import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { DEADLINE } from '../support/time.js';

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
    const drip = setInterval(() => socket.writable && socket.write('a'), 200);
    await closed;
    clearInterval(drip);
    const tookMs = Date.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    // Not before the timeout (a busy machine only makes it later), and not minutes after it: within
    // the suite's deadline for a state, while the trickle would take 200 s to finish the body.
    expect(tookMs).toBeGreaterThanOrEqual(900);
    expect(tookMs).toBeLessThan(1000 + DEADLINE.state);
  });
});
