/** The notices every voice flow says before a question is asked again (texts: src/i18n/voice.ts). */
export const RETRY_NOTICES = {
  invalid: { text: 'invalidChoice' },
  noInput: { text: 'noInput' },
};
