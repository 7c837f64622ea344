/** What every voice flow says the same way: its voices, and the notices before a question is asked again. */
export const VOICES = {
  ar: { voice: 'Polly.Zeina', language: 'arb' },
  en: { voice: 'Polly.Joanna', language: 'en-US' },
};

export const RETRY_NOTICES = {
  invalid: { ar: { say: 'اختيار غير صحيح.' }, en: { say: 'That was not a valid choice.' } },
  noInput: { ar: { say: 'لم نسمع اختيارك.' }, en: { say: 'We did not hear a choice.' } },
};
