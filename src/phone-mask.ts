/**
 * Phone-number masking for logs, exports and the queue board: the one place that decides what a
 * number looks like. Numbers arrive in any digit script (Arabic-Indic ٠٥٠, Persian ۰۵۰, full-width
 * ０５０, …) and with any separators (dots, en dashes, brackets, no-break spaces), so the text is
 * first folded, one code point at a time, into ASCII digits and a few canonical separators; the
 * match runs on the folded text and the ORIGINAL span it came from is replaced, so the rest of the
 * text stays as it was written.
 */

// Unicode places every decimal digit (\p{Nd}) in runs of ten, zero first ("Nd" stability policy),
// so a digit's value is its distance from the start of its run, modulo ten (some runs hold several
// sets, such as the mathematical digits).
const ND = /^\p{Nd}$/u;
const digitValues = new Map<number, number>();
function digitValue(cp: number): number {
  let v = digitValues.get(cp);
  if (v === undefined) {
    let start = cp;
    while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start -= 1;
    v = (cp - start) % 10;
    digitValues.set(cp, v);
  }
  return v;
}

/**
 * Every decimal digit, whatever its script, as its ASCII digit; nothing else changes. For numbers
 * that reach us from outside (a webhook's `From`, an imported file) before they are compared or sent.
 */
export function foldDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => String(digitValue(d.codePointAt(0) ?? 0)));
}

/** Zero-width marks and format characters (LRM, ZWJ, keycap, variation selectors): read through. */
const IGNORABLE = /^[\p{M}\p{Cf}]$/u;
const SPACE = /^[\s\p{Z}]$/u;
const DASH = /^[\p{Pd}\u2212\u2796\u2043]$/u;
const DOT = /^[.\u00B7\u2024\u30FB\u066B]$/u;
const SLASH = /^[/\u2044\u2215]$/u;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, NUL included
const NON_ASCII = /[^\x00-\x7F]/;
const ANY_DIGIT = /\p{Nd}/u;

/**
 * A mark or format character, folded: inside a number it is read through (it does not count as a
 * separator), next to a word it parts the number from it, as a space would.
 */
const INVISIBLE = '\u0002';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** One folded character and the original text it stands for. */
interface Folded {
  /** Folded text: ASCII digits, ' ', '-', '.', '/', '(', ')', '+', or anything else unchanged. */
  text: string;
  /** For each folded character, where its original code point starts and ends (none: itself). */
  start: number[] | undefined;
  end: number[] | undefined;
}

function canonical(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  // ASCII without a regex: the common case, and the only one for most log lines.
  if (cp < 0x80) return (cp >= 9 && cp <= 13) || cp === 32 ? ' ' : ch;
  if (ND.test(ch)) return String(digitValue(cp));
  if (SPACE.test(ch)) return ' ';
  if (DASH.test(ch)) return '-';
  if (DOT.test(ch)) return '.';
  if (SLASH.test(ch)) return '/';
  // Anything else keeps one UTF-16 unit per folded character, so indexes stay simple.
  return ch.length === 1 ? ch : '\u0001';
}

function fold(value: string): Folded {
  const ascii = !NON_ASCII.test(value);
  // ASCII folds one to one: only whitespace changes, and each character is its own span.
  if (ascii) return { text: value.replace(/[\t\n\v\f\r]/g, ' '), start: undefined, end: undefined };
  const out: { text: string; start: number[]; end: number[] } = { text: '', start: [], end: [] };
  const chars: string[] = [];
  // The digit a mark may trail (a keycap's U+FE0F U+20E3): masked with it.
  let carrier = -1;
  let i = 0;
  while (i < value.length) {
    const cp = value.codePointAt(i) ?? 0;
    const raw = String.fromCodePoint(cp);
    const next = i + raw.length;
    if (IGNORABLE.test(raw)) {
      if (carrier >= 0) out.end[carrier] = next;
      chars.push(INVISIBLE);
      out.start.push(i);
      out.end.push(next);
      i = next;
      continue;
    }
    // NFKC first (full-width, circled, superscript forms), then each part canonical.
    const parts = cp < 0x80 || ND.test(raw) ? [raw] : [...raw.normalize('NFKC')];
    for (const part of parts) {
      const c = canonical(part);
      carrier = isDigit(c) ? chars.length : -1;
      chars.push(c);
      out.start.push(i);
      out.end.push(next);
    }
    i = next;
  }
  out.text = chars.join('');
  return out;
}

const isWord = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9]$/.test(c);
const isSep = (c: string | undefined) => c !== undefined && ` -./()${INVISIBLE}`.includes(c);
const MAX_SEPARATOR_RUN = 3;
const MIN_DIGITS = 7;

// Dates and IPv4 addresses are digits and separators too, but not numbers: a full date
// (2026-12-05, 05/12/2026, also with a time after it) or address (192.168.100.200) is left alone,
// unless more digits join it on either side: then it is part of a number.
const DATE =
  /(?<![0-9]|[0-9][ \-./()]{1,3})(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\2(?:19|20)\d\d)(?![0-9]|[-./()]{1,3}[0-9])/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(
  `(?<![0-9]|[0-9][ \\-./()]{1,3})${OCTET}(?:\\.${OCTET}){3}(?![0-9]|[-./()]{1,3}[0-9])`,
  'g',
);

/** Digit groups of the folded text joined by short separator runs: candidates for a number. */
function digitRuns(text: string): { start: number; end: number }[][] {
  const runs: { start: number; end: number }[][] = [];
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text[i])) {
      i += 1;
      continue;
    }
    const groups: { start: number; end: number }[] = [];
    for (;;) {
      const start = i;
      while (isDigit(text[i])) i += 1;
      groups.push({ start, end: i });
      let j = i;
      let visible = 0;
      while (isSep(text[j]) && (text[j] === INVISIBLE || visible < MAX_SEPARATOR_RUN)) {
        if (text[j] !== INVISIBLE) visible += 1;
        j += 1;
      }
      if (j === i || !isDigit(text[j])) break;
      i = j;
    }
    runs.push(groups);
  }
  return runs;
}

/** Keeps the country code and the last two digits, so support can still tell numbers apart. */
function masked(digits: string, plus: boolean, prefix: string): string {
  const keepHead = Math.min(3, Math.max(0, digits.length - 6));
  return `${prefix}${plus ? '+' : ''}${digits.slice(0, keepHead)}${'•'.repeat(digits.length - keepHead - 2)}${digits.slice(-2)}`;
}

/**
 * Masks every phone number in `value`, in any digit script and shape: 7 or more digits, optionally
 * after `+`, `(` or `whatsapp:`, separated by spaces, dashes, dots, slashes or brackets. Digits
 * inside a longer word (request ids, UUIDs, Twilio SIDs, `T-1001`), full dates and IPv4 addresses
 * are not numbers.
 */
export function maskPhone(value: string): string {
  if (NON_ASCII.test(value)) {
    if (!ANY_DIGIT.test(value.normalize('NFKC'))) return value;
  } else if (!/[0-9]/.test(value)) return value;

  const f = fold(value);
  const startOf = (i: number) => (f.start ? (f.start[i] ?? value.length) : i);
  const endOf = (i: number) => (f.end ? (f.end[i] ?? value.length) : i + 1);
  const hide = (d: string) => '\u0001'.repeat(d.length);
  const text = f.text.replace(DATE, hide).replace(IPV4, hide);
  const replacements: { from: number; to: number; with: string }[] = [];
  for (const groups of digitRuns(text)) {
    const endOk = (g: number) => {
      const q = groups[g]?.end ?? 0;
      return !isWord(text[q]) && !(text[q] === '-' && isWord(text[q + 1]));
    };
    // The longest match from any start ends at the last group that may end one: found once, so a
    // long run of digit groups costs one pass, not one per start.
    let e = groups.length - 1;
    while (e >= 0 && !endOk(e)) e -= 1;
    const digitsBefore = [0];
    for (const g of groups) digitsBefore.push((digitsBefore.at(-1) ?? 0) + g.end - g.start);
    let s = 0;
    while (s < groups.length) {
      // Where the match would start: the group, after any '+', '(' and 'whatsapp:' before it.
      let p = groups[s]?.start ?? 0;
      let paren = -1;
      if (text[p - 1] === '(') paren = p -= 1;
      const plus = text[p - 1] === '+';
      if (plus) p -= 1;
      if (paren === -1 && text[p - 1] === '(') paren = p -= 1;
      const prefixed = text.slice(Math.max(0, p - 9), p).toLowerCase() === 'whatsapp:';
      if (prefixed) p -= 9;
      const startOk = !isWord(text[p - 1]) && !(text[p - 1] === '-' && isWord(text[p - 2]));
      if (e < s || (digitsBefore[e + 1] ?? 0) - (digitsBefore[s] ?? 0) < MIN_DIGITS) break;
      if (!startOk) {
        s += 1;
        continue;
      }
      const last = groups[e]?.end ?? p;
      // A leading '(' is the number's only if its ')' is too: "(0501234567)" keeps both brackets.
      const from = paren === p && !text.slice(paren, last).includes(')') ? p + 1 : p;
      const digits = text.slice(groups[s]?.start ?? 0, last).replace(/[^0-9]/g, '');
      const prefix = prefixed ? value.slice(startOf(p), startOf(p + 9)) : '';
      replacements.push({
        from: startOf(from),
        to: endOf(last - 1),
        with: masked(digits, plus, prefix),
      });
      break;
    }
  }
  if (replacements.length === 0) return value;
  let out = '';
  let at = 0;
  for (const r of replacements) {
    out += value.slice(at, r.from) + r.with;
    at = r.to;
  }
  return out + value.slice(at);
}
