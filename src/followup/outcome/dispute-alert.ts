import type { AppContext } from '../../context.js';
import { ALERT_JOB, ALERTS_QUEUE, disputeAlertJobId, type DisputeAlertJob } from '../../mail/alert-queue.js';

/**
 * Queues the supervisors' alert of a disputed closure (composed in src/reports/mail/alerts/). Like
 * the dispute webhook it waits out DISPUTE_WEBHOOK_GRACE_SECONDS while the citizen is still being
 * asked, so the reason and the words typed after "not solved" travel with it, and the transition
 * that ends the conversation runs this again and makes the waiting job due at once: the alert leaves
 * within the grace (a minute by default) of "not solved". One job per closure (its id).
 */
export async function queueDisputeAlert(
  ctx: AppContext,
  f: { _id: unknown; ticketRef: string; closureNumber: number },
  /** The conversation is still open (outcome.ts isOpen): passed in, so this module needs no import back. */
  asking: boolean,
): Promise<void> {
  const jobId = disputeAlertJobId(f.ticketRef, f.closureNumber);
  const queue = ctx.queues.get<DisputeAlertJob>(ALERTS_QUEUE);
  const graceMs = ctx.config.followUp.disputeGraceMs;
  await queue.add(
    ALERT_JOB.dispute,
    { followUpId: String(f._id) },
    {
      jobId,
      ...(asking && graceMs > 0 ? { delay: graceMs } : {}),
      attempts: 8,
      backoff: { type: 'exponential', delay: 2_000, jitter: 0.2 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    },
  );
  if (asking || graceMs === 0) return;
  const waiting = await queue.getJob(jobId);
  if (!waiting || (await waiting.getState()) !== 'delayed' || waiting.attemptsMade > 0) return;
  await waiting.promote().catch(async (err: unknown) => {
    // Became due between the read and the promote: it runs anyway.
    if ((await waiting.getState()) === 'delayed' && waiting.attemptsMade === 0)
      throw new Error(
        `dispute alert ${jobId} could not be made due: ${err instanceof Error ? err.message : String(err)}`,
      );
  });
}
