import { fc } from '../support/fast-check.js';
import { describe, expect, it } from 'vitest';
import { maskPhone } from '../../src/log.js';

// Issue 23, item 2: numbers in every digit script and shape are masked, in one place.

/** Every decimal digit Unicode has, found by its category, with the value a reader gives it. */
const ZEROS: number[] = [];
const VALUE = new Map<number, number>();
{
  const nd = /^\p{Nd}$/u;
  let run = 0;
  for (let cp = 0; cp <= 0x10ffff; cp += 1) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (nd.test(String.fromCodePoint(cp))) {
      if (run % 10 === 0) ZEROS.push(cp);
      VALUE.set(cp, run % 10);
      run += 1;
    } else run = 0;
  }
}
const inScript = (zero: number, digits: string) =>
  [...digits].map((d) => String.fromCodePoint(zero + Number(d))).join('');

/** The digits a person reads in `text`, in order, whatever their script or compatibility form. */
function digitsRead(text: string): string {
  let out = '';
  for (const ch of text) {
    const v = VALUE.get(ch.codePointAt(0) ?? 0);
    if (v !== undefined) out += String(v);
    else
      for (const c of ch.normalize('NFKC'))
        out += VALUE.has(c.codePointAt(0) ?? 0) ? String(VALUE.get(c.codePointAt(0) ?? 0)) : '';
  }
  return out;
}

/** No seven digits of the number in a row survive, in any script. */
function leaks(number: string, masked: string): string | undefined {
  const seen = digitsRead(masked);
  for (let i = 0; i + 7 <= number.length; i += 1)
    if (seen.includes(number.slice(i, i + 7))) return number.slice(i, i + 7);
  return undefined;
}

const SEPARATORS = [
  ' ',
  '.',
  '-',
  '\u2013', // en dash
  '\u2014', // em dash
  '\u2212', // minus sign
  '\u00a0', // no-break space
  '/',
  '\u2010', // hyphen
  '\u2011', // non-breaking hyphen
  '\u202f', // narrow no-break space
  '\u3000', // ideographic space
  '\uff0d', // full-width hyphen-minus
  ' - ',
  '\u00a0\u2013\u00a0',
  '\u200f-\u200f', // right-to-left marks around a dash, as Arabic keyboards insert them
];

/** A number as written: its digits in groups, the first national group maybe in brackets. */
function written(
  digits: string,
  shape: { plus: string; cc: number; groups: number[]; sep: string; paren: boolean },
): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of [shape.cc, ...shape.groups]) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  const [first = '', second, ...rest] = parts.filter((p) => p !== '');
  if (shape.paren && second !== undefined) return `${shape.plus}${first}(${second})${rest.join(shape.sep)}`;
  return `${shape.plus}${[first, second, ...rest].filter((p) => p !== undefined).join(shape.sep)}`;
}

const local = fc
  .tuple(fc.constantFrom('05', '01', '09'), fc.stringMatching(/^[0-9]{7,8}$/))
  .map(([a, b]) => a + b);
const international = fc
  .tuple(fc.constantFrom('966', '971', '20', '44', '1', '880'), fc.stringMatching(/^[0-9]{8,11}$/))
  .map(([cc, n]) => ({ cc, n }));

const CONTEXT_BEFORE = ['', 'call me ', 'اتصل على ', 'رقمي: ', 'tel: ', 'من فضلك ', 'номер ', '电话 '];
const CONTEXT_AFTER = ['', ' now', '.', ' شكرا', '!', '،', '\n'];

describe('maskPhone over every digit script and separator', () => {
  it('knows every decimal digit script (runs of ten, zero first)', () => {
    expect(ZEROS.length).toBeGreaterThan(60);
    expect(ZEROS).toEqual(expect.arrayContaining([0x30, 0x660, 0x6f0, 0x966, 0xff10, 0x1d7ce]));
  });

  it('masks a local and an international number in each script, with each separator', () => {
    const failures: string[] = [];
    for (const zero of ZEROS)
      for (const sep of SEPARATORS)
        for (const [number, text] of [
          [
            '0509998877',
            `${inScript(zero, '050')}${sep}${inScript(zero, '999')}${sep}${inScript(zero, '8877')}`,
          ],
          [
            '966509998877',
            `+${inScript(zero, '966')}${sep}${inScript(zero, '50')}${sep}${inScript(zero, '999')}${sep}${inScript(zero, '8877')}`,
          ],
          ['966509998877', `+${inScript(zero, '966')}(${inScript(zero, '50')})${inScript(zero, '9998877')}`],
          [
            '0509998877',
            `(${inScript(zero, '050')})${sep}${inScript(zero, '999')}${sep}${inScript(zero, '8877')}`,
          ],
          ['00966509998877', `${inScript(zero, '00966')}${sep}${inScript(zero, '509998877')}`],
        ] as const) {
          const out = maskPhone(`call me ${text} now`);
          const leaked = leaks(number, out);
          if (leaked || !out.startsWith('call me ') || !out.endsWith(' now'))
            failures.push(`U+${zero.toString(16)} ${JSON.stringify(text)} → ${JSON.stringify(out)}`);
        }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('masks any such number, in any shape and context (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          local.map((n) => ({ digits: n, plus: '', cc: 0 })),
          international.map(({ cc, n }) => ({ digits: cc + n, plus: '+', cc: cc.length })),
          international.map(({ cc, n }) => ({ digits: `00${cc}${n}`, plus: '', cc: cc.length + 2 })),
        ),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...SEPARATORS),
        fc.boolean(),
        fc.array(fc.constantFrom(...ZEROS), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...CONTEXT_BEFORE),
        fc.constantFrom(...CONTEXT_AFTER),
        (number, groups, sep, paren, scripts, before, after) => {
          const shape = { plus: number.plus, cc: number.cc || (groups[0] ?? 3), groups, sep, paren };
          // Each digit in one of the chosen scripts: a mixed number is still a number.
          const text = [...written(number.digits, shape)]
            .map((ch, i) =>
              ch >= '0' && ch <= '9'
                ? String.fromCodePoint((scripts[i % scripts.length] ?? 0x30) + Number(ch))
                : ch,
            )
            .join('');
          const out = maskPhone(`${before}${text}${after}`);
          expect(leaks(number.digits, out), JSON.stringify({ text, out })).toBeUndefined();
          expect(out.startsWith(before) && out.endsWith(after), JSON.stringify(out)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['call me ٠٥٠٩٩٩٨٨٧٧', 'call me 050•••••77'],
    ['۰۵۰۹۹۹۸۸۷۷', '050•••••77'],
    ['０５０９９９８８７７', '050•••••77'],
    ['050.999.8877', '050•••••77'],
    ['+966(50)9998877', '+966•••••••77'],
    ['050–999–8877', '050•••••77'],
    ['050—999—8877', '050•••••77'],
    ['050−999−8877', '050•••••77'],
    ['(050) 999-8877', '050•••••77'],
    ['(0509998877)', '(050•••••77)'],
    ['+٩٦٦ ٥٠ ٩٩٩ ٨٨٧٧ شكرا', '+966•••••••77 شكرا'],
    ['whatsapp:+٩٦٦٥٠٩٩٩٨٨٧٧', 'whatsapp:+966•••••••77'],
    ['𝟎𝟓𝟎𝟗𝟗𝟗𝟖𝟖𝟕𝟕', '050•••••77'],
    ['0️⃣5️⃣0️⃣9️⃣9️⃣9️⃣8️⃣8️⃣7️⃣7️⃣', '050•••••77'],
    ['0️⃣5️⃣0️⃣ - 9️⃣9️⃣9️⃣ - 8️⃣8️⃣7️⃣7️⃣ ok', '050•••••77 ok'],
    ['abc\u200b0509998877', 'abc\u200b050•••••77'],
    ['0\u200e5\u200e0 999 8877', '050•••••77'],
  ])('the probe’s %s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it.each([
    '2026-12-05',
    '2026-12-05 10:20:30',
    '2026-12-05T16:54:49.123Z',
    '05/12/2026',
    '٢٠٢٦-١٢-٠٥',
    'at 10:20:30.123',
    'ticket T-1001, closure 2',
    'T-1001-20261205',
    'rating 5 of 5, 12 replies',
    'SAR 1,250,000.00',
    'SAR 12.50',
    'request 30de5668-8765-47b9-bff7-b4b727a1ed12',
    'SM0123456789abcdef0123456789abcdef',
    'object 65a1234567b8c9d0e1f2a3b4',
    'port 127.0.0.1:6379',
    'from 192.168.100.200 and 10.0.0.1',
  ])('leaves %s as it is', (text) => {
    expect(maskPhone(text)).toBe(text);
  });

  it('is idempotent, and leaves text without digits untouched', () => {
    const once = maskPhone('من ٠٥٠٩٩٩٨٨٧٧ و +966 50 111 2233');
    expect(maskPhone(once)).toBe(once);
    expect(maskPhone('لا أرقام هنا — no digits')).toBe('لا أرقام هنا — no digits');
  });
});
