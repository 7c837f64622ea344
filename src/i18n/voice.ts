import type { Dictionaries, Language } from './languages.js';

/**
 * Everything a caller hears, per language: the voice flows' prompts (voice-flows/ names them by
 * key), the inbound call's language menu and transfer, and the verification call's short answers.
 * `{ticket}` in a text is replaced by the ticket reference, read out character by character.
 */

/** The text-to-speech voice of each language. */
export const VOICES: Dictionaries<{ voice: string; language: string }> = {
  ar: { voice: 'Polly.Zeina', language: 'arb' },
  en: { voice: 'Polly.Joanna', language: 'en-US' },
};

const ar = {
  // Before a question is asked again, in every flow.
  invalidChoice: 'اختيار غير صحيح.',
  noInput: 'لم نسمع اختيارك.',

  // The inbound call (voice/routes.ts).
  languageMenu: 'للعربية اضغط 1.',
  connecting: 'شكرا لانتظارك، سيتم تحويلك إلى الموظف. بعد المكالمة ابق على الخط لتقييم الخدمة.',
  notConnected: 'نعتذر، لم نتمكن من تحويلك إلى موظف. يرجى المحاولة لاحقا.',

  // The after-call rating (voice-flows/post-call-rating.ts).
  callerGoodbye: 'شكرا لاتصالك. مع السلامة.',
  callerError: 'عذرا، حدث خطأ. شكرا لاتصالك.',
  rateAgent: 'قيم الموظف من 1 إلى 5، حيث 5 ممتاز. للإعادة اضغط نجمة.',
  solvedOnCall: 'هل حلت مشكلتك في هذه المكالمة؟ نعم اضغط 1، لا اضغط 2.',
  commentOffer: 'لترك ملاحظة صوتية مسجلة اضغط 1، وللإنهاء اضغط 2.',
  commentRecord: 'سيتم تسجيل ملاحظتك. تحدث بعد الصافرة لمدة 30 ثانية، ثم اضغط مربع.',
  thanksRating: 'شكرا لتقييمك. مع السلامة.',

  // The outbound verification call (voice-flows/closure-verification.ts, followup/channels/voice-call.ts).
  verifyGoodbye: 'شكرا لوقتك. يمكنك الإجابة لاحقا من الرابط في رسالتنا. مع السلامة.',
  verifyError: 'عذرا، حدث خطأ. سنتواصل معك لاحقا.',
  verifySolved:
    'مرحبا، نتصل بك بخصوص البلاغ رقم {ticket}. هل حلت المشكلة فعلا؟ نعم اضغط 1، لا اضغط 2. للإعادة اضغط نجمة.',
  verifyRatingSolved: 'شكرا. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.',
  verifyRatingDisputed: 'نأسف لذلك. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.',
  verifyReason:
    'ما السبب؟ لم يتواصل معي أحد اضغط 1. المشكلة ما زالت قائمة اضغط 2. طلبوا مني مراجعة الفرع اضغط 3. سبب آخر اضغط 4.',
  verifyThanksSolved: 'شكرا لتأكيدك. مع السلامة.',
  verifyThanksDisputed: 'شكرا. سجلنا أن المشكلة لم تحل وأبلغنا الجهة. مع السلامة.',
  /** To an answering machine: no survey, a message follows. */
  verifyMachine: 'مرحبا، نتصل بك بخصوص بلاغك لدى الجهة الحكومية. سنرسل لك رسالة للإجابة. شكرا.',
  /** The citizen answered on another channel before the call was picked up. */
  verifyAlreadyAnswered: 'شكرا لك، لقد وصلتنا إجابتك عن هذا البلاغ. مع السلامة.',
};

export type VoiceTexts = typeof ar;
export type VoiceTextKey = keyof VoiceTexts;

const en: VoiceTexts = {
  invalidChoice: 'That was not a valid choice.',
  noInput: 'We did not hear a choice.',

  languageMenu: 'For English, press 2.',
  connecting: 'Please hold while we connect you. After the call, stay on the line to rate the service.',
  notConnected: 'Sorry, we could not connect you to an agent. Please try again later.',

  callerGoodbye: 'Thank you for calling. Goodbye.',
  callerError: 'Sorry, something went wrong. Thank you for calling.',
  rateAgent: 'Rate the agent from 1 to 5, where 5 is excellent. Press star to repeat.',
  solvedOnCall: 'Was your problem solved on this call? Press 1 for yes, 2 for no.',
  commentOffer: 'To leave a recorded comment press 1, to finish press 2.',
  commentRecord: 'Your comment will be recorded. Speak after the tone for up to 30 seconds, then press hash.',
  thanksRating: 'Thank you for your rating. Goodbye.',

  verifyGoodbye: 'Thank you for your time. You can still answer from the link in our message. Goodbye.',
  verifyError: 'Sorry, something went wrong. We will contact you later.',
  verifySolved:
    'Hello, we are calling about your ticket {ticket}. Was the problem actually solved? Press 1 for yes, 2 for no. Press star to repeat.',
  verifyRatingSolved: 'Thank you. Rate the service from 1 to 5, where 5 is excellent.',
  verifyRatingDisputed: 'We are sorry. Rate the service from 1 to 5, where 5 is excellent.',
  verifyReason:
    'What happened? No one contacted me, press 1. The problem is still there, press 2. I was asked to visit a branch, press 3. Something else, press 4.',
  verifyThanksSolved: 'Thank you for confirming. Goodbye.',
  verifyThanksDisputed:
    'Thank you. We have recorded that the problem was not solved and told the agency. Goodbye.',
  verifyMachine:
    'Hello, we are calling about your ticket with a government agency. We will send you a message to answer. Thank you.',
  verifyAlreadyAnswered: 'Thank you, we already have your answer about this ticket. Goodbye.',
};

export const voiceTexts: Dictionaries<VoiceTexts> = { ar, en };

export function isVoiceTextKey(key: string): key is VoiceTextKey {
  return Object.hasOwn(ar, key);
}

export function voiceText(lang: Language, key: VoiceTextKey): string {
  return voiceTexts[lang][key];
}
