import type { Job, Queue } from 'bullmq';
import { agencyFollowUpRules } from '../followup/agency-rules.js';
import type { Config } from '../config/index.js';
import type { Models } from '../db/models/index.js';
import { FOLLOWUP_QUEUE, followUpJobId, MAX_CHANNELS, type FollowUpJobKind } from '../followup/queue.js';
import { isInsideWindow, nextSendTime } from '../followup/schedule/send-window.js';
import { notSentTexts, type NotSentReasonCode } from '../i18n/sandbox.js';
import { createLogger, type Logger } from '../log.js';
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
  /** Where an agency's unreadable send window is reported (silent when not given). */
  log?: Logger;
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
  /**
   * Set when a promoted send or reminder will wait for its agency's send window all the same (the
   * agency's own hours and days, else the configured ones; prayer pauses and Ramadan hours included).
   */
  windowOpensAt: string | null;
  /** The agency whose window that is. */
  windowAgency: string | null;
}

/** Every job a closure can have: the send, the moves to the next channels, the reminder, the expiry. */
const JOB_IDS: readonly { kind: FollowUpJobKind; index?: number }[] = [
  { kind: 'send' },
  ...Array.from({ length: MAX_CHANNELS - 1 }, (_, i) => ({ kind: 'next' as const, index: i + 1 })),
  { kind: 'reminder' },
  { kind: 'expire' },
];

/**
 * When a delayed job runs: its score in the delayed set (milliseconds × 0x1000, plus an order
 * within the millisecond). A job moved there by `moveToDelayed` (a send deferred to the send window,
 * a retry's backoff) keeps its first timestamp, so timestamp + delay is the time it was first due.
 */
export async function delayedUntil(queue: Queue, job: Job): Promise<number> {
  const client = await queue.getBackend().client;
  const score = job.id === undefined ? null : await client.zscore(queue.toKey('delayed'), job.id);
  return score === null ? job.timestamp + job.delay : Math.floor(Number(score) / 0x1000);
}

interface FoundJob {
  job: Job;
  due: DueJob;
  agency: string;
}

async function jobsOf(deps: TimeTravelDeps, ticketRef: string): Promise<FoundJob[]> {
  const followUps = await deps.models.FollowUp.find({ ticketRef })
    .select({ closureNumber: 1, agency: 1 })
    .sort({ closureNumber: 1 })
    .lean();
  const queue = deps.queues.get(FOLLOWUP_QUEUE);
  const out: FoundJob[] = [];
  for (const f of followUps) {
    for (const { kind, index } of JOB_IDS) {
      const job = await queue.getJob(followUpJobId(kind, ticketRef, f.closureNumber, index));
      if (!job) continue;
      const state = await job.getState();
      out.push({
        job,
        agency: f.agency,
        due: {
          kind,
          closureNumber: f.closureNumber,
          state,
          runsAt: state === 'delayed' ? new Date(await delayedUntil(queue, job)).toISOString() : null,
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
  const promoted: (DueJob & { agency: string })[] = [];
  for (const { job, due, agency } of chosen) {
    try {
      await job.promote();
      promoted.push({ ...due, state: 'waiting', runsAt: null, agency });
    } catch (err) {
      // It became due (or was removed) between the read and the promote: nothing left to do. Any
      // other refusal, of a job still waiting for its time, is the caller's to see.
      const now = await job.getState();
      if (now === 'delayed') throw err;
    }
  }
  // A send or reminder checks its agency's window when it runs (followup/send/window-wait.ts): the
  // same window says whether it goes out now or waits.
  const now = new Date();
  const rulesDeps = {
    config: deps.config,
    models: deps.models,
    log: deps.log ?? createLogger({ level: 'silent' }),
  };
  let waits: { at: Date; agency: string } | undefined;
  for (const agency of new Set(promoted.filter((p) => p.kind !== 'expire').map((p) => p.agency))) {
    const { window } = await agencyFollowUpRules(rulesDeps, agency);
    if (isInsideWindow(now, window)) continue;
    const at = nextSendTime(now, window);
    if (!waits || at < waits.at) waits = { at, agency };
  }
  return {
    ticketRef,
    jobs: (await jobsOf(deps, ticketRef)).map((j) => j.due),
    promoted: promoted.map(({ agency: _agency, ...due }) => due),
    windowOpensAt: waits ? waits.at.toISOString() : null,
    windowAgency: waits?.agency ?? null,
  };
}

/** Why a closure's verification message was not sent (the sender and the scheduler record it). */
export type NotSentReason = NotSentReasonCode;

export interface ClosureStatus {
  closureNumber: number;
  state: string;
  sent: boolean;
  reason: NotSentReason | null;
  /** For the contact rule: when the number may be asked again (ISO). */
  askAgainAfter: string | null;
  /** The reason and what to do instead, for the person at the sandbox, in both languages. */
  explain: { ar: string; en: string } | null;
}

const DAY_MS = 86_400_000;

function reasonOf(f: { state: string; outcome?: string | null }): NotSentReason | null {
  switch (f.outcome) {
    case 'skipped_recent_contact':
      return 'recent_contact';
    case 'opted_out':
      return 'opted_out';
    case 'not_sampled':
      return 'not_sampled';
    case 'too_old':
      return 'too_old';
    case 'cancelled_reopened':
      return 'reopened';
    case 'undeliverable':
      return 'undeliverable';
    default:
      return null;
  }
}

/**
 * Each closure of the ticket as its follow-up records it: sent or not, and when not, why and what
 * to do instead. A due job that ran can have sent nothing (the contact rule, an opt-out); the
 * follow-up's outcome says so, where until now only the server log did.
 */
export async function closureStatuses(deps: TimeTravelDeps, ticketRef: string): Promise<ClosureStatus[]> {
  assertTimeTravelAllowed(deps.config);
  const followUps = await deps.models.FollowUp.find({ ticketRef })
    .select({
      closureNumber: 1,
      state: 1,
      outcome: 1,
      sentAt: 1,
      citizenPhone: 1,
      sampleRate: 1,
      lastErrorCode: 1,
    })
    .sort({ closureNumber: 1 })
    .lean();
  const days = deps.config.followUp.policy.contactMinDays;
  const out: ClosureStatus[] = [];
  for (const f of followUps) {
    const reason = reasonOf(f);
    let askAgainAfter: string | null = null;
    if (reason === 'recent_contact') {
      const contact = await deps.models.Contact.findById(f.citizenPhone).select({ lastContactAt: 1 }).lean();
      if (contact?.lastContactAt)
        askAgainAfter = new Date(contact.lastContactAt.getTime() + days * DAY_MS).toISOString();
    }
    out.push({
      closureNumber: f.closureNumber,
      state: f.state,
      sent: f.sentAt != null,
      reason,
      askAgainAfter,
      explain:
        reason === null
          ? null
          : notSentTexts(reason, {
              days,
              askAgainAfter,
              sampleRate: f.sampleRate ?? null,
              errorCode: f.lastErrorCode ?? null,
              timeZone: deps.config.timeZone,
            }),
    });
  }
  return out;
}
