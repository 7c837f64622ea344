import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 17, finding 7: bodies that lie about their encoding and paths with broken percent-encoding
// are the caller's mistake on every route, webhooks included, and get a 400 without a stack trace.
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem();
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys.stop();
});

async function expectClear400(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  const text = await res.text();
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|Error:/);
  expect(JSON.parse(text)).toMatchObject({ error: 'bad_request' });
}

describe('malformed requests', () => {
  it.each(['gzip', 'deflate'])(
    'a body marked %s that is not compressed: 400 on the API and on webhooks',
    async (encoding) => {
      const json = JSON.stringify({ eventId: 'e1', type: 'closed' });
      await expectClear400(
        await fetch(`${sys.baseUrl}/api/tickets/T-1/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-encoding': encoding,
          },
          body: json,
        }),
      );
      // Before the signature is checked: the body must be read to check it.
      await expectClear400(
        await fetch(`${sys.baseUrl}/sms/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding },
          body: 'MessageSid=SM1&From=%2B966500000000&Body=1',
        }),
      );
      await expectClear400(
        await fetch(`${sys.baseUrl}/f/${'A'.repeat(32)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding },
          body: 'solved=1',
        }),
      );
    },
  );

  it('a path with malformed percent-encoding: 400, with and without credentials', async () => {
    await expectClear400(
      await fetch(`${sys.baseUrl}/api/tickets/%ZZ`, { headers: { authorization: `Bearer ${token}` } }),
    );
    await expectClear400(await fetch(`${sys.baseUrl}/api/tickets/%ZZ`));
    await expectClear400(await fetch(`${sys.baseUrl}/f/%ZZ`));
  });
});

describe('headers on every page (issue 17, finding 8)', () => {
  it('forbid framing and type sniffing on the answer page, the dashboard and the API', async () => {
    for (const path of [`/f/${'A'.repeat(32)}`, '/login', '/dashboard', '/api/tickets/T-1', '/public']) {
      const res = await fetch(`${sys.baseUrl}${path}`, { redirect: 'manual' });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // The pages people read run no script: their policy allows none, and no framing.
    for (const path of [`/f/${'A'.repeat(32)}`, '/login', '/public']) {
      const csp = (await fetch(`${sys.baseUrl}${path}`)).headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
    }
  });
});
