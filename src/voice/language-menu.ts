import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../i18n/languages.js';

/**
 * The inbound call's language choice. The first menu offers Arabic (1) and English (2), as it always
 * has, and "other languages" (9); that menu announces each of the residents' languages in its own
 * words and voice, with its key (the `languageMenu` text of src/i18n/voice.ts says the same key).
 * A key is one language in both menus, so a caller who knows it need not wait for the second.
 */
// prettier-ignore
export const LANGUAGE_KEYS: Readonly<Record<CitizenLanguage, string>> = {
  ar: '1', en: '2', bn: '3', hi: '4', ur: '5', fil: '6', id: '7', ne: '8',
};
export const OTHER_LANGUAGES_KEY = '9';

/** The languages of the first menu; the others are offered after OTHER_LANGUAGES_KEY. */
export const FIRST_MENU_LANGUAGES: readonly CitizenLanguage[] = ['ar', 'en'];
export const OTHER_MENU_LANGUAGES: readonly CitizenLanguage[] = CITIZEN_LANGUAGES.filter(
  (l) => !FIRST_MENU_LANGUAGES.includes(l),
);

/** The language a key chooses; undefined for silence, '9', '*', '#' or anything else. */
export function languageOfKey(digits: string | undefined): CitizenLanguage | undefined {
  return CITIZEN_LANGUAGES.find((l) => LANGUAGE_KEYS[l] === digits);
}
