import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { countSegments } from '../segments.js';
import { createCallSchema, SandboxCalls } from './calls.js';
import { CONTENT_TEMPLATES, renderTemplate } from './content-templates.js';
import { SandboxFaults } from './faults.js';
import { magicFor } from './magic-numbers.js';
import { postSignedWebhook } from './webhook-sender.js';

/**
 * A stand-in for the parts of Twilio's REST API this project uses, with Twilio's paths, JSON shapes
 * and error bodies, so the real `twilio` SDK talks to it unchanged. It is a fake of an *outside*
 * service (never of our own code): development and tests run the production code path against it.
 */

export type SandboxStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'undelivered';

export interface SandboxMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  status: SandboxStatus;
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  validityPeriod: number | null;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  /** A WhatsApp template send: the Content SID, and the quick-reply buttons the citizen can tap. */
  contentSid: string | null;
  buttons: { id: string; title: string }[];
}

/** What a citizen sends in, as Twilio would post it to the number's messaging webhook. */
export interface SandboxInbound {
  /** The citizen: +E164, or whatsapp:+E164. */
  from: string;
  /** Our number or WhatsApp sender. */
  to: string;
  body?: string;
  /** A quick-reply tap: the button's id and its title. */
  buttonPayload?: string;
  buttonText?: string;
  profileName?: string;
}

export interface SandboxOptions {
  accountSid: string;
  authToken: string;
  /** Delay between status transitions (queued → sent → delivered). */
  statusDelayMs: number;
  log: Logger;
  /** Oldest messages are forgotten past this many, so long benchmarks do not grow memory. */
  maxMessages?: number;
  /** How long an outbound call rings before it ends unanswered (default: the request's Timeout). */
  callRingTimeoutMs?: number;
  /** WhatsApp's customer-service window after the citizen's last message (24 hours at Twilio). */
  whatsappSessionHours?: number;
}

const API_VERSION = '2010-04-01';
const MAX_BODY = 1600;

const createMessageSchema = z.object({
  To: z.string().min(1).optional(),
  From: z.string().min(1).optional(),
  MessagingServiceSid: z.string().optional(),
  Body: z.string().optional(),
  StatusCallback: z.url().optional(),
  ValidityPeriod: z.string().optional(),
  ContentSid: z.string().optional(),
  ContentVariables: z.string().max(4000).optional(),
});

class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function rfc2822(date: Date | null): string | null {
  return date === null ? null : date.toUTCString().replace('GMT', '+0000');
}

export class TwilioSandbox {
  private readonly messages = new Map<string, SandboxMessage>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly syncFailuresSeen = new Map<string, number>();
  /** When each WhatsApp address last wrote to us: the start of its 24-hour session window. */
  private readonly lastInbound = new Map<string, number>();
  private clockOffsetMs = 0;
  private closed = false;
  /** Outbound calls; tests and the sandbox phone answer, press keys and hang up through it. */
  readonly calls: SandboxCalls;
  /** Injected 429s, 500s, timeouts and lost answers for the fault suite (src/twilio/stand-in/faults.ts). */
  readonly faults = new SandboxFaults();
  /** Recording sids deleted through the API (the retention purge), in order; tests read it. */
  readonly deletedRecordings: string[] = [];
  /** Answers given to the next recording deletes before they succeed (a test of the purge's retries). */
  readonly recordingDeleteFailures: number[] = [];

  constructor(private readonly opts: SandboxOptions) {
    this.calls = new SandboxCalls({
      accountSid: opts.accountSid,
      authToken: opts.authToken,
      log: opts.log,
      ...(opts.callRingTimeoutMs !== undefined ? { ringTimeoutMs: opts.callRingTimeoutMs } : {}),
    });
  }

  /** For tests and the development console: what the stand-in has "sent". */
  listMessages(filter: { to?: string } = {}): SandboxMessage[] {
    const all = [...this.messages.values()];
    return filter.to === undefined ? all : all.filter((m) => m.to === filter.to);
  }

  getMessage(messageSid: string): SandboxMessage | undefined {
    return this.messages.get(messageSid);
  }

  /**
   * A citizen's message or quick-reply tap: opens WhatsApp's session window for the address and
   * posts the signed webhook Twilio would post to `url` (the number's messaging webhook).
   */
  async receive(
    message: SandboxInbound,
    url: string,
    deliverTo?: string,
  ): Promise<{ sid: string; status: number }> {
    const messageSid = sid('SM');
    const whatsapp = message.from.startsWith('whatsapp:');
    if (whatsapp) this.lastInbound.set(message.from, this.now());
    const params: Record<string, string> = {
      AccountSid: this.opts.accountSid,
      ApiVersion: API_VERSION,
      MessageSid: messageSid,
      SmsMessageSid: messageSid,
      From: message.from,
      To: message.to,
      Body: message.body ?? message.buttonText ?? '',
      NumMedia: '0',
      NumSegments: '1',
    };
    if (whatsapp) {
      params.WaId = message.from.replace(/^whatsapp:\+/, '');
      params.ProfileName = message.profileName ?? '';
      params.MessageType = message.buttonPayload ? 'button' : 'text';
    }
    if (message.buttonPayload !== undefined) params.ButtonPayload = message.buttonPayload;
    if (message.buttonText !== undefined) params.ButtonText = message.buttonText;
    const res = await postSignedWebhook(url, params, this.opts.authToken, deliverTo ? { deliverTo } : {});
    return { sid: messageSid, status: res.status };
  }

  /**
   * Moves the stand-in's own clock on, as if that long had passed at Twilio: WhatsApp session
   * windows close by it (a test of a reply sent after the window, without waiting a day).
   */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private sessionOpen(to: string): boolean {
    const since = this.lastInbound.get(to);
    const hours = this.opts.whatsappSessionHours ?? 24;
    return since !== undefined && this.now() - since < hours * 3_600_000;
  }

  /** Stops pending status callbacks; the web process calls this on shutdown. */
  close(): void {
    this.closed = true;
    this.calls.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  router(): Router {
    const router = express.Router();
    router.use(express.urlencoded({ extended: false, limit: '64kb' }));
    router.use((req, res, next) => {
      if (this.authorised(req)) return next();
      this.sendError(res, new TwilioApiError(401, 20003, 'Authenticate'));
    });
    router.use('/faults', this.faults.controlRouter());
    const base = `/api/${API_VERSION}/Accounts/:accountSid`;
    router.post(`${base}/Messages.json`, this.faults.beforeCreate(), (req, res) =>
      this.handle(res, () => this.create(req)),
    );
    router.get(`${base}/Messages.json`, (req, res) => this.handle(res, () => this.list(req)));
    router.get(`${base}/Messages/:messageSid.json`, (req, res) => this.handle(res, () => this.fetch(req)));
    router.post(`${base}/Calls.json`, (req, res) => this.handle(res, () => this.createCall(req)));
    router.get(`${base}/Calls.json`, (req, res) => this.handle(res, () => this.listCalls(req)));
    router.post(`${base}/Calls/:callSid.json`, (req, res) => void this.updateCall(req, res));
    // The stand-in keeps no recordings (the calls' recording URLs point nowhere): a delete of any
    // well-formed sid succeeds, as Twilio's does for one it holds, and is remembered.
    router.delete(`${base}/Recordings/:recordingSid.json`, (req, res) => {
      const failure = this.recordingDeleteFailures.shift();
      if (failure !== undefined)
        return this.sendError(res, new TwilioApiError(failure, failure === 429 ? 20429 : 20500, 'Injected'));
      const recordingSid = String(req.params.recordingSid);
      if (!/^RE[0-9a-f]{32}$/i.test(recordingSid))
        return this.sendError(
          res,
          new TwilioApiError(404, 20404, `The requested resource ${req.path} was not found`),
        );
      this.deletedRecordings.push(recordingSid);
      res.status(204).end();
    });
    router.use((req, res) =>
      this.sendError(res, new TwilioApiError(404, 20404, `The requested resource ${req.path} was not found`)),
    );
    return router;
  }

  private authorised(req: Request): boolean {
    const header = req.header('authorization') ?? '';
    const expected = Buffer.from(
      `Basic ${Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString('base64')}`,
    );
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private handle(res: Response, action: () => { status: number; body: unknown }): void {
    try {
      const { status, body } = action();
      res.status(status).json(body);
    } catch (err) {
      if (err instanceof TwilioApiError) return this.sendError(res, err);
      this.opts.log.error({ err }, 'twilio sandbox failed');
      this.sendError(res, new TwilioApiError(500, 20500, 'Internal Server Error'));
    }
  }

  private sendError(res: Response, err: TwilioApiError): void {
    res.status(err.status).json({
      code: err.code,
      message: err.message,
      more_info: `https://www.twilio.com/docs/errors/${err.code}`,
      status: err.status,
    });
  }

  private checkAccount(req: Request): string {
    const accountSid = String(req.params.accountSid);
    if (accountSid !== this.opts.accountSid)
      throw new TwilioApiError(404, 20404, 'The requested resource was not found');
    return accountSid;
  }

  private create(req: Request): { status: number; body: unknown } {
    const accountSid = this.checkAccount(req);
    const parsed = createMessageSchema.safeParse(req.body);
    if (!parsed.success)
      throw new TwilioApiError(400, 21602, `Invalid parameter: ${parsed.error.issues[0]?.path.join('.')}`);
    const p = parsed.data;
    if (!p.To) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    if (!p.From && !p.MessagingServiceSid)
      throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
    if (!p.Body && !p.ContentSid) throw new TwilioApiError(400, 21602, 'Message body is required.');
    const template = p.ContentSid === undefined ? undefined : CONTENT_TEMPLATES.get(p.ContentSid);
    if (p.ContentSid !== undefined && !template)
      throw new TwilioApiError(400, 21655, 'The ContentSid is Invalid');
    let variables: Record<string, string> = {};
    if (p.ContentVariables !== undefined) {
      try {
        variables = z.record(z.string(), z.string()).parse(JSON.parse(p.ContentVariables));
      } catch {
        throw new TwilioApiError(400, 21656, 'The ContentVariables Parameter is invalid');
      }
    }
    const body = template ? renderTemplate(template, variables) : (p.Body ?? '');
    if (body.length > MAX_BODY)
      throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    let validityPeriod: number | null = null;
    if (p.ValidityPeriod !== undefined) {
      validityPeriod = Number(p.ValidityPeriod);
      if (!Number.isInteger(validityPeriod) || validityPeriod < 1 || validityPeriod > 36_000) {
        throw new TwilioApiError(400, 21620, 'ValidityPeriod must be an integer between 1 and 36000.');
      }
    }
    const to = p.To;
    if (!/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(to))
      throw new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);

    const magic = magicFor(to);
    if (magic?.kind === 'sync') {
      const seen = (this.syncFailuresSeen.get(to) ?? 0) + 1;
      this.syncFailuresSeen.set(to, seen);
      if (magic.failFirst === undefined || seen <= magic.failFirst) {
        throw new TwilioApiError(magic.httpStatus, magic.code, magic.message);
      }
    }

    const now = new Date();
    const message: SandboxMessage = {
      sid: sid('SM'),
      accountSid,
      from: p.From ?? '',
      to,
      body,
      status: 'queued',
      numSegments: countSegments(body).segments,
      errorCode: null,
      errorMessage: null,
      messagingServiceSid: p.MessagingServiceSid ?? null,
      statusCallback: p.StatusCallback ?? null,
      validityPeriod,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      contentSid: template?.sid ?? null,
      buttons: template?.buttons ?? [],
    };
    this.remember(message);
    // Outside the customer-service window WhatsApp takes only templates: Twilio accepts the
    // request and fails the message afterwards with 63016.
    const outsideWindow = to.startsWith('whatsapp:') && !template && !this.sessionOpen(to);
    const finalStep = outsideWindow
      ? { status: 'failed' as const, code: 63016 }
      : magic?.kind === 'async'
        ? { status: magic.finalStatus, code: magic.code }
        : { status: 'delivered' as const, code: null };
    this.scheduleTransitions(
      message,
      outsideWindow ? [finalStep] : [{ status: 'sent', code: null }, finalStep],
    );
    return { status: 201, body: this.toJson(message) };
  }

  private createCall(req: Request): { status: number; body: unknown } {
    const accountSid = this.checkAccount(req);
    const parsed = createCallSchema.safeParse(req.body);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') ?? '';
      if (field === 'To') throw new TwilioApiError(400, 21201, "No 'To' number is specified");
      if (field === 'From') throw new TwilioApiError(400, 21213, "No 'From' number is specified");
      if (field === 'Url') throw new TwilioApiError(400, 21205, 'Url is not a valid URL');
      throw new TwilioApiError(400, 20001, `Invalid parameter: ${field}`);
    }
    if (!/^\+[1-9]\d{6,14}$/.test(parsed.data.To))
      throw new TwilioApiError(400, 21211, `The 'To' number ${parsed.data.To} is not a valid phone number.`);
    const magic = magicFor(parsed.data.To);
    if (magic?.kind === 'sync' && magic.code === 21211)
      throw new TwilioApiError(magic.httpStatus, magic.code, magic.message);
    return { status: 201, body: this.calls.toJson(this.calls.create(accountSid, parsed.data)) };
  }

  private listCalls(req: Request): { status: number; body: unknown } {
    const accountSid = this.checkAccount(req);
    const query = z.object({ To: z.string().optional() }).parse(req.query);
    const calls = this.calls.list(query.To === undefined ? {} : { to: query.To });
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Calls.json?PageSize=50&Page=0`;
    return {
      status: 200,
      body: {
        calls: calls.map((c) => this.calls.toJson(c)),
        first_page_uri: uri,
        next_page_uri: null,
        page: 0,
        page_size: 50,
        previous_page_uri: null,
        start: 0,
        end: Math.max(0, calls.length - 1),
        uri,
      },
    };
  }

  private async updateCall(req: Request, res: Response): Promise<void> {
    try {
      this.checkAccount(req);
      const body = z
        .object({ Twiml: z.string().max(4000).optional(), Status: z.string().optional() })
        .parse(req.body);
      const sidParam = String(req.params.callSid);
      if (!this.calls.get(sidParam))
        throw new TwilioApiError(404, 20404, `The requested resource ${req.path} was not found`);
      // Twilio answers the update at once and then plays the new TwiML.
      const call = this.calls.get(sidParam) as NonNullable<ReturnType<SandboxCalls['get']>>;
      res.status(200).json(this.calls.toJson(call));
      await this.calls.update(sidParam, body.Twiml, body.Status).catch((err: unknown) => {
        this.opts.log.warn({ err, callSid: sidParam }, 'sandbox call update failed');
      });
    } catch (err) {
      if (err instanceof TwilioApiError) return this.sendError(res, err);
      this.sendError(res, new TwilioApiError(400, 20001, 'Invalid call update'));
    }
  }

  private fetch(req: Request): { status: number; body: unknown } {
    this.checkAccount(req);
    const message = this.messages.get(String(req.params.messageSid));
    if (!message) throw new TwilioApiError(404, 20404, `The requested resource ${req.path} was not found`);
    return { status: 200, body: this.toJson(message) };
  }

  private list(req: Request): { status: number; body: unknown } {
    const accountSid = this.checkAccount(req);
    const query = z
      .object({
        To: z.string().optional(),
        From: z.string().optional(),
        PageSize: z.coerce.number().int().min(1).max(1000).default(50),
      })
      .parse(req.query);
    const matches = [...this.messages.values()]
      .filter(
        (m) =>
          (query.To === undefined || m.to === query.To) &&
          (query.From === undefined || m.from === query.From),
      )
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())
      .slice(0, query.PageSize);
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages.json?PageSize=${query.PageSize}&Page=0`;
    return {
      status: 200,
      body: {
        messages: matches.map((m) => this.toJson(m)),
        end: Math.max(0, matches.length - 1),
        first_page_uri: uri,
        next_page_uri: null,
        page: 0,
        page_size: query.PageSize,
        previous_page_uri: null,
        start: 0,
        uri,
      },
    };
  }

  private remember(message: SandboxMessage): void {
    this.messages.set(message.sid, message);
    const max = this.opts.maxMessages ?? 100_000;
    if (this.messages.size > max) {
      const oldest = this.messages.keys().next().value;
      if (oldest !== undefined) this.messages.delete(oldest);
    }
  }

  private scheduleTransitions(
    message: SandboxMessage,
    steps: { status: SandboxStatus; code: number | null }[],
  ): void {
    const [step, ...rest] = steps;
    if (step === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      message.status = step.status;
      message.errorCode = step.code;
      message.errorMessage = step.code === null ? null : `Sandbox delivery error ${step.code}`;
      message.dateUpdated = new Date();
      if (step.status === 'sent') message.dateSent = message.dateUpdated;
      void this.notify(message).finally(() => this.scheduleTransitions(message, rest));
    }, this.opts.statusDelayMs);
    this.timers.add(timer);
  }

  private async notify(message: SandboxMessage): Promise<void> {
    if (message.statusCallback === null || this.closed) return;
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      From: message.from,
      To: message.to,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: message.status,
      SmsStatus: message.status,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    try {
      const res = await postSignedWebhook(message.statusCallback, params, this.opts.authToken);
      if (!res.ok)
        this.opts.log.warn(
          { messageSid: message.sid, status: res.status },
          'sandbox status callback was refused',
        );
    } catch (err) {
      // Twilio does not retry status callbacks either; the app must cope with a missing one.
      this.opts.log.warn({ err, messageSid: message.sid }, 'sandbox status callback could not be delivered');
    }
  }

  private toJson(m: SandboxMessage): Record<string, unknown> {
    const uri = `/${API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
    return {
      account_sid: m.accountSid,
      api_version: API_VERSION,
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: rfc2822(m.dateSent),
      date_updated: rfc2822(m.dateUpdated),
      direction: 'outbound-api',
      error_code: m.errorCode,
      error_message: m.errorMessage,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: '0',
      num_segments: String(m.numSegments),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: uri.replace('.json', '/Media.json') },
      to: m.to,
      uri,
    };
  }
}
