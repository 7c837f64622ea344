import twilio from 'twilio';

/**
 * Twilio's status callbacks arrive out of order. Each status has a rank and a stored status only
 * moves to a higher rank, so a late `sent` never overwrites `delivered`.
 */
const RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  canceled: 4,
  failed: 4,
  undelivered: 4,
  delivered: 5,
  read: 6,
};

export function statusRank(status: string): number {
  return RANK[status] ?? -1;
}

/**
 * The same for a verification call's record (its CallStatus): a call ends once, in one of the final
 * statuses, so they share the top rank and the first final one stays.
 */
const CALL_RANK: Record<string, number> = {
  queued: 1,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  failed: 4,
  canceled: 4,
};

export function callStatusRank(status: string): number {
  return CALL_RANK[status] ?? -1;
}

export function isFinalFailure(status: string): boolean {
  return status === 'failed' || status === 'undelivered' || status === 'canceled';
}

/** Codes after which sending again to that number is pointless (REFERENCE.md, "Sending errors"). */
export const PERMANENT_ERROR_CODES = new Set([
  21211, 21614, 21635, 21610, 30004, 30005, 30006, 21617, 63016,
  // WhatsApp: the number has no WhatsApp account, or is not a valid WhatsApp recipient.
  63003, 63024,
]);
/** Our configuration is wrong: alert and stop, retrying cannot help. */
export const CONFIGURATION_ERROR_CODES = new Set([21408, 21606, 21612, 20003, 30007, 21603, 21604, 21620]);

export type SendErrorClass = 'permanent' | 'configuration' | 'retry';

/** What an SDK call's failure says: Twilio's HTTP status and error code (none for a network error), sorted. */
export function twilioFailure(err: unknown): { status?: number; code?: number; cls: SendErrorClass } {
  const known = err instanceof twilio.RestException ? { status: err.status, code: err.code } : {};
  const fields = {
    ...(known.status !== undefined ? { status: known.status } : {}),
    ...(known.code !== undefined ? { code: known.code } : {}),
  };
  return { ...fields, cls: classifySendError(fields) };
}

export function classifySendError(err: { status?: number; code?: number }): SendErrorClass {
  if (err.code !== undefined && PERMANENT_ERROR_CODES.has(err.code)) return 'permanent';
  if (err.code !== undefined && CONFIGURATION_ERROR_CODES.has(err.code)) return 'configuration';
  if (err.status === 429 || err.code === 20429) return 'retry';
  if (err.status !== undefined && err.status >= 500) return 'retry';
  if (err.status !== undefined && err.status >= 400) return 'configuration';
  return 'retry'; // network errors have no status
}
