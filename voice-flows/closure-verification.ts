import { RETRY_NOTICES } from './common.js';

/**
 * The outbound verification call: the follow-up's questions by keypad, in the citizen's language
 * (the words in src/i18n/voice.ts). `{ticket}` in a text is replaced by the ticket reference, read
 * out character by character. Answers go to the follow-up's conversation
 * (followup/channels/voice-call.ts), the same one SMS, WhatsApp and the answer page feed, so one
 * answer on any channel counts once.
 */
export default {
  id: 'closure-verification',
  firstStep: 'solved',
  messages: {
    ...RETRY_NOTICES,
    goodbye: { text: 'verifyGoodbye' },
    error: { text: 'verifyError' },
  },
  steps: {
    solved: {
      kind: 'menu',
      prompt: { text: 'verifySolved' },
      choices: { '1': true, '2': false },
      field: 'solved',
      timeoutSeconds: 7,
      retries: 2,
      next: { true: 'rating_solved', false: 'rating_disputed' },
    },
    rating_solved: {
      kind: 'menu',
      prompt: { text: 'verifyRatingSolved' },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'rating',
      timeoutSeconds: 7,
      retries: 1,
      next: 'thanks_solved',
    },
    rating_disputed: {
      kind: 'menu',
      prompt: { text: 'verifyRatingDisputed' },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'rating',
      timeoutSeconds: 7,
      retries: 1,
      next: 'reason',
    },
    reason: {
      kind: 'menu',
      prompt: { text: 'verifyReason' },
      choices: { '1': 'no_contact', '2': 'still_exists', '3': 'asked_to_visit', '4': 'other' },
      field: 'reason',
      timeoutSeconds: 8,
      retries: 1,
      next: 'thanks_disputed',
    },
    thanks_solved: {
      kind: 'end',
      prompt: { text: 'verifyThanksSolved' },
    },
    thanks_disputed: {
      kind: 'end',
      prompt: { text: 'verifyThanksDisputed' },
    },
  },
};
