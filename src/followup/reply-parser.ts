/**
 * Reads a citizen's free-text reply generously (Arabic and English words, Gulf phrasings, Latin,
 * Arabic-Indic and Persian digits, emoji, noise) but never guesses: anything contradictory or
 * out of range is `unclear`, and a rating is only ever taken from a number, number word or stars.
 */

export type Question = 'solved' | 'rating' | 'reason';
export const REASONS = ['no_contact', 'still_exists', 'asked_to_visit', 'other'] as const;
export type Reason = (typeof REASONS)[number];

export type ParsedReply =
  | { kind: 'solved'; value: boolean }
  | { kind: 'rating'; value: 1 | 2 | 3 | 4 | 5 }
  | { kind: 'reason'; value: Reason; text?: string }
  | { kind: 'opt_out' }
  | { kind: 'opt_in' }
  | { kind: 'help' }
  | { kind: 'unclear'; text: string };

const MAX_CHARS = 500;

/** Folds the many ways one Arabic word is typed into one spelling, and digits into ASCII. */
export function normaliseReply(raw: string): string {
  return (
    raw
      .slice(0, MAX_CHARS)
      .normalize('NFKC')
      // control and bidi-control characters: noise from phones and copy-paste, never meaning
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
      .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
      .replace(/[\u064b-\u065f\u0670\u0640]/g, '') // tashkeel and tatweel
      .replace(/[أإآٱ]/g, 'ا')
      .replace(/ى/g, 'ي')
      .replace(/ة/g, 'ه')
      .replace(/ؤ/g, 'و')
      .replace(/ئ/g, 'ي')
      .replace(/[\u{1f3fb}-\u{1f3ff}]|\ufe0f|\u200d/gu, '') // skin tones, variation selectors, joiners
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function words(text: string): string[] {
  return text
    .replace(/[^\p{L}\p{N}\s'’/]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

const OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'end', 'quit', 'cancel', 'revoke', 'optout', 'opt out', 'ايقاف', 'الغاء', 'وقف', 'الغاء الاشتراك', 'ايقاف الرسايل', 'ايقاف الرسائل']);
const OPT_IN = new Set(['start', 'unstop', 'اشتراك', 'تفعيل']);
const HELP = new Set(['help', 'info', 'مساعده', 'help me']);

const YES_WORDS = new Set([
  'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'y', 'solved', 'resolved', 'fixed', 'done', 'sure', 'correct', 'affirmative',
  'نعم', 'ايه', 'ايوه', 'ايوا', 'اي', 'اكيد', 'تم', 'تمت', 'انحلت', 'انحل', 'اتحلت', 'اتحل', 'انحلت', 'محلوله', 'محلول',
  'انتهت', 'خلصت', 'حلوها', 'حلت', 'تمام', 'بلي', 'طبعا', 'صح', 'انجزت', 'اتحلت',
]);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'n', 'لا', 'لاء', 'ابد', 'ابدا', 'كلا']);
/** Words that turn a "solved" word around ("ما انحلت", "not solved", "still broken"). */
const NEGATORS = new Set([
  'not', 'never', "didn't", 'didnt', "isn't", 'isnt', "wasn't", 'wasnt', "hasn't", 'hasnt', "haven't", 'havent', 'still', 'unsolved',
  'unresolved', 'nothing', 'nobody', 'ما', 'مو', 'مب', 'مش', 'لم', 'لسه', 'لسا', 'للحين', 'باقي', 'باقيه', 'مازالت', 'مازال', 'محد', 'ماحد',
  'ماانحلت', 'ماانحل', 'ماتم', 'ماتحلت', 'مااتحلت',
]);
const POSITIVE_EMOJI = ['👍', '✅', '👌', '✔', '☑', '💯'];
const NEGATIVE_EMOJI = ['👎', '❌', '✖', '😡', '😠', '🚫'];

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5,
  واحد: 1, وحده: 1, اثنين: 2, اثنان: 2, ثنين: 2, اثنتين: 2, ثلاثه: 3, ثلاث: 3, ثلاثة: 3, اربعه: 4, اربع: 4, خمسه: 5, خمس: 5,
};

interface Signals {
  yes: boolean;
  no: boolean;
  negated: boolean;
  numbers: number[];
}

function signals(text: string, tokens: string[]): Signals {
  const joined = ` ${tokens.join(' ')} `;
  return {
    yes: tokens.some((t) => YES_WORDS.has(t)) || POSITIVE_EMOJI.some((e) => text.includes(e)),
    no: tokens.some((t) => NO_WORDS.has(t)) || NEGATIVE_EMOJI.some((e) => text.includes(e)),
    negated: tokens.some((t) => NEGATORS.has(t)) || / (did|does|is|was|has|have) not /.test(joined),
    numbers: (text.match(/\d+/g) ?? []).map(Number),
  };
}

function distinct(values: number[]): number[] {
  return [...new Set(values)];
}

function parseSolved(text: string, tokens: string[]): ParsedReply {
  const s = signals(text, tokens);
  const nums = distinct(s.numbers);
  const fromDigits = nums.length === 1 && nums[0] === 1 ? true : nums.length === 1 && nums[0] === 2 ? false : undefined;
  if (nums.length > 0 && fromDigits === undefined) return { kind: 'unclear', text };
  // A "solved" word under a negator ("not solved", "ما انحلت") is a no, not a contradiction.
  const yesWord = s.yes && !s.negated;
  // "نعم لا", "yes no": both plain answers present.
  if (yesWord && s.no) return { kind: 'unclear', text };
  const fromWords = yesWord ? true : s.no || s.negated ? false : undefined;
  if (fromDigits !== undefined && fromWords !== undefined && fromDigits !== fromWords) return { kind: 'unclear', text };
  const value = fromDigits ?? fromWords;
  return value === undefined ? { kind: 'unclear', text } : { kind: 'solved', value };
}

function parseRating(text: string, tokens: string[]): ParsedReply {
  // "4/5", "4 من 5", "4 out of 5", "4 of 5": the scale is not a second answer.
  const scaled = /^\D*([1-5])\s*(?:\/|من|out of|of)\s*5\b/.exec(text);
  if (scaled?.[1]) return { kind: 'rating', value: Number(scaled[1]) as 1 | 2 | 3 | 4 | 5 };
  const stars = [...text].filter((c) => c === '⭐' || c === '★' || c === '🌟').length;
  const nums = distinct([...(text.match(/\d+/g) ?? []).map(Number), ...tokens.filter((t) => t in NUMBER_WORDS).map((t) => NUMBER_WORDS[t] ?? 0)]);
  if (stars > 0) {
    if (nums.length > 0 && !(nums.length === 1 && nums[0] === stars)) return { kind: 'unclear', text };
    return stars <= 5 ? { kind: 'rating', value: stars as 1 | 2 | 3 | 4 | 5 } : { kind: 'unclear', text };
  }
  const [only] = nums;
  if (nums.length === 1 && only !== undefined && only >= 1 && only <= 5) return { kind: 'rating', value: only as 1 | 2 | 3 | 4 | 5 };
  return { kind: 'unclear', text };
}

const REASON_PATTERNS: [Reason, RegExp][] = [
  ['no_contact', /(no ?one|nobody|no body|never) (contacted|called|reached|came)|didn'?t (call|contact)|محد|ماحد|ما احد|ولا احد|ما (تواصل|اتصل|كلم)|لم يتواصل|لم يتصل/],
  ['asked_to_visit', /visit|in person|come to (the )?(office|branch)|زياره|ازور|اروح|احضر|حضور|مراجعه|اراجع|الفرع|المكتب/],
  ['still_exists', /still|not (fixed|solved)|same problem|موجوده|موجود|باقيه|باقي|مازالت|ما زالت|للحين|نفس المشكله/],
];

function parseReason(text: string, raw: string): ParsedReply {
  const nums = distinct((text.match(/\d+/g) ?? []).map(Number));
  const [only] = nums;
  if (nums.length === 1 && only !== undefined && only >= 1 && only <= 4) {
    const value = REASONS[only - 1] ?? 'other';
    const rest = text.replace(/\d+/, '').replace(/[^\p{L}]+/gu, ' ').trim();
    return value === 'other' && rest.length > 0 ? { kind: 'reason', value, text: raw.trim() } : { kind: 'reason', value };
  }
  if (nums.length > 0 && /^[\d\s,.\-/]+$/.test(text)) return { kind: 'unclear', text };
  const matches = REASON_PATTERNS.filter(([, re]) => re.test(text)).map(([reason]) => reason);
  if (matches.length === 1 && matches[0]) return { kind: 'reason', value: matches[0] };
  // Anything else with words in it is the citizen's own reason: kept verbatim as "other".
  if (/\p{L}{2,}/u.test(text)) return { kind: 'reason', value: 'other', text: raw.trim().slice(0, MAX_CHARS) };
  return { kind: 'unclear', text };
}

export function parseReply(raw: string, question: Question): ParsedReply {
  const text = normaliseReply(raw);
  const bare = text.replace(/[^\p{L}\p{N}\s]/gu, '').replace(/\s+/g, ' ').trim();
  if (OPT_OUT.has(bare)) return { kind: 'opt_out' };
  if (OPT_IN.has(bare)) return { kind: 'opt_in' };
  if (HELP.has(bare)) return { kind: 'help' };
  if (text === '') return { kind: 'unclear', text };
  const tokens = words(text);
  switch (question) {
    case 'solved':
      return parseSolved(text, tokens);
    case 'rating':
      return parseRating(text, tokens);
    case 'reason':
      return parseReason(text, raw.slice(0, MAX_CHARS));
  }
}
