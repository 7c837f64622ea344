import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { INBOUND_QUEUE } from '../../src/followup/conversation/inbound.js';
import { launchBrowser } from '../support/browser.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 16, item 2: the operators' queue board, behind admin sign-in, every retry and discard audited.
const PASSWORD = 'correct horse battery staple';
const NUMBER = '+966501119999';
let sys: TestSystem;
let browser: Browser;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  await createUser(sys.ctx.models, { username: 'auditor', password: PASSWORD, role: 'auditor' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

async function cookieOf(username: string): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD }).toString(),
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A job the inbound worker cannot read fails at once: a failed job for the board to show. */
async function failedJob(id: string): Promise<void> {
  await sys.ctx.queues
    .get(INBOUND_QUEUE)
    .add('inbound', { from: NUMBER, nonsense: true }, { jobId: id, attempts: 1 });
  await eventually(async () =>
    (await sys.ctx.queues.get(INBOUND_QUEUE).getJob(id))?.failedReason ? true : undefined,
  );
}

const board = (path: string, init: { cookie?: string; method?: string; origin?: string } = {}) =>
  fetch(`${sys.baseUrl}/admin/queues${path}`, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.origin ? { origin: init.origin } : {}),
    },
  });

describe('the queue board', () => {
  it('is for signed-in administrators only', async () => {
    const anonymous = await board('/');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    expect((await board('/api/queues', {})).status).toBe(303);
    expect((await board('/', { cookie: await cookieOf('auditor') })).status).toBe(403);
    const page = await board('/', { cookie: await cookieOf('admin') });
    expect(page.status).toBe(200);
    // Its own policy (it runs its bundled scripts), on its path only.
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const dashboard = await fetch(`${sys.baseUrl}/login`);
    expect(dashboard.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(dashboard.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it('shows failed jobs with the numbers masked', async () => {
    await failedJob('board-show');
    const res = await board(`/api/queues?activeQueue=${INBOUND_QUEUE}&status=failed`, {
      cookie: await cookieOf('admin'),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('board-show');
    expect(text).not.toContain(NUMBER.slice(4));
  });

  it('retries and discards, each audited; anything else is refused and audited', async () => {
    const cookie = await cookieOf('admin');
    const origin = sys.baseUrl;
    await failedJob('board-retry');
    // Without a same-origin Origin (a cross-site form, a script elsewhere): refused, nothing runs.
    expect(
      (await board(`/api/queues/${INBOUND_QUEUE}/board-retry/retry`, { cookie, method: 'PUT' })).status,
    ).toBe(403);
    expect(
      (
        await board(`/api/queues/${INBOUND_QUEUE}/board-retry/retry`, {
          cookie,
          method: 'PUT',
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect(await sys.ctx.models.AuditLog.countDocuments({ action: /^admin\.queue/ })).toBe(0);

    const retried = await board(`/api/queues/${INBOUND_QUEUE}/board-retry/retry`, {
      cookie,
      method: 'PUT',
      origin,
    });
    expect(retried.status).toBeLessThan(300);
    await eventually(async () => {
      const job = await sys.ctx.queues.get(INBOUND_QUEUE).getJob('board-retry');
      return job && job.attemptsMade >= 2 && (await job.isFailed()) ? true : undefined;
    });
    expect(await sys.ctx.models.AuditLog.findOne({ action: 'admin.queue.retry' }).lean()).toMatchObject({
      actorName: 'admin',
      target: `queue:${INBOUND_QUEUE}/job:board-retry`,
      outcome: 'ok',
    });

    const discarded = await board(`/api/queues/${INBOUND_QUEUE}/board-retry/clean`, {
      cookie,
      method: 'PUT',
      origin,
    });
    expect(discarded.status).toBeLessThan(300);
    expect(await sys.ctx.queues.get(INBOUND_QUEUE).getJob('board-retry')).toBeUndefined();
    expect(
      await sys.ctx.models.AuditLog.countDocuments({
        action: 'admin.queue.discard',
        target: `queue:${INBOUND_QUEUE}/job:board-retry`,
      }),
    ).toBe(1);

    await failedJob('board-all');
    expect(
      (await board(`/api/queues/${INBOUND_QUEUE}/retry/failed`, { cookie, method: 'PUT', origin })).status,
    ).toBeLessThan(300);
    expect(
      await sys.ctx.models.AuditLog.countDocuments({
        action: 'admin.queue.retry_all',
        target: `queue:${INBOUND_QUEUE}`,
      }),
    ).toBe(1);

    for (const [method, path] of [
      ['PUT', `/api/queues/${INBOUND_QUEUE}/promote`],
      ['PUT', `/api/queues/${INBOUND_QUEUE}/empty`],
      ['POST', `/api/queues/${INBOUND_QUEUE}/add`],
      ['PUT', `/api/queues/${INBOUND_QUEUE}/clean/delayed`],
    ] as const)
      expect((await board(path, { cookie, method, origin })).status, path).toBe(403);
    expect(
      await sys.ctx.models.AuditLog.countDocuments({ action: 'admin.queue.refused', outcome: 'denied' }),
    ).toBe(4);
  });

  it('never retries a completed job (a dispute would be posted again), atomically (issue 23, item 11)', async () => {
    const cookie = await cookieOf('admin');
    const origin = sys.baseUrl;
    const queue = sys.ctx.queues.get(INBOUND_QUEUE);
    await queue.add(
      'inbound',
      { sid: `SM${'c'.repeat(32)}`, from: '+966501119990', body: 'hello' },
      { jobId: 'board-done' },
    );
    await eventually(async () =>
      (await queue.getJobState('board-done')) === 'completed' ? true : undefined,
    );
    const before = await queue.getJob('board-done');
    const res = await board(`/api/queues/${INBOUND_QUEUE}/board-done/retry`, {
      cookie,
      method: 'PUT',
      origin,
    });
    expect(res.status).toBe(409);
    expect(await queue.getJobState('board-done')).toBe('completed');
    expect((await queue.getJob('board-done'))?.finishedOn).toBe(before?.finishedOn);
    // The refusal is audited once the answer has gone (its status is known only then).
    const refused = await eventually(
      async () =>
        (await sys.ctx.models.AuditLog.findOne({
          action: 'admin.queue.retry',
          target: `queue:${INBOUND_QUEUE}/job:board-done`,
          outcome: 'failed',
        }).lean()) ?? undefined,
      { what: 'the refused retry in the audit log' },
    );
    expect(refused).toMatchObject({ detail: { status: 409 } });
    // The board's own script does not offer it either.
    const listed = (await (
      await board(`/api/queues?activeQueue=${INBOUND_QUEUE}&status=completed`, { cookie })
    ).json()) as { queues: { name: string; allowCompletedRetries: boolean }[] };
    expect(listed.queues.find((q) => q.name === INBOUND_QUEUE)?.allowCompletedRetries).toBe(false);
    // Retrying all completed jobs is refused as before.
    expect(
      (await board(`/api/queues/${INBOUND_QUEUE}/retry/completed`, { cookie, method: 'PUT', origin })).status,
    ).toBe(403);
  });

  it('refuses a path that names a job like an action, instead of auditing one thing and running another', async () => {
    const cookie = await cookieOf('admin');
    const origin = sys.baseUrl;
    const queue = sys.ctx.queues.get(INBOUND_QUEUE);
    await failedJob('board-keep');
    const refusedBefore = await sys.ctx.models.AuditLog.countDocuments({ action: 'admin.queue.refused' });
    for (const path of [
      'clean/clean',
      'Clean/clean',
      'CLEAN/clean',
      'retry/retry',
      'clean/retry',
      'Retry/retry',
    ])
      expect(
        (await board(`/api/queues/${INBOUND_QUEUE}/${path}`, { cookie, method: 'PUT', origin })).status,
        path,
      ).toBe(403);
    expect(await sys.ctx.models.AuditLog.countDocuments({ action: 'admin.queue.refused' })).toBe(
      refusedBefore + 6,
    );
    expect(
      await sys.ctx.models.AuditLog.countDocuments({
        action: 'admin.queue.discard',
        target: /job:(clean|Clean|CLEAN)$/,
      }),
    ).toBe(0);
    expect(await queue.getJobState('board-keep')).toBe('failed');
  });

  it('masks numbers in any digit script in failure reasons, stack traces and data; never cached', async () => {
    const cookie = await cookieOf('admin');
    const queue = sys.ctx.queues.get(INBOUND_QUEUE);
    // A reply to a number in Arabic-Indic digits fails, and the provider's error quotes the number.
    await queue.add(
      'inbound',
      { sid: `SM${'d'.repeat(32)}`, from: '+٩٦٦٥٠١١١٩٩٨٨', body: 'مرحبا' },
      { jobId: 'board-arabic', attempts: 1 },
    );
    await eventually(async () => ((await queue.getJob('board-arabic'))?.failedReason ? true : undefined));
    expect((await queue.getJob('board-arabic'))?.failedReason).toContain('٩٩٨٨');
    const folded = (text: string) => text.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
    for (const path of [
      `/api/queues?activeQueue=${INBOUND_QUEUE}&status=failed`,
      `/api/queues/${INBOUND_QUEUE}/board-arabic`,
      `/api/queues/${INBOUND_QUEUE}/board-arabic/logs`,
    ]) {
      const res = await board(path, { cookie });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      const text = folded(await res.text());
      expect(text, path).not.toMatch(/1119988|501119988/);
    }
    const job = (await (await board(`/api/queues/${INBOUND_QUEUE}/board-arabic`, { cookie })).json()) as {
      job: { id: string; failedReason: string; data: { from: string } };
    };
    expect(job.job.id).toBe('board-arabic');
    expect(job.job.failedReason).toContain('+966•••••••88');
    expect(job.job.data.from).toBe('+966•••••••88');
    expect((await board('/', { cookie })).headers.get('cache-control')).toBe('no-store');
  });

  it('renders in Chromium under its policy, with no script blocked', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${sys.baseUrl}/login?lang=en`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForLoadState('load');
    await page.goto(`${sys.baseUrl}/admin/queues`);
    await page.getByText(INBOUND_QUEUE).first().waitFor();
    // The board's stylesheet asks for a web font from Google; that one request is blocked, by design.
    expect(violations.filter((v) => !v.includes('fonts.googleapis.com'))).toEqual([]);
    await context.close();
  });
});
