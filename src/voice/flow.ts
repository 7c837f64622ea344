import { z } from 'zod';
import { LANGUAGES, perLanguage } from '../i18n/languages.js';
import { isVoiceTextKey, VOICES, voiceTexts } from '../i18n/voice.js';

/**
 * Voice menus are data (voice-flows/): what each step says (a text of src/i18n/voice.ts by its key,
 * spoken in the caller's language, or a recorded prompt per language), which keys it accepts and
 * what they mean, how long it waits, how often it re-asks, and where it goes next. The loader
 * refuses a broken flow at start-up, naming the flow, the step and the problem.
 */
export const VOICE_LANGUAGES = LANGUAGES;
export type VoiceLanguage = (typeof VOICE_LANGUAGES)[number];

const promptSchema = z.union([
  z.object({ say: z.string().min(1) }).strict(),
  z.object({ play: z.url() }).strict(),
]);
export type Prompt = z.infer<typeof promptSchema>;
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
    /** The text-to-speech voice per language; src/i18n/voice.ts's when the flow gives none. */
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

/** The prompt per language, its text looked up; a problem named for an unknown text or a missing language. */
function resolve(problems: string[], where: string, value: RawPrompt): Localized {
  if ('text' in value && typeof value.text === 'string') {
    const key = value.text;
    if (isVoiceTextKey(key)) return perLanguage((lang) => ({ say: voiceTexts[lang][key] }));
    problems.push(`${where}: unknown text "${key}" (src/i18n/voice.ts)`);
    return {};
  }
  const prompts = value as Localized;
  for (const lang of VOICE_LANGUAGES)
    if (!(lang in prompts)) problems.push(`${where}: missing language "${lang}"`);
  return prompts;
}

/** Parses and cross-checks a flow; throws FlowError listing every problem with flow and step names. */
export function loadFlow(raw: unknown): Flow {
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
      invalid: resolve(problems, 'messages.invalid', data.messages.invalid),
      noInput: resolve(problems, 'messages.noInput', data.messages.noInput),
      goodbye: resolve(problems, 'messages.goodbye', data.messages.goodbye),
      error: resolve(problems, 'messages.error', data.messages.error),
    },
    steps: Object.fromEntries(
      Object.entries(data.steps).map(([name, step]) => [
        name,
        { ...step, prompt: resolve(problems, `step "${name}".prompt`, step.prompt) },
      ]),
    ),
  };
  const stepNames = new Set(Object.keys(flow.steps));
  if (!stepNames.has(flow.firstStep)) problems.push(`firstStep: unknown step "${flow.firstStep}"`);
  for (const lang of VOICE_LANGUAGES)
    if (!flow.voices[lang]) problems.push(`voices: missing language "${lang}"`);
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
