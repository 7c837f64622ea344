import { describe, expect, it } from 'vitest';
import {
  MAX_REPLY_CHARS,
  normaliseReply,
  parseReply,
  type ParsedReply,
  type Question,
  type Rating,
  type Reason,
} from '../../src/followup/conversation/reply-parser.js';

const yes: ParsedReply = { kind: 'solved', value: true };
const no: ParsedReply = { kind: 'solved', value: false };
const r = (value: Rating): ParsedReply => ({ kind: 'rating', value });
const why = (value: Reason, text?: string): ParsedReply =>
  text === undefined ? { kind: 'reason', value } : { kind: 'reason', value, text };
const stop: ParsedReply = { kind: 'opt_out' };
const start: ParsedReply = { kind: 'opt_in' };
const help: ParsedReply = { kind: 'help' };
/** Unclear keeps the reply as typed (whitespace folded) so it can become the citizen's comment. */
const U = 'unclear' as const;

type Case = [reply: string, question: Question, expected: ParsedReply | typeof U];

// [reply as a citizen would type it, the question being asked, what must be understood]
// prettier-ignore
const solvedCases: Case[] = [
  // digits: Latin, Arabic-Indic, Persian, keycaps, with noise
  ['1', 'solved', yes], ['2', 'solved', no], ['١', 'solved', yes], ['٢', 'solved', no], ['۱', 'solved', yes], ['۲', 'solved', no],
  [' 1 ', 'solved', yes], ['1.', 'solved', yes], ['2!', 'solved', no], ['(1)', 'solved', yes], ['1️⃣', 'solved', yes], ['2️⃣', 'solved', no],
  ['1 yes', 'solved', yes], ['yes 1', 'solved', yes], ['2 no', 'solved', no], ['1 نعم', 'solved', yes], ['٢ لا', 'solved', no],
  ['١ تم', 'solved', yes], ['1- نعم', 'solved', yes], ['رقم 1', 'solved', yes], ['رقم ٢', 'solved', no],
  ['11', 'solved', U], ['3', 'solved', U], ['1 2', 'solved', U], ['١ او ٢', 'solved', U], ['1 no', 'solved', U], ['2 yes', 'solved', U],
  ['2 تم', 'solved', U], ['0', 'solved', U], ['12', 'solved', U], ['TKT-20261122 تم', 'solved', yes],
  // English words
  ['yes', 'solved', yes], ['Yes', 'solved', yes], ['YES!!!', 'solved', yes], ['yeah', 'solved', yes], ['yep thanks', 'solved', yes],
  ['Yes it was solved', 'solved', yes], ['solved', 'solved', yes], ['It is fixed now, thank you', 'solved', yes], ['done', 'solved', yes],
  ['y', 'solved', yes], ['yes, thanks!', 'solved', yes], ['Yup all good', 'solved', yes], ['resolved thank you very much', 'solved', yes],
  ['yes but they were late', 'solved', yes], ['no', 'solved', no], ['No.', 'solved', no], ['nope', 'solved', no], ['NO!!', 'solved', no],
  ['not solved', 'solved', no], ['Not yet', 'solved', no], ['still broken', 'solved', no], ['still waiting', 'solved', no],
  ['it was never fixed', 'solved', no], ["they didn't fix anything", 'solved', no], ['they didn’t solve it', 'solved', no],
  ['nothing happened', 'solved', no], ['the problem is not solved', 'solved', no], ['n', 'solved', no], ['nah', 'solved', no],
  ['No, still not fixed', 'solved', no], ['no it is not solved', 'solved', no], ['not done', 'solved', no], ['nobody came', 'solved', no],
  ['Was not resolved', 'solved', no], ['yes no', 'solved', U], ['yes still not fixed', 'solved', U], ['no it is solved', 'solved', U],
  ['maybe', 'solved', U], ['ok', 'solved', U], ['who is this?', 'solved', U], ['thanks', 'solved', U], ['thank you', 'solved', U],
  ['what ticket?', 'solved', U], ['not sure', 'solved', U], ["I don't know", 'solved', U], ['partly solved', 'solved', U],
  ['half of it', 'solved', U], ['no problem', 'solved', U], ['call me please', 'solved', U], ['hello', 'solved', U],
  // Arabic and Gulf phrasings
  ['نعم', 'solved', yes], ['نعم.', 'solved', yes], ['نَعَم', 'solved', yes], ['ايه', 'solved', yes], ['إيه', 'solved', yes],
  ['ايوه', 'solved', yes], ['أيوا', 'solved', yes], ['إيوة', 'solved', yes], ['اي', 'solved', yes], ['اي والله', 'solved', yes],
  ['ايه انحلت', 'solved', yes], ['تم', 'solved', yes], ['تم الحل', 'solved', yes], ['تمت', 'solved', yes], ['تم شكرا', 'solved', yes],
  ['انحلت', 'solved', yes], ['انحلت الحمدلله', 'solved', yes], ['اتحلت', 'solved', yes], ['تمام', 'solved', yes], ['تمااام', 'solved', yes],
  ['أكيد', 'solved', yes], ['طبعاً', 'solved', yes], ['نعـــم', 'solved', yes], ['يعطيكم العافية تم حل المشكلة', 'solved', yes],
  ['الحمد لله محلولة', 'solved', yes], ['تم الحل ولكن متأخر', 'solved', yes], ['تم، ما قصرتوا', 'solved', yes], ['تم بدون مشاكل', 'solved', yes],
  ['انحلت ما شاء الله عليكم', 'solved', yes], ['ايوه تم الله لا يهينك', 'solved', yes], ['تم وجزاكم الله خير', 'solved', yes],
  ['لا', 'solved', no], ['لأ', 'solved', no], ['لاء', 'solved', no], ['لا والله', 'solved', no], ['ما انحلت', 'solved', no],
  ['ماانحلت', 'solved', no], ['ما اتحلت', 'solved', no], ['ماتحلت', 'solved', no], ['ما تم', 'solved', no], ['ماتم شي', 'solved', no],
  ['ما تم شي', 'solved', no], ['لم تحل', 'solved', no], ['لم تُحل', 'solved', no], ['لم يتم الحل', 'solved', no], ['مو محلولة', 'solved', no],
  ['مب محلوله', 'solved', no], ['مش متحلة', 'solved', no], ['غير محلولة', 'solved', no], ['للحين ما انحلت', 'solved', no],
  ['باقي المشكلة', 'solved', no], ['محد تواصل معي', 'solved', no], ['مافي شي انحل', 'solved', no], ['ما صار شي', 'solved', no],
  ['لسه', 'solved', no], ['ابد', 'solved', no], ['أبداً', 'solved', no], ['لا ماانحلت', 'solved', no], ['لا والله ما تم حلها', 'solved', no],
  ['لا ولا شي انحل', 'solved', no], ['لا تم', 'solved', U], ['نعم لا', 'solved', U], ['مين معي؟', 'solved', U], ['أي طلب؟', 'solved', U],
  ['شكرا', 'solved', U], ['السلام عليكم', 'solved', U], ['ممكن اتصال', 'solved', U], ['لا هنت', 'solved', U], ['ما قصرتوا', 'solved', U],
  ['ما ادري', 'solved', U], ['مدري والله', 'solved', U], ['انحلت جزئيا', 'solved', U], ['نص نص', 'solved', U], ['يمكن', 'solved', U],
  ['مافي مشكلة', 'solved', U], ['ولا يهمك', 'solved', U], ['ما شاء الله', 'solved', U],
  // emoji and noise
  ['👍', 'solved', yes], ['👍🏽', 'solved', yes], ['👍🏻👍🏻', 'solved', yes], ['✅', 'solved', yes], ['✔️', 'solved', yes], ['👌', 'solved', yes],
  ['👎', 'solved', no], ['👎🏻', 'solved', no], ['❌', 'solved', no], ['❎', 'solved', no], ['😡', 'solved', no], ['👍👎', 'solved', U],
  ['🙏', 'solved', U], ['🙏🏼', 'solved', U], ['😀', 'solved', U], ['🌹🌹', 'solved', U], ['...', 'solved', U], ['؟؟', 'solved', U],
  ['   ', 'solved', U], ['', 'solved', U], ['نعم 👍', 'solved', yes], ['نعم 🙏', 'solved', yes], ['لا 👎', 'solved', no], ['لا ❌', 'solved', no],
  ['yes ✅', 'solved', yes], ['no ❌', 'solved', no], ['yes ❌', 'solved', U], ['✅ تم الحل 🙏🏽', 'solved', yes],
  [`yes ${'x'.repeat(5000)}`, 'solved', yes], [`${'x'.repeat(600)} yes`, 'solved', U],
];

// prettier-ignore
const ratingCases: Case[] = [
  ['5', 'rating', r(5)], ['٥', 'rating', r(5)], ['۴', 'rating', r(4)], ['1', 'rating', r(1)], ['3', 'rating', r(3)], ['4.', 'rating', r(4)],
  ['2', 'rating', r(2)], ['5!', 'rating', r(5)], ['5️⃣', 'rating', r(5)], ['5/5', 'rating', r(5)], ['4/5', 'rating', r(4)], ['٣/٥', 'rating', r(3)],
  ['٥/٥', 'rating', r(5)], ['4 من 5', 'rating', r(4)], ['4 out of 5', 'rating', r(4)], ['2 of 5', 'rating', r(2)], ['الخدمة 3 من 5', 'rating', r(3)],
  ['5 stars', 'rating', r(5)], ['5 نجوم', 'rating', r(5)], ['1 star', 'rating', r(1)], ['⭐⭐⭐⭐', 'rating', r(4)], ['⭐⭐⭐⭐⭐', 'rating', r(5)],
  ['⭐️⭐️⭐️', 'rating', r(3)], ['★★', 'rating', r(2)], ['5 ⭐', 'rating', r(5)], ['4 ⭐⭐⭐⭐', 'rating', r(4)], ['five', 'rating', r(5)],
  ['Four', 'rating', r(4)], ['three', 'rating', r(3)], ['one star', 'rating', r(1)], ['خمسة', 'rating', r(5)], ['خمس', 'rating', r(5)],
  ['خمسة من خمسة', 'rating', r(5)], ['اربعة', 'rating', r(4)], ['أربع', 'rating', r(4)], ['أربعه', 'rating', r(4)], ['ثلاثة', 'rating', r(3)],
  ['ثلاث', 'rating', r(3)], ['اثنين', 'rating', r(2)], ['ثنتين', 'rating', r(2)], ['واحد', 'rating', r(1)], ['تقييمي 5', 'rating', r(5)],
  ['اعطيهم 4', 'rating', r(4)], ['rating: 3', 'rating', r(3)], ['5 ممتاز', 'rating', r(5)], ['5 شكرا', 'rating', r(5)], ['5 5', 'rating', r(5)],
  ['I give them 2', 'rating', r(2)],
  ['3 or 4', 'rating', U], ['٣ او ٤', 'rating', U], ['3-4', 'rating', U], ['between 3 and 4', 'rating', U], ['4 or 5', 'rating', U],
  ['4.5', 'rating', U], ['٤٫٥', 'rating', U], ['-1', 'rating', U], ['6', 'rating', U], ['0', 'rating', U], ['10', 'rating', U],
  ['١٠', 'rating', U], ['10/10', 'rating', U], ['100%', 'rating', U], ['zero', 'rating', U],
  // A word that is no rating question's label is not a rating: it would be a guess.
  ['زين', 'rating', U], ['⭐⭐⭐⭐⭐⭐', 'rating', U], ['⭐⭐ 5', 'rating', U], ['', 'rating', U],
  ['👍', 'rating', U], ['12345', 'rating', U], ['1 yes', 'rating', U], ['نعم 5', 'rating', U], ['three or four', 'rating', U],
  ['5 stars but 1 for waiting', 'rating', U],
];

// prettier-ignore
const reasonCases: Case[] = [
  ['1', 'reason', why('no_contact')], ['٢', 'reason', why('still_exists')], ['3', 'reason', why('asked_to_visit')], ['4', 'reason', why('other')],
  ['۳', 'reason', why('asked_to_visit')], ['2.', 'reason', why('still_exists')], ['رقم 3', 'reason', why('asked_to_visit')],
  ['السبب 1', 'reason', why('no_contact')], ['1 محد تواصل', 'reason', why('no_contact', '1 محد تواصل')], ['2 المشكلة موجودة', 'reason', why('still_exists', '2 المشكلة موجودة')],
  ['3 they told me to come to the office', 'reason', why('asked_to_visit', '3 they told me to come to the office')], ['2 nobody came and it is still there', 'reason', why('still_exists', '2 nobody came and it is still there')],
  ['4 other', 'reason', why('other')], ['4 the agent was rude', 'reason', why('other', '4 the agent was rude')],
  ['4 الموظف ما رد', 'reason', why('other', '4 الموظف ما رد')], ['other', 'reason', why('other')], ['سبب آخر', 'reason', why('other')],
  ['nobody contacted me', 'reason', why('no_contact', 'nobody contacted me')], ['no one called me back', 'reason', why('no_contact', 'no one called me back')],
  ['nobody called', 'reason', why('no_contact', 'nobody called')], ['محد تواصل معي', 'reason', why('no_contact', 'محد تواصل معي')], ['ما احد اتصل', 'reason', why('no_contact', 'ما احد اتصل')],
  ['ما تواصلوا معي ابد', 'reason', why('no_contact', 'ما تواصلوا معي ابد')], ['the problem still exists', 'reason', why('still_exists', 'the problem still exists')],
  ['problem still there', 'reason', why('still_exists', 'problem still there')], ['still not fixed', 'reason', why('still_exists', 'still not fixed')],
  ['المشكلة موجودة', 'reason', why('still_exists', 'المشكلة موجودة')], ['للحين نفس المشكلة', 'reason', why('still_exists', 'للحين نفس المشكلة')], ['مازالت المشكلة', 'reason', why('still_exists', 'مازالت المشكلة')],
  ['they told me to visit the branch', 'reason', why('asked_to_visit', 'they told me to visit the branch')], ['I was asked to visit in person', 'reason', why('asked_to_visit', 'I was asked to visit in person')],
  ['طلبوا مني مراجعة الفرع', 'reason', why('asked_to_visit', 'طلبوا مني مراجعة الفرع')], ['قالوا لازم احضر', 'reason', why('asked_to_visit', 'قالوا لازم احضر')],
  ['قالوا روح بنفسك للمكتب', 'reason', why('asked_to_visit', 'قالوا روح بنفسك للمكتب')],
  ['الموظف قفل الطلب بدون ما يسوي شي', 'reason', why('other', 'الموظف قفل الطلب بدون ما يسوي شي')],
  ['I called 3 times', 'reason', why('other', 'I called 3 times')],
  ['المشكلة موجودة ومحد تواصل', 'reason', why('other', 'المشكلة موجودة ومحد تواصل')],
  ['  the  agent   was rude  ', 'reason', why('other', 'the agent was rude')],
  ['5', 'reason', U], ['0', 'reason', U], ['44', 'reason', U], ['1 2', 'reason', U], ['3 or 4', 'reason', U], ['1 و 2', 'reason', U],
  ['1 and 2', 'reason', U], ['1 they told me to visit', 'reason', U], ['no', 'reason', U], ['لا', 'reason', U], ['شكرا', 'reason', U],
  ['👎', 'reason', U], ['😀😀', 'reason', U], ['', 'reason', U], ['؟', 'reason', U],
];

// prettier-ignore
const keywordCases: Case[] = [
  // keywords are the whole message and win over the question being asked
  ['STOP', 'solved', stop], ['stop', 'rating', stop], ['Stop.', 'reason', stop], [' stop ', 'solved', stop], ['UNSUBSCRIBE', 'solved', stop],
  ['stopall', 'solved', stop], ['StopAll', 'rating', stop], ['cancel', 'solved', stop], ['END', 'solved', stop], ['quit', 'solved', stop],
  ['revoke', 'solved', stop], ['OPTOUT', 'solved', stop], ['إيقاف', 'solved', stop], ['ايقاف', 'rating', stop], ['الغاء', 'solved', stop],
  ['إلغاء', 'reason', stop], ['الغاء الاشتراك', 'solved', stop], ['وقف', 'solved', stop], ['وقـف', 'solved', stop], ['إيقاف!', 'solved', stop],
  ['START', 'solved', start], ['start', 'rating', start], ['unstop', 'solved', start], ['اشتراك', 'solved', start],
  ['HELP', 'solved', help], ['help', 'reason', help], ['مساعدة', 'solved', help], ['مساعده', 'rating', help],
  ['please stop calling me about ticket 5', 'solved', U], ['stop it was solved', 'solved', yes], ['ساعدني', 'solved', U],
];

// Arabizi: Arabic in Latin letters, digits for the sounds Latin lacks (3 ع, 7 ح, 2 ء, 5 خ, 9 ص).
// prettier-ignore
const arabiziCases: Case[] = [
  ['na3am', 'solved', yes], ['Na3am', 'solved', yes], ['naam', 'solved', yes], ['aywa', 'solved', yes], ['aiwa', 'solved', yes],
  ['eih', 'solved', yes], ['tamam', 'solved', yes], ['mashi', 'solved', yes], ['akeed', 'solved', yes], ['na3am ta7alat', 'solved', yes],
  ['in7alat al7mdlla', 'solved', yes], ['tm', 'solved', yes], ['aywa 7alooha ya3tikom al3afia', 'solved', yes],
  ['la', 'solved', no], ['la2', 'solved', no], ['laa', 'solved', no], ["la'a", 'solved', no], ['abadan', 'solved', no],
  ['ma ta7alat', 'solved', no], ['mo ma7loola', 'solved', no], ['lissa', 'solved', no], ['lil7een', 'solved', no],
  ['ma7ad ittasal', 'solved', no], ['ba2ya', 'solved', no], ['la hnt', 'solved', U], ['la2 shukran', 'solved', no],
  ['madri', 'solved', U], ['mo mt2kd', 'solved', U], ['yimkin', 'solved', U], ['na3am la2', 'solved', U],
  ['aywa bs lissa', 'solved', U], ['ta7alaat', 'solved', U], ['na3am 2', 'solved', U], ['inshallah', 'solved', U],
  ['khamsa', 'rating', r(5)], ['5amsa', 'rating', r(5)], ['arba3a', 'rating', r(4)], ['thalatha', 'rating', r(3)],
  ['wa7d', 'rating', r(1)], ['5 ya3tikom al3afia', 'rating', r(5)], ['na3am', 'rating', U], ['la2', 'rating', U],
  ['ma7ad ittasal', 'reason', why('no_contact', 'ma7ad ittasal')], ['ma etsalo', 'reason', why('no_contact', 'ma etsalo')],
  ['galo raje3 alfar3', 'reason', why('asked_to_visit', 'galo raje3 alfar3')], ['zyara', 'reason', why('asked_to_visit', 'zyara')],
  ['almushkila mawjooda', 'reason', why('still_exists', 'almushkila mawjooda')], ['lissa nafs almushkila', 'reason', why('still_exists', 'lissa nafs almushkila')],
  ['1 ma7ad kalamni', 'reason', why('no_contact', '1 ma7ad kalamni')], ['shukran', 'reason', U], ['la2', 'reason', U],
  ['iqaf', 'solved', stop], ['Eqaf', 'rating', stop], ['ishtirak', 'solved', start],
];

const cases: Case[] = [...solvedCases, ...ratingCases, ...reasonCases, ...keywordCases, ...arabiziCases];

/**
 * The words the rating questions show (RATING_LABELS: the SMS question names 1 and 5, the answer
 * page labels all five) are answers to them: in either language, masculine or feminine, with or
 * without the article, with ة or ه, alone or beside their own number.
 */
// prettier-ignore
const ratingLabelCases: Case[] = [
  ['ممتاز', 'rating', r(5)], ['ممتازة', 'rating', r(5)], ['ممتازه', 'rating', r(5)], ['الممتازة', 'rating', r(5)],
  ['الممتاز', 'rating', r(5)], ['مُمتازة!', 'rating', r(5)], ['Excellent', 'rating', r(5)], ['excellent!', 'rating', r(5)],
  ['جيدة', 'rating', r(4)], ['جيد', 'rating', r(4)], ['جيده', 'rating', r(4)], ['good', 'rating', r(4)],
  ['مقبولة', 'rating', r(3)], ['مقبول', 'rating', r(3)], ['المقبولة', 'rating', r(3)], ['Fair', 'rating', r(3)],
  ['سيئة', 'rating', r(2)], ['سيئه', 'rating', r(2)], ['سيء', 'rating', r(2)], ['سيئ', 'rating', r(2)], ['السيئة', 'rating', r(2)],
  ['poor', 'rating', r(2)], ['سيئة جدا', 'rating', r(1)], ['سيء جداً', 'rating', r(1)], ['سيئ جدا', 'rating', r(1)],
  ['Very poor', 'rating', r(1)], ['5 ممتازة', 'rating', r(5)], ['ممتاز 5', 'rating', r(5)], ['٥ ممتاز', 'rating', r(5)],
  ['1 very poor', 'rating', r(1)], ['ممتازة شكرا', 'rating', r(5)], ['خمسة ممتازة', 'rating', r(5)],
  ['ممتاز ⭐⭐⭐⭐⭐', 'rating', r(5)],
  // The label disagrees with the number or the stars beside it, or sits inside a sentence.
  ['5 سيئة', 'rating', U], ['poor 5', 'rating', U], ['اربعة ممتاز', 'rating', U], ['ممتاز ⭐⭐', 'rating', U],
  ['مو ممتازة', 'rating', U], ['not good', 'rating', U], ['ممتاز جدا', 'rating', U], ['الخدمة ممتازة', 'rating', U],
  // The same words answer nothing to the other questions.
  ['ممتازة', 'solved', U], ['poor', 'reason', why('other', 'poor')],
];

describe('parseReply', () => {
  it('has a table of at least 150 real-looking replies', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each([...cases, ...ratingLabelCases])('%j asked %s', (reply, question, expected) => {
    const parsed = parseReply(reply, question);
    if (expected === U)
      expect(parsed).toEqual({
        kind: 'unclear',
        text: reply.slice(0, MAX_REPLY_CHARS).replace(/\s+/g, ' ').trim(),
      });
    else expect(parsed).toEqual(expected);
  });

  it('keeps unclear replies as typed, without invisible characters, to store as a comment', () => {
    expect(parseReply('\u200fاتصلت عليكم مرتين\u200f', 'solved')).toEqual({
      kind: 'unclear',
      text: 'اتصلت عليكم مرتين',
    });
    expect(parseReply('\u0000\u0007', 'solved')).toEqual({ kind: 'unclear', text: '' });
    expect(parseReply('Hmm\u0000 WHAT?', 'rating')).toEqual({ kind: 'unclear', text: 'Hmm WHAT?' });
  });

  it('reads through control and direction characters', () => {
    expect(parseReply('yes\u0000', 'solved')).toEqual(yes);
    expect(parseReply('\u200fنعم\u200f', 'solved')).toEqual(yes);
    expect(parseReply('\u202b٥\u202c', 'rating')).toEqual(r(5));
    expect(parseReply('\ufeffSTOP', 'solved')).toEqual(stop);
  });

  it('caps the work on very long bodies and the text it keeps', () => {
    const long = `${'كلام '.repeat(5000)}`;
    const parsed = parseReply(long, 'reason');
    expect(parsed.kind).toBe('reason');
    expect(parsed.kind === 'reason' && (parsed.text ?? '').length).toBeLessThanOrEqual(MAX_REPLY_CHARS);
  });

  it('never throws on hostile input', () => {
    const hostile = [
      '\u0000'.repeat(10_000),
      '🙂'.repeat(10_000),
      '٫'.repeat(3000),
      '\ud800',
      'a\u202eb',
      '9'.repeat(100_000),
      '⭐'.repeat(1000),
      '\n\t\r',
    ];
    for (const input of hostile) {
      for (const q of ['solved', 'rating', 'reason'] as const)
        expect(() => parseReply(input, q)).not.toThrow();
    }
  });
});

describe('a language by its name', () => {
  it.each([
    ['English', 'en'],
    ['english please', 'en'],
    ['in English', 'en'],
    ['انجليزي', 'en'],
    ['بالانجليزي لو سمحت', 'en'],
    ['عربي', 'ar'],
    ['العربية', 'ar'],
    ['Arabic', 'ar'],
    ['বাংলা', 'bn'],
    ['Bangla', 'bn'],
    ['हिन्दी', 'hi'],
    ['हिंदी', 'hi'],
    ['Hindi', 'hi'],
    ['اردو', 'ur'],
    ['Urdu', 'ur'],
    ['Filipino', 'fil'],
    ['Tagalog', 'fil'],
    ['Bahasa', 'id'],
    ['Bahasa Indonesia', 'id'],
    ['Indonesia', 'id'],
    ['नेपाली', 'ne'],
    ['Nepali', 'ne'],
  ] as const)('%j asks for %s, whatever the question', (reply, lang) => {
    for (const q of ['solved', 'rating', 'reason'] as const)
      expect(parseReply(reply, q)).toEqual({ kind: 'language', value: lang });
  });

  it('reads "hindi" as the Filipino "no" from a citizen asked in Filipino, and as the name otherwise', () => {
    expect(parseReply('Hindi', 'solved', 'fil')).toEqual(no);
    expect(parseReply('hindi', 'solved', 'ar')).toEqual({ kind: 'language', value: 'hi' });
    expect(parseReply('hindi po', 'solved')).toEqual(no);
  });
});

describe('normaliseReply', () => {
  it.each([
    ['نَعَمْ', 'نعم'],
    ['نعــــم', 'نعم'],
    ['أ إ آ ٱ', 'ا ا ا ا'],
    ['لاااا yesss', 'لا yes'],
    ['مشكلة على', 'مشكله علي'],
    ['مسؤول شيئ', 'مسوول شيي'],
    ['١٢٣ ۴۵۶', '123 456'],
    ['👍🏿', '👍'],
    ['  YES \n\n  ', 'yes'],
    ['didn’t', "didn't"],
  ])('%j → %j', (input, output) => {
    expect(normaliseReply(input)).toBe(output);
  });
});
