import { RETRY_NOTICES } from './common.js';

/**
 * The after-call rating menu. Edit the keys, timeouts and order here, the words in src/i18n/voice.ts
 * (each prompt names its text); the loader checks the flow at start-up. A step's prompt can be
 * `{ ar: { play: 'https://…/file.mp3' }, en: { play: … } }` instead of `{ text }` for agencies that
 * use recorded voices.
 */
export default {
  id: 'post-call-rating',
  firstStep: 'agent_rating',
  messages: {
    ...RETRY_NOTICES,
    goodbye: { text: 'callerGoodbye' },
    error: { text: 'callerError' },
  },
  steps: {
    agent_rating: {
      kind: 'menu',
      prompt: { text: 'rateAgent' },
      choices: { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 },
      field: 'agentRating',
      timeoutSeconds: 6,
      retries: 1,
      next: 'solved',
    },
    solved: {
      kind: 'menu',
      prompt: { text: 'solvedOnCall' },
      choices: { '1': true, '2': false },
      field: 'solvedOnCall',
      timeoutSeconds: 6,
      retries: 1,
      next: 'comment_offer',
    },
    comment_offer: {
      kind: 'menu',
      prompt: { text: 'commentOffer' },
      choices: { '1': 'comment', '2': 'finish' },
      timeoutSeconds: 5,
      retries: 0,
      next: { comment: 'comment', finish: 'thanks' },
    },
    comment: {
      kind: 'record',
      prompt: { text: 'commentRecord' },
      maxLengthSeconds: 30,
      next: 'thanks',
    },
    thanks: {
      kind: 'end',
      prompt: { text: 'thanksRating' },
    },
  },
};
