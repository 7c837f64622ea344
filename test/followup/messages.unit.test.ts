import { describe, expect, it } from 'vitest';
import { countSegments } from '../../src/twilio/segments.js';
import {
  RATING_LABELS,
  agencyNameFor,
  answerPageTexts,
  followUpTexts,
  renderFollowUpReply,
  smsLink,
  whatsAppTemplateTexts,
  withEnglish,
  type FollowUpReplyKey,
} from '../../src/i18n/followup.js';
import { CITIZEN_LANGUAGES, isRightToLeft } from '../../src/i18n/languages.js';

describe('countSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 1],
    ['a', 'GSM-7', 1, 1],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    // 306 septets would be two segments, but the escape pair after 152 cannot straddle: it opens segment 2.
    [`${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 306, 3],
    ['{}[]~^\\|', 'GSM-7', 16, 1],
    ['Ñoño £5 @home', 'GSM-7', 13, 1],
    ['ش'.repeat(70), 'UCS-2', 70, 1],
    ['ش'.repeat(71), 'UCS-2', 71, 2],
    ['ش'.repeat(134), 'UCS-2', 134, 2],
    ['ش'.repeat(135), 'UCS-2', 135, 3],
    ['a'.repeat(70), 'GSM-7', 70, 1],
    [`${'a'.repeat(69)}é`, 'GSM-7', 70, 1],
    [`${'a'.repeat(69)}ç`, 'UCS-2', 70, 1], // ç (lower case) is not in GSM-7; only Ç is
    // a surrogate pair is two units and is never split across segments
    [`${'a'.repeat(68)}👍`, 'UCS-2', 70, 1],
    [`${'a'.repeat(69)}👍`, 'UCS-2', 71, 2],
    [`${'ش'.repeat(66)}👍${'ش'.repeat(2)}`, 'UCS-2', 70, 1],
    [`${'ش'.repeat(66)}👍${'ش'.repeat(66)}`, 'UCS-2', 134, 3],
    ['👍🏽', 'UCS-2', 4, 1],
    ['“quotes”', 'UCS-2', 8, 1],
  ])('%# %j…', (text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });
});

describe('follow-up catalogue', () => {
  // A realistic long agency name (27 letters), a 12-character reference and a 45-character link.
  const agencyAr = 'أمانة منطقة المدينة المنورة';
  const agencyEn = 'Madinah Region Municipality';
  const ref = 'MED-2611-042';
  const link = smsLink(`https://rate.gov.sa/f/${'A'.repeat(32)}`);

  it('uses the realistic sizes the budget is written for', () => {
    expect([agencyAr.length, ref.length, link.length]).toEqual([27, 12, 46]);
  });

  it('fits the Arabic first message and reminder in two UCS-2 segments (≤ 134 units)', () => {
    for (const kind of ['initial', 'reminder'] as const) {
      const text = followUpTexts.ar[kind]({ agency: agencyAr, ref, link });
      expect(text).toContain(agencyAr);
      expect(text).toContain(ref);
      expect(text).toContain(link);
      expect(text).toContain('1 نعم');
      expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
      expect(text.length).toBeLessThanOrEqual(134);
    }
  });

  it('fits the English first message and reminder in two GSM-7 segments', () => {
    for (const kind of ['initial', 'reminder'] as const) {
      const text = followUpTexts.en[kind]({ agency: agencyEn, ref, link });
      expect(text).toContain(ref);
      expect(text).toContain(link);
      expect(countSegments(text)).toMatchObject({ encoding: 'GSM-7' });
      expect(countSegments(text).segments).toBeLessThanOrEqual(2);
    }
  });

  it('drops only the scheme from links', () => {
    expect(smsLink('https://rate.gov.sa/f/abc')).toBe('rate.gov.sa/f/abc');
    expect(smsLink('http://localhost:3000/f/abc')).toBe('http://localhost:3000/f/abc');
  });

  it('has every text in every citizen language', () => {
    for (const lang of CITIZEN_LANGUAGES) {
      expect(Object.keys(followUpTexts[lang]).sort()).toEqual(Object.keys(followUpTexts.ar).sort());
      expect(Object.keys(answerPageTexts[lang]).sort()).toEqual(Object.keys(answerPageTexts.ar).sort());
      expect(new Set(RATING_LABELS[lang]).size).toBe(5);
    }
  });

  // The directory names agencies in Arabic and English: right-to-left languages read the Arabic name.
  const names = { ar: agencyAr, en: agencyEn };
  it.each(CITIZEN_LANGUAGES)(
    'fits the %s first message and reminder in two segments, with ASCII digits to press',
    (lang) => {
      for (const kind of ['initial', 'reminder'] as const) {
        const agency = agencyNameFor(lang, names);
        const text = followUpTexts[lang][kind]({ agency, ref, link });
        expect(text).toContain(isRightToLeft(lang) ? agencyAr : agencyEn);
        expect(text).toContain(ref);
        expect(text.endsWith(link)).toBe(true);
        expect(text).toMatch(/(^|\s)1 .*(^|\s)2 /);
        expect(countSegments(text).segments).toBeLessThanOrEqual(2);
        // Latin-script languages stay in the cheaper GSM-7 alphabet.
        if (lang === 'en' || lang === 'fil' || lang === 'id')
          expect(countSegments(text).encoding).toBe('GSM-7');
      }
    },
  );

  it('never opens a right-to-left message with a Latin word when the agency is not named', () => {
    for (const lang of CITIZEN_LANGUAGES.filter(isRightToLeft)) {
      const text = followUpTexts[lang].initial({ agency: agencyNameFor(lang, undefined), ref, link });
      expect(text).toMatch(/^\p{Script=Arabic}/u);
    }
    expect(agencyNameFor('ur', { en: 'Ministry' })).toBe('سرکاری ادارہ');
  });

  it('asks in Arabic then English for a language we have no texts in, in at most three segments', () => {
    for (const kind of ['initial', 'reminder'] as const) {
      const text = withEnglish[kind]({ agency: agencyAr, ref, link });
      const [arabic, english] = text.split('\n');
      expect(arabic).toMatch(/^\p{Script=Arabic}/u);
      expect(arabic).toContain('1 نعم');
      expect(english).toMatch(/Reply 1 yes or 2 no/);
      expect(text.endsWith(link)).toBe(true);
      expect(countSegments(text).segments).toBeLessThanOrEqual(3);
    }
  });

  it("keeps each WhatsApp template's variables, and its buttons within WhatsApp's 20 characters", () => {
    for (const lang of CITIZEN_LANGUAGES) {
      const t = whatsAppTemplateTexts[lang];
      expect(t.followUp).toMatch(/^\{\{1\}\}.*\{\{2\}\}.*\{\{3\}\}$/);
      expect(t.resume).toMatch(/\{\{1\}\}.*\{\{2\}\}$/);
      expect([...t.solved].length).toBeLessThanOrEqual(20);
      expect([...t.notSolved].length).toBeLessThanOrEqual(20);
    }
  });

  const replyKeys: FollowUpReplyKey[] = [
    'askSolved',
    'askRating',
    'askReason',
    'thanksSolved',
    'thanksDisputed',
    'clarifySolved',
    'clarifyRating',
    'clarifyReason',
    'commentNoted',
    'alreadyAnswered',
    'closedOrExpired',
    'notYetAsked',
    'optedOut',
    'optedIn',
    'unknownNumber',
    'help',
  ];
  it.each(replyKeys)('renders %s in every language within two segments, Latin ones as GSM-7', (key) => {
    for (const lang of CITIZEN_LANGUAGES) {
      const text = renderFollowUpReply(lang, key, ref);
      expect(countSegments(text).segments, `${lang} ${key}`).toBeLessThanOrEqual(2);
      if (lang === 'en' || lang === 'fil' || lang === 'id')
        expect(countSegments(text).encoding).toBe('GSM-7');
      if (key === 'alreadyAnswered' || key === 'closedOrExpired' || key === 'notYetAsked')
        expect(text).toContain(ref);
    }
    const ar = renderFollowUpReply('ar', key, ref);
    const en = renderFollowUpReply('en', key, ref);
    expect(ar).toMatch(/\p{Script=Arabic}/u);
    expect(countSegments(ar).segments).toBeLessThanOrEqual(2);
    expect(countSegments(en)).toMatchObject({ encoding: 'GSM-7' });
    expect(countSegments(en).segments).toBeLessThanOrEqual(2);
    if (key === 'alreadyAnswered' || key === 'closedOrExpired' || key === 'notYetAsked') {
      expect(ar).toContain(ref);
      expect(en).toContain(ref);
    }
  });

  it('lists the four reasons in the order the parser numbers them', () => {
    expect(followUpTexts.ar.askReason()).toMatch(
      /1 لم يتواصل معي أحد، 2 المشكلة ما زالت قائمة، 3 طلب مني الحضور شخصيا، 4 سبب آخر/,
    );
    expect(followUpTexts.en.askReason()).toMatch(
      /1 no one contacted me, 2 the problem still exists, 3 I was asked to visit in person, 4 other/,
    );
  });

  it('thanks a solved and a not-solved answer differently', () => {
    expect(followUpTexts.ar.thanksSolved()).not.toBe(followUpTexts.ar.thanksDisputed());
    expect(followUpTexts.en.thanksSolved()).not.toBe(followUpTexts.en.thanksDisputed());
  });

  it('notes which ticket an answer applied to', () => {
    expect(followUpTexts.ar.appliedTo(ref)).toContain(ref);
    expect(followUpTexts.en.appliedTo(ref)).toContain(ref);
  });
});
