import { createHash, randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { sayProblem } from './say-voices.js';
import { readTwiml, type GatherVerb, type Played, type Spoken, type Verb } from './twiml-reader.js';
import { postSignedWebhook } from './webhook-sender.js';

/**
 * Outbound calls of the stand-in (`calls.create`, `calls(sid).update`, `calls.list`), driven the way
 * Twilio drives them: ringing until someone answers (a test, or the ring timeout), then the entry
 * URL's TwiML, `<Gather>` actions posted with the keys pressed, the asynchronous answering-machine
 * result posted to its callback, and the status callback when the call ends. Every webhook is
 * signed over its URL, so our own signature check runs on this traffic as on Twilio's.
 */

export type CallStatus =
  'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type AnsweredBy = 'human' | 'machine_start' | 'machine_end_beep' | 'fax' | 'unknown';

export interface SandboxCall {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  url: string;
  statusCallback: string | null;
  machineDetection: string | null;
  asyncAmd: boolean;
  asyncAmdStatusCallback: string | null;
  status: CallStatus;
  answeredBy: AnsweredBy | null;
  dateCreated: Date;
  startTime: Date | null;
  endTime: Date | null;
  /** What the call heard, in order: the text of every <Say>, for tests and the sandbox phone. */
  heard: string[];
  /** Every <Say> (with its voice) and <Play> the call heard, in order. */
  prompts: (Spoken | Played)[];
  /**
   * What Twilio would have logged as a warning and skipped: a `<Say>` voice it does not have, or a
   * `<Play>` file it could not fetch as audio.
   */
  warnings: string[];
  /** The <Gather> the call is waiting at, if any. */
  waiting: GatherVerb | null;
}

export const createCallSchema = z.object({
  To: z.string().min(1),
  From: z.string().min(1),
  Url: z.url(),
  Method: z.string().optional(),
  StatusCallback: z.url().optional(),
  StatusCallbackEvent: z.union([z.string(), z.array(z.string())]).optional(),
  MachineDetection: z.enum(['Enable', 'DetectMessageEnd']).optional(),
  AsyncAmd: z.enum(['true', 'false']).optional(),
  AsyncAmdStatusCallback: z.url().optional(),
  Timeout: z.coerce.number().int().min(5).max(600).optional(),
});

export class CallControlError extends Error {}

function callSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export class SandboxCalls {
  private readonly calls = new Map<string, SandboxCall>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly opts: {
      accountSid: string;
      authToken: string;
      log: Logger;
      /** Where webhooks go when the public URL is not this machine's (the web process itself). */
      deliverTo?: (url: string) => string;
      /** A call nobody answers ends as no-answer after this (Twilio: the request's Timeout). */
      ringTimeoutMs?: number;
    },
  ) {}

  create(accountSid: string, p: z.infer<typeof createCallSchema>): SandboxCall {
    const call: SandboxCall = {
      sid: callSid(),
      accountSid,
      from: p.From,
      to: p.To,
      url: p.Url,
      statusCallback: p.StatusCallback ?? null,
      machineDetection: p.MachineDetection ?? null,
      asyncAmd: p.AsyncAmd === 'true',
      asyncAmdStatusCallback: p.AsyncAmdStatusCallback ?? null,
      status: 'ringing',
      answeredBy: null,
      dateCreated: new Date(),
      startTime: null,
      endTime: null,
      heard: [],
      prompts: [],
      warnings: [],
      waiting: null,
    };
    this.calls.set(call.sid, call);
    const ringFor = this.opts.ringTimeoutMs ?? (p.Timeout ?? 30) * 1000;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (call.status === 'ringing') void this.end(call, 'no-answer');
    }, ringFor);
    this.timers.add(timer);
    return call;
  }

  list(filter: { to?: string } = {}): SandboxCall[] {
    return [...this.calls.values()].filter((c) => filter.to === undefined || c.to === filter.to);
  }

  get(sid: string): SandboxCall | undefined {
    return this.calls.get(sid);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * The callee picks up: a person, or a machine (then only the detection result tells them apart).
   * Detection reports at once unless `detectLater` (keys may then be pressed before it, see detect).
   */
  async answer(
    sid: string,
    by: AnsweredBy = 'human',
    opts: { detectLater?: boolean } = {},
  ): Promise<SandboxCall> {
    const call = this.must(sid, 'ringing');
    call.status = 'in-progress';
    call.startTime = new Date();
    call.answeredBy = by;
    await this.fetchTwiml(call, call.url, {});
    if (!opts.detectLater) await this.detect(sid);
    return call;
  }

  /** Posts the asynchronous answering-machine result, as Twilio does a few seconds into the call. */
  async detect(sid: string): Promise<void> {
    const call = this.calls.get(sid);
    if (!call?.answeredBy || !call.machineDetection || !call.asyncAmd || !call.asyncAmdStatusCallback) return;
    await this.post(call, call.asyncAmdStatusCallback, {
      AnsweredBy: call.answeredBy,
      MachineDetectionDuration: '2300',
    });
  }

  /** The callee does not take the call. */
  async reject(sid: string, status: 'busy' | 'no-answer' | 'failed'): Promise<SandboxCall> {
    const call = this.must(sid, 'ringing');
    await this.end(call, status);
    return call;
  }

  /** Keys pressed at the current <Gather> (empty: silence until its timeout). */
  async press(sid: string, digits: string): Promise<SandboxCall> {
    const call = this.must(sid, 'in-progress');
    const gather = call.waiting;
    if (!gather) throw new CallControlError(`call ${sid} is not waiting for keys`);
    call.waiting = null;
    if (!gather.action) throw new CallControlError(`call ${sid}: <Gather> without an action`);
    await this.fetchTwiml(call, new URL(gather.action, call.url).toString(), { Digits: digits });
    return call;
  }

  async hangUp(sid: string): Promise<SandboxCall> {
    const call = this.must(sid, 'in-progress');
    await this.end(call, 'completed');
    return call;
  }

  /** `calls(sid).update({ twiml })`: what the call does from now on. */
  async update(sid: string, twiml: string | undefined, status: string | undefined): Promise<SandboxCall> {
    const call = this.calls.get(sid);
    if (!call) throw new CallControlError(`no call ${sid}`);
    if (status === 'completed' || status === 'canceled') {
      if (call.status === 'in-progress' || call.status === 'ringing')
        await this.end(call, call.status === 'ringing' ? 'canceled' : 'completed');
      return call;
    }
    if (twiml !== undefined && call.status === 'in-progress') {
      call.waiting = null;
      await this.run(call, readTwiml(twiml), call.url);
    }
    return call;
  }

  private must(sid: string, status: CallStatus): SandboxCall {
    const call = this.calls.get(sid);
    if (!call) throw new CallControlError(`no call ${sid}`);
    if (call.status !== status) throw new CallControlError(`call ${sid} is ${call.status}, not ${status}`);
    return call;
  }

  private params(call: SandboxCall): Record<string, string> {
    return {
      AccountSid: call.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      From: call.from,
      To: call.to,
      Direction: 'outbound-api',
      CallStatus: call.status,
    };
  }

  private async post(call: SandboxCall, url: string, extra: Record<string, string>): Promise<Response> {
    const deliverTo = this.opts.deliverTo?.(url);
    return postSignedWebhook(
      url,
      { ...this.params(call), ...extra },
      this.opts.authToken,
      deliverTo ? { deliverTo } : {},
    );
  }

  private async fetchTwiml(call: SandboxCall, url: string, extra: Record<string, string>): Promise<void> {
    const res = await this.post(call, url, extra);
    const xml = await res.text();
    if (!res.ok) {
      // Twilio says "an application error has occurred" and hangs up.
      this.opts.log.warn({ callSid: call.sid, status: res.status }, 'sandbox call webhook failed');
      call.heard.push('(application error)');
      await this.end(call, 'completed');
      return;
    }
    await this.run(call, readTwiml(xml), url);
  }

  private async run(call: SandboxCall, verbs: Verb[], baseUrl: string): Promise<void> {
    for (const verb of verbs) {
      if (call.status !== 'in-progress') return;
      if (verb.kind === 'say' || verb.kind === 'play') await this.hear(call, verb, baseUrl);
      else if (verb.kind === 'gather') {
        for (const p of verb.prompts) if (p.kind !== 'pause') await this.hear(call, p, baseUrl);
        call.waiting = verb;
        return;
      } else if (verb.kind === 'redirect') {
        await this.fetchTwiml(call, new URL(verb.url, baseUrl).toString(), {});
        return;
      } else if (verb.kind === 'hangup') {
        await this.end(call, 'completed');
        return;
      }
    }
    // The end of the document hangs up, as on Twilio.
    if (call.status === 'in-progress' && !call.waiting) await this.end(call, 'completed');
  }

  /** A prompt as Twilio plays it: a voice it lacks is skipped, and a file is fetched as audio. */
  private async hear(call: SandboxCall, p: Spoken | Played, baseUrl: string): Promise<void> {
    if (p.kind === 'say') {
      const problem = sayProblem(p.voice, p.language);
      if (problem) {
        call.warnings.push(problem);
        return;
      }
      call.heard.push(p.text);
      call.prompts.push(p);
      return;
    }
    const url = new URL(p.url, baseUrl).toString();
    const problem = await fetch(this.opts.deliverTo?.(url) ?? url, {
      signal: AbortSignal.timeout(15_000),
    }).then(
      async (res) => {
        await res.arrayBuffer();
        const type = res.headers.get('content-type') ?? '';
        if (!res.ok) return `11200 HTTP retrieval failure: ${res.status} for ${url}`;
        return type.startsWith('audio/') ? undefined : `12300 Invalid Content-Type "${type}" for ${url}`;
      },
      (err: unknown) => `11200 HTTP retrieval failure: ${String(err)} for ${url}`,
    );
    if (problem) call.warnings.push(problem);
    else call.prompts.push({ kind: 'play', url });
  }

  private async end(call: SandboxCall, status: CallStatus): Promise<void> {
    call.status = status;
    call.waiting = null;
    call.endTime = new Date();
    if (!call.statusCallback) return;
    const duration = call.startTime
      ? Math.round((call.endTime.getTime() - call.startTime.getTime()) / 1000)
      : 0;
    try {
      const res = await this.post(call, call.statusCallback, {
        CallDuration: String(duration),
        ...(call.answeredBy && !call.asyncAmd ? { AnsweredBy: call.answeredBy } : {}),
      });
      if (!res.ok)
        this.opts.log.warn({ callSid: call.sid, status: res.status }, 'sandbox call status callback refused');
    } catch (err) {
      this.opts.log.warn({ err, callSid: call.sid }, 'sandbox call status callback could not be delivered');
    }
  }

  /** A Call resource as Twilio's API returns it: every property of `api.v2010.account.call`. */
  toJson(c: SandboxCall): Record<string, unknown> {
    const rfc = (d: Date | null) => (d === null ? null : d.toUTCString().replace('GMT', '+0000'));
    const uri = `/2010-04-01/Accounts/${c.accountSid}/Calls/${c.sid}`;
    return {
      sid: c.sid,
      account_sid: c.accountSid,
      // An API-created call is a parent itself; only the legs a <Dial> opens have one.
      parent_call_sid: null,
      from: c.from,
      from_formatted: formatted(c.from),
      to: c.to,
      to_formatted: formatted(c.to),
      // The account's number the call is made from.
      phone_number_sid: `PN${createHash('sha256').update(`${c.accountSid}:${c.from}`).digest('hex').slice(0, 32)}`,
      status: c.status,
      direction: 'outbound-api',
      answered_by: c.answeredBy,
      date_created: rfc(c.dateCreated),
      date_updated: rfc(c.endTime ?? c.startTime ?? c.dateCreated),
      start_time: rfc(c.startTime),
      end_time: rfc(c.endTime),
      // Seconds, as a string, once the call has ended ("0" for one never answered).
      duration:
        c.endTime === null
          ? null
          : String(c.startTime ? Math.round((c.endTime.getTime() - c.startTime.getTime()) / 1000) : 0),
      // Twilio prices a call some time after it ends; the stand-in never does.
      price: null,
      price_unit: 'USD',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      api_version: '2010-04-01',
      uri: `${uri}.json`,
      subresource_uris: Object.fromEntries(
        [
          ['feedback', 'Feedback'],
          ['user_defined_messages', 'UserDefinedMessages'],
          ['notifications', 'Notifications'],
          ['recordings', 'Recordings'],
          ['streams', 'Streams'],
          ['payments', 'Payments'],
          ['user_defined_message_subscriptions', 'UserDefinedMessageSubscriptions'],
          ['siprec', 'Siprec'],
          ['events', 'Events'],
          ['feedback_summaries', 'FeedbackSummary'],
          ['transcriptions', 'Transcriptions'],
        ].map(([key, path]) => [key, `${uri}/${path}.json`]),
      ),
    };
  }
}

/** Twilio's `to_formatted`: national style for North American numbers, international otherwise. */
function formatted(number: string): string {
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed?.isValid()) return number;
  return parsed.countryCallingCode === '1' ? parsed.formatNational() : parsed.formatInternational();
}
