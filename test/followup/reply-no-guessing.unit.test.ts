import { describe, expect, it } from 'vitest';
import { fc } from '../support/fast-check.js';
import {
  NEGATIVE_EMOJI,
  NOT_SOLVED_VOCABULARY,
  normaliseReply,
  parseReply,
  wordsOf,
} from '../../src/followup/conversation/reply-parser.js';

// Issue 27, item 1: "not solved" is read only from a reply that says it. Bounded runs: the suite runs
// on two shared cores.
const RUNS = { numRuns: 300 };

/** Words, phrases, digits and emoji that say nothing negative, in the languages read. */
// prettier-ignore
const harmless = fc.constantFrom(
  'yes', 'نعم', 'تم', 'ايه', 'haan', 'ho gaya', 'হ্যাঁ', 'भयो', 'oo', 'sudah', 'iya', 'ok', 'تمام', 'thanks', 'شكرا',
  'hello', 'السلام عليكم', 'the', 'problem', 'request', 'المشكلة', 'الطلب', 'who is this', 'مين معي', 'wrong number',
  'later', 'busy', 'بعدين', 'please', 'ticket', 'TKT-1234', 'ممتاز', 'good', 'ya', 'po', 'ji', 'bhai', 'salamat',
  '0', '1', '3', '4', '5', '٣', '١', '۴', '৩', '१', '1️⃣', '3️⃣', '👍', '👍🏽', '🙏🏼', '🌹', '✅', '⭐', '😊', '?', '!', '.', ',', '؟',
  '\u200f', 'ـ', 'َ',
);
const noise = fc.string({ maxLength: 8, unit: 'grapheme' });
const reply = fc.array(fc.oneof(harmless, noise), { maxLength: 8 }).map((parts) => parts.join(' '));

/** Whether a reply holds anything that may say "not solved": a negative word or phrase, emoji, or a 2. */
function saysNoSomewhere(text: string): boolean {
  const tokens = wordsOf(text);
  const line = ` ${tokens.join(' ')} `;
  return (
    tokens.some((t) => NOT_SOLVED_VOCABULARY.words.has(t)) ||
    NOT_SOLVED_VOCABULARY.phrases.some((p) => line.includes(` ${p} `)) ||
    NEGATIVE_EMOJI.some((e) => normaliseReply(text).includes(e)) ||
    /2/.test(normaliseReply(text))
  );
}

/** Replies that do not answer, each holding a negation: the words of the false disputes. */
// prettier-ignore
const nonAnswers = fc.constantFrom(
  "I don't remember", "I don't know which request", "didn't get your message", 'not now', 'no idea', 'not me',
  'never mind', 'no comment', 'لا اذكر', 'ما اتذكر', 'مو فاهم', 'ما فهمت', 'لا تعليق', 'pata nahi', 'yaad nahi',
  'मुझे याद नहीं', 'پتہ نہیں', 'মনে নেই', 'জানি না', 'थाहा छैन', 'hindi ko alam', 'hindi ko maalala', 'tidak tahu',
  'tidak ingat', 'belum tahu', 'I did not receive any message', 'ما وصلتني رسالة',
);
// prettier-ignore
const anything = fc.constantFrom(
  'no', 'not', 'لا', 'ما', 'nahi', 'hindi', 'tidak', 'belum', 'না', 'होइन', '2', '٢', '👎', '❌', 'still', 'yes', 'نعم', 'تم',
  'solved', 'ما انحلت', 'not solved', 'thanks', 'شكرا', ',', '.', 'sir',
);

describe('no guessing', () => {
  it('a reply with no negative word, no-word, negative emoji or digit 2 is never read "not solved"', () => {
    fc.assert(
      fc.property(reply, (text) => {
        fc.pre(!saysNoSomewhere(text));
        expect(parseReply(text, 'solved')).not.toEqual({ kind: 'solved', value: false });
      }),
      RUNS,
    );
  });

  it('a reply that does not know, remember, understand or get the message is unclear, whatever else it says', () => {
    fc.assert(
      fc.property(
        fc.array(anything, { maxLength: 4 }),
        nonAnswers,
        fc.array(anything, { maxLength: 4 }),
        (before, phrase, after) => {
          const text = [...before, phrase, ...after].join(' ');
          expect(parseReply(text, 'solved').kind).toBe('unclear');
        },
      ),
      RUNS,
    );
  });
});
