import type { FollowUpDoc } from '../../db/models/followup.js';
import { citizenLanguageOf, type CitizenLanguage } from '../../i18n/languages.js';

/** The follow-up's language for the call; a code the call does not speak falls back to Arabic. */
export function callLanguageOf(language: string | undefined): CitizenLanguage {
  return citizenLanguageOf(language ?? '') ?? 'ar';
}

/**
 * Where Twilio reaches the verification call's handlers (voice-call.ts): what the sender places a
 * call with (deliver.ts). Apart from both, so placing a call does not depend on answering one.
 */
export function verificationCallUrls(
  base: string,
  f: Pick<FollowUpDoc, '_id' | 'ticketRef'>,
  lang: CitizenLanguage,
) {
  const fu = f._id.toString();
  return {
    entry: `${base}/voice/verify?${new URLSearchParams({ fu, l: lang, t: f.ticketRef }).toString()}`,
    status: `${base}/voice/verify-status?${new URLSearchParams({ fu }).toString()}`,
    amd: `${base}/voice/amd?${new URLSearchParams({ fu }).toString()}`,
  };
}
