/**
 * Reads a citizen's free-text reply generously (Arabic, Arabizi and English words, Gulf phrasings,
 * the residents' languages — Bengali, Hindi, Urdu, Filipino, Indonesian, Nepali — in their own
 * scripts and in Latin letters, the digits of every script they use, emoji, noise) but never guesses:
 * anything contradictory, hedged or out of range is `unclear`, and a rating is only ever taken from a
 * number, number word, stars, or the very words a rating question shows for it ("ممتازة", "very poor").
 *
 * "Not solved" is the costliest reading (it disputes an honest closure and tells the ticket system
 * so), so it is only ever read from a reply that says it:
 * - a no-word standing as the answer: alone, beside courtesies and other no-words, or ending its own
 *   clause ("No, I called twice"); a no-word inside a phrase ("no idea", "لا تعليق") says nothing;
 * - a negation scoping over a solved-word or over the work that was due ("not solved", "ما انحلت",
 *   "nobody came", "ما صار شي", "belum selesai", "nahi hua");
 * - a word that by itself says the problem is still there or not yet solved ("still", "للحين",
 *   "belum", "hindi pa", "হয়নি", "भएन", "unresolved");
 * - the digit 2 or a negative emoji.
 * And any reply that does not know, does not remember, does not understand, asks who is writing or
 * which request, puts the answer off or asks back is unclear, whatever negation it holds: a citizen
 * who cannot answer has not disputed anything. A no-word that does not stand as the answer still
 * stops a yes from being read ("لا تم", "haan nahi").
 *
 * "ok"/"okay" alone is unclear (it acknowledges the message, it does not answer it); "تمام"
 * ("complete", the Gulf "all fine") answers yes, as it always has.
 *
 * Pure and total: any string in, a result out, bounded work.
 */

import { RATING_LABELS } from '../../i18n/followup.js';
import type { CitizenLanguage } from '../../i18n/languages.js';
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
  /** The reply is just a language's name ("English", "বাংলা", "اردو"): ask again in it. */
  | { kind: 'language'; value: CitizenLanguage }
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

/** Zero of each digit script the citizens write in: Arabic-Indic, Extended (Persian, Urdu), Bengali, Devanagari. */
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x09e6, 0x0966];

/**
 * Folds the many ways one word is typed into one spelling, and digits into ASCII: Arabic tashkeel,
 * tatweel and letter variants, the Urdu letters that are Arabic ones in another shape (ی ے ک ہ ھ),
 * a letter held down ("لاااا", "yesss", "نعععم": three or more of one letter are one), case.
 */
export function normaliseReply(raw: string): string {
  return (
    raw
      .slice(0, MAX_REPLY_CHARS)
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(/[\u0660-\u0669\u06f0-\u06f9\u09e6-\u09ef\u0966-\u096f]/g, (d) => {
        const code = d.charCodeAt(0);
        const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9) ?? code;
        return String(code - zero);
      })
      .replace(/[\u064b-\u065f\u0670\u0640]/g, '') // tashkeel and tatweel
      .replace(/[أإآٱ]/g, 'ا')
      .replace(/[ىیےۓ]/g, 'ي')
      .replace(/[ةہۀھۂۃ]/g, 'ه')
      .replace(/ک/g, 'ك')
      .replace(/ؤ/g, 'و')
      .replace(/ئ/g, 'ي')
      .replace(/[’‘`´]/g, "'")
      // skin tones, variation selectors, joiners, the keycap mark of 1️⃣
      .replace(/[\u{1f3fb}-\u{1f3ff}]|\ufe0e|\ufe0f|\u200d|\u20e3/gu, '')
      .toLowerCase()
      .replace(/(\p{L})\1{2,}/gu, '$1')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Words as the parser reads them: letters with their marks (Bengali and Devanagari vowel signs), digits. */
function words(text: string): string[] {
  return text
    .replace(/[^\p{L}\p{M}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** The words of a raw reply as the parser compares them (normalised, Arabizi read). */
export function wordsOf(raw: string): string[] {
  return words(arabiziToArabic(normaliseReply(raw)));
}

/** A word list written as people type it, in the form the parser compares (normalised, Arabizi read). */
function folded(list: readonly string[]): Set<string> {
  return new Set(list.map((w) => wordsOf(w).join(' ')));
}

// Keywords are the whole message, as carriers treat them: "stop" inside a sentence is not a STOP.
// prettier-ignore
const OPT_OUT = folded([
  'stop', 'stopall', 'unsubscribe', 'end', 'quit', 'cancel', 'revoke', 'optout', 'opt out',
  'ايقاف', 'الغاء', 'وقف', 'الغاء الاشتراك', 'ايقاف الرسايل', 'ايقاف الرسائل',
  'বন্ধ', 'বন্ধ করুন', 'बंद', 'बंद करो', 'बंद करें', 'band karo', 'بند', 'بند کرو', 'بند کریں', 'tigil', 'itigil', 'hinto',
  'ihinto', 'berhenti', 'henti', 'बन्द', 'बन्द गर्नुहोस्', 'banda',
]);
const OPT_IN = folded([
  'start',
  'unstop',
  'اشتراك',
  'تفعيل',
  'শুরু',
  'शुरू',
  'चालू',
  'شروع',
  'simula',
  'mulai',
  'सुरु',
]);
const HELP = folded([
  'help',
  'info',
  'مساعده',
  'help me',
  'সাহায্য',
  'मदद',
  'مدد',
  'madad',
  'tulong',
  'bantuan',
  'सहायता',
]);

/** Each citizen language by the names its speakers (and Arabic and English speakers) call it. */
// prettier-ignore
const LANGUAGE_NAMES: readonly [CitizenLanguage, readonly string[]][] = [
  ['ar', ['عربي', 'العربي', 'العربيه', 'بالعربي', 'بالعربيه', 'عربى', 'arabic', 'arabi', 'araby', '3arabi', 'عربی']],
  ['en', ['english', 'eng', 'انجليزي', 'انقليزي', 'انكليزي', 'الانجليزي', 'الانجليزيه', 'بالانجليزي', 'بالانقليزي', 'انجلش',
    'ingles', 'inggris', 'bahasa inggris', 'अंग्रेजी', 'अंग्रेज़ी', 'انگریزی', 'ইংরেজি', 'engleezi', 'ingleezi']],
  ['bn', ['bangla', 'bengali', 'বাংলা', 'বাংলায়', 'بنغالي', 'البنغالي', 'بنگالی']],
  ['hi', ['hindi', 'हिन्दी', 'हिंदी', 'هندي', 'الهندي', 'ہندی']],
  ['ur', ['urdu', 'اردو', 'الاردو', 'اردي']],
  ['fil', ['filipino', 'pilipino', 'tagalog', 'فلبيني', 'الفلبيني', 'تاغالوغ', 'تجالوج']],
  ['id', ['bahasa', 'indonesia', 'indonesian', 'bahasa indonesia', 'اندونيسي', 'الاندونيسي', 'اندونيسيا']],
  ['ne', ['nepali', 'नेपाली', 'نيبالي', 'النيبالي', 'نیپالی']],
];
const LANGUAGE_BY_NAME: ReadonlyMap<string, CitizenLanguage> = new Map(
  LANGUAGE_NAMES.flatMap(([lang, names]) => [...folded(names)].map((n) => [n, lang] as const)),
);
/** Words around a language's name that keep it a request for that language ("English please", "in Urdu"). */
// prettier-ignore
const LANGUAGE_FILLERS = folded([
  'please', 'pls', 'plz', 'in', 'language', 'lang', 'لو', 'سمحت', 'الرجاء', 'فضلك', 'لغه', 'اللغه', 'باللغه', 'ابغي', 'ابي',
  'ji', 'जी', 'কে', 'mein', 'में', 'میں', 'saja', 'aja', 'sa', 'ma', 'मा',
]);

/**
 * Courtesies that carry no answer but contain "no"/"not" words: "لا هنت" and "ما قصرتوا" are thanks,
 * "ما شاء الله" is praise. Removed before reading, so they neither answer nor contradict.
 */
// prettier-ignore
const COURTESIES: RegExp[] = [
  /الله لا يهينك(م)?/g, /لا ?هنت(وا|و|م|ي)?/g, /ما ?قصر(توا|تو|تم|تي|ت|وا|و)/g, /ما ?تقصرون/g, /ما ?شاء ?الله/g,
  /ان ?شاء ?الله/g, /ولا يهمك(م)?/g, /(الله )?يعطيك(م)? العافيه/g, /جزاك(م)? الله (كل )?خير/g, /\bno worries\b/g,
  /\bthank(s| you)( so much| very much)?\b/g, /\bmany thanks\b/g,
];

/** Hedges: the citizen does not know or only part was solved. Never turned into yes or no. */
// prettier-ignore
const HEDGES =
  /\b(not sure|unsure|don'?t know|dont know|idk|maybe|perhaps|partly|partially|half|kind of|sort of|no problem)\b|ما ?ادري|مدري|ما ?اعرف|لا ?اعرف|لا ?ادري|مو متاكد|مش متاكد|مب متاكد|غير متاكد|يمكن|ربما|جزيي|جزييا|نص نص|نوعا ما|شوي|بعضها|مافي مشكله|ما في مشكله|لا يوجد مشكله|لا توجد مشكله/;

/** Replies that ask instead of answer: "أي طلب؟" must not read "أي" as the Gulf "yes". */
const QUESTIONS = /[?؟]|\b(who|which|what|why)\b|مين|وش هذا|ايش هذا|اي (طلب|بلاغ|شكوي|مشكله|رقم)/;

/**
 * Replies that are not answers, whatever negation they hold: not knowing, not remembering, not
 * understanding, asking who writes or which request, a wrong number, putting it off, asking to be
 * called, declining to comment. Whole words or phrases, in every language read.
 */
// prettier-ignore
const NON_ANSWERS = folded([
  // not knowing
  'no idea', 'no clue', 'dunno', 'do not know', "don't know", 'dont know', 'not sure', 'ما اعرف', 'ما عرف', 'ماعرف', 'مااعرف',
  'pata nahi', 'pata nahin', 'maloom nahi', 'malum nahi', 'पता नहीं', 'मालूम नहीं', 'پتہ نہیں', 'پتا نہیں', 'معلوم نہیں',
  'জানি না', 'জানিনা', 'jani na', 'janina', 'थाहा', 'thaha', 'alam', 'ewan', 'tahu', 'tau', 'entah',
  // not remembering
  'remember', 'recall', 'forgot', 'forget', 'forgotten', 'اذكر', 'اتذكر', 'تذكر', 'ماتذكر', 'متذكر', 'نسيت', 'ناسي', 'فاكر',
  'yaad', 'याद', 'یاد', 'মনে নেই', 'মনে নাই', 'mone nei', 'mone nai', 'maalala', 'naaalala', 'naalala', 'ingat', 'lupa',
  // not understanding
  'understand', 'understood', "don't get it", 'فاهم', 'فهمت', 'افهم', 'مافهمت', 'نفهم', 'samajh', 'samjha', 'समझ', 'سمجھ',
  'বুঝতে', 'বুঝিনি', 'বুঝি নাই', 'বুঝলাম না', 'bujhi nai', 'बुझिन', 'बुझिनँ', 'बुझेन', 'maintindihan', 'naintindihan',
  'intindi', 'mengerti', 'paham', 'ngerti',
  // who is writing, which request, a wrong number, not me
  'who', 'whom', 'wrong number', 'wrong person', 'not me', 'مين', 'من انت', 'من انتم', 'من معي', 'غلط', 'غلطان', 'غلطانين',
  'مو انا', 'مب انا', 'مش انا', 'ماني', 'kaun', 'कौन', 'کون', 'আপনি কে', 'কে বলছেন', 'apni ke', 'को हो', 'तपाईं को', 'sino',
  'siapa', 'salah nomor', 'salah sambung', 'maling numero', 'galat', 'गलत', 'ভুল', 'which request', 'what request',
  'ما عندي', 'ما قدمت', 'never asked', 'never made', 'never filed', "didn't make", 'did not make', "didn't file",
  'no request', 'no complaint',
  // the question never reached them
  "didn't get your", "didn't get the message", "didn't get any", "didn't get a message", 'did not get your',
  'did not get the message', 'did not get any', "didn't receive", 'did not receive', "haven't received", 'never received',
  'never got your', 'what message', 'ما وصلتني',
  'ما وصلني', 'ماوصلني', 'ماوصلتني',
  // later, busy, call me
  'later', 'not now', 'busy', 'call back', 'بعدين', 'مو الحين', 'مب الحين', 'مش الحين', 'مشغول', 'مشغوله', 'تتصلون', 'baad mein', 'baad me', 'abhi nahi', 'बाद में',
  'अभी नहीं', 'بعد میں', 'ابھی نہیں', 'পরে', 'पछि', 'mamaya', 'nanti', 'sibuk',
  // declining to answer
  'no comment', 'never mind', 'nevermind', 'لا تعليق', 'بدون تعليق', 'تعليق',
  // asking back
  'kya', 'क्या', 'کیا', 'kyun', 'কেন', 'কি', 'के', 'ano', 'bakit', 'apa', 'kenapa', 'ليش', 'متي', 'كيف', 'وين', 'هل', 'ايش', 'وش',
]);

/**
 * Asking to be called, when the reply opens with it ("call me", "اتصل علي"): inside a sentence the
 * same words tell what did not happen ("ما احد كلمني", "they didn't call me").
 */
// prettier-ignore
const CONTACT_REQUESTS = folded([
  'call me', 'please call me', 'pls call me', 'plz call me', 'contact me', 'please contact me', 'اتصل علي', 'اتصلوا علي',
  'اتصلو علي', 'كلمني', 'كلموني', 'ممكن تتصلون', 'ممكن اتصال', 'تواصلوا معي', 'ممكن تكلمني', 'call karo', 'call karein',
]);

/** Bare answers: yes on their own, with nothing to negate ("not yes" says nothing). */
// prettier-ignore
const YES_PARTICLES = folded([
  'yes', 'yeah', 'yea', 'yep', 'yup', 'ya', 'yaa', 'yah', 'y', 'yess', 'sure', 'correct', 'affirmative',
  'نعم', 'ايه', 'ايوه', 'ايوا', 'اي', 'ايو', 'اكيد', 'تمام', 'بلي', 'طبعا', 'صح', 'ماشي',
  'haan', 'han', 'haa', 'haanji', 'hanji', 'हाँ', 'हां', 'ہاں', 'হ্যাঁ', 'হ্যা', 'হাঁ', 'hya', 'hyan', 'हो', 'oo', 'opo', 'oho',
  'iya', 'iyah',
]);
/** Words that say it was solved, or done: negated ("ما انحلت", "not fixed", "belum selesai") they say it was not. */
// prettier-ignore
const SOLVED_WORDS = folded([
  'solved', 'resolved', 'fixed', 'done', 'works', 'working', 'sorted',
  'تم', 'تمت', 'انحلت', 'انحل', 'اتحلت', 'اتحل', 'محلوله', 'محلول', 'انتهت', 'خلصت', 'خلصوها', 'حلوها', 'حلوه', 'حلت',
  'متحله', 'متحل', 'منحله', 'منحل', 'انجزت', 'انجز', 'اتصلحت', 'انصلحت', 'تصلحت', 'صلحوها',
  'hogaya', 'hogya', 'hogayi', 'होगया', 'हुआ', 'ہوگیا', 'ہوگئی', 'হয়েছে', 'হইছে', 'hoyeche', 'hoise', 'hoyse', 'hoyese',
  'भयो', 'सल्टियो', 'bhayo', 'saltiyo', 'naayos', 'nayos', 'naaayos', 'ayos', 'tapos', 'nalutas', 'naresolba',
  'sudah', 'sdh', 'udah', 'udh', 'selesai', 'beres', 'diperbaiki',
]);
/** The work that was due: negated ("nobody came", "ما صار شي", "لم يتم") it says the problem was not solved. */
// prettier-ignore
const ACTION_WORDS = folded([
  'fix', 'solve', 'resolve', 'came', 'come', 'called', 'contacted', 'contact', 'happened', 'happen', 'changed', 'change',
  'did', 'do', 'responded', 'replied', 'answered', 'work', 'call', 'solving', 'fixing', 'resolving', 'repaired',
  'تواصل', 'تواصلو', 'اتصل', 'اتصلو', 'كلمني', 'كلموني', 'جا', 'جاء', 'جو', 'جوا', 'جاو', 'جاوا', 'جاني', 'جاتني', 'جوني',
  'جاوني', 'زارني', 'حضر', 'حضرو', 'يحضر', 'يحضرون', 'يجي', 'يجون', 'صار', 'تغير', 'سوو', 'سووا', 'سوا', 'سوي', 'سويتو', 'يسوون', 'ردو', 'رد', 'يتواصل', 'يتصل',
  'يرد', 'يحل', 'تحل', 'تنحل', 'ينحل', 'يتم', 'تتم', 'يصلح', 'تصلح', 'يصلحون',
  'datang', 'dateng', 'menghubungi', 'dihubungi', 'aaya', 'aya', 'aaye', 'aye', 'kiya', 'आया', 'आए', 'किया', 'آیا', 'آئے',
  'dumating', 'tumawag', 'tinawagan', 'pumunta',
]);
/** Words that stand as "no" when they are the answer (alone, or ending their clause). */
// prettier-ignore
const NO_WORDS = folded([
  'no', 'nope', 'nah', 'n', 'negative', 'not', 'never', 'nothing', 'nobody', 'none',
  'لا', 'لاء', 'ابد', 'ابدا', 'كلا', 'محد', 'ماحد',
  'nahi', 'nahin', 'nai', 'nhi', 'नहीं', 'नही', 'ना', 'نہیں', 'نہی', 'না', 'নাহ', 'নাই', 'होइन', 'हैन', 'छैन',
  'hoina', 'haina', 'chaina', 'xaina', 'hindi', 'hinde', 'indi', 'hnd', 'wala', 'tidak', 'tdk', 'gak', 'ga', 'nggak',
  'enggak', 'engga', 'ngga', 'ndak', 'na',
]);
/** Words that turn a following solved-word or action around ("ما انحلت", "not solved", "tidak selesai"). */
// prettier-ignore
const NEGATORS = folded([
  'not', 'never', "didn't", 'didnt', "isn't", 'isnt', "wasn't", 'wasnt', "hasn't", 'hasnt', "haven't", 'havent', "don't",
  "doesn't", 'doesnt', "aren't", "weren't", "won't", 'nothing', 'nobody', 'none', 'still',
  'ما', 'مو', 'مب', 'مش', 'لم', 'لن', 'محد', 'ماحد', 'مافي', 'مافيه', 'ولا', 'لسه', 'لسا', 'للحين', 'باقي',
  'nahi', 'nahin', 'nhi', 'नहीं', 'नही', 'نہیں', 'hindi', 'di', 'wala', 'tidak', 'tdk', 'gak', 'ga', 'nggak', 'enggak', 'belum',
  'blm', 'masih', 'walang',
]);
/** Negate a following "solved" word ("غير محلولة") but say nothing alone ("تم بدون مشاكل" is a yes). */
const PREFIX_NEGATORS = folded(['without', 'بدون', 'غير']);
/** Words that by themselves say the problem is still there or not solved yet. */
// prettier-ignore
const NOT_SOLVED_WORDS = folded([
  'still', 'unsolved', 'unresolved', 'broken',
  'لسه', 'لسا', 'لسى', 'للحين', 'باقي', 'باقيه', 'مازالت', 'مازال', 'لازالت', 'لازال', 'ماسوو', 'ماسووا', 'ماسوا', 'ماانحلت', 'ماانحل', 'ماتم', 'ماتحلت', 'مااتحلت', 'ماحلوها',
  'ماخلصت', 'ماصار', 'ماتغير', 'ماجا', 'ماجاء', 'ماجو', 'ماجاني',
  'হয়নি', 'হয়নাই', 'আসেনি', 'করেনি', 'hoyni', 'hoynai', 'asheni', 'koreni', 'भएन', 'आएन', 'गरेन', 'aayena', 'aaena',
  'garena', 'bhaena', 'bhayena', 'अझै', 'ajhai', 'belum', 'blm', 'masih',
]);
/**
 * Phrases read as one word before anything else, so that "not yet" is not read as "not", "ho gaya"
 * is one solved-word, and "no one came" is "nobody came". The `:` token names what each becomes.
 */
// prettier-ignore
const PHRASES: readonly [string, readonly string[]][] = [
  [':notyet', ['not yet', 'hindi pa', 'di pa', 'wala pa', 'abhi tak nahi', 'abhi tak nahin', 'अभी तक नहीं', 'ابھی تک نہیں',
    'এখনো না', 'এখনও না', 'ما زال', 'ما زالت', 'لا زال', 'لا زالت', 'did nothing', 'done nothing', 'nothing done',
    'nothing was done', 'no response', 'no reply', 'no action', 'no change', 'no progress', 'no solution', 'same problem', 'same issue', 'نفس المشكله', 'still the same',
    'wala pang', 'tidak ada perubahan', 'gak ada perubahan', 'nai hua', 'nahi hua', 'nahin hua', 'nahi hui', 'nahi huwa', 'hua nahi', 'नहीं हुआ', 'नहीं हुई', 'नही हुआ', 'نہیں ہوا', 'نہیں ہوئی',
    'হয় নাই', 'হয় নি', 'হয় না', 'hoy nai', 'hoy ni', 'hoy na', 'भएको छैन', 'bhayeko chaina', 'bhako chaina']],
  [':solved', ['ho gaya', 'ho gya', 'ho gayi', 'ho gai', 'हो गया', 'हो गई', 'हो गयी', 'ہو گیا', 'ہو گئی', 'হয়ে গেছে',
    'hoye geche', 'भएको छ', 'bhayeko cha', 'bhako cha']],
  ['nobody', ['no one', 'no body', 'noone']],
  ['no', ['not at all', 'no way', 'absolutely not', 'of course not', 'definitely not']],
];
const PHRASE_TOKENS: readonly [string, string][] = PHRASES.flatMap(([token, list]) =>
  [...folded(list)].map((p) => [p, token] as [string, string]),
).sort((a, b) => b[0].length - a[0].length);

/** Words beside an answer that neither add to it nor change it: courtesies, forms of address, particles. */
// prettier-ignore
const FILLERS = folded([
  'thanks', 'thank', 'you', 'please', 'pls', 'plz', 'sir', 'madam', 'maam', 'bro', 'brother', 'man', 'sorry', 'unfortunately',
  'really', 'ok', 'okay', 'it', 'is', 'was', 'dear', 'mate', 'dude', 'buddy', 'akhoy', 'akhooy', 'habibi', '7abibi',
  'شكرا', 'مشكور', 'مشكورين', 'والله', 'للاسف', 'اخوي', 'يا', 'اخي', 'الحمدلله', 'الحمد', 'لله', 'الله', 'طويل', 'العمر',
  'يالغالي', 'الغالي', 'غالي', 'حبيبي', 'اخوك', 'ابوي', 'عمي', 'خوي',
  'wallah', 'wallahi', 'walla', 'ji', 'जी', 'جی', 'জি', 'জ্বি', 'bhai', 'भाई', 'بھائی', 'bhaiya', 'sahab', 'saab', 'po', 'ho', 'pa', 'rin', 'din', 'nga',
  'lang', 'salamat', 'pak', 'bu', 'mas', 'kak', 'terima', 'kasih', 'makasih', 'dhanyavad', 'धन्यवाद', 'شکریہ', 'ধন্যবাদ',
  'hajur', 'हजुर', 'dai', 'दाइ', 'didi', 'दिदी',
]);

/**
 * Every word and phrase that can carry a "not solved" reading, as the parser compares them: beside
 * the digit 2 and the negative emoji, the only way to one. A reply holding none of them is never
 * read "not solved" (a property test holds the parser to it).
 */
export const NOT_SOLVED_VOCABULARY: { words: ReadonlySet<string>; phrases: readonly string[] } = {
  words: new Set([...NO_WORDS, ...NEGATORS, ...PREFIX_NEGATORS, ...NOT_SOLVED_WORDS]),
  phrases: PHRASE_TOKENS.filter(([, token]) => token !== ':solved').map(([phrase]) => phrase),
};
export const NEGATIVE_EMOJI: readonly string[] = ['👎', '❌', '❎', '✖', '😡', '😠', '🚫', '⛔'];

/** Any of these phrases, as whole words, in the token line ` a b c `. */
function holds(line: string, phrases: ReadonlySet<string>): boolean {
  for (const p of phrases) if (line.includes(` ${p} `)) return true;
  return false;
}

/** How many words back a negator reaches: "ما في شي انحل", "it was never really fixed". */
const NEGATION_REACH = 3;

// Any other emoji (🙏 is thanks or please, 🌹, 😊) answers nothing: alone it is unclear, beside words it is noise.
const POSITIVE_EMOJI = ['👍', '✅', '👌', '✔', '☑', '💯', '🆗'];

// prettier-ignore
const NUMBER_WORDS: Readonly<Record<string, Rating>> = Object.fromEntries(
  ([
    [1, ['one', 'واحد', 'وحده', 'एक', 'ایک', 'এক', 'ek', 'isa', 'satu']],
    [2, ['two', 'اثنين', 'اثنان', 'ثنين', 'اثنتين', 'ثنتين', 'दो', 'دو', 'দুই', 'dui', 'दुई', 'dalawa', 'dua']],
    [3, ['three', 'ثلاثه', 'ثلاث', 'ثلاثة', 'तीन', 'تین', 'তিন', 'teen', 'tin', 'tatlo', 'tiga']],
    [4, ['four', 'اربعه', 'اربع', 'चार', 'چار', 'চার', 'char', 'chaar', 'apat', 'empat']],
    [5, ['five', 'خمسه', 'خمس', 'पांच', 'पाँच', 'پانچ', 'পাঁচ', 'paanch', 'panch', 'lima']],
  ] as const).flatMap(([n, list]) => [...folded(list)].map((w) => [w, n])),
);
export const STAR_GLYPHS = new Set(['⭐', '★', '🌟', '✩', '☆']);

/** Words around an option number that do not change it: "رقم 1", "option 3", "الخيار ٢". */
// prettier-ignore
const OPTION_WORDS = new Set(['رقم', 'الرقم', 'خيار', 'الخيار', 'option', 'number', 'no.', 'choice', 'reply', 'answer', 'السبب', 'اختار', 'اخترت']);
/** What may stand between two numbers for the message to be only a choice between them ("3 or 4"). */
const CONNECTIVES = new Set(['or', 'and', 'او', 'و', 'ولا', 'either', 'between', 'بين', 'اما']);

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

/** The phrases by their first word, longest first: a clause is read in one pass over its words. */
const PHRASES_BY_FIRST_WORD: ReadonlyMap<string, readonly [string[], string][]> = (() => {
  const out = new Map<string, [string[], string][]>();
  for (const [phrase, token] of PHRASE_TOKENS) {
    const parts = phrase.split(' ');
    const first = parts[0] ?? '';
    out.set(first, [...(out.get(first) ?? []), [parts, token]]);
  }
  return out;
})();

/** The words of a clause, phrases joined into their one token, and the Filipino "na" ("already") after a word dropped. */
function readTokens(clause: string): string[] {
  const parts = words(clause);
  const out: string[] = [];
  for (let i = 0; i < parts.length;) {
    const found = (PHRASES_BY_FIRST_WORD.get(parts[i] ?? '') ?? []).find(([p]) =>
      p.every((w, k) => parts[i + k] === w),
    );
    out.push(found ? found[1] : (parts[i] ?? ''));
    i += found ? found[0].length : 1;
  }
  return out.filter((t, i) => !(t === 'na' && i > 0));
}

interface YesNo {
  /** A yes word, a solved-word nobody negated, or a positive emoji. */
  yes: boolean;
  /** The reply says it was not solved (see the rules at the top of this file). */
  no: boolean;
  /** A no-word that does not stand as the answer: it says nothing, but a yes beside it is not taken. */
  loose: boolean;
}

function readYesNo(body: string): YesNo {
  let yes = hasAny(body, POSITIVE_EMOJI);
  let no = hasAny(body, NEGATIVE_EMOJI);
  let loose = false;
  // Clauses end at punctuation: "No, I called them twice" answers no, then tells a story.
  for (const clause of body.split(/[,.!;:،؛\n–—]+|\s-\s/)) {
    const tokens = readTokens(clause);
    const neutral = (t: string) => FILLERS.has(t) || /^\d+$/.test(t) || OPTION_WORDS.has(t);
    const standing = tokens.every((t) => NO_WORDS.has(t) || neutral(t));
    tokens.forEach((t, i) => {
      if (t === ':notyet' || NOT_SOLVED_WORDS.has(t)) no = true;
      else if (t === ':solved' || YES_PARTICLES.has(t) || SOLVED_WORDS.has(t) || ACTION_WORDS.has(t)) {
        if (YES_PARTICLES.has(t)) {
          yes = true;
          return;
        }
        const before = tokens.slice(Math.max(0, i - NEGATION_REACH), i);
        const negated = before.some(
          (b) => NEGATORS.has(b) || PREFIX_NEGATORS.has(b) || b === ':notyet' || NOT_SOLVED_WORDS.has(b),
        );
        if (negated) no = true;
        else if (!ACTION_WORDS.has(t)) yes = true;
      }
      if (NO_WORDS.has(t)) {
        if (standing) no = true;
        else loose = true;
      }
    });
  }
  return { yes, no, loose };
}

function unclear(raw: string): ParsedReply {
  return { kind: 'unclear', text: cleanRaw(raw) };
}

function parseSolved(text: string, raw: string): ParsedReply {
  const line = ` ${words(text).join(' ')} `;
  const opensWith = [...CONTACT_REQUESTS].some((p) => line.startsWith(` ${p} `));
  if (HEDGES.test(text) || QUESTIONS.test(text) || holds(line, NON_ANSWERS) || opensWith) return unclear(raw);
  const body = stripCourtesies(text);
  const nums = numbersIn(body);
  let fromDigits: boolean | undefined;
  if (nums.length > 0) {
    if (nums.length > 1 || (nums[0] !== 1 && nums[0] !== 2)) return unclear(raw);
    fromDigits = nums[0] === 1;
  }
  const { yes, no, loose } = readYesNo(body);
  // "yes no", "نعم لا", "yes still not fixed", "👍👎", "لا تم": both answers are present, so neither is taken.
  if (yes && (no || loose)) return unclear(raw);
  const fromWords = yes ? true : no ? false : undefined;
  if (fromDigits !== undefined && fromWords !== undefined && fromDigits !== fromWords) return unclear(raw);
  // "2 لا اعرف" was caught above; a lone no-word beside a 1 ("1 not") is no answer either.
  if (fromDigits === true && loose) return unclear(raw);
  const value = fromDigits ?? fromWords;
  return value === undefined ? unclear(raw) : { kind: 'solved', value };
}

/** Plain answers to the first question: a rating reply carrying them is probably a late "1 yes". */
// prettier-ignore
const SOLVED_ANSWER_WORDS = folded([
  'yes', 'yeah', 'yep', 'no', 'nope', 'نعم', 'ايه', 'ايوه', 'لا', 'لاء', 'solved', 'haan', 'nahi', 'nahin', 'हाँ', 'नहीं',
  'ہاں', 'نہیں', 'হ্যাঁ', 'না', 'होइन', 'oo', 'opo', 'hindi', 'iya', 'tidak', 'belum', 'sudah',
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

/** No-words that also tell a reason ("nobody", "محد" is no_contact): not silent in a reason. */
const TELLING_NO_WORDS = folded(['not', 'never', 'nothing', 'nobody', 'none', 'محد', 'ماحد']);

/** Words that answer a yes/no question, not "why": "no", "ok", "thanks" say nothing as a reason. */
function saysNothing(tokens: string[]): boolean {
  const filler = new Set(['شكر', 'السلام', 'عليكم', 'hi', 'hello']);
  return tokens.every(
    (t) =>
      YES_PARTICLES.has(t) ||
      SOLVED_WORDS.has(t) ||
      (NO_WORDS.has(t) && !TELLING_NO_WORDS.has(t)) ||
      FILLERS.has(t) ||
      filler.has(t),
  );
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

/**
 * The language a reply names when it is only that name ("English", "in Urdu please", "বাংলা").
 * "Hindi" is also the Filipino "no": to a citizen asked in Filipino it is that, not a name.
 */
function languageNamed(text: string, asked: CitizenLanguage | undefined): CitizenLanguage | undefined {
  const key = words(text)
    .filter((t) => !LANGUAGE_FILLERS.has(t))
    .join(' ');
  const named = LANGUAGE_BY_NAME.get(key);
  return named === 'hi' && key === 'hindi' && asked === 'fil' ? undefined : named;
}

/**
 * Reads a reply to `question`. `asked` is the language the citizen was asked in, when known: it only
 * settles words that are one thing in one language and another in another ("hindi").
 */
export function parseReply(raw: string, question: Question, asked?: CitizenLanguage): ParsedReply {
  const text = arabiziToArabic(normaliseReply(raw));
  const bare = text
    .replace(/[^\p{L}\p{M}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (OPT_OUT.has(bare)) return { kind: 'opt_out' };
  if (OPT_IN.has(bare)) return { kind: 'opt_in' };
  if (HELP.has(bare)) return { kind: 'help' };
  const language = languageNamed(text, asked);
  if (language) return { kind: 'language', value: language };
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
