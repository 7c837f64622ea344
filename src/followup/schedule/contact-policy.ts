import { createHmac } from 'node:crypto';
import type { Config } from '../../config.js';

/**
 * Who is asked, by rules nobody on the phone can bend.
 *
 * Sampling: an agency may ask a share of its closures. Whether a closure is asked is decided at
 * closure time by a keyed hash of the closure itself (HMAC-SHA256 under SAMPLING_KEY of
 * "<ticketRef>:<closureNumber>", its first 48 bits as a fraction of 2^48), compared with the
 * agency's rate. The draw is stored with the follow-up, so an auditor holding the key reproduces
 * every decision; an agent, without the key, cannot tell or choose which closures will be asked.
 *
 * Fatigue: a number is asked at most once per CONTACT_MIN_DAYS across every agency, decided by one
 * conditional upsert of the number's contact record when the message is about to go (send-batches).
 */

const FRACTION_BITS = 48;

/** The closure's draw, uniform in [0, 1) for anyone without the key. */
export function sampleDraw(key: string, ticketRef: string, closureNumber: number): number {
  const digest = createHmac('sha256', key).update(`${ticketRef}:${closureNumber}`).digest();
  return digest.readUIntBE(0, FRACTION_BITS / 8) / 2 ** FRACTION_BITS;
}

export function sampleRateFor(config: Config, agency: string): number {
  const policy = config.followUp.policy;
  return policy.agencySampleRates.get(agency) ?? policy.sampleRate;
}

export interface SamplingDecision {
  draw: number;
  rate: number;
  sampled: boolean;
}

export function sampleClosure(
  config: Config,
  closure: { ticketRef: string; closureNumber: number; agency: string },
): SamplingDecision {
  const rate = sampleRateFor(config, closure.agency);
  const draw = sampleDraw(config.followUp.policy.samplingKey, closure.ticketRef, closure.closureNumber);
  return { draw, rate, sampled: draw < rate };
}
