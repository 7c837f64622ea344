import { RETRY_NOTICES, VOICES } from './common.js';

/**
 * The after-call rating menu. Edit the texts, keys, timeouts and order here; the loader checks the
 * flow at start-up. A step's prompt can be `{ play: 'https://…/file.mp3' }` instead of `{ say }` for
 * agencies that use recorded voices.
 */
export default {
  id: 'post-call-rating',
  firstStep: 'agent_rating',
  voices: VOICES,
  messages: {
    ...RETRY_NOTICES,
    goodbye: { ar: { say: 'شكرا لاتصالك. مع السلامة.' }, en: { say: 'Thank you for calling. Goodbye.' } },
    error: {
      ar: { say: 'عذرا، حدث خطأ. شكرا لاتصالك.' },
      en: { say: 'Sorry, something went wrong. Thank you for calling.' },
    },
  },
  steps: {
    agent_rating: {
      kind: 'menu',
      prompt: {
        ar: { say: 'قيم الموظف من 1 إلى 5، حيث 5 ممتاز. للإعادة اضغط نجمة.' },
        en: { say: 'Rate the agent from 1 to 5, where 5 is excellent. Press star to repeat.' },
      },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'agentRating',
      timeoutSeconds: 6,
      retries: 1,
      next: 'solved',
    },
    solved: {
      kind: 'menu',
      prompt: {
        ar: { say: 'هل حلت مشكلتك في هذه المكالمة؟ نعم اضغط 1، لا اضغط 2.' },
        en: { say: 'Was your problem solved on this call? Press 1 for yes, 2 for no.' },
      },
      choices: { '1': true, '2': false },
      field: 'solvedOnCall',
      timeoutSeconds: 6,
      retries: 1,
      next: 'comment_offer',
    },
    comment_offer: {
      kind: 'menu',
      prompt: {
        ar: { say: 'لترك ملاحظة صوتية مسجلة اضغط 1، وللإنهاء اضغط 2.' },
        en: { say: 'To leave a recorded comment press 1, to finish press 2.' },
      },
      choices: { '1': 'comment', '2': 'finish' },
      timeoutSeconds: 5,
      retries: 0,
      next: { comment: 'comment', finish: 'thanks' },
    },
    comment: {
      kind: 'record',
      prompt: {
        ar: { say: 'سيتم تسجيل ملاحظتك. تحدث بعد الصافرة لمدة 30 ثانية، ثم اضغط مربع.' },
        en: {
          say: 'Your comment will be recorded. Speak after the tone for up to 30 seconds, then press hash.',
        },
      },
      maxLengthSeconds: 30,
      next: 'thanks',
    },
    thanks: {
      kind: 'end',
      prompt: {
        ar: { say: 'شكرا لتقييمك. مع السلامة.' },
        en: { say: 'Thank you for your rating. Goodbye.' },
      },
    },
  },
};
