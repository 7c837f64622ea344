/**
 * The order a follow-up tries its channels in, and what a failure on one of them means for the
 * others. Pure: the sender, the status callbacks and the channel-advance job ask it; nothing here
 * reads or writes.
 */

export const SEND_CHANNELS = ['sms', 'whatsapp', 'voice'] as const;
export type SendChannel = (typeof SEND_CHANNELS)[number];

export function isSendChannel(c: string): c is SendChannel {
  return (SEND_CHANNELS as readonly string[]).includes(c);
}

/** The agency's order if it names one (unknown names dropped), else the configured one. */
export function channelOrder(
  agency: readonly string[] | null | undefined,
  configured: SendChannel[],
): SendChannel[] {
  const own = [...new Set((agency ?? []).filter(isSendChannel))];
  return own.length > 0 ? own : [...configured];
}

/**
 * Errors that say something about the number rather than the attempt, and the channels that use the
 * number that way: an invalid number reaches no one, a landline takes a call but no SMS or WhatsApp,
 * a number without WhatsApp still takes SMS and calls (Twilio error dictionary).
 */
const NUMBER_ERRORS: Readonly<Record<number, readonly SendChannel[]>> = {
  21211: SEND_CHANNELS, // invalid 'To' number
  30005: SEND_CHANNELS, // unknown destination handset
  21614: ['sms', 'whatsapp'], // not a mobile number
  30006: ['sms', 'whatsapp'], // landline or unreachable carrier
  30004: ['sms'], // message blocked
  63003: ['whatsapp'], // the number has no WhatsApp account
  63024: ['whatsapp'], // invalid WhatsApp recipient
};

/** The channels a permanent failure on `channel` rules out: that one, and any the error names. */
export function ruledOutBy(channel: SendChannel, code: number | undefined): SendChannel[] {
  const named = code === undefined ? [] : (NUMBER_ERRORS[code] ?? []);
  return [...new Set<SendChannel>([channel, ...named])];
}

/** The next channel after position `after` not ruled out, or undefined when none is left. */
export function nextChannel(
  plan: readonly SendChannel[],
  after: number,
  unreachable: readonly string[] = [],
): { index: number; channel: SendChannel } | undefined {
  for (let i = after + 1; i < plan.length; i++) {
    const channel = plan[i] as SendChannel;
    if (!unreachable.includes(channel)) return { index: i, channel };
  }
  return undefined;
}

/**
 * How long after the first attempt the follow-up stays open: every channel but the last waits its
 * time, and the last one the usual answer period. An early move on (a failure) only shortens the
 * wait before the last channel; the follow-up still ends at this time at the latest.
 */
export function openHours(channels: number, waitHours: number, expireAfterHours: number): number {
  return Math.max(0, channels - 1) * waitHours + expireAfterHours;
}
