import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, get, PASSWORD } from '../reports/helpers.js';

// A system of its own: these sign-ins would spend the sign-in limits the other login tests count on.
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({ env: { LOGIN_MAX_ATTEMPTS: '100' } });
  await createStaff(system);
});
afterAll(async () => {
  await system?.stop();
});

function postLogin(body: Record<string, string>): Promise<Response> {
  return fetch(`${system.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

describe('sign-in redirect (issue 17, finding 5)', () => {
  it('never redirects off-site after sign-in, however the next path is dressed up', async () => {
    for (const next of [
      '/..//evil.example/x',
      '/.//evil.example/x',
      '/a/..//evil.example/x',
      '/.\\\\evil.example/x',
      '/\\evil.example/x',
      '//evil.example/x',
      'https://evil.example/x',
    ]) {
      const res = await postLogin({ username: 'auditor', password: PASSWORD, next });
      expect(res.status, next).toBe(303);
      const location = res.headers.get('location') ?? '';
      expect(location, next).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, system.baseUrl).origin, next).toBe(system.baseUrl);
      // The same path carried in from the sign-in page's own link ends up as safe.
      const form = await (await get(system, `/login?next=${encodeURIComponent(next)}`)).text();
      expect(form, next).not.toContain('evil.example');
    }
    const kept = await postLogin({
      username: 'auditor',
      password: PASSWORD,
      next: '/a/../dashboard?agency=X',
    });
    expect(kept.headers.get('location')).toBe('/dashboard?agency=X&lang=ar');
  });
});
