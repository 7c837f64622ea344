import { createUser } from '../../src/auth/users.js';
import type { TestSystem } from '../support/system.js';

export const PASSWORD = 'correct horse battery staple';

/** One account of each kind: admin, auditor, a manager per agency, a department-scoped manager. */
export async function createStaff(system: TestSystem): Promise<void> {
  const models = system.ctx.models;
  await createUser(models, { username: 'admin', password: PASSWORD, role: 'admin' });
  await createUser(models, { username: 'auditor', password: PASSWORD, role: 'auditor' });
  await createUser(models, {
    username: 'momah.manager',
    password: PASSWORD,
    role: 'manager',
    agency: 'MOMAH',
  });
  await createUser(models, {
    username: 'lighting.manager',
    password: PASSWORD,
    role: 'manager',
    agency: 'MOMAH',
    department: 'lighting',
  });
}

/** Signs in through the form and returns the session cookie ("name=value"). */
export async function login(system: TestSystem, username: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${system.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, next: '/dashboard' }).toString(),
  });
  if (res.status !== 303) throw new Error(`login as ${username} failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

export function get(system: TestSystem, path: string, cookie?: string): Promise<Response> {
  return fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}
