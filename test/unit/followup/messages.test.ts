import { describe, expect, it } from 'vitest';
import { countSegments } from '../../../src/followup/segments.js';
import { followUpTexts, smsLink } from '../../../src/i18n/followup.js';

describe('segments', () => {
  it.each([
    ['', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['ش'.repeat(70), 'UCS-2', 1],
    ['ش'.repeat(71), 'UCS-2', 2],
    ['ش'.repeat(134), 'UCS-2', 2],
    ['ش'.repeat(135), 'UCS-2', 3],
    [`${'a'.repeat(69)}👍`, 'UCS-2', 2],
  ])('%# %s…', (text, encoding, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments });
  });
});

describe('first message', () => {
  const link = smsLink(`https://rate.momrah.gov.sa/f/${'A'.repeat(32)}`);
  it('fits two UCS-2 segments in Arabic with a realistic agency, reference and link', () => {
    const text = followUpTexts.ar.initial({ agency: 'أمانة منطقة الرياض', ref: 'TKT-20261122', link });
    expect(text).toContain('TKT-20261122');
    expect(text).toContain('1 نعم');
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });
  it('fits two GSM-7 segments in English', () => {
    const text = followUpTexts.en.initial({ agency: 'Riyadh Municipality', ref: 'TKT-20261122', link });
    expect(countSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });
  it('every catalogue text exists in both languages', () => {
    expect(Object.keys(followUpTexts.en).sort()).toEqual(Object.keys(followUpTexts.ar).sort());
  });
});
