import type { AppContext } from '../context.js';
import type { Period } from './personal-fields.js';

/** One kind of personal data (`Model.period`) within a purge run. */
export interface KindProgress {
  key: string;
  /** Where this run's sweep of the kind began: the last completed run's end, or absent (from the oldest). */
  from?: Date;
  /** The date of the last record of the last batch written: a restart continues from here. */
  after?: Date;
  /** The date of the first record found, for the share of the way done. */
  firstAt?: Date;
  /** Records in the kind's range when the run began (an index count: an upper bound). */
  estimate: number;
  changed: number;
  batches: number;
  done: boolean;
  /** Where the next run starts: this run's cutoff, or the first recording Twilio would not delete. */
  sweptTo?: Date;
  /** The date of the first recording whose delete failed this run. */
  failedFrom?: Date;
}

/**
 * A purge run's record (`retention_runs`): where each kind has got to, written after every batch,
 * so a restarted worker continues the same run (same cutoffs) rather than starting over, and the
 * admin page shows the last run's progress. It holds dates and counts only, never a record's id
 * (a contact's id is the citizen's number).
 */
export interface RetentionRun {
  _id: string;
  /** `stopped`: interrupted (shutdown, crash, error); the next run continues it. */
  state: 'running' | 'stopped' | 'done';
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt?: Date;
  /** Swept from the oldest record rather than from the last run's end. */
  full: boolean;
  /** When the last sweep from the oldest record began (this run's start if it is one). */
  fullSweepAt?: Date;
  cutoffs: Record<Period, Date>;
  kinds: KindProgress[];
  batches: number;
  /** The size of the next batch, as paced by the last write's time (pace.ts). */
  batchSize?: number;
  recordingsDeleted: number;
  recordingDeletesFailed: number;
  inboundJobsRemoved?: number;
  recordingJobsRemoved?: number;
  error?: string;
}

export function retentionRuns(ctx: AppContext) {
  const db = ctx.db.conn.db;
  if (!db) throw new Error('retention runs: the database connection is not open');
  return db.collection<RetentionRun>('retention_runs');
}

/** The latest run, finished or not (the admin page's "last purge"). */
export async function lastRetentionRun(ctx: AppContext): Promise<RetentionRun | null> {
  return retentionRuns(ctx).findOne({}, { sort: { startedAt: -1 } });
}
