import type twilio from 'twilio';

/**
 * The `<Say>` voices the stand-in accepts, each with the `language` values Twilio takes with it, so
 * a voice Twilio does not have (or a voice with another language's code) fails here as it would on
 * a call: Twilio logs warning 13511 ("Say: Invalid voice value") and the caller hears nothing of it.
 * The list is Twilio's own: every name must be one of the SDK's `SayVoice` values (generated from
 * Twilio's TwiML definition; the compiler checks it), and the languages are those of Twilio's
 * text-to-speech page (docs/decisions/0023-voices.md). It holds the voices of the languages this
 * project speaks; a voice Twilio has but the list lacks is refused too, naming where to add it.
 */
// Why: docs/decisions/0023-voices.md
type SayAttributes = Exclude<
  Parameters<InstanceType<typeof twilio.twiml.VoiceResponse>['say']>[0],
  string | undefined
>;
type SayVoice = NonNullable<SayAttributes['voice']>;

/** Amazon Polly voices: their languages are not in the name. */
const POLLY: Readonly<Partial<Record<SayVoice, readonly string[]>>> = {
  'Polly.Zeina': ['arb'],
  'Polly.Hala-Neural': ['ar-AE'],
  'Polly.Zayd-Neural': ['ar-AE'],
  'Polly.Joanna': ['en-US'],
  'Polly.Joanna-Neural': ['en-US'],
  'Polly.Joanna-Generative': ['en-US'],
  'Polly.Matthew': ['en-US'],
  'Polly.Matthew-Neural': ['en-US'],
  'Polly.Salli': ['en-US'],
  'Polly.Kendra': ['en-US'],
  'Polly.Kimberly': ['en-US'],
  'Polly.Ivy': ['en-US'],
  'Polly.Joey': ['en-US'],
  'Polly.Justin': ['en-US'],
  'Polly.Amy': ['en-GB'],
  'Polly.Emma': ['en-GB'],
  'Polly.Brian': ['en-GB'],
  // Bilingual: Indian English and Hindi.
  'Polly.Aditi': ['en-IN', 'hi-IN'],
  'Polly.Raveena': ['en-IN'],
  'Polly.Kajal-Neural': ['en-IN', 'hi-IN'],
  'Polly.Kajal-Generative': ['en-IN', 'hi-IN'],
};

/** Google voices: each speaks the locale its name starts with (Google.<locale>-<family>-<letter>). */
// prettier-ignore
const GOOGLE = [
  'Google.ar-XA-Standard-A', 'Google.ar-XA-Standard-B', 'Google.ar-XA-Standard-C', 'Google.ar-XA-Standard-D', 'Google.ar-XA-Wavenet-A', 'Google.ar-XA-Wavenet-B', 'Google.ar-XA-Wavenet-C', 'Google.ar-XA-Wavenet-D',
  'Google.bn-IN-Standard-A', 'Google.bn-IN-Standard-B', 'Google.bn-IN-Standard-C', 'Google.bn-IN-Standard-D', 'Google.bn-IN-Wavenet-A', 'Google.bn-IN-Wavenet-B', 'Google.bn-IN-Wavenet-C', 'Google.bn-IN-Wavenet-D',
  'Google.hi-IN-Neural2-A', 'Google.hi-IN-Neural2-B', 'Google.hi-IN-Neural2-C', 'Google.hi-IN-Neural2-D', 'Google.hi-IN-Standard-A', 'Google.hi-IN-Standard-B', 'Google.hi-IN-Standard-C', 'Google.hi-IN-Standard-D', 'Google.hi-IN-Standard-E', 'Google.hi-IN-Standard-F', 'Google.hi-IN-Wavenet-A', 'Google.hi-IN-Wavenet-B', 'Google.hi-IN-Wavenet-C', 'Google.hi-IN-Wavenet-D', 'Google.hi-IN-Wavenet-E', 'Google.hi-IN-Wavenet-F',
  'Google.fil-PH-Standard-A', 'Google.fil-PH-Standard-B', 'Google.fil-PH-Standard-C', 'Google.fil-PH-Standard-D', 'Google.fil-PH-Wavenet-A', 'Google.fil-PH-Wavenet-B', 'Google.fil-PH-Wavenet-C', 'Google.fil-PH-Wavenet-D',
  'Google.fil-ph-Neural2-A', 'Google.fil-ph-Neural2-D',
  'Google.id-ID-Standard-A', 'Google.id-ID-Standard-B', 'Google.id-ID-Standard-C', 'Google.id-ID-Standard-D', 'Google.id-ID-Wavenet-A', 'Google.id-ID-Wavenet-B', 'Google.id-ID-Wavenet-C', 'Google.id-ID-Wavenet-D',
  'Google.en-US-Neural2-A', 'Google.en-US-Neural2-C', 'Google.en-US-Neural2-D', 'Google.en-US-Neural2-E', 'Google.en-US-Neural2-F', 'Google.en-US-Neural2-G', 'Google.en-US-Neural2-H', 'Google.en-US-Neural2-I', 'Google.en-US-Neural2-J', 'Google.en-US-Standard-A', 'Google.en-US-Standard-B', 'Google.en-US-Standard-C', 'Google.en-US-Standard-D', 'Google.en-US-Standard-E', 'Google.en-US-Standard-F', 'Google.en-US-Standard-G', 'Google.en-US-Standard-H', 'Google.en-US-Standard-I', 'Google.en-US-Standard-J', 'Google.en-US-Wavenet-A', 'Google.en-US-Wavenet-B', 'Google.en-US-Wavenet-C', 'Google.en-US-Wavenet-D', 'Google.en-US-Wavenet-E', 'Google.en-US-Wavenet-F', 'Google.en-US-Wavenet-G', 'Google.en-US-Wavenet-H', 'Google.en-US-Wavenet-I', 'Google.en-US-Wavenet-J',
  'Google.en-GB-Neural2-A', 'Google.en-GB-Neural2-B', 'Google.en-GB-Neural2-C', 'Google.en-GB-Neural2-D', 'Google.en-GB-Neural2-F', 'Google.en-GB-Neural2-N', 'Google.en-GB-Neural2-O', 'Google.en-GB-Standard-A', 'Google.en-GB-Standard-B', 'Google.en-GB-Standard-C', 'Google.en-GB-Standard-D', 'Google.en-GB-Standard-F', 'Google.en-GB-Standard-N', 'Google.en-GB-Standard-O', 'Google.en-GB-Wavenet-A', 'Google.en-GB-Wavenet-B', 'Google.en-GB-Wavenet-C', 'Google.en-GB-Wavenet-D', 'Google.en-GB-Wavenet-F', 'Google.en-GB-Wavenet-N', 'Google.en-GB-Wavenet-O',
  'Google.en-IN-Neural2-A', 'Google.en-IN-Neural2-B', 'Google.en-IN-Neural2-C', 'Google.en-IN-Neural2-D', 'Google.en-IN-Standard-A', 'Google.en-IN-Standard-B', 'Google.en-IN-Standard-C', 'Google.en-IN-Standard-D', 'Google.en-IN-Standard-E', 'Google.en-IN-Standard-F', 'Google.en-IN-Wavenet-A', 'Google.en-IN-Wavenet-B', 'Google.en-IN-Wavenet-C', 'Google.en-IN-Wavenet-D', 'Google.en-IN-Wavenet-E', 'Google.en-IN-Wavenet-F',
] as const satisfies readonly SayVoice[];

const GOOGLE_VOICES: ReadonlySet<string> = new Set(GOOGLE);

/** The languages Twilio takes with a voice, or undefined when the stand-in does not know the voice. */
export function languagesOfVoice(voice: string): readonly string[] | undefined {
  const polly = (POLLY as Readonly<Record<string, readonly string[]>>)[voice];
  if (polly) return polly;
  if (!GOOGLE_VOICES.has(voice)) return undefined;
  const locale = /^Google\.([a-zA-Z]{2,3}-[a-zA-Z]{2})-/.exec(voice)?.[1];
  return locale ? [locale] : undefined;
}

/**
 * Why Twilio would not speak a `<Say>` with this voice and language, or undefined when it would.
 * No voice at all is Twilio's basic default voice, which this project never relies on.
 */
export function sayProblem(voice: string | undefined, language: string | undefined): string | undefined {
  if (voice === undefined) return undefined;
  const languages = languagesOfVoice(voice);
  if (!languages)
    return `13511 Say: invalid voice "${voice}" (not a Twilio voice, or not in src/twilio/stand-in/say-voices.ts)`;
  if (language !== undefined && !languages.some((l) => l.toLowerCase() === language.toLowerCase()))
    return `13511 Say: voice "${voice}" does not speak "${language}" (it speaks ${languages.join(', ')})`;
  return undefined;
}
