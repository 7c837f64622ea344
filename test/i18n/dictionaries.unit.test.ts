import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/i18n/languages.js';
import { metricTexts } from '../../src/i18n/metrics.js';
import { VOICES, voiceTexts } from '../../src/i18n/voice.js';
import { METRIC_DEFINITIONS } from '../../src/reports/sums/metrics.js';
import { loadFlows } from '../../src/voice/flows.js';

/**
 * The compiler holds each dictionary to the first one's keys; these hold what it cannot see: no
 * empty text, and every language a voice to speak it.
 */
describe('the dictionaries of voice and metric texts', () => {
  it('give every language every text, none empty, and a voice for the spoken ones', () => {
    for (const lang of LANGUAGES) {
      expect(Object.keys(voiceTexts[lang]).sort(), lang).toEqual(Object.keys(voiceTexts.en).sort());
      for (const [key, text] of Object.entries(voiceTexts[lang]))
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
      expect(VOICES[lang]?.voice, lang).toMatch(/^Polly\./);
      for (const d of METRIC_DEFINITIONS) {
        expect(metricTexts[lang][d.key].name, `${lang}.${d.key}`).not.toBe('');
        expect(d[lang], `${lang}.${d.key}`).toEqual(metricTexts[lang][d.key]);
      }
    }
  });

  it('are what the voice flows say: each prompt of each flow is a dictionary text or a recording', () => {
    const spoken = new Set(LANGUAGES.flatMap((lang) => Object.values(voiceTexts[lang])));
    for (const flow of loadFlows().values()) {
      const prompts = [...Object.values(flow.messages), ...Object.values(flow.steps).map((s) => s.prompt)];
      for (const prompt of prompts)
        for (const lang of LANGUAGES) {
          const p = prompt[lang];
          expect(p && ('play' in p || ('say' in p && spoken.has(p.say))), `${flow.id} ${lang}`).toBe(true);
        }
    }
  });
});
