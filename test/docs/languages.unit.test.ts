import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  agencyNameFor,
  followUpTexts,
  smsLink,
  withEnglish,
  type SmsParams,
} from '../../src/i18n/followup.js';
import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../../src/i18n/languages.js';
import { countSegments } from '../../src/twilio/segments.js';

// docs/languages.md shows what each language's first message costs; this recomputes every figure
// with the function the sender counts segments with, so the table cannot drift from the texts.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const doc = readFileSync(resolve(ROOT, 'docs/languages.md'), 'utf8');

// The realistic sizes the doc states.
const names = { ar: 'أمانة منطقة المدينة المنورة', en: 'Madinah Region Municipality' };
const ref = 'MED-2611-042';
const link = smsLink(`https://rate.gov.sa/f/${'A'.repeat(32)}`);
const params = (lang: CitizenLanguage): SmsParams => ({ agency: agencyNameFor(lang, names), ref, link });

type Row = [
  code: string,
  encoding: string,
  units: number,
  segments: number,
  rUnits: number,
  rSegments: number,
];

function computed(code: string): Row {
  const texts = code === 'ar+en' ? withEnglish : followUpTexts[code as CitizenLanguage];
  const p = params(code === 'ar+en' ? 'ar' : (code as CitizenLanguage));
  const first = countSegments(texts.initial(p));
  const reminder = countSegments(texts.reminder(p));
  return [code, first.encoding, first.units, first.segments, reminder.units, reminder.segments];
}

/** The segment table: the rows whose second column is an encoding. */
function documented(): Row[] {
  return doc
    .split('\n')
    .map((line) => line.split('|').map((c) => c.trim()))
    .filter((cells) => cells[2] === 'UCS-2' || cells[2] === 'GSM-7')
    .map((c) => [
      (c[1] ?? '').replace(/`/g, ''),
      c[2] ?? '',
      Number(c[3]),
      Number(c[4]),
      Number(c[5]),
      Number(c[6]),
    ]);
}

describe('docs/languages.md', () => {
  it('uses the sizes it says it does', () => {
    expect(doc).toContain(names.ar);
    expect(doc).toContain(names.en);
    expect(doc).toContain(ref);
    expect(link.length).toBe(46);
  });

  it('lists the segment counts of every language and the fallback, as the texts give them', () => {
    const rows = documented();
    expect(rows.map((r) => r[0])).toEqual([...CITIZEN_LANGUAGES, 'ar+en']);
    for (const row of rows) expect(row, row[0]).toEqual(computed(row[0]));
  });

  it('names every citizen language in its first table', () => {
    for (const code of CITIZEN_LANGUAGES) expect(doc).toMatch(new RegExp(`^\\| \`${code}\` +\\| [A-Z]`, 'm'));
  });
});
