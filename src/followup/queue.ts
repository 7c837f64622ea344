/** Queue names and job payloads of closure verification. Jobs carry ids only; workers re-read MongoDB. */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

export const FOLLOWUP_QUEUE = 'followup';
export const DISPUTE_QUEUE = 'dispute-webhook';
export const RECONCILE_QUEUE = 'followup-reconcile';

export type FollowUpJobKind = 'send' | 'reminder' | 'expire';

export interface FollowUpJob {
  followUpId: string;
  kind: FollowUpJobKind;
  /** The closure, so the worker takes its lock before its first read (absent in older jobs). */
  ticketRef?: string;
  closureNumber?: number;
}

export interface DisputeJob {
  followUpId: string;
}

/**
 * Deterministic ids make "schedule once per closure" a property of Redis rather than of our code: an
 * add with an existing id is ignored. BullMQ ids may not contain ':' or be all digits.
 */
export function followUpJobId(kind: FollowUpJobKind, ticketRef: string, closureNumber: number): string {
  return `fu-${kind}-${ticketRef.replace(/:/g, '_')}-${closureNumber}`;
}

export function disputeJobId(ticketRef: string, closureNumber: number): string {
  return `dispute-${ticketRef.replace(/:/g, '_')}-${closureNumber}`;
}

/**
 * The `_id` of a closure's follow-up, and of its verified score, derived from the closure key.
 *
 * Why: FerretDB v1 on SQLite answers only an `_id`-alone filter in SQL; a query on
 * `{ ticketRef, closureNumber }` decodes every follow-up (the Ticket model has the figures). With the
 * id derived from the key, finding a closure's follow-up is a lookup, and a second insert for one
 * closure fails on `_id` as the unique key index would make it fail on MongoDB.
 */
export function followUpIdFor(ticketRef: string, closureNumber: number): Types.ObjectId {
  return derivedObjectId('follow-up', ticketRef, closureNumber);
}

export function scoreIdFor(ticketRef: string, closureNumber: number): Types.ObjectId {
  return derivedObjectId('verified-score', ticketRef, closureNumber);
}

function derivedObjectId(kind: string, ticketRef: string, closureNumber: number): Types.ObjectId {
  const hex = createHash('sha256').update(`${kind}\n${ticketRef}\n${closureNumber}`).digest('hex');
  return new Types.ObjectId(hex.slice(0, 24));
}
