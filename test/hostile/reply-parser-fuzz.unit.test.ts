import { fc } from '../support/fast-check.js';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPLY_CHARS,
  parseReply,
  REASONS,
  STAR_GLYPHS,
  type ParsedReply,
  type Question,
} from '../../src/followup/conversation/reply-parser.js';
import { CITIZEN_LANGUAGES } from '../../src/i18n/languages.js';

// Issue 16, item 5: property-based fuzzing of the reply parser. Bounded runs: the suite runs on two
// shared cores.
const QUESTIONS: Question[] = ['solved', 'rating', 'reason'];
const RUNS = { numRuns: 400 };

/** Text like real replies: digits of three scripts, Arabic and Latin letters, emoji, stars, noise. */
const pieces = fc.constantFrom(
  ...'0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹'.split(''),
  'نعم',
  'لا',
  'تم',
  'ايه',
  'ما انحلت',
  'yes',
  'no',
  'na3am',
  'la2',
  'nahi',
  'হ্যাঁ',
  'না',
  '২',
  '१',
  'hindi pa',
  'belum',
  'English',
  'stop',
  'STOP',
  'إيقاف',
  'start',
  '👍',
  '👎',
  '✅',
  '❌',
  '⭐',
  '★',
  '/5',
  ' ',
  '\n',
  '\u200f',
  '\u202e',
  '\u0000',
  '\ufeff',
  '!',
  '؟',
  '.',
  '{"$gt":""}',
  '[$ne]',
  '<script>',
  '=cmd|',
  "'; drop",
  '%00',
  '\\',
  '🏻',
  '\ufe0f',
  '\u20e3',
);
const reply = fc.oneof(
  fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
  fc.string({ maxLength: 80, unit: 'grapheme' }),
  fc.string({ maxLength: 2000, unit: 'binary' }),
);

function valid(r: ParsedReply): boolean {
  switch (r.kind) {
    case 'solved':
      return typeof r.value === 'boolean';
    case 'rating':
      return Number.isInteger(r.value) && r.value >= 1 && r.value <= 5;
    case 'reason':
      return REASONS.includes(r.value) && (r.text === undefined || r.text.length <= MAX_REPLY_CHARS);
    case 'unclear':
      return typeof r.text === 'string' && r.text.length <= MAX_REPLY_CHARS;
    case 'language':
      return (CITIZEN_LANGUAGES as readonly string[]).includes(r.value);
    default:
      return ['opt_out', 'opt_in', 'help'].includes(r.kind);
  }
}

const toArabicIndic = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

describe('reply parser under fuzzing', () => {
  it('never throws and always answers one of its shapes, for every question', () => {
    fc.assert(
      fc.property(reply, fc.constantFrom(...QUESTIONS), (text, q) => {
        expect(valid(parseReply(text, q))).toBe(true);
      }),
      RUNS,
    );
  });

  it('reads Arabic-Indic digits exactly as Latin ones', () => {
    fc.assert(
      fc.property(reply, fc.constantFrom(...QUESTIONS), (text, q) => {
        const latin = parseReply(
          text.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660)),
          q,
        );
        const arabic = parseReply(
          toArabicIndic(text.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))),
          q,
        );
        expect(arabic.kind).toBe(latin.kind);
        if (latin.kind !== 'unclear' && latin.kind !== 'reason') expect(arabic).toEqual(latin);
      }),
      RUNS,
    );
  });

  it('is not moved by invisible characters and spacing around the answer', () => {
    const noise = fc
      .array(fc.constantFrom(' ', '\u200f', '\u200b', '\ufeff', '\u202a', '\t', '\n'), { maxLength: 5 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(reply, noise, noise, fc.constantFrom(...QUESTIONS), (text, before, after, q) => {
        const plain = parseReply(text, q);
        const noisy = parseReply(`${before}${text}${after}`.slice(0, MAX_REPLY_CHARS), q);
        if (text.length + before.length + after.length <= MAX_REPLY_CHARS)
          expect(noisy.kind).toBe(plain.kind);
      }),
      RUNS,
    );
  });

  it('never guesses a rating from text without a digit, a star or a rating word', () => {
    const noDigits = fc
      .string({ maxLength: 60, unit: 'grapheme' })
      // As the parser reads it: compatibility forms fold first, so "㏠" (a day-one symbol) is "1日".
      // The stars are the parser's own (a test list of its own missed 🌟, which a seed then drew).
      .filter((s) => {
        const folded = s.normalize('NFKC');
        return !/[\p{N}✪✫✬✭✮✯]/u.test(folded) && ![...STAR_GLYPHS].some((g) => folded.includes(g));
      });
    fc.assert(
      fc.property(noDigits, (text) => {
        const r = parseReply(text, 'rating');
        // Words such as "excellent" may rate; random text never does.
        if (r.kind === 'rating') expect(text.toLowerCase()).toMatch(/\p{L}{3,}/u);
      }),
      RUNS,
    );
  });

  it('a lone digit 1–5 in any script is that rating, and 6–9 or 0 never is', () => {
    // Latin, Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), Bengali, Devanagari (Hindi, Nepali).
    const scripts = fc.constantFrom(0x30, 0x660, 0x6f0, 0x9e6, 0x966);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), scripts, (d, base) => {
        const r = parseReply(String.fromCharCode(base + d), 'rating');
        if (d >= 1 && d <= 5) expect(r).toEqual({ kind: 'rating', value: d });
        else expect(r.kind).not.toBe('rating');
      }),
    );
  });

  it('costs the same for a 100 kB body as for its first 500 characters', () => {
    const big = '٥'.repeat(MAX_REPLY_CHARS) + 'x'.repeat(100_000);
    const first = big.slice(0, MAX_REPLY_CHARS);
    expect(parseReply(big, 'rating')).toEqual(parseReply(first, 'rating'));
    // The one body's cost against the other's, measured side by side so that a machine busy with
    // other work slows both alike; the middle of many rounds, so one descheduled round does not
    // count. Capped, the two cost the same; read whole, the body 200 times as long costs far more.
    const cost = (text: string) => {
      const started = performance.now();
      for (let i = 0; i < 20; i++) parseReply(text, 'rating');
      return performance.now() - started;
    };
    const ratios = Array.from({ length: 31 }, () => cost(big) / Math.max(cost(first), 1e-3)).sort(
      (a, b) => a - b,
    );
    expect(ratios[15]).toBeLessThan(5);
  });
});
