import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, PASSWORD } from '../reports/helpers.js';

// Issue 17, finding 6: sign-in limits that neither a rotating X-Forwarded-For bypasses nor an
// attacker turns into a lock-out of the owner, with refused attempts audited.
let direct: TestSystem;
let proxied: TestSystem;

beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startTestSystem({ env: { LOGIN_MAX_ATTEMPTS: '3' } }),
    // Behind a proxy on loopback, which says who the client is.
    startTestSystem({ env: { LOGIN_MAX_ATTEMPTS: '3', TRUST_PROXY: 'loopback' } }),
  ]);
  await Promise.all([createStaff(direct), createStaff(proxied)]);
});
afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

function postLogin(system: TestSystem, body: Record<string, string>, forwardedFor?: string) {
  return fetch(`${system.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: new URLSearchParams(body).toString(),
  });
}

describe('sign-in limits', () => {
  it('are not bypassed by a rotating X-Forwarded-For, and the audit keeps the real address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await postLogin(
        direct,
        { username: `nobody${i}`, password: 'wrong password 123' },
        `203.0.113.${i}`,
      );
      statuses.push(res.status);
    }
    // 3 attempts per username and address, 15 per address: the 16th from this address is refused.
    expect(statuses.slice(0, 15).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(15)).toEqual([429, 429, 429, 429, 429]);
    const audited = await direct.ctx.models.AuditLog.find({
      action: { $in: ['login_failed', 'login_limited'] },
    }).lean();
    expect(audited).toHaveLength(20);
    expect(audited.some((a) => String(a.ip).includes('203.0.113'))).toBe(false);
    expect(audited.filter((a) => a.action === 'login_limited')).toHaveLength(5);
  });

  it("lock the attacker's address out of an account, not its owner", async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await postLogin(proxied, { username: 'admin', password: 'guess number 1234' }, '203.0.113.66'))
          .status,
      ).toBe(401);
    expect((await postLogin(proxied, { username: 'admin', password: PASSWORD }, '203.0.113.66')).status).toBe(
      429,
    );
    // The owner, elsewhere, signs in.
    expect((await postLogin(proxied, { username: 'admin', password: PASSWORD }, '203.0.113.77')).status).toBe(
      303,
    );
    const refused = await proxied.ctx.models.AuditLog.findOne({
      action: 'login_limited',
      actorName: 'admin',
    }).lean();
    expect(refused).toMatchObject({ outcome: 'denied', ip: '203.0.113.66' });
  });
});
