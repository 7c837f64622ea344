/**
 * The languages every text a person reads or hears is written in. Each area of texts
 * (src/i18n/<area>.ts) holds one dictionary per language, typed by the first one, so adding a
 * language is adding it here and then one dictionary per area: the compiler names each area still
 * missing it (`Dictionaries`) and each key a new dictionary leaves out.
 */
export const LANGUAGES = ['ar', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One dictionary per language, each with every key of `T`. */
export type Dictionaries<T> = Readonly<Record<Language, T>>;

/** A value per language, made by `of`; for a text that several dictionaries hold under one key. */
export function perLanguage<T>(of: (lang: Language) => T): Record<Language, T> {
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, of(lang)])) as Record<Language, T>;
}

/**
 * The languages a citizen is asked and answered in (verification messages, WhatsApp templates, the
 * answer page, the verification call, the post-call menu): Arabic and English, then the Kingdom's
 * largest resident communities. Pages for staff stay in `LANGUAGES`; only the citizen-facing areas
 * carry one dictionary per `CitizenLanguage`.
 */
export const CITIZEN_LANGUAGES = ['ar', 'en', 'bn', 'hi', 'ur', 'fil', 'id', 'ne'] as const;
export type CitizenLanguage = (typeof CITIZEN_LANGUAGES)[number];

/** One dictionary per citizen language, each with every key of `T`. */
export type CitizenDictionaries<T> = Readonly<Record<CitizenLanguage, T>>;

/** Written right to left: the page's `dir` and the order a phone shows a message in. */
export function isRightToLeft(lang: CitizenLanguage): boolean {
  return lang === 'ar' || lang === 'ur';
}

// ISO 639-1/-2/-3 codes and BCP 47 tags a ticket system may send for each language.
// prettier-ignore
const CODES: Readonly<Record<string, CitizenLanguage>> = {
  ar: 'ar', ara: 'ar', en: 'en', eng: 'en', bn: 'bn', ben: 'bn', hi: 'hi', hin: 'hi', ur: 'ur', urd: 'ur',
  fil: 'fil', tl: 'fil', tgl: 'fil', id: 'id', ind: 'id', in: 'id', ne: 'ne', nep: 'ne', npi: 'ne',
};

/**
 * The citizen language a closure event's `language` names ("ur", "ur-PK", "fil", "tl", "bn-BD"), or
 * `undefined` when it names none of them: the caller decides the fallback (Arabic with English).
 */
export function citizenLanguageOf(code: string): CitizenLanguage | undefined {
  const primary = code.trim().toLowerCase().replace(/_/g, '-').split('-')[0] ?? '';
  return CODES[primary];
}
