/** Queue names and job payloads of closure verification. Jobs carry ids only; workers re-read MongoDB. */

export const FOLLOWUP_QUEUE = 'followup';
export const DISPUTE_QUEUE = 'dispute-webhook';
export const RECONCILE_QUEUE = 'followup-reconcile';
export const ANSWER_QUEUE = 'answer-webhook';

export type FollowUpJobKind = 'send' | 'reminder' | 'expire' | 'next';

export interface FollowUpJob {
  followUpId: string;
  kind: FollowUpJobKind;
  /** The closure, for operators reading the queue (absent in older jobs). */
  ticketRef?: string;
  closureNumber?: number;
  /** The agency, whose send window a job waits for before it claims anything (absent in older jobs). */
  agency?: string;
  /** A `next` job: the position in the follow-up's channel order it moves to. */
  index?: number;
}

export interface DisputeJob {
  followUpId: string;
}

/** The same shape: the worker re-reads the follow-up when it sends. */
export type AnswerJob = DisputeJob;

/**
 * Deterministic ids make "schedule once per closure" a property of Redis rather than of our code: an
 * add with an existing id is ignored. BullMQ ids may not contain ':' or be all digits.
 */
export function followUpJobId(
  kind: FollowUpJobKind,
  ticketRef: string,
  closureNumber: number,
  index?: number,
): string {
  const k = kind === 'next' ? `next${index ?? 1}` : kind;
  return `fu-${k}-${ticketRef.replace(/:/g, '_')}-${closureNumber}`;
}

/** At most this many channels in an order (sms, whatsapp, voice). */
export const MAX_CHANNELS = 3;

export function answerJobId(ticketRef: string, closureNumber: number): string {
  return `answer-${ticketRef.replace(/:/g, '_')}-${closureNumber}`;
}

export function disputeJobId(ticketRef: string, closureNumber: number): string {
  return `dispute-${ticketRef.replace(/:/g, '_')}-${closureNumber}`;
}
