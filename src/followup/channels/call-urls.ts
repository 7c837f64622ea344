import type { FollowUpDoc } from '../../db/models/followup.js';

/**
 * Where Twilio reaches the verification call's handlers (voice-call.ts): what the sender places a
 * call with (deliver.ts). Apart from both, so placing a call does not depend on answering one.
 */
export function verificationCallUrls(
  base: string,
  f: Pick<FollowUpDoc, '_id' | 'ticketRef'>,
  lang: 'ar' | 'en',
) {
  const fu = f._id.toString();
  return {
    entry: `${base}/voice/verify?${new URLSearchParams({ fu, l: lang, t: f.ticketRef }).toString()}`,
    status: `${base}/voice/verify-status?${new URLSearchParams({ fu }).toString()}`,
    amd: `${base}/voice/amd?${new URLSearchParams({ fu }).toString()}`,
  };
}
