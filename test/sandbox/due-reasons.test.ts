import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 25, item 6: when time travel makes a send due and nothing goes out, the sandbox says why
// (the contact rule, an opt-out, the sample, the age of the closure) and what to do instead, in
// both languages, rather than "ran now … done" with the reason only in the server log.

let sys: TestSystem;
let auth: { authorization: string };

beforeAll(async () => {
  // The test systems turn the contact rule off (CONTACT_MIN_DAYS 0); here it is on, at its default.
  sys = await startTestSystem({
    workers: true,
    env: { SEND_WINDOW: '00:00-24:00', CONTACT_MIN_DAYS: '30' },
  });
  auth = { authorization: `Bearer ${await sys.token('admin')}` };
});
afterAll(async () => {
  await sys?.stop();
});

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sys.baseUrl}/sandbox/api${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as T;
}

interface ClosureView {
  closureNumber: number;
  state: string;
  sent: boolean;
  reason: string | null;
  askAgainAfter: string | null;
  explain: { ar: string; en: string } | null;
}

const close = (ref: string, phone: string) =>
  api('POST', '/tickets', {
    ref,
    type: 'closed',
    agency: 'MOMAH',
    department: 'roads',
    agentId: 'a-9',
    citizenPhone: phone,
    language: 'en',
  });

async function settled(ref: string): Promise<ClosureView> {
  return eventually(
    async () => {
      const { closures } = await api<{ closures?: ClosureView[] }>('GET', `/tickets/${ref}/due`);
      const c = closures?.[0];
      return c && !['scheduled', 'sending'].includes(c.state) ? c : undefined;
    },
    { what: `the closure of ${ref} settled` },
  );
}

describe('the sandbox says why a due send sent nothing', () => {
  it('a second ticket for a number asked days ago: the contact rule, until when, and what to do', async () => {
    const phone = '+966501119001';
    await close('T-WHY-1', phone);
    await api('POST', '/tickets/T-WHY-1/due', {});
    const first = await settled('T-WHY-1');
    expect(first).toMatchObject({ sent: true, reason: null, explain: null });

    await close('T-WHY-2', phone);
    await api('POST', '/tickets/T-WHY-2/due', {});
    const second = await settled('T-WHY-2');
    expect(second).toMatchObject({ sent: false, state: 'skipped', reason: 'recent_contact' });
    const days = sys.ctx.config.followUp.policy.contactMinDays;
    const after = new Date(second.askAgainAfter ?? '').getTime();
    expect(after - Date.now()).toBeGreaterThan((days - 1) * 86_400_000);
    expect(after - Date.now()).toBeLessThanOrEqual(days * 86_400_000);
    expect(second.explain?.en).toMatch(new RegExp(`asked less than ${days} days ago`));
    expect(second.explain?.en).toMatch(/another number/);
    expect(second.explain?.ar).toMatch(/رقما آخر/);
  });

  it('a number that opted out: says so, and how to opt back in', async () => {
    const phone = '+966501119002';
    await api('POST', '/messages', { from: phone, body: 'STOP' });
    await close('T-WHY-3', phone);
    await api('POST', '/tickets/T-WHY-3/due', {});
    const c = await settled('T-WHY-3');
    expect(c).toMatchObject({ sent: false, reason: 'opted_out' });
    expect(c.explain?.en).toMatch(/START/);
    expect(c.explain?.ar).toMatch(/START/);
  });
});
