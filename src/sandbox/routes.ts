import { readFileSync } from 'node:fs';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { LANGUAGES } from '../db/models/ticket.js';
import { requireAdmin } from '../admin/auth.js';
import { authDeps, principalOf } from '../auth/principal.js';
import type { Role } from '../db/models/access.js';
import { HttpError, validationError } from '../http/errors.js';
import { PAGE_CSP_WITH_OWN_SCRIPT } from '../http/page-policy.js';
import { normalisePhone } from '../tickets/phone.js';
import type { TwilioSandbox } from '../twilio/stand-in/api.js';
import { CallControlError } from '../twilio/stand-in/calls.js';
import { MAGIC_NUMBERS } from '../twilio/stand-in/magic-numbers.js';
import { CallDriver, CallNotFoundError, CallStateError } from './call-driver.js';
import { reportTicketEvent } from './close-ticket.js';
import { SandboxInbox } from './inbox.js';
import { sandboxMailApi } from './mail.js';
import { renderSandboxPage } from './page.js';
import { closureStatuses, listDueWork, runDueWork } from './time-travel.js';

/**
 * /sandbox (the phone page) and /sandbox/api (its JSON API). Mounted only when the Twilio stand-in
 * is (sandbox mode, never production), so in live mode these paths do not exist: 404.
 */

/** Who may drive the sandbox: it writes tickets and answers for any agency. */
const SANDBOX_ROLES: readonly Role[] = ['admin'];

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a code: letters, digits, . _ -');
const ref = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'ticket ref: 1–64 letters, digits, . _ -');
const phoneText = z.string().trim().min(3).max(32);
const callSid = z.string().regex(/^CA[0-9a-f]{32}$/);

const startCallSchema = z.strictObject({
  from: phoneText,
  agent: code.optional().or(z.literal('')),
  ticket: ref.optional().or(z.literal('')),
});
const keysSchema = z.strictObject({ keys: z.string().regex(/^[0-9*#]{1,32}$/, 'keys: 0-9 * #') });
const recordSchema = z.strictObject({ seconds: z.number().int().min(1).max(3600).optional() });
const agentSchema = z.strictObject({ action: z.enum(['answer', 'hang-up', 'busy', 'no-answer', 'failed']) });
const emptySchema = z.strictObject({});
const messagesQuery = z.strictObject({ phone: phoneText });
const replySchema = z.strictObject({ from: phoneText, body: z.string().min(1).max(1600) });
const whatsappSchema = z.union([
  z.strictObject({ from: phoneText, body: z.string().min(1).max(1600) }),
  z.strictObject({
    from: phoneText,
    button: z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(256) }),
  }),
]);
const incomingAction = z.strictObject({
  action: z.enum(['answer', 'machine', 'busy', 'no-answer', 'hangup']),
});
const ticketSchema = z.strictObject({
  ref,
  type: z.enum(['closed', 'reopened', 'opened']),
  agency: code,
  department: code,
  agentId: code,
  citizenPhone: phoneText,
  language: z.enum(LANGUAGES).default('ar'),
});
const dueSchema = z.strictObject({ all: z.boolean().optional() });
const pageQuery = z.object({ lang: z.enum(['ar', 'en']).optional() });

const CLIENT_SCRIPT = readFileSync(new URL('./phone.client.js', import.meta.url), 'utf8');

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw validationError(parsed.error, where, 422, value ?? {});
  return parsed.data;
}

/**
 * The API takes JSON only: a cross-site form or a "simple" request cannot send it without a CORS
 * preflight this server never answers, so another page in the browser cannot drive the phone.
 */
function jsonOnly(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is('application/json'))
    return next(new HttpError(415, 'unsupported_media_type', 'Send application/json'));
  next();
}

export function sandboxRouter(ctx: AppContext, sandbox: TwilioSandbox): Router {
  const { publicBaseUrl } = ctx.config;
  const { accountSid, authToken, from, sandboxApiUrl } = ctx.config.twilio;
  const driver = new CallDriver({
    publicBaseUrl,
    deliverTo: sandboxApiUrl,
    accountSid,
    authToken,
    serviceNumber: from,
  });
  const inbox = new SandboxInbox({
    publicBaseUrl,
    deliverTo: sandboxApiUrl,
    accountSid,
    authToken,
    serviceNumber: from,
    sentTo: (phone) => sandbox.listMessages({ to: phone }),
  });
  const { whatsappFrom } = ctx.config.twilio;
  const whatsappInbox = new SandboxInbox({
    publicBaseUrl,
    deliverTo: sandboxApiUrl,
    accountSid,
    authToken,
    serviceNumber: whatsappFrom,
    sentTo: (phone) => sandbox.listMessages({ to: `whatsapp:${phone}` }),
    send: (phone, m) =>
      sandbox.receive(
        {
          from: `whatsapp:${phone}`,
          to: whatsappFrom,
          ...(m.button ? { buttonPayload: m.button.id, buttonText: m.button.title } : { body: m.body }),
        },
        `${publicBaseUrl}/sms/inbound`,
        `${sandboxApiUrl.replace(/\/+$/, '')}/sms/inbound`,
      ),
  });
  const e164 = (input: string, field: string): string => {
    const phone = normalisePhone(input, ctx.config.phoneDefaultRegion);
    if (!phone.ok)
      throw new HttpError(422, 'validation_failed', `Invalid body: ${field} ${phone.reason}`, {
        fields: [{ field, message: phone.reason }],
      });
    return phone.e164;
  };
  const callError = (err: unknown): never => {
    if (err instanceof CallNotFoundError) throw new HttpError(404, 'call_not_found', err.message);
    if (err instanceof CallStateError) throw new HttpError(409, 'call_state', err.message);
    throw err;
  };

  // Signed in as an administrator (or with an admin API token): the API closes tickets and answers
  // surveys, so it is an API like the others even in the sandbox. The session's CSRF token travels
  // in the page for the script's requests.
  const auth = authDeps(ctx);
  const router = Router();
  router.get('/sandbox', requireAdmin(ctx, auth, 'page', SANDBOX_ROLES), (req, res) => {
    const { lang } = parse(pageQuery, req.query, 'query');
    res
      .status(200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': PAGE_CSP_WITH_OWN_SCRIPT,
        'Referrer-Policy': 'same-origin',
        'Cache-Control': 'no-store',
      })
      .send(renderSandboxPage(lang ?? 'ar', res.locals.csrf ?? '', principalOf(res)));
  });
  router.get('/sandbox/phone.js', (_req, res) => {
    res.status(200).set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.send(CLIENT_SCRIPT);
  });

  const api = Router();
  api.use(requireAdmin(ctx, auth, 'api', SANDBOX_ROLES), jsonOnly, express.json({ limit: '8kb' }));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  api.post('/calls', async (req, res) => {
    const body = parse(startCallSchema, req.body, 'body');
    const query: Record<string, string> = {};
    if (body.agent) query.agent = body.agent;
    if (body.ticket) query.ticket = body.ticket;
    res.status(201).json(await driver.start({ from: e164(body.from, 'from'), query }));
  });
  api.get('/calls/:sid', (req, res) => {
    const sid = parse(callSid, req.params.sid, 'params');
    try {
      res.json(driver.view(sid));
    } catch (err) {
      callError(err);
    }
  });
  const callAction = (path: string, run: (sid: string, body: unknown) => Promise<unknown>) =>
    api.post(`/calls/:sid/${path}`, async (req, res) => {
      const sid = parse(callSid, req.params.sid, 'params');
      try {
        res.json(await run(sid, req.body));
      } catch (err) {
        callError(err);
      }
    });
  callAction('keys', (sid, body) => driver.press(sid, parse(keysSchema, body, 'body').keys));
  callAction('silence', (sid, body) => (parse(emptySchema, body, 'body'), driver.silence(sid)));
  callAction('record/stop', (sid, body) =>
    driver.stopRecording(sid, parse(recordSchema, body, 'body').seconds),
  );
  callAction('agent', (sid, body) => driver.agent(sid, parse(agentSchema, body, 'body').action));
  callAction('hangup', (sid, body) => (parse(emptySchema, body, 'body'), driver.hangUp(sid)));

  api.get('/messages', (req, res) => {
    const { phone } = parse(messagesQuery, req.query, 'query');
    res.json({ messages: inbox.list(e164(phone, 'phone')) });
  });
  api.post('/messages', async (req, res) => {
    const body = parse(replySchema, req.body, 'body');
    const sent = await inbox.reply(e164(body.from, 'from'), body.body);
    if (sent.status !== 200)
      throw new HttpError(502, 'webhook_refused', `/sms/inbound answered ${sent.status}`);
    res.status(201).json({ sid: sent.sid });
  });

  api.get('/whatsapp', (req, res) => {
    const { phone } = parse(messagesQuery, req.query, 'query');
    res.json({ messages: whatsappInbox.list(e164(phone, 'phone')) });
  });
  api.post('/whatsapp', async (req, res) => {
    const body = parse(whatsappSchema, req.body, 'body');
    const from = e164(body.from, 'from');
    const sent =
      'button' in body
        ? await whatsappInbox.reply(from, body.button.title, body.button)
        : await whatsappInbox.reply(from, body.body);
    if (sent.status !== 200)
      throw new HttpError(502, 'webhook_refused', `/sms/inbound answered ${sent.status}`);
    res.status(201).json({ sid: sent.sid });
  });

  // Verification calls the service places to the number: ringing, answered, or ended.
  const incomingView = (c: NonNullable<ReturnType<TwilioSandbox['calls']['get']>>) => ({
    sid: c.sid,
    status: c.status,
    answeredBy: c.answeredBy,
    waitingForKeys: c.waiting !== null,
    heard: c.heard,
  });
  api.get('/incoming', (req, res) => {
    const { phone } = parse(messagesQuery, req.query, 'query');
    const calls = sandbox.calls.list({ to: e164(phone, 'phone') });
    const latest = calls.sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
    res.json({ call: latest ? incomingView(latest) : null });
  });
  const incoming = async (sid: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      if (err instanceof CallControlError) throw new HttpError(409, 'call_state', err.message);
      throw err;
    }
    const call = sandbox.calls.get(sid);
    if (!call) throw new HttpError(404, 'call_not_found', `no call ${sid}`);
    return incomingView(call);
  };
  api.post('/incoming/:sid', async (req, res) => {
    const sid = parse(callSid, req.params.sid, 'params');
    const { action } = parse(incomingAction, req.body, 'body');
    res.json(
      await incoming(sid, () =>
        action === 'answer'
          ? sandbox.calls.answer(sid, 'human')
          : action === 'machine'
            ? sandbox.calls.answer(sid, 'machine_start')
            : action === 'hangup'
              ? sandbox.calls.hangUp(sid)
              : sandbox.calls.reject(sid, action),
      ),
    );
  });
  api.post('/incoming/:sid/keys', async (req, res) => {
    const sid = parse(callSid, req.params.sid, 'params');
    const { keys } = parse(keysSchema, req.body, 'body');
    res.json(await incoming(sid, () => sandbox.calls.press(sid, keys)));
  });

  api.post('/tickets', async (req, res) => {
    const body = parse(ticketSchema, req.body, 'body');
    const ticket = await reportTicketEvent(ctx, {
      ...body,
      citizenPhone: e164(body.citizenPhone, 'citizenPhone'),
    });
    if (!ticket) throw new HttpError(409, 'event_conflict', 'The event could not be applied');
    res.status(201).json({ ticket });
  });
  // With each closure's follow-up: a job that ran may have sent nothing, and the page says why.
  api.get('/tickets/:ref/due', async (req, res) => {
    const ticketRef = parse(ref, req.params.ref, 'params');
    res.json({ jobs: await listDueWork(ctx, ticketRef), closures: await closureStatuses(ctx, ticketRef) });
  });
  api.post('/tickets/:ref/due', async (req, res) => {
    const { all } = parse(dueSchema, req.body, 'body');
    const ticketRef = parse(ref, req.params.ref, 'params');
    const report = await runDueWork(ctx, ticketRef, { all: all === true });
    res.json({ ...report, closures: await closureStatuses(ctx, ticketRef) });
  });

  api.get('/magic-numbers', (_req, res) => {
    res.json({ numbers: Object.entries(MAGIC_NUMBERS).map(([number, m]) => ({ number, ...m })) });
  });

  // Mail to staff as the embedded SMTP catcher received it (the Mail tab).
  api.use('/mails', sandboxMailApi(ctx));

  router.use('/sandbox/api', api);
  return router;
}
