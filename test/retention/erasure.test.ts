import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { keyedHash } from '../../src/followup/conversation/origin.js';
import { citizenSubject } from '../../src/retention/erase.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { dashboardFigures, everyDocument, whereStored, signInCookie } from './support.js';

// Issue 16, item 4: erasure of one citizen's personal data on request, by API, page and command.
const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';
const BY_API = '+966501230004';
const BY_PAGE = '+966501230005';
const BY_CLI = '+966501230006';
const KEPT = '+966501230007';
const WAITING = '+966501230008';
const forms = (e164: string) => [e164, e164.slice(1), `0${e164.slice(4)}`];
const said = (phone: string) => `my-own-words-${phone.slice(-4)}`;

let sys: TestSystem;
let admin: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  admin = await sys.token('admin');
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  for (const [i, phone] of [BY_API, BY_PAGE, BY_CLI, KEPT].entries()) {
    await ticketEvent(sys, admin, `T-E${i}`, 'closed', { phone });
    await waitForMessages(sys, phone, 1);
    await reply(sys, phone, '2');
    await reply(sys, phone, '2');
    await reply(sys, phone, `4 ${said(phone)}`);
  }
});
afterAll(async () => {
  await sys?.stop();
});

const cookie = () => signInCookie(sys, 'admin', PASSWORD);

/** The integrity signals' pseudonym of a number (answer_origins), which goes with the number. */
const pseudonym = (phone: string) => keyedHash(sys.ctx.config.integrity.key, 'citizen', phone);

async function expectErased(phone: string): Promise<void> {
  expect(await whereStored(sys, [...forms(phone), said(phone), pseudonym(phone)])).toEqual([]);
  // The audit entry names the citizen by the keyed hash only.
  const subject = citizenSubject(sys.ctx.config.admin.secretsKey, phone);
  expect(
    await sys.ctx.models.AuditLog.countDocuments({
      action: 'admin.citizen.erase',
      target: `citizen:${subject}`,
    }),
  ).toBe(1);
}

describe('erasure on request', () => {
  it('finds every planted number before, so the searches can fail', async () => {
    for (const phone of [BY_API, BY_PAGE, BY_CLI, KEPT]) {
      const found = await whereStored(sys, [phone, said(phone), pseudonym(phone)]);
      expect(found, phone).toContain(`answer_origins: ${pseudonym(phone)}`);
      expect(
        found.some((f) => f.endsWith(said(phone))),
        phone,
      ).toBe(true);
      expect(
        found.some((f) => f.startsWith('redis') && f.endsWith(phone)),
        phone,
      ).toBe(true);
    }
  });

  it('by API: erases the number and what it said everywhere, leaves others and every figure', async () => {
    const before = await dashboardFigures(sys, admin);
    const auditor = await sys.token('auditor');
    expect((await sys.api('/api/admin/erasures', { token: auditor, body: { phone: BY_API } })).status).toBe(
      403,
    );
    const bad = await sys.api('/api/admin/erasures', { token: admin, body: { phone: 'not a number' } });
    expect(bad.status).toBe(422);
    expect(
      (await sys.api('/api/admin/erasures', { token: admin, body: { phone: { $gt: '' } } })).status,
    ).toBe(422);
    // The national form of the number, as a citizen would give it.
    const res = await sys.api('/api/admin/erasures', { token: admin, body: { phone: forms(BY_API)[2] } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { subject: string; changed: Record<string, number> };
    expect(report.changed.FollowUp).toBe(1);
    expect(report.changed.Ticket).toBe(1);
    expect(JSON.stringify(report)).not.toContain(BY_API.slice(4));
    await expectErased(BY_API);
    expect(report.changed.AnswerOrigin).toBe(3);
    expect((await whereStored(sys, [KEPT, said(KEPT)])).length).toBeGreaterThan(0);
    expect(new Set(await whereStored(sys, [pseudonym(KEPT)]))).toEqual(
      new Set([`answer_origins: ${pseudonym(KEPT)}`]),
    );
    expect(await dashboardFigures(sys, admin)).toEqual(before);
    // Nowhere in the audit log, whatever the field.
    const audit = (await everyDocument(sys)).filter((d) => d.collection === 'audit_log');
    for (const f of forms(BY_API)) expect(audit.some((d) => d.json.includes(f))).toBe(false);
  });

  it('by the admin page: asks for confirmation, then erases and shows only the keyed hash', async () => {
    const c = await cookie();
    const page = await fetch(`${sys.baseUrl}/admin/erasure?lang=en`, { headers: { cookie: c } });
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const post = (body: Record<string, string>) =>
      fetch(`${sys.baseUrl}/admin/erasure`, {
        method: 'POST',
        headers: { cookie: c, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    expect((await post({ phone: BY_PAGE, lang: 'en' })).status).toBe(403);
    expect((await post({ phone: BY_PAGE, lang: 'en', _csrf: csrf })).status).toBe(422);
    expect(await whereStored(sys, [BY_PAGE])).not.toEqual([]);
    const done = await post({ phone: BY_PAGE, lang: 'ar', confirm: 'yes', _csrf: csrf });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain(citizenSubject(sys.ctx.config.admin.secretsKey, BY_PAGE));
    for (const f of forms(BY_PAGE)) expect(html).not.toContain(f);
    await expectErased(BY_PAGE);
  });

  it('ends a conversation still going with the citizen, and its pending jobs', async () => {
    await ticketEvent(sys, admin, 'T-E9', 'closed', { phone: WAITING });
    await waitForMessages(sys, WAITING, 1);
    const before = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-E9' }).lean();
    expect(before?.state).toBe('awaiting_solved');
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    // Sent and waiting for the answer: its reminder and expiry are queued for the follow-up.
    for (const kind of ['reminder', 'expire'] as const)
      expect((await queue.getJob(followUpJobId(kind, 'T-E9', 1)))?.data, kind).toEqual({
        followUpId: before?._id.toString(),
        kind,
        ticketRef: 'T-E9',
        closureNumber: 1,
        agency: before?.agency,
      });
    const res = await sys.api('/api/admin/erasures', { token: admin, body: { phone: WAITING } });
    expect(((await res.json()) as { conversationsEnded: number }).conversationsEnded).toBe(1);
    const after = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-E9' }).lean();
    expect(after).toMatchObject({ state: 'opted_out', outcome: 'opted_out' });
    expect(after?.citizenPhone).toBeUndefined();
    for (const kind of ['send', 'reminder', 'expire'] as const)
      expect(await queue.getJob(followUpJobId(kind, 'T-E9', 1)), kind).toBeUndefined();
    await expectErased(WAITING);
  });

  it('by the command: reads the number from standard input and never prints it', async () => {
    const child = run('node', ['--import', 'tsx', 'scripts/erase-citizen.ts', '--by', 'dpo:test'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        MONGODB_URI: `${inject('mongoUrl').replace(/\/?$/, '/')}${sys.dbName}`,
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: sys.ctx.config.queuePrefix,
      },
    });
    child.child.stdin?.end(`${BY_CLI}\n`);
    const { stdout } = await child;
    expect(stdout).toContain(`Erased citizen ${citizenSubject(sys.ctx.config.admin.secretsKey, BY_CLI)}`);
    for (const f of forms(BY_CLI)) expect(stdout).not.toContain(f);
    await expectErased(BY_CLI);
    expect(await sys.ctx.models.AuditLog.countDocuments({ actor: 'cli:dpo:test' })).toBe(1);
  });
});
