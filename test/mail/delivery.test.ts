import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { enqueueMail, MAIL_QUEUE, mailJobId, type OutgoingMail } from '../../src/mail/outbox.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../src/services/mail-catcher.js';
import { startSystem, type RunningSystem } from '../../src/system.js';
import { eventually, POLICY_OFF, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Mail end to end: enqueueMail records and queues, the real BullMQ mail worker sends over real SMTP
 * (nodemailer's pool) to the embedded catcher, and the record says what came of it.
 */

const FAST = { MAIL_RETRY_BASE_MS: '50' };
let sys: TestSystem;
let catcher: MailCatcher;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST });
  const own = sys.ctx.mail?.catcher;
  if (!own) throw new Error('the test system has no mail catcher');
  catcher = own;
});
afterAll(async () => {
  await sys?.stop();
});

let n = 0;
function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  n += 1;
  return {
    key: `test:delivery:${n}:${Date.now()}`,
    kind: 'test',
    to: `manager${n}@agency.example`,
    lang: 'en',
    subject: `Test ${n}`,
    html: `<p>Test ${n}</p>`,
    text: `Test ${n}`,
    ...overrides,
  };
}

const receivedBy = (to: string, from = catcher): CaughtMail[] =>
  from.list().filter((m) => m.envelope.to.includes(to));

async function received(to: string): Promise<ParsedMail> {
  const caught = await eventually(() => Promise.resolve(receivedBy(to)[0]), { what: `a mail to ${to}` });
  return simpleParser(caught.raw);
}

/** A header's value as sent (mailparser folds List-* headers into one object otherwise). */
const header = (parsed: ParsedMail, name: string): string | undefined =>
  parsed.headerLines
    .find((h) => h.key === name)
    ?.line.replace(/^[^:]*:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');

const record = (key: string) => sys.ctx.models.Mail.findById(key).lean();

describe('a mail enqueued', () => {
  it('arrives as the recipient sees it: HTML and plain text, Arabic subject, attachment, List-Unsubscribe; recorded sent', async () => {
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.4\n'),
      Buffer.from([0, 1, 2, 254, 255]),
      Buffer.alloc(3000, 7),
    ]);
    const m = mail({
      lang: 'ar',
      subject: 'تقرير الأسبوع: وزارة الشؤون البلدية والقروية والإسكان',
      html: '<div dir="rtl"><h1>تقرير الأسبوع</h1><p>نسبة الرضا ٨٢٪</p></div>',
      text: 'تقرير الأسبوع\nنسبة الرضا ٨٢٪',
      attachments: [{ filename: 'تقرير-الأسبوع.pdf', contentType: 'application/pdf', content: pdf }],
      unsubscribeUrl: 'https://verisat.example/unsubscribe/abc.def',
    });
    expect((await enqueueMail(sys.ctx, m)).created).toBe(true);

    const parsed = await received(m.to);
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.html).toContain('<h1>تقرير الأسبوع</h1>');
    expect(parsed.text?.trim()).toBe(m.text);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('تقرير-الأسبوع.pdf');
    expect(parsed.attachments[0]?.contentType).toBe('application/pdf');
    expect(parsed.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(header(parsed, 'list-unsubscribe')).toBe('<https://verisat.example/unsubscribe/abc.def>');
    expect(header(parsed, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.from?.text).toContain(sys.ctx.config.mail.from.replace(/^.*<|>.*$/g, ''));

    const stored = await eventually(async () => {
      const r = await record(m.key);
      return r?.state === 'sent' ? r : undefined;
    });
    expect(stored.messageId).toBe(parsed.messageId);
    expect(stored.sentAt).toBeInstanceOf(Date);
    expect(stored.attempts).toBe(1);
    expect(stored.lastResult).toMatch(/^250\b/);
  });

  it('without an unsubscribe link has no List-Unsubscribe headers, and HTML and text as alternatives', async () => {
    const m = mail();
    await enqueueMail(sys.ctx, m);
    const parsed = await received(m.to);
    expect(header(parsed, 'list-unsubscribe')).toBeUndefined();
    expect(header(parsed, 'list-unsubscribe-post')).toBeUndefined();
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.html).toContain(m.html);
    expect(parsed.text?.trim()).toBe(m.text);
  });
});

describe('the same mail prepared twice', () => {
  it('from two contexts with the same key is received once', async () => {
    // A second process on the same database and queues, as a second worker would be.
    const twin = await startBeside(sys, { workers: false });
    try {
      const m = mail();
      const [a, b] = await Promise.all([enqueueMail(sys.ctx, m), enqueueMail(twin.ctx, m)]);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      await eventually(async () => ((await record(m.key))?.state === 'sent' ? true : undefined));
      // Prepared again after it went out: nothing more goes.
      expect((await enqueueMail(twin.ctx, m)).created).toBe(false);
      // And a delivery job run again for it (a replay) sends nothing either.
      const replay = await sys.ctx.queues
        .get(MAIL_QUEUE)
        .add('send', { mailId: m.key }, { jobId: `replay-${n}` });
      await eventually(async () => ((await replay.isCompleted()) ? true : undefined));
      expect(receivedBy(m.to)).toHaveLength(1);
    } finally {
      await twin.stop();
    }
  });
});

describe('a mail server that refuses', () => {
  it('for now (451): the mail is retried and delivered, the attempts recorded', async () => {
    catcher.refuse({ code: 451, message: 'Try again later', times: 1 });
    const m = mail();
    await enqueueMail(sys.ctx, m);
    const parsed = await received(m.to);
    expect(parsed.subject).toBe(m.subject);
    const stored = await eventually(async () => {
      const r = await record(m.key);
      return r?.state === 'sent' ? r : undefined;
    });
    expect(stored.attempts).toBeGreaterThanOrEqual(2);
    expect(receivedBy(m.to)).toHaveLength(1);
  });

  it('for good (550): the mail is marked failed with the reply, and not tried again', async () => {
    catcher.refuse({ code: 550, message: 'No such mailbox here' });
    try {
      const m = mail();
      await enqueueMail(sys.ctx, m);
      const stored = await eventually(async () => {
        const r = await record(m.key);
        return r?.state === 'failed' ? r : undefined;
      });
      expect(stored.lastResult).toMatch(/^550\b.*No such mailbox here/);
      expect(stored.attempts).toBe(1);
      expect(stored.failedAt).toBeInstanceOf(Date);
      const job = await sys.ctx.queues.get(MAIL_QUEUE).getJob(mailJobId(m.key));
      expect(await job?.getState()).toBe('failed');
      expect(job?.attemptsMade).toBe(1);
      expect(receivedBy(m.to)).toHaveLength(0);
    } finally {
      catcher.accept();
    }
  });
});

describe('a restart while a mail waits', () => {
  it('the mail recorded and queued before the stop arrives once after the next start', async () => {
    const shared = await startMailCatcher();
    const owner = await startTestSystem({ workers: false, env: FAST });
    const stored = (key: string) => owner.ctx.models.Mail.findById(key).lean();
    let second: RunningSystem | undefined;
    try {
      // The server is down while the first worker process runs: the mail waits, queued.
      shared.refuse({ code: 421, message: 'Service not available' });
      const first = await startBeside(owner, { workers: true, mailCatcher: shared });
      const m = mail();
      await enqueueMail(owner.ctx, m);
      await eventually(async () => ((await stored(m.key))?.attempts ?? 0) >= 1 || undefined);
      await first.stop();
      expect((await stored(m.key))?.state).toBe('queued');
      expect(receivedBy(m.to, shared)).toHaveLength(0);

      shared.accept();
      second = await startBeside(owner, { workers: true, mailCatcher: shared });
      await eventually(async () => ((await stored(m.key))?.state === 'sent' ? true : undefined));
      expect(receivedBy(m.to, shared)).toHaveLength(1);
    } finally {
      await second?.stop();
      await owner.stop();
      await shared.stop();
    }
  });
});

/** Another process's system on `beside`'s database and queues (stopped without dropping anything). */
function startBeside(
  beside: TestSystem,
  opts: { workers: boolean; mailCatcher?: MailCatcher },
): Promise<RunningSystem> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    QUEUE_PREFIX: beside.ctx.config.queuePrefix,
    ...POLICY_OFF,
    PATH: process.env.PATH,
    ...FAST,
  });
  return startSystem(config, {
    web: false,
    workers: opts.workers,
    services: { ...beside.services, dbName: beside.dbName },
    log: createLogger({ level: 'silent' }),
    reconcileEveryMs: 0,
    mailCatcher: opts.mailCatcher ?? catcher,
  });
}
