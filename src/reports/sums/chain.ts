import type { PartialSums } from '../../scores/sums/partial-sums.js';

/**
 * The chain of counts published next to every score, as UK and US public-service dashboards publish
 * beside satisfaction: how many closures there were, how many of them were drawn in the sample,
 * asked, reached and answered, and why each stage lost the ones it lost.
 *
 * Each closure leaves the chain at most once, at the first stage it did not pass:
 *   closures − not sampled                                 = sampled
 *   sampled − too old − skipped (recent contact) − reopened − opted out − not yet asked = asked
 *   asked − undeliverable − delivery not confirmed          = delivered
 *   delivered − no answer                                   = answered
 * "Too old" holds closures reported to us after the agency's maximum age for asking: asking about
 * a months-old closure would measure memory, not the service. "Not yet asked" holds closures still
 * waiting for their send time (or cancelled without a recorded reason). "Asked" includes numbers
 * Twilio refused when sending, which are "undeliverable" like the messages that failed later;
 * "delivery not confirmed" holds messages that were sent but neither delivered nor refused.
 */
export interface ChainOfCounts {
  closures: number;
  sampled: number;
  asked: number;
  delivered: number;
  answered: number;
  drops: {
    notSampled: number;
    tooOld: number;
    skippedRecentContact: number;
    reopened: number;
    optedOut: number;
    notYetAsked: number;
    undeliverable: number;
    deliveryUnconfirmed: number;
    noAnswer: number;
  };
}

export function chainOf(s: PartialSums): ChainOfCounts {
  const sampled = s.closures - s.notSampled;
  const notYetAsked = Math.max(
    0,
    sampled - s.tooOld - s.skippedRecentContact - s.reopenedBeforeAsking - s.optedOutBeforeAsking - s.sent,
  );
  return {
    closures: s.closures,
    sampled,
    asked: s.sent,
    delivered: s.delivered,
    answered: s.answers,
    drops: {
      notSampled: s.notSampled,
      tooOld: s.tooOld,
      skippedRecentContact: s.skippedRecentContact,
      reopened: s.reopenedBeforeAsking,
      optedOut: s.optedOutBeforeAsking,
      notYetAsked,
      undeliverable: s.undeliverable,
      deliveryUnconfirmed: Math.max(0, s.sent - s.delivered - s.undeliverable),
      noAnswer: s.delivered - s.answers,
    },
  };
}

export const CHAIN_STAGES = ['closures', 'sampled', 'asked', 'delivered', 'answered'] as const;
export type ChainStage = (typeof CHAIN_STAGES)[number];

/** The drops that separate a stage from the one before it. */
export const DROPS_BEFORE: Record<ChainStage, readonly (keyof ChainOfCounts['drops'])[]> = {
  closures: [],
  sampled: ['notSampled'],
  asked: ['tooOld', 'skippedRecentContact', 'reopened', 'optedOut', 'notYetAsked'],
  delivered: ['undeliverable', 'deliveryUnconfirmed'],
  answered: ['noAnswer'],
};
