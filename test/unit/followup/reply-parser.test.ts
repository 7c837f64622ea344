import { describe, expect, it } from 'vitest';
import { parseReply, type ParsedReply, type Question } from '../../../src/followup/reply-parser.js';

const yes: ParsedReply = { kind: 'solved', value: true };
const no: ParsedReply = { kind: 'solved', value: false };
const r = (value: 1 | 2 | 3 | 4 | 5): ParsedReply => ({ kind: 'rating', value });
const unclear = { kind: 'unclear' } as const;

// [reply as a citizen would type it, the question being asked, what must be understood]
const cases: [string, Question, ParsedReply | typeof unclear][] = [
  // solved? — digits
  ['1', 'solved', yes], ['2', 'solved', no], ['١', 'solved', yes], ['٢', 'solved', no], ['۱', 'solved', yes], ['۲', 'solved', no],
  [' 1 ', 'solved', yes], ['1.', 'solved', yes], ['2!', 'solved', no], ['(1)', 'solved', yes], ['1 yes', 'solved', yes],
  ['2 no', 'solved', no], ['1 نعم', 'solved', yes], ['٢ لا', 'solved', no], ['١ تم', 'solved', yes], ['11', 'solved', unclear],
  ['3', 'solved', unclear], ['1 2', 'solved', unclear], ['1 no', 'solved', unclear], ['2 yes', 'solved', unclear], ['0', 'solved', unclear],
  // solved? — English words
  ['yes', 'solved', yes], ['Yes', 'solved', yes], ['YES!!!', 'solved', yes], ['yeah', 'solved', yes], ['yep thanks', 'solved', yes],
  ['Yes it was solved', 'solved', yes], ['solved', 'solved', yes], ['It is fixed now, thank you', 'solved', yes], ['done', 'solved', yes],
  ['y', 'solved', yes], ['no', 'solved', no], ['No.', 'solved', no], ['nope', 'solved', no], ['NO!!', 'solved', no],
  ['not solved', 'solved', no], ['Not yet', 'solved', no], ['still broken', 'solved', no], ['it was never fixed', 'solved', no],
  ["they didn't fix anything", 'solved', no], ['nothing happened', 'solved', no], ['the problem is not solved', 'solved', no],
  ['n', 'solved', no], ['nah', 'solved', no], ['No, still not fixed', 'solved', no], ['no it is not solved', 'solved', no], ['لا ما انحلت', 'solved', no], ['yes no', 'solved', unclear], ['maybe', 'solved', unclear], ['ok', 'solved', unclear],
  ['who is this?', 'solved', unclear], ['thanks', 'solved', unclear], ['what ticket?', 'solved', unclear],
  // solved? — Arabic and Gulf phrasings
  ['نعم', 'solved', yes], ['نعم.', 'solved', yes], ['نَعَم', 'solved', yes], ['ايه', 'solved', yes], ['إيه', 'solved', yes],
  ['ايوه', 'solved', yes], ['أيوا', 'solved', yes], ['اي والله', 'solved', yes], ['تم', 'solved', yes], ['تم الحل', 'solved', yes],
  ['تمت', 'solved', yes], ['انحلت', 'solved', yes], ['انحلت الحمدلله', 'solved', yes], ['اتحلت', 'solved', yes],
  ['تمام', 'solved', yes], ['تمااام', 'solved', unclear], ['أكيد', 'solved', yes], ['طبعاً', 'solved', yes], ['نعـــم', 'solved', yes],
  ['يعطيكم العافية تم حل المشكلة', 'solved', yes], ['الحمد لله محلولة', 'solved', yes], ['لا', 'solved', no], ['لأ', 'solved', no],
  ['لا والله', 'solved', no], ['ما انحلت', 'solved', no], ['ماانحلت', 'solved', no], ['ما تم', 'solved', no], ['ماتم شي', 'solved', no],
  ['لم تحل', 'solved', no], ['لم يتم الحل', 'solved', no], ['مو محلولة', 'solved', no], ['مب محلوله', 'solved', no],
  ['مش متحلة', 'solved', no], ['للحين ما انحلت', 'solved', no], ['باقي المشكلة', 'solved', no], ['محد تواصل معي', 'solved', no],
  ['ابد', 'solved', no], ['أبداً', 'solved', no], ['لا تم', 'solved', unclear], ['نعم لا', 'solved', unclear], ['مين معي؟', 'solved', unclear],
  ['شكرا', 'solved', unclear], ['السلام عليكم', 'solved', unclear], ['ممكن اتصال', 'solved', unclear],
  // solved? — emoji and noise
  ['👍', 'solved', yes], ['👍🏽', 'solved', yes], ['✅', 'solved', yes], ['👌', 'solved', yes], ['👎', 'solved', no], ['👎🏻', 'solved', no],
  ['❌', 'solved', no], ['😡', 'solved', no], ['👍👎', 'solved', unclear], ['🙏', 'solved', unclear], ['😀', 'solved', unclear],
  ['...', 'solved', unclear], ['   ', 'solved', unclear], ['', 'solved', unclear], ['\u0000\u0007', 'solved', unclear],
  ['yes\u0000', 'solved', yes], ['\u200fنعم\u200f', 'solved', yes], ['نعم 👍', 'solved', yes], ['لا 👎', 'solved', no],
  [`yes ${'x'.repeat(5000)}`, 'solved', yes],
  // rating
  ['5', 'rating', r(5)], ['٥', 'rating', r(5)], ['۴', 'rating', r(4)], ['1', 'rating', r(1)], ['3', 'rating', r(3)], ['4.', 'rating', r(4)],
  ['5/5', 'rating', r(5)], ['4/5', 'rating', r(4)], ['٣/٥', 'rating', r(3)], ['4 من 5', 'rating', r(4)], ['4 out of 5', 'rating', r(4)],
  ['2 of 5', 'rating', r(2)], ['5 stars', 'rating', r(5)], ['⭐⭐⭐⭐', 'rating', r(4)], ['⭐⭐⭐⭐⭐', 'rating', r(5)], ['★★', 'rating', r(2)],
  ['five', 'rating', r(5)], ['Four', 'rating', r(4)], ['خمسة', 'rating', r(5)], ['خمس', 'rating', r(5)], ['اربعة', 'rating', r(4)],
  ['أربع', 'rating', r(4)], ['ثلاثة', 'rating', r(3)], ['اثنين', 'rating', r(2)], ['واحد', 'rating', r(1)], ['تقييمي 5', 'rating', r(5)],
  ['اعطيهم 4', 'rating', r(4)], ['rating: 3', 'rating', r(3)], ['5 ممتاز', 'rating', r(5)], ['3 or 4', 'rating', unclear],
  ['٣ او ٤', 'rating', unclear], ['6', 'rating', unclear], ['0', 'rating', unclear], ['10', 'rating', unclear], ['10/10', 'rating', unclear],
  ['excellent', 'rating', unclear], ['ممتاز', 'rating', unclear], ['سيء', 'rating', unclear], ['good', 'rating', unclear],
  ['⭐⭐⭐⭐⭐⭐', 'rating', unclear], ['⭐⭐ 5', 'rating', unclear], ['4 ⭐⭐⭐⭐', 'rating', r(4)], ['', 'rating', unclear],
  ['👍', 'rating', unclear], ['12345', 'rating', unclear],
  // reason
  ['1', 'reason', { kind: 'reason', value: 'no_contact' }], ['٢', 'reason', { kind: 'reason', value: 'still_exists' }],
  ['3', 'reason', { kind: 'reason', value: 'asked_to_visit' }], ['4', 'reason', { kind: 'reason', value: 'other' }],
  ['۳', 'reason', { kind: 'reason', value: 'asked_to_visit' }],
  ['4 the agent was rude', 'reason', { kind: 'reason', value: 'other', text: '4 the agent was rude' }],
  ['nobody contacted me', 'reason', { kind: 'reason', value: 'no_contact' }],
  ['no one called me back', 'reason', { kind: 'reason', value: 'no_contact' }],
  ['محد تواصل معي', 'reason', { kind: 'reason', value: 'no_contact' }],
  ['ما احد اتصل', 'reason', { kind: 'reason', value: 'no_contact' }],
  ['the problem still exists', 'reason', { kind: 'reason', value: 'still_exists' }],
  ['المشكلة موجودة', 'reason', { kind: 'reason', value: 'still_exists' }],
  ['للحين نفس المشكلة', 'reason', { kind: 'reason', value: 'still_exists' }],
  ['they told me to visit the branch', 'reason', { kind: 'reason', value: 'asked_to_visit' }],
  ['طلبوا مني مراجعة الفرع', 'reason', { kind: 'reason', value: 'asked_to_visit' }],
  ['قالوا لازم احضر', 'reason', { kind: 'reason', value: 'asked_to_visit' }],
  ['الموظف قفل الطلب بدون ما يسوي شي', 'reason', { kind: 'reason', value: 'other', text: 'الموظف قفل الطلب بدون ما يسوي شي' }],
  ['5', 'reason', unclear], ['1 2', 'reason', unclear], ['👎', 'reason', unclear], ['', 'reason', unclear],
  // keywords win over the question being asked
  ['STOP', 'solved', { kind: 'opt_out' }], ['stop', 'rating', { kind: 'opt_out' }], ['Stop.', 'reason', { kind: 'opt_out' }],
  ['UNSUBSCRIBE', 'solved', { kind: 'opt_out' }], ['stopall', 'solved', { kind: 'opt_out' }], ['cancel', 'solved', { kind: 'opt_out' }],
  ['إيقاف', 'solved', { kind: 'opt_out' }], ['ايقاف', 'rating', { kind: 'opt_out' }], ['الغاء', 'solved', { kind: 'opt_out' }],
  ['إلغاء', 'solved', { kind: 'opt_out' }], ['الغاء الاشتراك', 'solved', { kind: 'opt_out' }], ['وقف', 'solved', { kind: 'opt_out' }],
  ['START', 'solved', { kind: 'opt_in' }], ['start', 'rating', { kind: 'opt_in' }], ['اشتراك', 'solved', { kind: 'opt_in' }],
  ['HELP', 'solved', { kind: 'help' }], ['مساعدة', 'solved', { kind: 'help' }],
  ['please stop calling me about ticket 5', 'solved', unclear], ['stop it was solved', 'solved', yes],
];

describe('parseReply', () => {
  it('has a table of at least 150 real-looking replies', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases)('%j asked %s', (reply, question, expected) => {
    const parsed = parseReply(reply, question);
    if (expected.kind === 'unclear') expect(parsed.kind).toBe('unclear');
    else expect(parsed).toEqual(expected);
  });

  it('never throws on hostile input', () => {
    for (const input of ['\u0000'.repeat(10_000), '🙂'.repeat(10_000), '٫'.repeat(3000), '\ud800', 'a\u202eb']) {
      for (const q of ['solved', 'rating', 'reason'] as const) expect(() => parseReply(input, q)).not.toThrow();
    }
  });
});
