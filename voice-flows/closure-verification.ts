import { RETRY_NOTICES, VOICES } from './common.js';

/**
 * The outbound verification call: the follow-up's questions by keypad, in the citizen's language.
 * `{ticket}` in a prompt is replaced by the ticket reference, read out character by character.
 * Answers go to the follow-up's conversation (followup/channels/voice-call.ts), the same one SMS,
 * WhatsApp and the answer page feed, so one answer on any channel counts once.
 */
export default {
  id: 'closure-verification',
  firstStep: 'solved',
  voices: VOICES,
  messages: {
    ...RETRY_NOTICES,
    goodbye: {
      ar: { say: 'شكرا لوقتك. يمكنك الإجابة لاحقا من الرابط في رسالتنا. مع السلامة.' },
      en: { say: 'Thank you for your time. You can still answer from the link in our message. Goodbye.' },
    },
    error: {
      ar: { say: 'عذرا، حدث خطأ. سنتواصل معك لاحقا.' },
      en: { say: 'Sorry, something went wrong. We will contact you later.' },
    },
  },
  steps: {
    solved: {
      kind: 'menu',
      prompt: {
        ar: {
          say: 'مرحبا، نتصل بك بخصوص البلاغ رقم {ticket}. هل حلت المشكلة فعلا؟ نعم اضغط 1، لا اضغط 2. للإعادة اضغط نجمة.',
        },
        en: {
          say: 'Hello, we are calling about your ticket {ticket}. Was the problem actually solved? Press 1 for yes, 2 for no. Press star to repeat.',
        },
      },
      choices: { '1': true, '2': false },
      field: 'solved',
      timeoutSeconds: 7,
      retries: 2,
      next: { true: 'rating_solved', false: 'rating_disputed' },
    },
    rating_solved: {
      kind: 'menu',
      prompt: {
        ar: { say: 'شكرا. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.' },
        en: { say: 'Thank you. Rate the service from 1 to 5, where 5 is excellent.' },
      },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'rating',
      timeoutSeconds: 7,
      retries: 1,
      next: 'thanks_solved',
    },
    rating_disputed: {
      kind: 'menu',
      prompt: {
        ar: { say: 'نأسف لذلك. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.' },
        en: { say: 'We are sorry. Rate the service from 1 to 5, where 5 is excellent.' },
      },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'rating',
      timeoutSeconds: 7,
      retries: 1,
      next: 'reason',
    },
    reason: {
      kind: 'menu',
      prompt: {
        ar: {
          say: 'ما السبب؟ لم يتواصل معي أحد اضغط 1. المشكلة ما زالت قائمة اضغط 2. طلبوا مني مراجعة الفرع اضغط 3. سبب آخر اضغط 4.',
        },
        en: {
          say: 'What happened? No one contacted me, press 1. The problem is still there, press 2. I was asked to visit a branch, press 3. Something else, press 4.',
        },
      },
      choices: { '1': 'no_contact', '2': 'still_exists', '3': 'asked_to_visit', '4': 'other' },
      field: 'reason',
      timeoutSeconds: 8,
      retries: 1,
      next: 'thanks_disputed',
    },
    thanks_solved: {
      kind: 'end',
      prompt: {
        ar: { say: 'شكرا لتأكيدك. مع السلامة.' },
        en: { say: 'Thank you for confirming. Goodbye.' },
      },
    },
    thanks_disputed: {
      kind: 'end',
      prompt: {
        ar: { say: 'شكرا. سجلنا أن المشكلة لم تحل وأبلغنا الجهة. مع السلامة.' },
        en: {
          say: 'Thank you. We have recorded that the problem was not solved and told the agency. Goodbye.',
        },
      },
    },
  },
};
