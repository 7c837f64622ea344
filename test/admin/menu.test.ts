import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { writeDemoMonth } from '../../src/sandbox/demo/month.js';
import { createStaff, get, login, PASSWORD } from '../reports/helpers.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

// Issue 25, item 6: the menu lists every page the role may open, and only those. Each link is
// followed as that person and must answer 200; every page the role may open must be in it; and a
// page left out must indeed be refused to that role (so the list below is not merely the menu's own).

const PAGES = [
  '/dashboard',
  '/audit/integrity',
  '/admin',
  '/admin/users',
  '/admin/tokens',
  '/admin/audit',
  '/admin/unknown-codes',
  '/admin/connectors',
  '/admin/imports',
  '/admin/mail',
  '/admin/erasure',
  '/admin/queues',
  '/sandbox',
  '/account',
  '/public',
  '/public/methodology',
] as const;

const ADMINISTRATION = ['/admin', '/admin/users', '/admin/tokens', '/admin/audit', '/admin/unknown-codes'];
const EVERYONE = ['/dashboard', '/account', '/public', '/public/methodology'];

const MAY_OPEN: Record<string, string[]> = {
  admin: [...PAGES],
  'moh.admin': [...EVERYONE, ...ADMINISTRATION, '/admin/connectors', '/admin/imports', '/admin/mail'],
  auditor: [...EVERYONE, '/audit/integrity', ...ADMINISTRATION, '/admin/connectors'],
  'momah.manager': EVERYONE,
  'lighting.manager': EVERYONE,
};

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
  // The agencies and departments the scoped accounts name, so their dashboard has something to show.
  await writeDemoMonth(system.ctx.models, { days: 3, timeZone: system.ctx.config.timeZone });
  await createStaff(system);
  await createUser(system.ctx.models, {
    username: 'moh.admin',
    password: PASSWORD,
    role: 'agency_admin',
    agency: 'MOH',
  });
});
afterAll(async () => {
  await system?.stop();
});

/** The menu's links, as the page gives them (paths without the query). */
function menuLinks(html: string): string[] {
  const nav = /<nav class="menu"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/href="([^"?]+)/g)].map((m) => m[1] ?? '');
}

describe('the menu of each role', () => {
  for (const [user, allowed] of Object.entries(MAY_OPEN))
    it(`${user}: every link answers 200, and no page the role may open is missing`, async () => {
      const cookie = await login(system, user);
      const account = await get(system, '/account?lang=en', cookie);
      expect(account.status).toBe(200);
      const links = menuLinks(await account.text());
      expect([...links].sort()).toEqual([...allowed].sort());
      for (const path of PAGES) {
        const res = await get(system, path, cookie);
        // The queue board's own application answers on its path with a redirect to its slash.
        const status =
          res.status === 301 || res.status === 302
            ? (await get(system, res.headers.get('location') ?? path, cookie)).status
            : res.status;
        if (allowed.includes(path)) expect(status, `${user} ${path}`).toBe(200);
        else expect(status, `${user} ${path}`).not.toBe(200);
      }
    });
});

describe('without the sandbox', () => {
  let live: TestSystem | undefined;
  afterAll(async () => {
    await live?.stop();
  });
  it('the menu does not list the sandbox phone, which is not there (404)', async () => {
    live = await startTestSystem({
      env: {
        TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'live-auth-token-of-a-real-account',
        ANSWER_LINK_SECRET: 'a-live-answer-link-secret-of-its-own-000',
        SECRETS_KEY: 'cd'.repeat(32),
      },
    });
    await createUser(live.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
    const cookie = await login(live, 'admin');
    const links = menuLinks(await (await get(live, '/admin?lang=en', cookie)).text());
    expect(links).toContain('/admin/users');
    expect(links).not.toContain('/sandbox');
    expect((await get(live, '/sandbox', cookie)).status).toBe(404);
  });
});
