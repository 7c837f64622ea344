import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CITIZEN_LANGUAGES } from '../../src/i18n/languages.js';
import { RECORDED_LANGUAGES, VOICES, voiceTexts } from '../../src/i18n/voice.js';
import { callLanguageOf } from '../../src/followup/channels/call-urls.js';
import { sayProblem } from '../../src/twilio/stand-in/say-voices.js';
import { loadFlows } from '../../src/voice/flows.js';
import {
  FIRST_MENU_LANGUAGES,
  LANGUAGE_KEYS,
  languageOfKey,
  OTHER_LANGUAGES_KEY,
  OTHER_MENU_LANGUAGES,
} from '../../src/voice/language-menu.js';
import { PROMPTS_DIR, recordedParts, recordingScript, TICKET_IN_PROMPT } from '../../src/voice/recorded.js';

/** The spoken word for each key, per language, as the menus say it (ar and en say the digit). */
const KEY_WORDS: Record<string, Record<string, string>> = {
  bn: { '3': 'তিন', '9': 'নয়' },
  hi: { '4': 'चार', '9': 'नौ' },
  ur: { '5': 'پانچ', '9': 'نو' },
  fil: { '6': 'anim', '9': 'siyam' },
  id: { '7': 'tujuh', '9': 'sembilan' },
  ne: { '8': 'आठ', '9': 'नौ' },
};

describe('the language menu', () => {
  it('gives each language its own key, keeps 1 Arabic and 2 English, and 9 opens the others', () => {
    expect(new Set(Object.values(LANGUAGE_KEYS)).size).toBe(CITIZEN_LANGUAGES.length);
    expect(LANGUAGE_KEYS.ar).toBe('1');
    expect(LANGUAGE_KEYS.en).toBe('2');
    for (const lang of CITIZEN_LANGUAGES) expect(languageOfKey(LANGUAGE_KEYS[lang])).toBe(lang);
    for (const other of [OTHER_LANGUAGES_KEY, '0', '*', '#', '', undefined, '12'])
      expect(languageOfKey(other)).toBeUndefined();
    expect([...FIRST_MENU_LANGUAGES, ...OTHER_MENU_LANGUAGES].sort()).toEqual([...CITIZEN_LANGUAGES].sort());
  });

  it("announces each language's key in that language's own words", () => {
    expect(voiceTexts.ar.languageMenu).toContain(LANGUAGE_KEYS.ar);
    expect(voiceTexts.en.languageMenu).toContain(LANGUAGE_KEYS.en);
    expect(voiceTexts.en.otherLanguages).toContain(OTHER_LANGUAGES_KEY);
    for (const lang of OTHER_MENU_LANGUAGES) {
      const words = KEY_WORDS[lang] ?? {};
      expect(voiceTexts[lang].languageMenu, lang).toContain(words[LANGUAGE_KEYS[lang]]);
      expect(voiceTexts[lang].otherLanguages, lang).toContain(words[OTHER_LANGUAGES_KEY]);
    }
  });
});

describe('the voice of each language', () => {
  it('is a Twilio voice for the language where Twilio has one; Urdu and Nepali are recorded', () => {
    expect(RECORDED_LANGUAGES).toEqual(['ur', 'ne']);
    for (const lang of CITIZEN_LANGUAGES) {
      const v = VOICES[lang];
      if (RECORDED_LANGUAGES.includes(lang)) expect(v, lang).toBeUndefined();
      else expect(v && sayProblem(v.voice, v.language), lang).toBeUndefined();
    }
  });

  it('the stand-in refuses a voice Twilio does not have, or one given another language', () => {
    expect(sayProblem('Google.ur-IN-Standard-A', 'ur-IN')).toMatch(/^13511 .*invalid voice/);
    expect(sayProblem('Polly.Nobody', 'en-US')).toMatch(/^13511/);
    expect(sayProblem('Polly.Zeina', 'bn-IN')).toMatch(/does not speak "bn-IN"/);
    expect(sayProblem('Google.hi-IN-Wavenet-A', 'ne-NP')).toMatch(/does not speak/);
    expect(sayProblem('Polly.Aditi', 'hi-IN')).toBeUndefined();
    expect(sayProblem('Google.fil-ph-Neural2-A', 'fil-PH')).toBeUndefined();
  });

  it('a follow-up language the call does not speak is called in Arabic', () => {
    expect(callLanguageOf('ur-PK')).toBe('ur');
    expect(callLanguageOf('tl')).toBe('fil');
    expect(callLanguageOf('fr')).toBe('ar');
    expect(callLanguageOf(undefined)).toBe('ar');
  });
});

describe('the recorded prompts', () => {
  it('split a text where the ticket is read out', () => {
    expect(recordedParts('verifySolved', 'ur')).toEqual([
      'verifySolved-1.wav',
      TICKET_IN_PROMPT,
      'verifySolved-2.wav',
    ]);
    expect(recordedParts('verifyGoodbye', 'ne')).toEqual(['verifyGoodbye.wav']);
  });

  it('are shipped for every text and character of each recorded language, as 8 kHz mono WAV', () => {
    for (const lang of RECORDED_LANGUAGES)
      for (const { file, text } of recordingScript(lang)) {
        expect(text.trim(), `${lang}/${file}`).not.toBe('');
        const path = new URL(`${lang}/${file}`, PROMPTS_DIR);
        expect(existsSync(path), `${lang}/${file}: run scripts/voice-prompts.ts`).toBe(true);
        const head = readFileSync(path).subarray(0, 36);
        expect(head.subarray(0, 4).toString('latin1')).toBe('RIFF');
        expect(head.readUInt16LE(22), `${lang}/${file} channels`).toBe(1);
        expect(head.readUInt32LE(24), `${lang}/${file} sample rate`).toBe(8000);
      }
  });

  it('are what the flows play in those languages, with absolute URLs; the others are said', () => {
    const flows = loadFlows('https://verisat.example');
    for (const flow of flows.values())
      for (const step of Object.values(flow.steps))
        for (const lang of CITIZEN_LANGUAGES) {
          const p = step.prompt[lang];
          if (RECORDED_LANGUAGES.includes(lang)) {
            const urls = p && 'play' in p ? [p.play] : p && 'playAll' in p ? p.playAll : [];
            expect(urls.length, `${flow.id} ${lang}`).toBeGreaterThan(0);
            for (const url of urls.filter((u) => u !== TICKET_IN_PROMPT))
              expect(url).toMatch(
                new RegExp(`^https://verisat\\.example/voice/prompts/${lang}/[A-Za-z-]+\\d?\\.wav$`),
              );
          } else expect(p && 'say' in p ? p.say : '', `${flow.id} ${lang}`).not.toBe('');
        }
  });
});
