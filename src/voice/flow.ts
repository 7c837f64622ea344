import { z } from 'zod';
import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../i18n/languages.js';
import { isVoiceTextKey, VOICES, voiceTexts, type VoiceTextKey } from '../i18n/voice.js';
import { isRecorded, PROMPT_PATH, recordedParts, TICKET_IN_PROMPT } from './recorded.js';

/**
 * Voice menus are data (voice-flows/): what each step says (a text of src/i18n/voice.ts by its key,
 * spoken in the caller's language, or a recorded prompt per language), which keys it accepts and
 * what they mean, how long it waits, how often it re-asks, and where it goes next. The loader
 * refuses a broken flow at start-up, naming the flow, the step and the problem.
 */
export const VOICE_LANGUAGES = CITIZEN_LANGUAGES;
export type VoiceLanguage = CitizenLanguage;

const promptSchema = z.union([
  z.object({ say: z.string().min(1) }).strict(),
  z.object({ play: z.url() }).strict(),
]);
/**
 * What a caller hears: a text said, a file played, or a recorded text played in parts (the ticket
 * reference read out between them, one file per character from `characters`).
 */
export type Prompt = z.infer<typeof promptSchema> | { playAll: string[]; characters: string };
/** Per language: what is said or played. */
type Localized = Record<string, Prompt>;
/** A text of src/i18n/voice.ts, said in every language, or a prompt per language (a recorded voice). */
const localized = z.union([z.object({ text: z.string() }).strict(), z.record(z.string(), promptSchema)]);
type RawPrompt = z.infer<typeof localized>;

const menuStep = z
  .object({
    kind: z.literal('menu'),
    prompt: localized,
    /** Key pressed → stored value. */
    choices: z.record(
      z.string().regex(/^[0-9]$/, 'choices are single digits 0-9'),
      z.union([z.number(), z.boolean(), z.string()]),
    ),
    /**
     * The field this answer fills (absent for navigation-only menus): the post-call rating's, or the
     * verification conversation's question (closure-verification).
     */
    field: z.enum(['agentRating', 'solvedOnCall', 'solved', 'rating', 'reason']).optional(),
    timeoutSeconds: z.number().int().min(1).max(30).default(6),
    retries: z.number().int().min(0).max(3).default(1),
    /** The next step, or a map from stored value (as text) to next step. */
    next: z.union([z.string(), z.record(z.string(), z.string())]),
  })
  .strict();

const recordStep = z
  .object({
    kind: z.literal('record'),
    prompt: localized,
    maxLengthSeconds: z.number().int().min(1).max(120).default(30),
    next: z.string(),
  })
  .strict();

const endStep = z.object({ kind: z.literal('end'), prompt: localized }).strict();

export const flowSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    firstStep: z.string(),
    /**
     * The text-to-speech voice per language; src/i18n/voice.ts's when the flow gives none. The
     * languages Twilio has no voice for have none: their prompts are recordings.
     */
    voices: z
      .record(z.string(), z.object({ voice: z.string(), language: z.string() }).strict())
      .default({ ...VOICES }),
    messages: z
      .object({ invalid: localized, noInput: localized, goodbye: localized, error: localized })
      .strict(),
    steps: z.record(
      z.string().regex(/^[a-z_]+$/, 'step names are lower_snake_case'),
      z.discriminatedUnion('kind', [menuStep, recordStep, endStep]),
    ),
  })
  .strict();

type RawFlow = z.infer<typeof flowSchema>;
type Resolved<T> = T extends { prompt: RawPrompt } ? Omit<T, 'prompt'> & { prompt: Localized } : never;
/** A loaded flow: every prompt per language, texts looked up. */
export type Flow = Omit<RawFlow, 'messages' | 'steps'> & {
  messages: Record<keyof RawFlow['messages'], Localized>;
  steps: Record<string, Resolved<RawFlow['steps'][string]>>;
};
export type FlowStep = Flow['steps'][string];
export type MenuStep = Extract<FlowStep, { kind: 'menu' }>;

export class FlowError extends Error {}

/**
 * A text of src/i18n/voice.ts in one language: said where Twilio has a voice for the language,
 * played from its recording (recorded.ts) where it has none. `base` is the public URL the
 * recordings are fetched from ('' for a path on the same host).
 */
export function textPrompt(key: VoiceTextKey, lang: VoiceLanguage, base = ''): Prompt {
  if (!isRecorded(lang)) return { say: voiceTexts[lang][key] };
  const dir = `${base}${PROMPT_PATH}/${lang}/`;
  const parts = recordedParts(key, lang).map((f) => (f === TICKET_IN_PROMPT ? f : dir + f));
  const [only] = parts;
  return parts.length === 1 && only ? { play: only } : { playAll: parts, characters: dir };
}

/** The prompt per language, its text looked up; a problem named for an unknown text or a missing language. */
function resolve(problems: string[], where: string, value: RawPrompt, base: string): Localized {
  if ('text' in value && typeof value.text === 'string') {
    const key = value.text;
    if (isVoiceTextKey(key))
      return Object.fromEntries(VOICE_LANGUAGES.map((lang) => [lang, textPrompt(key, lang, base)]));
    problems.push(`${where}: unknown text "${key}" (src/i18n/voice.ts)`);
    return {};
  }
  const prompts = value as Localized;
  for (const lang of VOICE_LANGUAGES) {
    const p = prompts[lang];
    if (!p) problems.push(`${where}: missing language "${lang}"`);
    else if ('say' in p && isRecorded(lang))
      problems.push(`${where}: Twilio has no voice for "${lang}": give a recorded { play } prompt`);
  }
  return prompts;
}

/**
 * Parses and cross-checks a flow; throws FlowError listing every problem with flow and step names.
 * `publicBaseUrl` makes the recorded prompts' URLs absolute, as `<Play>` is given them.
 */
export function loadFlow(raw: unknown, publicBaseUrl = ''): Flow {
  const parsed = flowSchema.safeParse(raw);
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : '(unnamed)';
  if (!parsed.success) {
    throw new FlowError(
      `voice flow "${id}" is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const data = parsed.data;
  const problems: string[] = [];
  const flow: Flow = {
    ...data,
    messages: {
      invalid: resolve(problems, 'messages.invalid', data.messages.invalid, publicBaseUrl),
      noInput: resolve(problems, 'messages.noInput', data.messages.noInput, publicBaseUrl),
      goodbye: resolve(problems, 'messages.goodbye', data.messages.goodbye, publicBaseUrl),
      error: resolve(problems, 'messages.error', data.messages.error, publicBaseUrl),
    },
    steps: Object.fromEntries(
      Object.entries(data.steps).map(([name, step]) => [
        name,
        { ...step, prompt: resolve(problems, `step "${name}".prompt`, step.prompt, publicBaseUrl) },
      ]),
    ),
  };
  const stepNames = new Set(Object.keys(flow.steps));
  if (!stepNames.has(flow.firstStep)) problems.push(`firstStep: unknown step "${flow.firstStep}"`);
  for (const lang of VOICE_LANGUAGES)
    if (!isRecorded(lang) && !flow.voices[lang]) problems.push(`voices: missing language "${lang}"`);
  for (const [name, step] of Object.entries(flow.steps)) {
    if (step.kind === 'end') continue;
    const targets = typeof step.next === 'string' ? [step.next] : Object.values(step.next);
    for (const target of targets)
      if (!stepNames.has(target)) problems.push(`step "${name}": unknown next step "${target}"`);
    if (step.kind === 'menu') {
      if (Object.keys(step.choices).length === 0) problems.push(`step "${name}": no choices`);
      if ('*' in step.choices) problems.push(`step "${name}": "*" is reserved for repeat`);
      const values = Object.values(step.choices).map(String);
      const twice = values.filter((v, i) => values.indexOf(v) !== i);
      if (twice.length > 0) problems.push(`step "${name}": value "${twice[0]}" mapped from two keys`);
      if (typeof step.next !== 'string') {
        for (const v of new Set(values))
          if (!(v in step.next)) problems.push(`step "${name}": no next step for choice "${v}"`);
      }
    }
  }
  if (problems.length > 0)
    throw new FlowError(`voice flow "${flow.id}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return flow;
}

export function nextStepOf(step: MenuStep | Extract<FlowStep, { kind: 'record' }>, value?: unknown): string {
  if (typeof step.next === 'string') return step.next;
  return step.next[String(value)] ?? Object.values(step.next)[0] ?? '';
}
