import { Router } from 'express';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { HttpError, validationError } from '../http/errors.js';
import type { CaughtMail, MailCatcher } from '../services/mail-catcher.js';

/**
 * /sandbox/api/mails: what the embedded SMTP catcher received, for the sandbox's Mail tab. Each mail
 * is read back with mailparser, as a mail client would: its HTML (shown by the page in a sandboxed
 * frame), its plain text, the headers that matter, and its attachments, downloaded from here.
 */

const id = z.coerce.number().int().min(1);
const index = z.coerce.number().int().min(0).max(1000);

/** Parsed once per message kept (the page polls the list). */
const parsed = new WeakMap<CaughtMail, Promise<ParsedMail>>();
function parse(mail: CaughtMail): Promise<ParsedMail> {
  let p = parsed.get(mail);
  if (!p) {
    p = simpleParser(mail.raw, { skipImageLinks: true });
    parsed.set(mail, p);
  }
  return p;
}

function addresses(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

function headerLine(p: ParsedMail, name: string): string | undefined {
  return p.headerLines
    .find((h) => h.key === name)
    ?.line.replace(/^[^:]*:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');
}

function summary(m: CaughtMail, p: ParsedMail) {
  return {
    id: m.id,
    receivedAt: m.receivedAt.toISOString(),
    to: addresses(p.to) || m.envelope.to.join(', '),
    subject: p.subject ?? '',
    kind: headerLine(p, 'x-verisat-kind') ?? null,
  };
}

export function sandboxMailApi(ctx: AppContext): Router {
  const router = Router();
  const catcher = (): MailCatcher | undefined => ctx.mail?.catcher;
  const find = (raw: unknown): CaughtMail => {
    const parsedId = id.safeParse(raw);
    if (!parsedId.success) throw validationError(parsedId.error, 'params', 422, { id: raw });
    const mail = catcher()?.get(parsedId.data);
    if (!mail) throw new HttpError(404, 'mail_not_found', `no mail ${parsedId.data} is kept here`);
    return mail;
  };

  router.get('/', async (_req, res) => {
    const c = catcher();
    const kept = c ? c.list().reverse() : [];
    const mails = await Promise.all(kept.map(async (m) => summary(m, await parse(m))));
    res.json({ catcher: c !== undefined, mails });
  });

  router.get('/:id', async (req, res) => {
    const m = find(req.params.id);
    const p = await parse(m);
    res.json({
      ...summary(m, p),
      from: addresses(p.from),
      date: p.date?.toISOString() ?? null,
      messageId: p.messageId ?? null,
      html: typeof p.html === 'string' ? p.html : null,
      text: p.text ?? '',
      listUnsubscribe: headerLine(p, 'list-unsubscribe') ?? null,
      listUnsubscribePost: headerLine(p, 'list-unsubscribe-post') ?? null,
      attachments: p.attachments.map((a, i) => ({
        index: i,
        filename: a.filename ?? `attachment-${i + 1}`,
        contentType: a.contentType,
        size: a.size,
      })),
    });
  });

  router.get('/:id/attachments/:index', async (req, res) => {
    const m = find(req.params.id);
    const n = index.safeParse(req.params.index);
    if (!n.success) throw validationError(n.error, 'params', 422, { index: req.params.index });
    const a = (await parse(m)).attachments[n.data];
    if (!a) throw new HttpError(404, 'attachment_not_found', `mail ${m.id} has no attachment ${n.data}`);
    const filename = a.filename ?? `attachment-${n.data + 1}`;
    // Always a download, never rendered here: an attachment is the sender's content, not our page.
    res
      .status(200)
      .set({
        'Content-Type': a.contentType || 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        'Content-Security-Policy': "sandbox; default-src 'none'",
        'X-Content-Type-Options': 'nosniff',
      })
      .send(a.content);
  });

  return router;
}
