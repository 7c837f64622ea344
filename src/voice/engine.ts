import twilio from 'twilio';
import { z } from 'zod';
import { VOICES, voiceTexts, type VoiceTextKey } from '../i18n/voice.js';
import {
  nextStepOf,
  textPrompt,
  VOICE_LANGUAGES,
  type Flow,
  type Prompt,
  type VoiceLanguage,
} from './flow.js';
import { characterFile, TICKET_IN_PROMPT } from './recorded.js';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

/**
 * Where a call stands travels in each action URL (Twilio signs the full URL, so it cannot be
 * forged): any web process answers any step without reading the database first.
 */
export const callStateSchema = z.object({
  f: z.string().regex(/^[a-z0-9-]{1,64}$/),
  s: z.string().regex(/^[a-z_]{1,64}$/),
  l: z.enum(VOICE_LANGUAGES),
  r: z.coerce.number().int().min(0).max(9),
  a: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  t: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
});
export type CallState = z.infer<typeof callStateSchema>;

// Why: docs/decisions/0016-stateless-ivr-steps.md
export function stateUrl(path: string, state: CallState): string {
  const q = new URLSearchParams({
    f: state.f,
    s: state.s,
    l: state.l,
    r: String(state.r),
    a: state.a,
    t: state.t,
  });
  return `${path}?${q.toString()}`;
}

/** The characters of a reference as it is read out ("T-1001": T 1 0 0 1), as a caller would write it down. */
function characters(ref: string): string[] {
  return [...ref.replace(/[^A-Za-z0-9]/g, '')];
}

/** Says or plays a prompt in the caller's language, the ticket reference read out where it stands. */
export function speak(
  target: VoiceResponse | ReturnType<VoiceResponse['gather']>,
  flow: Flow,
  lang: VoiceLanguage,
  prompt: Prompt | undefined,
  ticket = '',
): void {
  if (!prompt) return;
  if ('play' in prompt) {
    target.play(prompt.play);
    return;
  }
  if ('playAll' in prompt) {
    for (const part of prompt.playAll) {
      if (part !== TICKET_IN_PROMPT) target.play(part);
      else for (const c of characters(ticket)) target.play(prompt.characters + characterFile(c));
    }
    return;
  }
  const voice = flow.voices[lang];
  const text = prompt.say.replaceAll(TICKET_IN_PROMPT, characters(ticket).join(' '));
  target.say({ voice: voice?.voice as 'Polly.Zeina', language: voice?.language as 'arb' }, text);
}

/** A text of src/i18n/voice.ts outside a flow's steps (a menu, a notice), in the caller's language. */
export function speakText(
  target: VoiceResponse | ReturnType<VoiceResponse['gather']>,
  flow: Flow,
  lang: VoiceLanguage,
  key: VoiceTextKey,
  base: string,
): void {
  speak(target, flow, lang, textPrompt(key, lang, base));
}

function promptNamesTicket(flow: Flow, stepName: string): boolean {
  const step = flow.steps[stepName];
  return (
    !!step &&
    Object.values(step.prompt).some(
      (p) =>
        ('say' in p && p.say.includes(TICKET_IN_PROMPT)) ||
        ('playAll' in p && p.playAll.includes(TICKET_IN_PROMPT)),
    )
  );
}

export type Notice = 'invalid' | 'noInput';

// Placeholders for the per-call parts of a step's URLs. '*' never occurs in an agent id or ticket
// ref, and neither URL encoding nor XML escaping touches it or the characters ids may contain.
const AGENT_SLOT = '*agent*';
const TICKET_SLOT = '*ticket*';
const SLOT_PATTERN = /(\*agent\*|\*ticket\*)/;
const SAFE_ID = /^[A-Za-z0-9._-]*$/;
const stepTemplates = new WeakMap<Flow, Map<string, string[] | null>>();

/**
 * A step's TwiML depends on the call only through the agent and ticket in its URLs, so it is built
 * once per (step, language, retry, notice) and the two ids are filled in per request: building
 * TwiML with the SDK's XML builder was a quarter of a rating step's CPU.
 */
function stepTemplate(flow: Flow, state: CallState, notice: Notice | undefined): string[] | null {
  let byKey = stepTemplates.get(flow);
  if (!byKey) stepTemplates.set(flow, (byKey = new Map<string, string[] | null>()));
  const key = `${state.s}|${state.l}|${state.r}|${notice ?? ''}`;
  let parts = byKey.get(key);
  // A prompt that reads out the ticket differs per call: built per request.
  if (parts === undefined && promptNamesTicket(flow, state.s)) byKey.set(key, (parts = null));
  if (parts === undefined) {
    const xml = buildStep(flow, { ...state, a: AGENT_SLOT, t: TICKET_SLOT }, notice);
    parts = xml.split(SLOT_PATTERN);
    // A prompt that itself contains a placeholder cannot be templated; it is built per request.
    const slotsOnlyInUrls = parts.every(
      (part, i) => i % 2 === 0 || (parts?.[i - 1]?.endsWith(part === AGENT_SLOT ? 'a=' : 't=') ?? false),
    );
    if (!slotsOnlyInUrls) parts = null;
    byKey.set(key, parts);
  }
  return parts;
}

/** The TwiML for one step: its prompt (after a short notice when re-asking) and how to answer it. */
export function renderStep(flow: Flow, state: CallState, notice?: Notice): string {
  const parts =
    SAFE_ID.test(state.a) && SAFE_ID.test(state.t) && state.f === flow.id
      ? stepTemplate(flow, state, notice)
      : null;
  if (!parts) return buildStep(flow, state, notice);
  let xml = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    xml += i % 2 === 0 ? part : part === AGENT_SLOT ? state.a : state.t;
  }
  return xml;
}

/** Builds a step's TwiML with the SDK, for one call; renderStep serves the same from a template. */
export function buildStep(flow: Flow, state: CallState, notice: Notice | undefined): string {
  const response = new twilio.twiml.VoiceResponse();
  const step = flow.steps[state.s];
  if (!step) return renderError(flow, state.l);
  const notices = notice ? flow.messages[notice][state.l] : undefined;
  if (step.kind === 'menu') {
    const gather = response.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: step.timeoutSeconds,
      // '#' and '*' arrive as digits: '*' repeats, '#' alone is a wrong key.
      finishOnKey: '',
      actionOnEmptyResult: true,
      action: stateUrl('/voice/step', state),
      method: 'POST',
    });
    speak(gather, flow, state.l, notices);
    speak(gather, flow, state.l, step.prompt[state.l], state.t);
    return response.toString();
  }
  if (step.kind === 'record') {
    speak(response, flow, state.l, step.prompt[state.l]);
    response.record({
      maxLength: step.maxLengthSeconds,
      finishOnKey: '#',
      playBeep: true,
      trim: 'trim-silence',
      action: stateUrl('/voice/step', state),
      method: 'POST',
      recordingStatusCallback: stateUrl('/voice/recording', state),
      recordingStatusCallbackMethod: 'POST',
    });
    // No recording (silence, hang-up): the action still runs, so the flow moves on from there.
    return response.toString();
  }
  speak(response, flow, state.l, step.prompt[state.l]);
  response.hangup();
  return response.toString();
}

function renderGoodbye(flow: Flow, lang: VoiceLanguage): string {
  const response = new twilio.twiml.VoiceResponse();
  speak(response, flow, lang, flow.messages.goodbye[lang]);
  response.hangup();
  return response.toString();
}

/** What a caller must hear instead of Twilio's "application error": an apology and a hang-up. */
export function renderError(flow: Flow | undefined, lang: VoiceLanguage): string {
  const response = new twilio.twiml.VoiceResponse();
  if (flow) speak(response, flow, lang, flow.messages.error[lang]);
  else response.say(VOICES.ar as { voice: 'Polly.Zeina'; language: 'arb' }, voiceTexts.ar.callerError);
  response.hangup();
  return response.toString();
}

export type StepInput =
  | {
      kind: 'answer';
      field: string | undefined;
      value: number | boolean | string;
      digits: string;
      next: string;
    }
  | { kind: 'repeat' }
  | { kind: 'invalid' }
  | { kind: 'no_input' }
  | { kind: 'recorded'; next: string };

/** Reads the keys pressed at a step. Anything but one listed key (or '*') is a wrong key. */
function readInput(flow: Flow, stepName: string, digits: string | undefined): StepInput {
  const step = flow.steps[stepName];
  if (!step || step.kind === 'end') return { kind: 'invalid' };
  if (step.kind === 'record') return { kind: 'recorded', next: step.next };
  if (digits === undefined || digits === '') return { kind: 'no_input' };
  if (digits === '*') return { kind: 'repeat' };
  const value = /^[0-9]$/.test(digits) ? step.choices[digits] : undefined;
  if (value === undefined) return { kind: 'invalid' };
  return { kind: 'answer', field: step.field, value, digits, next: nextStepOf(step, value) };
}

export type StepDecision = { twiml: string; answer?: Extract<StepInput, { kind: 'answer' }>; ended: boolean };

/** The pure heart of the IVR: state and keys in, TwiML (and the answer to store) out. */
export function decide(flow: Flow, state: CallState, digits: string | undefined): StepDecision {
  const input = readInput(flow, state.s, digits);
  const step = flow.steps[state.s];
  const retries = step?.kind === 'menu' ? step.retries : 0;
  switch (input.kind) {
    case 'answer':
    case 'recorded': {
      const next = { ...state, s: input.next, r: 0 };
      const ended = flow.steps[input.next]?.kind === 'end';
      return { twiml: renderStep(flow, next), ...(input.kind === 'answer' ? { answer: input } : {}), ended };
    }
    case 'repeat':
      return { twiml: renderStep(flow, state), ended: false };
    case 'invalid':
    case 'no_input':
      if (state.r >= retries) return { twiml: renderGoodbye(flow, state.l), ended: true };
      return {
        twiml: renderStep(
          flow,
          { ...state, r: state.r + 1 },
          input.kind === 'invalid' ? 'invalid' : 'noInput',
        ),
        ended: false,
      };
  }
}
