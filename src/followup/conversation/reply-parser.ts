/**
 * Reads a citizen's free-text reply generously (Arabic, Arabizi and English words, Gulf phrasings, Latin,
 * Arabic-Indic and Persian digits, emoji, noise) but never guesses: anything contradictory, hedged
 * or out of range is `unclear`, and a rating is only ever taken from a number, number word, stars,
 * or the very words a rating question shows for it ("ممتازة", "very poor").
 * Pure and total: any string in, a result out, bounded work.
 */

import { RATING_LABELS } from '../../i18n/followup.js';
import { arabiziToArabic } from './arabizi.js';
import { readReason, reasonFromWords } from './reasons/classifier.js';

export type Question = 'solved' | 'rating' | 'reason';
export const REASONS = ['no_contact', 'still_exists', 'asked_to_visit', 'other'] as const;
export type Reason = (typeof REASONS)[number];
export type Rating = 1 | 2 | 3 | 4 | 5;

export type ParsedReply =
  | { kind: 'solved'; value: boolean }
  | { kind: 'rating'; value: Rating }
  /** `text` is the citizen's own words, kept for "other" and for words we could not map. */
  | { kind: 'reason'; value: Reason; text?: string }
  | { kind: 'opt_out' }
  | { kind: 'opt_in' }
  | { kind: 'help' }
  /** `text` is the reply as typed (control characters removed, trimmed, capped), to keep as a comment. */
  | { kind: 'unclear'; text: string };

/** Only the start of a message is read: a real answer is short, and a 20 kB body must cost nothing. */
export const MAX_REPLY_CHARS = 500;

// Control, bidi-control and zero-width characters: noise from phones and copy-paste, never meaning.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** The reply as the citizen typed it, minus invisible noise: what a comment should keep. */
function cleanRaw(raw: string): string {
  return raw.slice(0, MAX_REPLY_CHARS).replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** Folds the many ways one Arabic word is typed into one spelling, and digits into ASCII. */
export function normaliseReply(raw: string): string {
  return (
    raw
      .slice(0, MAX_REPLY_CHARS)
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
      .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
      .replace(/[\u064b-\u065f\u0670\u0640]/g, '') // tashkeel and tatweel
      .replace(/[أإآٱ]/g, 'ا')
      .replace(/ى/g, 'ي')
      .replace(/ة/g, 'ه')
      .replace(/ؤ/g, 'و')
      .replace(/ئ/g, 'ي')
      .replace(/[’‘`´]/g, "'")
      // skin tones, variation selectors, joiners, the keycap mark of 1️⃣
      .replace(/[\u{1f3fb}-\u{1f3ff}]|\ufe0e|\ufe0f|\u200d|\u20e3/gu, '')
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim()
  );
}

// Keywords are the whole message, as carriers treat them: "stop" inside a sentence is not a STOP.
// prettier-ignore
const OPT_OUT = new Set([
  'stop', 'stopall', 'unsubscribe', 'end', 'quit', 'cancel', 'revoke', 'optout', 'opt out',
  'ايقاف', 'الغاء', 'وقف', 'الغاء الاشتراك', 'ايقاف الرسايل', 'ايقاف الرسائل',
]);
const OPT_IN = new Set(['start', 'unstop', 'اشتراك', 'تفعيل']);
const HELP = new Set(['help', 'info', 'مساعده', 'help me']);

/**
 * Courtesies that carry no answer but contain "no"/"not" words: "لا هنت" and "ما قصرتوا" are thanks,
 * "ما شاء الله" is praise. Removed before reading, so they neither answer nor contradict.
 */
// prettier-ignore
const COURTESIES: RegExp[] = [
  /الله لا يهينك(م)?/g, /لا ?هنت(وا|و|م|ي)?/g, /ما ?قصرت(وا|و|م|ي)?/g, /ما ?تقصرون/g, /ما ?شاء ?الله/g,
  /ان ?شاء ?الله/g, /ولا يهمك(م)?/g, /(الله )?يعطيك(م)? العافيه/g, /جزاك(م)? الله (كل )?خير/g, /\bno worries\b/g,
  /\bthank(s| you)( so much| very much)?\b/g, /\bmany thanks\b/g,
];

/** Hedges: the citizen does not know or only part was solved. Never turned into yes or no. */
// prettier-ignore
const HEDGES =
  /\b(not sure|unsure|don'?t know|dont know|idk|maybe|perhaps|partly|partially|half|kind of|sort of|no problem)\b|ما ?ادري|مدري|ما ?اعرف|لا ?اعرف|لا ?ادري|مو متاكد|مش متاكد|مب متاكد|غير متاكد|يمكن|ربما|جزيي|جزييا|نص نص|نوعا ما|شوي|بعضها|مافي مشكله|ما في مشكله|لا يوجد مشكله|لا توجد مشكله/;

/** Replies that ask instead of answer: "أي طلب؟" must not read "أي" as the Gulf "yes". */
const QUESTIONS = /\b(who|which|what)\b|مين|وش هذا|ايش هذا|اي (طلب|بلاغ|شكوي|مشكله|رقم)/;

// prettier-ignore
const YES_WORDS = new Set([
  'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'y', 'yess', 'yesss', 'solved', 'resolved', 'fixed', 'done', 'sure', 'correct',
  'affirmative', 'نعم', 'ايه', 'ايوه', 'ايوا', 'اي', 'ايو', 'اكيد', 'تم', 'تمت', 'انحلت', 'انحل', 'اتحلت', 'اتحل',
  'محلوله', 'محلول', 'انتهت', 'خلصت', 'خلصوها', 'حلوها', 'حلوه', 'حلت', 'تمام', 'بلي', 'طبعا', 'صح', 'انجزت', 'انجز', 'اتصلحت',
  'انصلحت', 'تصلحت', 'صلحوها', 'ماشي',
]);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'n', 'لا', 'لاء', 'ابد', 'ابدا', 'كلا']);
/** Words that turn a following "solved" word around ("ما انحلت", "not solved") or mean "not yet" alone. */
// prettier-ignore
const NEGATORS = new Set([
  'not', 'never', "didn't", 'didnt', "isn't", 'isnt', "wasn't", 'wasnt', "hasn't", 'hasnt', "haven't", 'havent', "don't",
  "doesn't", 'doesnt', "aren't", "weren't", 'still', 'unsolved', 'unresolved', 'nothing', 'nobody',
  'ما', 'مو', 'مب', 'مش', 'لم', 'لسه', 'لسا', 'للحين', 'باقي', 'باقيه', 'مازالت', 'مازال', 'محد', 'ماحد', 'مافي',
  'مافيه', 'ماصار', 'ماانحلت', 'ماانحل', 'ماتم', 'ماتحلت', 'مااتحلت', 'ماحلوها', 'ماخلصت', 'ولا',
]);
/** Negate a following "solved" word ("غير محلولة") but say nothing alone ("تم بدون مشاكل" is a yes). */
const PREFIX_NEGATORS = new Set(['without', 'بدون', 'غير']);
/** How many words back a negator reaches: "ما في شي انحل", "it was never really fixed". */
const NEGATION_REACH = 3;

// Any other emoji (🙏 is thanks or please, 🌹, 😊) answers nothing: alone it is unclear, beside words it is noise.
const POSITIVE_EMOJI = ['👍', '✅', '👌', '✔', '☑', '💯', '🆗'];
const NEGATIVE_EMOJI = ['👎', '❌', '❎', '✖', '😡', '😠', '🚫', '⛔'];

// prettier-ignore
const NUMBER_WORDS: Readonly<Record<string, Rating>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5,
  واحد: 1, وحده: 1, اثنين: 2, اثنان: 2, ثنين: 2, اثنتين: 2, ثنتين: 2, ثلاثه: 3, ثلاث: 3, ثلاثة: 3, اربعه: 4, اربع: 4, خمسه: 5, خمس: 5,
};
export const STAR_GLYPHS = new Set(['⭐', '★', '🌟', '✩', '☆']);

/** Words around an option number that do not change it: "رقم 1", "option 3", "الخيار ٢". */
// prettier-ignore
const OPTION_WORDS = new Set(['رقم', 'الرقم', 'خيار', 'الخيار', 'option', 'number', 'no.', 'choice', 'reply', 'answer', 'السبب', 'اختار', 'اخترت']);
/** What may stand between two numbers for the message to be only a choice between them ("3 or 4"). */
const CONNECTIVES = new Set(['or', 'and', 'او', 'و', 'ولا', 'either', 'between', 'بين', 'اما']);

function words(text: string): string[] {
  return text
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * Numbers as the citizen meant them. Long numbers (4+ digits: a ticket reference, a year, a phone) are
 * context, not an answer, when anything else was written.
 */
function numbersIn(text: string): number[] {
  // A digit inside a Latin word is Arabizi spelling ("ta7alaat"), not a number.
  const all = (text.match(/(?<![a-z])\d+(?![a-z])/g) ?? []).filter((d) => d.length <= 6);
  const short = all.filter((d) => d.length < 4);
  const hasWords = /\p{L}/u.test(text);
  return [...new Set((hasWords ? short : all).map(Number))];
}

function stripCourtesies(text: string): string {
  return COURTESIES.reduce((t, re) => t.replace(re, ' '), text)
    .replace(/\s+/g, ' ')
    .trim();
}

function hasAny(text: string, emoji: readonly string[]): boolean {
  return emoji.some((e) => text.includes(e));
}

interface YesNo {
  /** A yes word or emoji nobody negated. */
  yes: boolean;
  /** A no word, a negated yes word, a negator on its own ("still", "محد") or a negative emoji. */
  no: boolean;
}

function readYesNo(text: string, tokens: string[]): YesNo {
  let yes = hasAny(text, POSITIVE_EMOJI);
  let no =
    hasAny(text, NEGATIVE_EMOJI) || / (did|does|is|was|has|have|are|were) not /.test(` ${tokens.join(' ')} `);
  tokens.forEach((t, i) => {
    if (NO_WORDS.has(t) || NEGATORS.has(t)) no = true;
    else if (YES_WORDS.has(t)) {
      const before = tokens.slice(Math.max(0, i - NEGATION_REACH), i);
      if (before.some((b) => NEGATORS.has(b) || PREFIX_NEGATORS.has(b))) no = true;
      else yes = true;
    }
  });
  return { yes, no };
}

function unclear(raw: string): ParsedReply {
  return { kind: 'unclear', text: cleanRaw(raw) };
}

function parseSolved(text: string, raw: string): ParsedReply {
  if (HEDGES.test(text) || QUESTIONS.test(text)) return unclear(raw);
  const body = stripCourtesies(text);
  const nums = numbersIn(body);
  let fromDigits: boolean | undefined;
  if (nums.length > 0) {
    if (nums.length > 1 || (nums[0] !== 1 && nums[0] !== 2)) return unclear(raw);
    fromDigits = nums[0] === 1;
  }
  const { yes, no } = readYesNo(body, words(body));
  // "yes no", "نعم لا", "yes still not fixed", "👍👎": both answers are present, so neither is taken.
  if (yes && no) return unclear(raw);
  const fromWords = yes ? true : no ? false : undefined;
  if (fromDigits !== undefined && fromWords !== undefined && fromDigits !== fromWords) return unclear(raw);
  const value = fromDigits ?? fromWords;
  return value === undefined ? unclear(raw) : { kind: 'solved', value };
}

/** Plain answers to the first question: a rating reply carrying them is probably a late "1 yes". */
const SOLVED_ANSWER_WORDS = new Set([
  'yes',
  'yeah',
  'yep',
  'no',
  'nope',
  'نعم',
  'ايه',
  'ايوه',
  'لا',
  'لاء',
  'solved',
]);

function isRating(n: number | undefined): n is Rating {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 5;
}

/** A lone hamza on the line ("سيء") is the "سيئ" spelling folded to "سيي"; only for label words. */
function foldLabelWord(word: string): string {
  return word.replace(/ء/g, 'ي');
}

/**
 * Every spelling of one word of a label: as shown, feminine and masculine ("ممتازة", "ممتازه",
 * "ممتاز"), with and without the article ("الممتازة"). Taa marbuta, alef and yaa forms are folded by
 * normaliseReply already.
 */
function labelWordForms(word: string): string[] {
  const bare = word.startsWith('ال') && word.length > 4 ? word.slice(2) : word;
  if (!/\p{Script=Arabic}/u.test(bare)) return [bare];
  const genders = bare.endsWith('ه') ? [bare, bare.slice(0, -1)] : [bare, `${bare}ه`];
  return genders.flatMap((g) => [g, `ال${g}`]).map(foldLabelWord);
}

/** The rating labels of both languages in every accepted spelling, as the whole of a reply reads. */
const RATING_WORDS: ReadonlyMap<string, Rating> = (() => {
  const out = new Map<string, Rating>();
  for (const labels of Object.values(RATING_LABELS)) {
    labels.forEach((label, i) => {
      const rating = (i + 1) as Rating;
      let phrases = [''];
      for (const word of words(normaliseReply(label)))
        phrases = phrases.flatMap((p) => labelWordForms(word).map((f) => (p ? `${p} ${f}` : f)));
      for (const phrase of phrases) out.set(phrase, rating);
    });
  }
  return out;
})();

/** Thanks beside a rating word ("ممتازة شكرا") that neither adds nor changes an answer. */
const THANKS = new Set(['شكرا', 'مشكور', 'مشكورين', 'thanks', 'thank', 'you']);

/**
 * The rating a reply names by its label, when the label is the whole reply (beside thanks and
 * numbers): "ممتاز", "5 ممتازة", "Excellent!". Inside a sentence a label is not read ("مو ممتازة",
 * "not good"): that would be a guess.
 */
function labelledRating(tokens: string[]): Rating | undefined {
  const rest = tokens.filter((t) => !/^\d+$/.test(t) && !(t in NUMBER_WORDS) && !THANKS.has(t));
  return rest.length > 0 ? RATING_WORDS.get(rest.map(foldLabelWord).join(' ')) : undefined;
}

function parseRating(text: string, raw: string): ParsedReply {
  const tokens = words(text);
  if (tokens.some((t) => SOLVED_ANSWER_WORDS.has(t))) return unclear(raw);
  // "4.5", "٣٫٥", "-1": a fraction or a sign is not one of the five answers.
  if (/\d\s*[.,٫]\s*\d|(^|\s)-\d/.test(text)) return unclear(raw);
  const labelled = labelledRating(tokens);
  // "4/5", "4 من 5", "4 out of 5", "4 of 5": the scale is not a second answer.
  const body = text.replace(/(\d)\s*(\/|من|out of|of)\s*5(?!\d)/g, '$1 ');
  const nums = [
    ...new Set([...numbersIn(body), ...tokens.filter((t) => t in NUMBER_WORDS).map((t) => NUMBER_WORDS[t])]),
  ];
  const stars = [...text].filter((c) => STAR_GLYPHS.has(c)).length;
  if (labelled !== undefined) {
    // "5 ممتازة" says it twice; "5 سيئة" or "ممتازة ⭐⭐" disagrees with itself.
    const agrees = nums.every((n) => n === labelled) && (stars === 0 || stars === labelled);
    return agrees ? { kind: 'rating', value: labelled } : unclear(raw);
  }
  if (stars > 0) {
    if (nums.length === 0) return isRating(stars) ? { kind: 'rating', value: stars } : unclear(raw);
    // "5 ⭐" uses the star as a unit; "4 ⭐⭐⭐⭐" says it twice; anything else disagrees with itself.
    const [only] = nums;
    if (nums.length === 1 && (stars === 1 || stars === only) && isRating(only))
      return { kind: 'rating', value: only };
    return unclear(raw);
  }
  const [only] = nums;
  return nums.length === 1 && isRating(only) ? { kind: 'rating', value: only } : unclear(raw);
}

const REASON_PATTERNS: readonly [Reason, RegExp][] = [
  [
    'no_contact',
    /(no ?one|nobody|no body|never|noone) (has )?(contacted|called|reached|came|answered|replied|got back)|didn'?t (call|contact|come)|no (call|contact|response|reply)|محد|ماحد|ما احد|ولا احد|لا احد|ما (تواصل|اتصل|كلم|رد|جا|جاء)|لم يتواصل|لم يتصل|لم يرد|ما تواصلو|ماتواصل|ما اتصلو|ما كلمني/,
  ],
  [
    'asked_to_visit',
    /visit|in person|come (in|to (the )?(office|branch|centre|center))|go to (the )?(office|branch)|زياره|ازور|اروح|احضر|حضور|مراجعه|اراجع|راجع|الفرع|للفرع|المكتب|للمكتب|شخصيا|بنفس/,
  ],
  [
    'still_exists',
    /still|not (fixed|solved|repaired)|same problem|موجوده|موجود|باقيه|باقي|مازالت|ما زالت|مازال|للحين|نفس المشكله|لسه|لسا/,
  ],
];
const OTHER_ONLY = /^(other|others|something else|another reason|سبب اخر|اخر|اخري|غير ذلك|شي ثاني|شي اخر)$/;

/** Words that answer a yes/no question, not "why": "no", "ok", "thanks" say nothing as a reason. */
function saysNothing(tokens: string[]): boolean {
  const filler = new Set([
    'ok',
    'okay',
    'thanks',
    'thank',
    'you',
    'شكرا',
    'شكر',
    'الحمد',
    'لله',
    'الله',
    'مشكور',
    'مشكورين',
    'hi',
    'hello',
    'السلام',
    'عليكم',
  ]);
  return tokens.every((t) => YES_WORDS.has(t) || NO_WORDS.has(t) || filler.has(t));
}

function parseReason(text: string, raw: string): ParsedReply {
  const keep = cleanRaw(raw);
  const tokens = words(text);
  const nums = numbersIn(text);
  const letters = tokens.filter((t) => !/^\d+$/.test(t));
  // "1 2", "3 or 4", "٣ او ٤": a choice between options is no choice.
  if (nums.length > 1 && letters.every((t) => CONNECTIVES.has(t) || OPTION_WORDS.has(t))) return unclear(raw);
  // The option number counts when it leads the message ("2 المشكلة موجودة", "رقم 3") or stands alone;
  // a number inside a sentence ("I called 3 times") is part of the story.
  const lead = tokens.findIndex((t) => !OPTION_WORDS.has(t));
  const leading = lead >= 0 && /^\d+$/.test(tokens[lead] ?? '') ? Number(tokens[lead]) : undefined;
  const rest = tokens.slice(lead + 1).filter((t) => !OPTION_WORDS.has(t));
  const described = REASON_PATTERNS.filter(([, re]) => re.test(text)).map(([reason]) => reason);
  if (leading !== undefined && nums.length === 1) {
    if (leading < 1 || leading > 4) return rest.length === 0 ? unclear(raw) : fromWords();
    const chosen = REASONS[leading - 1] ?? 'other';
    if (chosen === 'other')
      return rest.length > 0 && !OTHER_ONLY.test(rest.join(' '))
        ? { kind: 'reason', value: 'other', text: keep }
        : { kind: 'reason', value: 'other' };
    // "1 they told me to visit": the number and the words disagree.
    if (described.length > 0 && !described.includes(chosen)) return unclear(raw);
    // The citizen's words beside the number are theirs to keep ("2 المشكلة موجودة من شهر").
    return rest.length > 0
      ? { kind: 'reason', value: chosen, text: keep }
      : { kind: 'reason', value: chosen };
  }
  return fromWords();

  function fromWords(): ParsedReply {
    if (OTHER_ONLY.test(tokens.join(' '))) return { kind: 'reason', value: 'other' };
    if (letters.length === 0 || saysNothing(letters)) return unclear(raw);
    // Mapped to its reason (reasons/classifier.ts), the words kept: "no one called me" says more.
    const value = reasonFromWords(readReason(normaliseReply(raw)), described);
    if (value) return { kind: 'reason', value, text: keep };
    // Anything else with words in it is the citizen's own reason: kept verbatim as "other".
    return /\p{L}{2,}/u.test(text) ? { kind: 'reason', value: 'other', text: keep } : unclear(raw);
  }
}

export function parseReply(raw: string, question: Question): ParsedReply {
  const text = arabiziToArabic(normaliseReply(raw));
  const bare = text
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (OPT_OUT.has(bare)) return { kind: 'opt_out' };
  if (OPT_IN.has(bare)) return { kind: 'opt_in' };
  if (HELP.has(bare)) return { kind: 'help' };
  if (text === '' || (bare === '' && !hasAny(text, [...POSITIVE_EMOJI, ...NEGATIVE_EMOJI, ...STAR_GLYPHS])))
    return unclear(raw);
  switch (question) {
    case 'solved':
      return parseSolved(text, raw);
    case 'rating':
      return parseRating(text, raw);
    case 'reason':
      return parseReason(text, raw);
  }
}
