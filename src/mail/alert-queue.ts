/**
 * The queue of alert mails (issue 28): its name and job payloads live here, in the shared layer, so
 * the follow-up stage that sees a dispute can queue its alert without knowing the readers layer that
 * composes it (src/reports/mail/alerts/). Jobs carry ids only; the worker re-reads MongoDB.
 */
export const ALERTS_QUEUE = 'mail-alerts';

/** A closure was disputed: its supervisors are to hear of it. */
export interface DisputeAlertJob {
  followUpId: string;
}

/** A supervisor's gathering window ends: the disputes gathered in it go out as one mail. */
export interface DisputeWindowJob {
  userId: string;
  windowId: number;
}

/** The daily drift check; `now` (ms) only when a caller replays a given day. */
export interface DriftCheckJob {
  now?: number;
}

export const ALERT_JOB = {
  dispute: 'dispute',
  windowEnd: 'dispute-window-end',
  driftCheck: 'drift-check',
} as const;

/** BullMQ ids may not contain ':' or be all digits. */
const safe = (s: string) => s.replace(/[:#]/g, '_');

/** One alert job per disputed closure: a replayed effect adds nothing. */
export function disputeAlertJobId(ticketRef: string, closureNumber: number): string {
  return `dispute-alert-${safe(ticketRef)}-${closureNumber}`;
}

/** One end per window: every worker that gathers into it adds the same job. */
export function disputeWindowJobId(userId: string, windowId: number): string {
  return `dispute-window-${safe(userId)}-${windowId}`;
}
