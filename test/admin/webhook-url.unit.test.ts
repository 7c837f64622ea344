import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { postToWebhookUrl } from '../../src/followup/outcome/webhook-delivery.js';
import {
  isPrivateAddress,
  webhookUrlProblem,
  type Resolver,
} from '../../src/followup/outcome/webhook-url.js';

// Issue 23, finding 5: the probe's addresses, and the rest of the IANA special-purpose registries.
const PROBED = [
  '192.0.2.2',
  '198.51.100.7',
  '::127.0.0.1',
  '::a00:1',
  '::ffff:0:127.0.0.1',
  '64:ff9b:1::7f00:1',
  '2002:7f00:1::1',
  'fec0::1',
  '100::1',
  '2001:0:7f00:1::',
];
const SPECIAL = [
  // IPv4
  '0.1.2.3',
  '10.0.0.5',
  '100.64.0.1',
  '100.127.255.254',
  '127.0.0.1',
  '127.255.0.1',
  '169.254.169.254',
  '172.16.0.1',
  '172.31.255.255',
  '192.0.0.8',
  '192.0.0.170',
  '192.0.2.255',
  '192.31.196.1',
  '192.52.193.1',
  '192.88.99.1',
  '192.168.1.1',
  '192.175.48.6',
  '198.18.0.1',
  '198.19.255.255',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  // IPv6, and IPv4 inside IPv6
  '::',
  '::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:192.0.2.1',
  '::ffff:0:8.8.8.8',
  '::8.8.8.8',
  '64:ff9b::7f00:1',
  '64:ff9b::10.0.0.1',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::808:808',
  '100::',
  '100:0:0:1::1',
  '2001::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '2001:1::1',
  '2001:2::1',
  '2001:3::1',
  '2001:4:112::1',
  '2001:10::1',
  '2001:20::1',
  '2001:30::1',
  '2001:db8::1',
  '2002:a00:1::1',
  '2002:c000:0201::1',
  '2002:a9fe:a9fe::',
  '2620:4f:8000::1',
  '3fff::1',
  '3fff:fff::1',
  '5f00::1',
  'fc00::1',
  'fd12:3456::1',
  'fe80::1',
  'febf::1',
  'fec0::1',
  'feff::1',
  'ff02::1',
  '4000::1',
  'fe80::1%eth0',
  // Not an address at all
  'localhost',
  '',
];
const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '212.26.1.1',
  '93.184.215.14',
  '192.0.3.1',
  '198.20.0.1',
  '100.128.0.1',
  '172.32.0.1',
  '223.255.255.254',
  '2001:4860:4860::8888',
  '2606:4700:4700::1111',
  '2a00:1450:4001:81c::200e',
  '2001:200::1',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '64:ff9b::8.8.4.4',
  '2002:808:808::1',
];

describe('webhook addresses', () => {
  it.each([...PROBED, ...SPECIAL])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(PUBLIC)('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses every probed address in a live-mode URL, in the forms the probe sent', async () => {
    for (const address of PROBED) {
      const url = address.includes(':') ? `https://[${address}]/hook` : `https://${address}/hook`;
      expect(await webhookUrlProblem(url, { strict: true }), url).toMatch(/special-purpose/);
    }
    // The URL parser's own spellings of loopback.
    for (const url of ['https://0x7f.1/', 'https://2130706433/', 'https://[0:0:0:0:0:ffff:7f00:1]/'])
      expect(await webhookUrlProblem(url, { strict: true }), url).toMatch(/special-purpose/);
    expect(await webhookUrlProblem('https://8.8.8.8/hook', { strict: true })).toBeUndefined();
    expect(await webhookUrlProblem('https://[2001:4860:4860::8888]/hook', { strict: true })).toBeUndefined();
  });

  it('checks every address a name resolves to, not just the first', async () => {
    const resolve: Resolver = () =>
      Promise.resolve([
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ]);
    expect(await webhookUrlProblem('https://hooks.example.org/x', { strict: true, resolve })).toMatch(
      /hooks\.example\.org is ::ffff:127\.0\.0\.1/,
    );
    const nothing: Resolver = () => Promise.resolve([]);
    expect(
      await webhookUrlProblem('https://hooks.example.org/x', { strict: true, resolve: nothing }),
    ).toMatch(/does not resolve/);
  });
});

describe('webhook connections', () => {
  it('never reach 127.0.0.1 through a resolver that answers a public address first, then loopback', async () => {
    // Anything listening on loopback: a rebinding attacker's target inside the operator's network.
    const connections: string[] = [];
    const inside = net.createServer((socket) => {
      connections.push(String(socket.remoteAddress));
      socket.destroy();
    });
    inside.listen(0, '127.0.0.1');
    await once(inside, 'listening');
    const { port } = inside.address() as AddressInfo;
    const asked: string[] = [];
    const rebinding: Resolver = (host) => {
      asked.push(host);
      return Promise.resolve([{ address: asked.length === 1 ? '93.184.215.14' : '127.0.0.1', family: 4 }]);
    };
    try {
      const result = await postToWebhookUrl(
        `https://rebind.example.org:${port}/hook`,
        { headers: { 'content-type': 'application/json' }, body: '{}' },
        // The public address is not listening here: the attempt fails (refused, or the timeout).
        { strict: true, resolve: rebinding, timeoutMs: 2_000 },
      ).then(
        (r) => r,
        (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
      );
      expect(connections).toEqual([]);
      expect(asked).toEqual(['rebind.example.org']);
      expect(result).not.toHaveProperty('status');
      expect(result).not.toHaveProperty('refused');
      expect(JSON.stringify(result)).not.toContain('127.0.0.1');
    } finally {
      await new Promise<void>((r) => inside.close(() => r()));
    }
  });

  it('connect to the address the name was resolved to once, sending the name as the host', async () => {
    const seen: { host?: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, body });
        res.writeHead(200).end('accepted');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as AddressInfo;
    let lookups = 0;
    // A name the system resolver cannot know: the connection can only have used this answer.
    const resolve: Resolver = () => {
      lookups += 1;
      return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    };
    try {
      // Not strict (development and tests), so a receiver on loopback is allowed.
      const result = await postToWebhookUrl(
        `http://receiver.invalid:${port}/hook`,
        { headers: { 'content-type': 'application/json' }, body: '{"x":1}' },
        { strict: false, resolve },
      );
      expect(result).toEqual({ status: 200, text: 'accepted' });
      expect(seen).toEqual([{ host: `receiver.invalid:${port}`, body: '{"x":1}' }]);
      expect(lookups).toBe(1);
      // In live mode the same answer is refused before anything connects.
      expect(
        await postToWebhookUrl(
          `https://receiver.invalid:${port}/hook`,
          { headers: {}, body: '{}' },
          { strict: true, resolve },
        ),
      ).toEqual({ refused: expect.stringMatching(/receiver\.invalid is 127\.0\.0\.1/) as unknown });
      expect(seen).toHaveLength(1);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('name the host, not the address, to TLS, so the certificate is checked against the name', async () => {
    const names: string[] = [];
    // The handshake is refused once the name is read: no certificate is needed to see it.
    const server = tls.createServer({
      SNICallback: (name, cb) => {
        names.push(name);
        cb(new Error('no certificate here'));
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const attempt = postToWebhookUrl(
        `https://receiver.invalid:${port}/hook`,
        { headers: {}, body: '{}' },
        { strict: false, resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) },
      );
      await expect(attempt).rejects.toThrow(/TLS|socket/);
      expect(names).toEqual(['receiver.invalid']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
