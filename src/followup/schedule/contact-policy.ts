import { createHmac } from 'node:crypto';
import { ConfigError, type Config } from '../../config/index.js';
import type { Models } from '../../db/models/index.js';
import type { Logger } from '../../log.js';

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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * AGENCY_SAMPLE_RATES against the agencies this system knows: the directory's, and those ticket
 * events have named without being in it (unknown_codes). Codes compare exactly, as the events API
 * compares them, so a code that matches a known agency only when case is ignored ("smpl" for
 * "SMPL") can never apply to it: start-up is refused, naming the agency meant. A code that matches
 * nothing yet is only warned about: agencies are created at run time (the administration API, a
 * directory import, or a first ticket event), so a rate may rightly be set before its agency's
 * first closure, and refusing it would make the order of a deployment's steps matter.
 */
export async function checkAgencySampleRates(deps: {
  config: Config;
  models: Pick<Models, 'Agency' | 'UnknownCode'>;
  log: Logger;
}): Promise<void> {
  const problems: string[] = [];
  for (const code of deps.config.followUp.policy.agencySampleRates.keys()) {
    const exact =
      (await deps.models.Agency.exists({ code })) ??
      (await deps.models.UnknownCode.exists({ kind: 'agency', agency: code }));
    if (exact) continue;
    const anyCase = new RegExp(`^${escapeRegExp(code)}$`, 'i');
    const known = [
      ...(await deps.models.Agency.find({ code: anyCase }).select({ code: 1 }).limit(5).lean()).map(
        (a) => a.code,
      ),
      ...(
        await deps.models.UnknownCode.find({ kind: 'agency', agency: anyCase })
          .select({ agency: 1 })
          .limit(5)
          .lean()
      ).map((u) => u.agency),
    ];
    if (known.length > 0) {
      problems.push(
        `AGENCY_SAMPLE_RATES: no agency "${code}"; agency codes are compared exactly, as ticket events spell them: did you mean ${[...new Set(known)].map((k) => `"${k}"`).join(' or ')}?`,
      );
      continue;
    }
    deps.log.warn(
      { setting: 'AGENCY_SAMPLE_RATES', agency: code },
      `AGENCY_SAMPLE_RATES names agency "${code}", which neither the directory nor any ticket event knows yet; its rate applies only to events whose agency is exactly "${code}"`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
