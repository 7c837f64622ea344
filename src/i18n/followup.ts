import type { Dictionaries, Language } from './languages.js';

/**
 * Every text a citizen reads in the verification conversation, in Arabic and English. SMS texts stay
 * short: Arabic is UCS-2 (70 characters a segment, 67 when concatenated) and the first message must
 * fit in two segments with the agency name, the ticket reference and the answer link.
 */
/** The four reasons' words, as an agency words them (followup/conversation/agency-reasons.ts). */
export interface ReasonWords {
  no_contact: string;
  still_exists: string;
  asked_to_visit: string;
  other: string;
}

export interface SmsParams {
  agency: string;
  ref: string;
  link: string;
}

/** Links in SMS drop `https://` (phones link `host/path` anyway): eight characters of a 134-character budget. */
export function smsLink(url: string): string {
  return url.replace(/^https:\/\//, '');
}

/**
 * What each rating means, shown by every rating question (the SMS question names the ends, the
 * answer page labels every button) and read back as that rating when a citizen replies with it
 * (followup/conversation/reply-parser.ts). One list, so a word never means one number in a
 * question and another in an answer.
 */
export const RATING_LABELS: Readonly<Record<Language, readonly [string, string, string, string, string]>> = {
  ar: ['سيئة جدا', 'سيئة', 'مقبولة', 'جيدة', 'ممتازة'],
  en: ['very poor', 'poor', 'fair', 'good', 'excellent'],
};

const ar = {
  initial: (p: SmsParams) => `${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا ${p.link}`,
  reminder: (p: SmsParams) => `تذكير ${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا ${p.link}`,
  askSolved: () => 'هل حلت مشكلتك؟ أرسل 1 نعم أو 2 لا.',
  askRating: () => `شكرا. قيم الخدمة من 1 (${RATING_LABELS.ar[0]}) إلى 5 (${RATING_LABELS.ar[4]}).`,
  askReason: () =>
    'نأسف لذلك. ما السبب؟ 1 لم يتواصل معي أحد، 2 المشكلة ما زالت قائمة، 3 طلب مني الحضور شخصيا، 4 سبب آخر (اكتبه)',
  /** The reason question in an agency's own wording of the four reasons, in their fixed order. */
  askReasonIn: (l: ReasonWords) =>
    `نأسف لذلك. ما السبب؟ 1 ${l.no_contact}، 2 ${l.still_exists}، 3 ${l.asked_to_visit}، 4 ${l.other} (اكتبه)`,
  thanksSolved: () => 'شكرا لك، تم تسجيل تقييمك.',
  thanksDisputed: () => 'شكرا لك، تم تسجيل إجابتك وإبلاغ الجهة بأن المشكلة لم تحل.',
  clarifySolved: () => 'عذرا، لم نفهم الرد. أرسل 1 إذا حلت المشكلة أو 2 إذا لم تحل.',
  clarifyRating: () => 'عذرا، أرسل رقما من 1 إلى 5.',
  clarifyReason: () => 'عذرا، أرسل رقما من 1 إلى 4 أو اكتب السبب.',
  commentNoted: () => 'شكرا، سجلنا ملاحظتك. للإجابة أرسل الرقم فقط.',
  alreadyAnswered: (ref: string) => `شكرا، إجابتك عن الطلب ${ref} مسجلة من قبل.`,
  closedOrExpired: (ref: string) => `شكرا لتواصلك. انتهت مدة الاستبيان الخاص بالطلب ${ref}.`,
  /** To a number whose follow-up is scheduled but not yet sent: it has not been asked anything yet. */
  notYetAsked: (ref: string) => `شكرا لتواصلك. سنرسل لك قريبا سؤالا عن الطلب ${ref}.`,
  appliedTo: (ref: string) => `(بخصوص الطلب ${ref})`,
  optedOut: () => 'تم إيقاف رسائل التقييم. لإعادتها أرسل اشتراك أو START.',
  optedIn: () => 'تمت إعادة تفعيل رسائل التقييم. لإيقافها أرسل إيقاف أو STOP.',
  unknownNumber: () => 'شكرا لتواصلك. لا يوجد استبيان مفتوح لهذا الرقم.',
  help: () => 'استبيان رضا عن خدمة الجهة الحكومية. أجب بالأرقام المطلوبة. لإيقاف الرسائل أرسل إيقاف أو STOP.',
};

const en: typeof ar = {
  initial: (p) =>
    `${p.agency}: was the problem in your request ${p.ref} solved? Reply 1 yes or 2 no, or answer here ${p.link}`,
  reminder: (p) => `Reminder from ${p.agency}: was request ${p.ref} solved? Reply 1 yes or 2 no ${p.link}`,
  askSolved: () => 'Was your problem solved? Reply 1 yes or 2 no.',
  askRating: () =>
    `Thank you. Rate the service from 1 (${RATING_LABELS.en[0]}) to 5 (${RATING_LABELS.en[4]}).`,
  askReason: () =>
    'We are sorry. Why? 1 no one contacted me, 2 the problem still exists, 3 I was asked to visit in person, 4 other (tell us)',
  askReasonIn: (l: ReasonWords) =>
    `We are sorry. Why? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (tell us)`,
  thanksSolved: () => 'Thank you, your rating has been recorded.',
  thanksDisputed: () =>
    'Thank you. Your answer is recorded and the agency has been told the problem was not solved.',
  clarifySolved: () => 'Sorry, we did not understand. Reply 1 if the problem was solved or 2 if not.',
  clarifyRating: () => 'Sorry, please reply with a number from 1 to 5.',
  clarifyReason: () => 'Sorry, please reply with a number from 1 to 4 or tell us the reason.',
  commentNoted: () => 'Thank you, we noted your comment. To answer, reply with the number only.',
  alreadyAnswered: (ref) => `Thank you, your answer about request ${ref} is already recorded.`,
  closedOrExpired: (ref) => `Thank you for your message. The survey for request ${ref} has ended.`,
  notYetAsked: (ref) => `Thank you for your message. We will ask you about request ${ref} soon.`,
  appliedTo: (ref) => `(about request ${ref})`,
  optedOut: () => 'Rating messages are stopped. To receive them again reply START.',
  optedIn: () => 'Rating messages are on again. Reply STOP to stop them.',
  unknownNumber: () => 'Thank you for your message. There is no open survey for this number.',
  help: () =>
    'Satisfaction survey for a government service. Reply with the numbers asked. Reply STOP to stop messages.',
};

export type FollowUpTexts = typeof ar;
export const followUpTexts: Dictionaries<FollowUpTexts> = { ar, en };

/** Catalogue texts that answer a citizen inside a conversation (everything but the outbound messages). */
export type FollowUpReplyKey = Exclude<
  keyof FollowUpTexts,
  'initial' | 'reminder' | 'appliedTo' | 'askReasonIn'
>;

/** Renders a reply named by the conversation; `ref` fills the texts that name the ticket. */
export function renderFollowUpReply(lang: Language, key: FollowUpReplyKey, ref: string): string {
  const texts = followUpTexts[lang];
  switch (key) {
    case 'alreadyAnswered':
    case 'closedOrExpired':
    case 'notYetAsked':
      return texts[key](ref);
    default:
      return texts[key]();
  }
}

/** Page texts for the one-tap answer page. */
export const answerPageTexts = {
  ar: {
    title: 'تقييم الخدمة',
    solvedQuestion: (ref: string) => `هل حلت مشكلة طلبك ${ref}؟`,
    yes: 'نعم، حلت',
    no: 'لا، لم تحل',
    ratingQuestion: 'كيف تقيم الخدمة؟',
    ratingLabels: RATING_LABELS.ar.map((label, i) => `${i + 1} ${label}`),
    reasonQuestion: 'ما السبب؟',
    reasons: {
      no_contact: 'لم يتواصل معي أحد',
      still_exists: 'المشكلة ما زالت قائمة',
      asked_to_visit: 'طلب مني الحضور شخصيا',
      other: 'سبب آخر',
    },
    otherPlaceholder: 'اكتب السبب (اختياري)',
    send: 'إرسال',
    thanks: 'شكرا لك، تم تسجيل إجابتك.',
    recorded: 'إجابتك المسجلة',
    solvedLabel: 'حلت المشكلة',
    notSolvedLabel: 'لم تحل المشكلة',
    ratingLabel: 'التقييم',
    reasonLabel: 'السبب',
    expired: 'انتهت صلاحية هذا الرابط.',
    invalid: 'هذا الرابط غير صحيح.',
    tooMany: 'محاولات كثيرة من هذا الجهاز. حاول مرة أخرى بعد قليل.',
    closed: 'انتهت مدة هذا الاستبيان.',
  },
  en: {
    title: 'Rate the service',
    solvedQuestion: (ref: string) => `Was the problem in your request ${ref} solved?`,
    yes: 'Yes, solved',
    no: 'No, not solved',
    ratingQuestion: 'How do you rate the service?',
    ratingLabels: RATING_LABELS.en.map((label, i) => `${i + 1} ${label}`),
    reasonQuestion: 'Why not?',
    reasons: {
      no_contact: 'No one contacted me',
      still_exists: 'The problem still exists',
      asked_to_visit: 'I was asked to visit in person',
      other: 'Other',
    },
    otherPlaceholder: 'Tell us why (optional)',
    send: 'Send',
    thanks: 'Thank you, your answer is recorded.',
    recorded: 'Your recorded answer',
    solvedLabel: 'Problem solved',
    notSolvedLabel: 'Problem not solved',
    ratingLabel: 'Rating',
    reasonLabel: 'Reason',
    expired: 'This link has expired.',
    invalid: 'This link is not valid.',
    tooMany: 'Too many attempts from this device. Please try again in a few minutes.',
    closed: 'This survey has ended.',
  },
} as const;
