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
