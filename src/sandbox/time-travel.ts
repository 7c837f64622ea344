import type { Job } from 'bullmq';
import type { Config } from '../config.js';
import type { Models } from '../db/models/index.js';
import { FOLLOWUP_QUEUE, followUpJobId, MAX_CHANNELS, type FollowUpJobKind } from '../followup/queue.js';
import { isInsideWindow, nextSendTime } from '../followup/schedule/send-window.js';
import { sendWindowFromConfig } from '../followup/schedule/window-config.js';
import type { QueueRegistry } from '../queue/registry.js';

/**
 * Time travel for the sandbox: a ticket's delayed follow-up work (the send, the reminder, the
 * expiry) made due now with BullMQ's own `job.promote()`. It changes no delay, no option and no
 * code path of how work is scheduled: the job runs exactly as it would have at its time. Live mode
 * refuses it, so a real citizen is never asked early.
 */

export class TimeTravelRefusedError extends Error {
  constructor() {
    super(
      'Time travel is for the sandbox only: this system runs with live Twilio credentials (or in production), where due work runs at its time.',
    );
    this.name = 'TimeTravelRefusedError';
  }
}

export function assertTimeTravelAllowed(config: Config): void {
  if (config.twilio.mode !== 'sandbox' || config.env === 'production') throw new TimeTravelRefusedError();
}

export interface TimeTravelDeps {
  config: Config;
  models: Models;
  queues: QueueRegistry;
}

export interface DueJob {
  kind: FollowUpJobKind;
  closureNumber: number;
  state: string;
  /** When it would run by itself (ISO), for a delayed job. */
  runsAt: string | null;
}

export interface DueWorkReport {
  ticketRef: string;
  jobs: DueJob[];
  promoted: DueJob[];
  /** Set when a promoted send or reminder will wait for the send window all the same. */
  windowOpensAt: string | null;
}

/** Every job a closure can have: the send, the moves to the next channels, the reminder, the expiry. */
const JOB_IDS: readonly { kind: FollowUpJobKind; index?: number }[] = [
  { kind: 'send' },
  ...Array.from({ length: MAX_CHANNELS - 1 }, (_, i) => ({ kind: 'next' as const, index: i + 1 })),
  { kind: 'reminder' },
  { kind: 'expire' },
];

async function jobsOf(deps: TimeTravelDeps, ticketRef: string): Promise<{ job: Job; due: DueJob }[]> {
  const followUps = await deps.models.FollowUp.find({ ticketRef })
    .select({ closureNumber: 1 })
    .sort({ closureNumber: 1 })
    .lean();
  const queue = deps.queues.get(FOLLOWUP_QUEUE);
  const out: { job: Job; due: DueJob }[] = [];
  for (const f of followUps) {
    for (const { kind, index } of JOB_IDS) {
      const job = await queue.getJob(followUpJobId(kind, ticketRef, f.closureNumber, index));
      if (!job) continue;
      const state = await job.getState();
      out.push({
        job,
        due: {
          kind,
          closureNumber: f.closureNumber,
          state,
          runsAt: state === 'delayed' ? new Date(job.timestamp + job.delay).toISOString() : null,
        },
      });
    }
  }
  return out;
}

/** The ticket's follow-up jobs and where each stands. */
export async function listDueWork(deps: TimeTravelDeps, ticketRef: string): Promise<DueJob[]> {
  assertTimeTravelAllowed(deps.config);
  return (await jobsOf(deps, ticketRef)).map((j) => j.due);
}

/**
 * Promotes the next delayed job of each of the ticket's closures (or, with `all`, every delayed
 * one). One step at a time by default because a send schedules its reminder and expiry only once it
 * has gone out, and an expiry promoted with its reminder would race it.
 */
export async function runDueWork(
  deps: TimeTravelDeps,
  ticketRef: string,
  opts: { all?: boolean } = {},
): Promise<DueWorkReport> {
  assertTimeTravelAllowed(deps.config);
  const jobs = await jobsOf(deps, ticketRef);
  const delayed = jobs
    .filter((j) => j.due.state === 'delayed')
    .sort((a, b) => (a.due.runsAt ?? '').localeCompare(b.due.runsAt ?? ''));
  const chosen = opts.all
    ? delayed
    : delayed.filter((j, i) => delayed.findIndex((o) => o.due.closureNumber === j.due.closureNumber) === i);
  const promoted: DueJob[] = [];
  for (const { job, due } of chosen) {
    try {
      await job.promote();
      promoted.push({ ...due, state: 'waiting', runsAt: null });
    } catch (err) {
      // It became due (or was removed) between the read and the promote: nothing left to do. Any
      // other refusal, of a job still waiting for its time, is the caller's to see.
      const now = await job.getState();
      if (now === 'delayed') throw err;
    }
  }
  const window = sendWindowFromConfig(deps.config);
  const now = new Date();
  const waitsForWindow = promoted.some((p) => p.kind !== 'expire') && !isInsideWindow(now, window);
  return {
    ticketRef,
    jobs: (await jobsOf(deps, ticketRef)).map((j) => j.due),
    promoted,
    windowOpensAt: waitsForWindow ? nextSendTime(now, window).toISOString() : null,
  };
}
