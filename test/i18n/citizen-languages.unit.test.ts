import { describe, expect, it } from 'vitest';
import { citizenLanguageOf, isRightToLeft } from '../../src/i18n/languages.js';

describe('citizen languages from a closure event code', () => {
  it('reads ISO codes and BCP 47 tags in any case', () => {
    expect(citizenLanguageOf('ur-PK')).toBe('ur');
    expect(citizenLanguageOf('TL')).toBe('fil');
    expect(citizenLanguageOf('fil_PH')).toBe('fil');
    expect(citizenLanguageOf('bn-BD')).toBe('bn');
    expect(citizenLanguageOf('nep')).toBe('ne');
    expect(citizenLanguageOf(' in ')).toBe('id');
  });
  it('names no language for an unknown code, so the caller falls back', () => {
    expect(citizenLanguageOf('sw')).toBeUndefined();
    expect(citizenLanguageOf('')).toBeUndefined();
  });
  it('writes Arabic and Urdu right to left, the others left to right', () => {
    expect(isRightToLeft('ur')).toBe(true);
    expect(isRightToLeft('ar')).toBe(true);
    expect(isRightToLeft('hi')).toBe(false);
    expect(isRightToLeft('fil')).toBe(false);
  });
});
