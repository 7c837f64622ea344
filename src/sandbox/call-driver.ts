import { randomBytes } from 'node:crypto';
import { postSignedWebhook } from '../twilio/stand-in/webhook-sender.js';
import {
  readTwiml,
  type DialVerb,
  type GatherVerb,
  type Prompt,
  type RecordVerb,
  type Verb,
} from '../twilio/stand-in/twiml-reader.js';

/**
 * Plays Twilio's part in a phone call against our own voice webhooks, for the sandbox phone page and
 * the scripted demo: it requests the number's voice URL, reads the TwiML as Twilio would (prompts,
 * <Gather>, <Record>, <Dial action>, <Redirect>, <Hangup>, the end of the document), posts each
 * answer form-encoded and signed with the auth token over the public URL, simulates the agent's leg
 * of a <Dial>, and posts the status callback when the call ends. Nothing here calls our code
 * directly: what the page shows is what a caller on Twilio would hear.
 */

export interface CallDriverOptions {
  /** The URL Twilio would call (PUBLIC_BASE_URL): every signature is computed over it. */
  publicBaseUrl: string;
  /** Where requests are actually sent (this web process); defaults to the public URL. */
  deliverTo?: string;
  accountSid: string;
  authToken: string;
  /** The service number the citizen calls (To). */
  serviceNumber: string;
  /** The number's "a call comes in" webhook and its status callback, as configured on Twilio. */
  voicePath?: string;
  statusCallbackPath?: string;
  /** Calls kept in memory; the oldest are forgotten past this. */
  maxCalls?: number;
}

export type TranscriptEntry =
  | { at: string; who: 'service'; kind: 'say'; text: string; voice?: string; language?: string }
  | { at: string; who: 'service'; kind: 'play'; url: string }
  | { at: string; who: 'service'; kind: 'pause'; seconds: number }
  | { at: string; who: 'caller'; kind: 'keys'; text: string }
  | { at: string; who: 'caller'; kind: 'silence' }
  | { at: string; who: 'caller'; kind: 'recorded'; seconds: number }
  | { at: string; who: 'caller' | 'agent'; kind: 'hangup' }
  | { at: string; who: 'agent'; kind: 'agent'; status: AgentAction }
  | { at: string; who: 'network'; kind: 'webhook'; path: string; status: number }
  | { at: string; who: 'network'; kind: 'note'; text: NoteCode; detail?: string };

/** Fixed notes the page translates; never free text from the network. */
export type NoteCode =
  'ringing_agent' | 'recording' | 'application_error' | 'not_simulated' | 'call_ended' | 'too_many_redirects';

export type AgentAction = 'answer' | 'hang-up' | 'busy' | 'no-answer' | 'failed';

export type Awaiting = 'keys' | 'recording' | 'agent_ringing' | 'agent_talking' | 'nothing';

export interface CallView {
  sid: string;
  from: string;
  to: string;
  status: 'in-progress' | 'completed';
  awaiting: Awaiting;
  gather?: { numDigits: number | null; finishOnKey: string; timeoutSeconds: number; typed: string };
  record?: { maxLengthSeconds: number; finishOnKey: string };
  dial?: { target: string };
  transcript: TranscriptEntry[];
  startedAt: string;
  endedAt: string | null;
}

export class CallNotFoundError extends Error {}
export class CallStateError extends Error {}

type Waiting =
  | { kind: 'gather'; verb: GatherVerb; typed: string }
  | { kind: 'record'; verb: RecordVerb; since: number }
  | { kind: 'dial'; verb: DialVerb; answeredAt: number | undefined };

interface Session {
  sid: string;
  from: string;
  to: string;
  startedAt: number;
  endedAt: number | undefined;
  docUrl: string;
  verbs: Verb[];
  at: number;
  waiting: Waiting | undefined;
  transcript: TranscriptEntry[];
  chain: Promise<unknown>;
}

/** A document chain longer than this without the caller doing anything is a loop, not a call. */
const MAX_DOCUMENTS_PER_TURN = 20;

function twilioSid(prefix: 'CA' | 'RE'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export class CallDriver {
  private readonly calls = new Map<string, Session>();
  private readonly deliverTo: string;

  constructor(private readonly opts: CallDriverOptions) {
    this.deliverTo = (opts.deliverTo ?? opts.publicBaseUrl).replace(/\/+$/, '');
  }

  /** Dials the service from `from`; `query` is what the number's webhook URL carries (agent, ticket). */
  async start(input: { from: string; query?: Record<string, string>; path?: string }): Promise<CallView> {
    const path = input.path ?? this.opts.voicePath ?? '/voice/incoming';
    const query = new URLSearchParams(input.query ?? {}).toString();
    const session: Session = {
      sid: twilioSid('CA'),
      from: input.from,
      to: this.opts.serviceNumber,
      startedAt: Date.now(),
      endedAt: undefined,
      docUrl: `${this.opts.publicBaseUrl}${path}${query ? `?${query}` : ''}`,
      verbs: [],
      at: 0,
      waiting: undefined,
      transcript: [],
      chain: Promise.resolve(),
    };
    this.remember(session);
    return this.exclusive(session, async () => {
      await this.request(session, session.docUrl, {});
      await this.run(session);
    });
  }

  view(sid: string): CallView {
    return this.viewOf(this.session(sid));
  }

  /** Keys pressed on the keypad, one after another (type-ahead reaches the next question). */
  press(sid: string, keys: string): Promise<CallView> {
    const session = this.session(sid);
    return this.exclusive(session, async () => {
      for (const key of keys) {
        const w = session.waiting;
        if (session.endedAt !== undefined) return;
        if (w?.kind === 'record') {
          if (w.verb.finishOnKey.includes(key)) await this.finishRecording(session, w, key);
          continue;
        }
        if (w?.kind !== 'gather') throw new CallStateError('nothing is waiting for keys');
        session.transcript.push({ at: now(), who: 'caller', kind: 'keys', text: key });
        if (w.verb.finishOnKey !== '' && key === w.verb.finishOnKey) {
          await this.submitGather(session, w, w.typed, key);
          continue;
        }
        w.typed += key;
        if (w.verb.numDigits !== undefined && w.typed.length >= w.verb.numDigits)
          await this.submitGather(session, w, w.typed, undefined);
      }
    });
  }

  /** The caller says nothing until the <Gather> times out. */
  silence(sid: string): Promise<CallView> {
    const session = this.session(sid);
    return this.exclusive(session, async () => {
      const w = session.waiting;
      if (w?.kind !== 'gather') throw new CallStateError('nothing is waiting for keys');
      session.transcript.push({ at: now(), who: 'caller', kind: 'silence' });
      if (w.typed !== '') return this.submitGather(session, w, w.typed, undefined);
      if (w.verb.actionOnEmptyResult) return this.submitGather(session, w, '', undefined);
      // Without actionOnEmptyResult Twilio falls through to the verb after the <Gather>.
      session.waiting = undefined;
      session.at += 1;
      await this.run(session);
    });
  }

  /** Ends the simulated recording as if the caller pressed the finish key after `seconds`. */
  stopRecording(sid: string, seconds?: number): Promise<CallView> {
    const session = this.session(sid);
    return this.exclusive(session, async () => {
      const w = session.waiting;
      if (w?.kind !== 'record') throw new CallStateError('nothing is being recorded');
      await this.finishRecording(session, w, w.verb.finishOnKey.includes('#') ? '#' : '', seconds);
    });
  }

  /** What the agent's leg of a <Dial> does: answers, hangs up after talking, or never connects. */
  agent(sid: string, action: AgentAction): Promise<CallView> {
    const session = this.session(sid);
    return this.exclusive(session, async () => {
      const w = session.waiting;
      if (w?.kind !== 'dial') throw new CallStateError('no agent is being dialled');
      session.transcript.push({ at: now(), who: 'agent', kind: 'agent', status: action });
      if (action === 'answer') {
        if (w.answeredAt !== undefined) throw new CallStateError('the agent already answered');
        w.answeredAt = Date.now();
        return;
      }
      if (action === 'hang-up' && w.answeredAt === undefined)
        throw new CallStateError('the agent has not answered yet');
      if (action !== 'hang-up' && w.answeredAt !== undefined)
        throw new CallStateError('the agent already answered');
      const duration = w.answeredAt === undefined ? 0 : seconds(Date.now() - w.answeredAt);
      session.waiting = undefined;
      if (!w.verb.action) {
        session.at += 1;
        return this.run(session);
      }
      await this.request(session, w.verb.action, {
        DialCallStatus: action === 'hang-up' ? 'completed' : action,
        DialCallSid: twilioSid('CA'),
        DialCallDuration: String(duration),
      });
      await this.run(session);
    });
  }

  /** The caller hangs up: a recording in progress is finished first, as Twilio does. */
  hangUp(sid: string): Promise<CallView> {
    const session = this.session(sid);
    return this.exclusive(session, async () => {
      if (session.endedAt !== undefined) return;
      session.transcript.push({ at: now(), who: 'caller', kind: 'hangup' });
      const w = session.waiting;
      if (w?.kind === 'record') await this.finishRecording(session, w, 'hangup', undefined, { run: false });
      await this.end(session);
    });
  }

  private session(sid: string): Session {
    const session = this.calls.get(sid);
    if (!session) throw new CallNotFoundError(`no call ${sid}`);
    return session;
  }

  private remember(session: Session): void {
    this.calls.set(session.sid, session);
    const max = this.opts.maxCalls ?? 200;
    while (this.calls.size > max) {
      const oldest = this.calls.keys().next().value;
      if (oldest === undefined) break;
      this.calls.delete(oldest);
    }
  }

  /** One step of a call at a time: a double click must not post the same answer twice at once. */
  private exclusive(session: Session, step: () => Promise<void>): Promise<CallView> {
    const next = session.chain.then(step);
    session.chain = next.catch(() => undefined);
    return next.then(() => this.viewOf(session));
  }

  private baseParams(session: Session): Record<string, string> {
    return {
      AccountSid: this.opts.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: session.sid,
      CallStatus: session.endedAt === undefined ? 'in-progress' : 'completed',
      Called: session.to,
      Caller: session.from,
      Direction: 'inbound',
      From: session.from,
      To: session.to,
    };
  }

  /** Posts to a URL of the current document (relative ones resolve against it) and keeps its TwiML. */
  private async request(session: Session, url: string, extra: Record<string, string>): Promise<void> {
    const text = await this.post(session, url, extra);
    if (text === undefined) return;
    session.verbs = readTwiml(text);
    session.at = 0;
  }

  /** A signed webhook; answers its body, or undefined after an error that ends the call. */
  private async post(
    session: Session,
    url: string,
    extra: Record<string, string>,
    opts: { document?: boolean } = {},
  ): Promise<string | undefined> {
    const resolved = new URL(url, session.docUrl);
    const publicUrl = resolved.toString();
    if (opts.document !== false) session.docUrl = publicUrl;
    const target = `${this.deliverTo}${resolved.pathname}${resolved.search}`;
    const params = { ...this.baseParams(session), ...extra };
    let status = 0;
    let body = '';
    try {
      // Signed over the public URL, as Twilio signs the URL it was configured with.
      const res = await postSignedWebhook(publicUrl, params, this.opts.authToken, { deliverTo: target });
      status = res.status;
      body = await res.text();
    } catch (err) {
      session.transcript.push({
        at: now(),
        who: 'network',
        kind: 'note',
        text: 'application_error',
        detail: err instanceof Error ? err.message : String(err),
      });
    }
    session.transcript.push({ at: now(), who: 'network', kind: 'webhook', path: resolved.pathname, status });
    if (opts.document === false) return status >= 200 && status < 300 ? body : undefined;
    if (status !== 200) {
      // Twilio says "an application error has occurred" and hangs up.
      if (status !== 0)
        session.transcript.push({ at: now(), who: 'network', kind: 'note', text: 'application_error' });
      session.verbs = [{ kind: 'hangup' }];
      session.at = 0;
      return undefined;
    }
    return body;
  }

  /** Executes verbs until the caller has something to do, or the call is over. */
  private async run(session: Session): Promise<void> {
    let documents = 0;
    while (session.endedAt === undefined) {
      const verb = session.verbs[session.at];
      if (verb === undefined) return this.end(session); // the end of the document hangs up
      switch (verb.kind) {
        case 'say':
        case 'play':
        case 'pause':
          this.speak(session, verb);
          session.at += 1;
          break;
        case 'gather':
          for (const p of verb.prompts) this.speak(session, p);
          session.waiting = { kind: 'gather', verb, typed: '' };
          return;
        case 'record':
          session.transcript.push({ at: now(), who: 'network', kind: 'note', text: 'recording' });
          session.waiting = { kind: 'record', verb, since: Date.now() };
          return;
        case 'dial':
          session.transcript.push({ at: now(), who: 'network', kind: 'note', text: 'ringing_agent' });
          session.waiting = { kind: 'dial', verb, answeredAt: undefined };
          return;
        case 'redirect':
          if (++documents > MAX_DOCUMENTS_PER_TURN) {
            session.transcript.push({ at: now(), who: 'network', kind: 'note', text: 'too_many_redirects' });
            return this.end(session);
          }
          await this.request(session, verb.url, {});
          break;
        case 'hangup':
          return this.end(session);
        case 'unknown':
          session.transcript.push({
            at: now(),
            who: 'network',
            kind: 'note',
            text: 'not_simulated',
            detail: verb.name,
          });
          session.at += 1;
          break;
      }
    }
  }

  private speak(session: Session, p: Prompt): void {
    const at = now();
    if (p.kind === 'say')
      session.transcript.push({
        at,
        who: 'service',
        kind: 'say',
        text: p.text,
        ...(p.voice ? { voice: p.voice } : {}),
        ...(p.language ? { language: p.language } : {}),
      });
    else if (p.kind === 'play') session.transcript.push({ at, who: 'service', kind: 'play', url: p.url });
    else session.transcript.push({ at, who: 'service', kind: 'pause', seconds: p.seconds });
  }

  private async submitGather(
    session: Session,
    w: Extract<Waiting, { kind: 'gather' }>,
    digits: string,
    finishedOnKey: string | undefined,
  ): Promise<void> {
    session.waiting = undefined;
    await this.request(session, w.verb.action ?? session.docUrl, {
      Digits: digits,
      ...(finishedOnKey !== undefined ? { FinishedOnKey: finishedOnKey } : { FinishedOnKey: '' }),
    });
    await this.run(session);
  }

  private async finishRecording(
    session: Session,
    w: Extract<Waiting, { kind: 'record' }>,
    digits: string,
    lengthSeconds?: number,
    opts: { run?: boolean } = {},
  ): Promise<void> {
    session.waiting = undefined;
    const duration = Math.min(
      w.verb.maxLengthSeconds,
      Math.max(1, Math.round(lengthSeconds ?? seconds(Date.now() - w.since))),
    );
    session.transcript.push({ at: now(), who: 'caller', kind: 'recorded', seconds: duration });
    const recordingSid = twilioSid('RE');
    const recording = {
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${this.opts.accountSid}/Recordings/${recordingSid}`,
      RecordingDuration: String(duration),
    };
    const action = w.verb.action ?? session.docUrl;
    const callback = w.verb.recordingStatusCallback
      ? new URL(w.verb.recordingStatusCallback, session.docUrl).toString()
      : undefined;
    await this.request(session, action, { ...recording, Digits: digits });
    // The recording becomes available a moment later; Twilio then calls the recording callback.
    if (callback)
      await this.post(
        session,
        callback,
        { ...recording, RecordingStatus: 'completed', RecordingChannels: '1', RecordingSource: 'RecordVerb' },
        { document: false },
      );
    if (opts.run !== false) await this.run(session);
  }

  private async end(session: Session): Promise<void> {
    if (session.endedAt !== undefined) return;
    session.endedAt = Date.now();
    session.waiting = undefined;
    session.transcript.push({ at: now(), who: 'network', kind: 'note', text: 'call_ended' });
    const statusPath = this.opts.statusCallbackPath ?? '/voice/status';
    await this.post(
      session,
      `${this.opts.publicBaseUrl}${statusPath}`,
      {
        CallStatus: 'completed',
        CallDuration: String(Math.max(1, seconds(session.endedAt - session.startedAt))),
      },
      { document: false },
    );
  }

  private viewOf(s: Session): CallView {
    const w = s.waiting;
    const awaiting: Awaiting =
      s.endedAt !== undefined || !w
        ? 'nothing'
        : w.kind === 'gather'
          ? 'keys'
          : w.kind === 'record'
            ? 'recording'
            : w.answeredAt === undefined
              ? 'agent_ringing'
              : 'agent_talking';
    return {
      sid: s.sid,
      from: s.from,
      to: s.to,
      status: s.endedAt === undefined ? 'in-progress' : 'completed',
      awaiting,
      ...(w?.kind === 'gather'
        ? {
            gather: {
              numDigits: w.verb.numDigits ?? null,
              finishOnKey: w.verb.finishOnKey,
              timeoutSeconds: w.verb.timeoutSeconds,
              typed: w.typed,
            },
          }
        : {}),
      ...(w?.kind === 'record'
        ? { record: { maxLengthSeconds: w.verb.maxLengthSeconds, finishOnKey: w.verb.finishOnKey } }
        : {}),
      ...(w?.kind === 'dial' ? { dial: { target: w.verb.target } } : {}),
      transcript: [...s.transcript],
      startedAt: new Date(s.startedAt).toISOString(),
      endedAt: s.endedAt === undefined ? null : new Date(s.endedAt).toISOString(),
    };
  }
}

function now(): string {
  return new Date().toISOString();
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
