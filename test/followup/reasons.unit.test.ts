import { describe, expect, it } from 'vitest';
import { readHeldOut } from '../../bench/reasons-lib.js';
import { readReason } from '../../src/followup/conversation/reasons/classifier.js';
import { assignSplits, readCorpus, type CorpusRow } from '../../src/followup/conversation/reasons/corpus.js';
import { REASON_CLASSES } from '../../src/followup/conversation/reasons/features.js';
import { shippedModel } from '../../src/followup/conversation/reasons/model.js';
import { corpusHash, trainModel } from '../../src/followup/conversation/reasons/train.js';
import { trainingRowsWith } from '../../src/followup/conversation/reasons/training-rows.js';
import {
  normaliseReply,
  parseReply,
  REASONS,
  type ParsedReply,
  type Reason,
} from '../../src/followup/conversation/reply-parser.js';
import { fc } from '../support/fast-check.js';

const corpus = readCorpus();
const why = (value: Reason, text: string): ParsedReply => ({ kind: 'reason', value, text });

describe('the reasons corpus', () => {
  it('holds at least 600 replies, each reason in every language form, each row split once, none twice', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(600);
    expect(corpus.filter((r) => r.split === '')).toEqual([]);
    // A split is assigned once: running the rule again moves nothing.
    expect(assignSplits(corpus).map((r) => r.split)).toEqual(corpus.map((r) => r.split));
    const languages = [...new Set(corpus.map((r) => r.language))].sort();
    expect(languages).toEqual(
      [
        'ar',
        'ar-latn',
        'bn',
        'bn-latn',
        'en',
        'fil',
        'hi',
        'hi-latn',
        'id',
        'ne',
        'ne-latn',
        'ur',
        'ur-latn',
      ].sort(),
    );
    for (const language of languages)
      for (const label of REASON_CLASSES) {
        const group = corpus.filter((r) => r.language === language && r.label === label);
        const held = group.filter((r) => r.split === 'heldout').length;
        expect(group.length, `${language} ${label}`).toBeGreaterThanOrEqual(6);
        expect(Math.abs(held - 0.3 * group.length), `${language} ${label} held out`).toBeLessThanOrEqual(1);
      }
    // The same words in train and held-out would measure memory, not reading.
    const seen = new Map<string, CorpusRow>();
    for (const r of corpus) {
      const key = normaliseReply(r.text);
      expect(seen.get(key), `${r.language}.tsv:${r.line} "${r.text}"`).toBeUndefined();
      seen.set(key, r);
    }
  });

  it('gives rows added later a split without moving the old ones', () => {
    const fresh: CorpusRow[] = Array.from({ length: 10 }, (_, i) => ({
      language: 'en',
      text: `new reply ${i}`,
      label: 'other',
      split: '',
      line: 1000 + i,
    }));
    const after = assignSplits([...corpus, ...fresh]);
    expect(after.slice(0, corpus.length).map((r) => r.split)).toEqual(corpus.map((r) => r.split));
    expect(after.slice(corpus.length).every((r) => r.split === 'train' || r.split === 'heldout')).toBe(true);
  });
});

describe('the shipped reasons model', () => {
  it('is what the training script makes from the training split, and nothing of the held-out part', () => {
    const rows = trainingRowsWith(corpus, normaliseReply);
    const model = shippedModel();
    expect(model.training.sha256, 'retrain: npm run train:reasons').toBe(corpusHash(rows));
    expect(trainModel(rows)).toEqual(model);
    expect(Buffer.byteLength(JSON.stringify(model))).toBeLessThan(300 * 1024);
  }, 120_000);

  it('reads the held-out replies through the parser at 95% or better, and every reason at 90% recall or better', () => {
    const readings = readHeldOut(corpus);
    const right = readings.filter((r) => r.read === r.label).length;
    expect(right / readings.length).toBeGreaterThanOrEqual(0.95);
    for (const reason of REASONS) {
      const truth = readings.filter((r) => r.label === reason);
      const recall = truth.filter((r) => r.read === reason).length / truth.length;
      expect(recall, reason).toBeGreaterThanOrEqual(0.9);
    }
  });
});

// [as typed, the reason it gives]: the replies the issue names, and the hard cases the labelling rules settle.
// prettier-ignore
const named: [string, Reason][] = [
  ['they closed it without calling me', 'no_contact'], ['the issue persists', 'still_exists'], ['nothing changed', 'still_exists'],
  ['المشكله مستمره', 'still_exists'], ['ما تغير شي', 'still_exists'], ['ma7ad ettasal', 'no_contact'],
  ['lsa elmoshkla mawjooda', 'still_exists'], ['abhi tak problem hai', 'still_exists'], ['kisi ne call nahi kiya', 'no_contact'],
  // a call that changed nothing is the problem persisting, not "nobody contacted me"
  ['they did call me but nothing changed', 'still_exists'], ['اتصلوا علي بس ما تغير شي', 'still_exists'],
  // "still" about the call is no contact; a call telling them to come in is a visit
  ['still waiting for a call', 'no_contact'], ['لسه محدش كلمني', 'no_contact'], ['اتصلوا وقالوا تعال الفرع', 'asked_to_visit'],
  // elongation, tatweel, diacritics, ة/ه, no hamza
  ['مااااحد اتصل', 'no_contact'], ['المـــشكلـــة مســـتمرة', 'still_exists'], ['مَا أَحَدٌ اتَّصَلَ بِي', 'no_contact'],
  ['طلبوا مني الحضور شخصيآ', 'asked_to_visit'],
  // the residents' languages, in their scripts and as typed in Latin letters
  ['সমস্যা এখনো আছে', 'still_exists'], ['keu call dey nai', 'no_contact'], ['ऑफिस आने को कहा', 'asked_to_visit'],
  ['مسئلہ ابھی بھی ہے', 'still_exists'], ['daftar aane ko kaha', 'asked_to_visit'], ['walang tumawag sa akin', 'no_contact'],
  ['masalahnya masih ada', 'still_exists'], ['कसैले फोन गरेन', 'no_contact'], ['samasya ajhai cha', 'still_exists'],
  // the built-in wording of the reasons, and an agency's own, typed back
  ['لم يتواصل معي أحد', 'no_contact'], ['المشكلة ما زالت قائمة', 'still_exists'], ['طلب مني الحضور شخصيا', 'asked_to_visit'],
  ['No one contacted me', 'no_contact'], ['The problem still exists', 'still_exists'], ['I was asked to visit in person', 'asked_to_visit'],
  ['لم يتصل بي المراقب', 'no_contact'], ['Told to visit the municipality', 'asked_to_visit'],
  // other: the citizen's own reason, kept in their words
  ['the agent was rude', 'other'], ['they want me to pay a fee', 'other'], ['I called 3 times', 'other'],
  ['they told me to call another number', 'other'], ['الرسوم غاليه', 'other'],
  // two reasons at once: which mattered is the citizen's to say, so the words are kept as other
  ['المشكلة موجودة ومحد تواصل', 'other'], ['nobody called me and the problem is still there', 'other'],
];

describe('typed reasons', () => {
  it.each(named)('"%s" is read as %s, the words kept', (text, reason) => {
    expect(parseReply(text, 'reason')).toEqual(why(reason, text));
  });

  it('knows the same four reasons as the parser, in the order the question numbers them', () => {
    expect([...REASON_CLASSES]).toEqual([...REASONS]);
  });

  it('keeps the option numbers as they were', () => {
    expect(parseReply('٢', 'reason')).toEqual({ kind: 'reason', value: 'still_exists' });
    expect(parseReply('3 they told me to come to the office', 'reason')).toMatchObject({
      value: 'asked_to_visit',
    });
    expect(parseReply('4 the issue persists', 'reason')).toMatchObject({ value: 'other' });
  });

  it('is never asked whether the problem was solved: a reason there is not an answer', () => {
    expect(parseReply('the issue persists', 'solved')).toEqual({
      kind: 'unclear',
      text: 'the issue persists',
    });
    // A reason with no negation in it ("nobody called me" is a "not solved" of its own: reply-parser.ts).
    expect(parseReply('they told me to come to the office', 'solved')).toEqual({
      kind: 'unclear',
      text: 'they told me to come to the office',
    });
  });

  it('is total: any text gets one of the four reasons and a confidence between 0 and 1', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600, unit: 'binary' }), (raw) => {
        const read = readReason(normaliseReply(raw));
        expect(REASON_CLASSES).toContain(read.reason);
        expect(read.confidence).toBeGreaterThanOrEqual(0);
        expect(read.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('leaves a reply too short to be a reason ("ok") to the parser, unread by the model', () => {
    expect(readReason('ok')).toEqual({ reason: 'other', confidence: 0, by: 'too_short' });
  });
});
