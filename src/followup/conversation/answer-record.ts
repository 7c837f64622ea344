import type { AppContext } from '../../context.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { sealAnswer } from '../../audit-chain/seal.js';
import { localDay } from '../schedule/send-window.js';
import { keyedHash, type AnswerOrigin } from './origin.js';

/**
 * Called once per applied citizen answer (answers.ts), after the answer is stored: seals it in the
 * answers chain and records its origin for the integrity signals the auditors' reports compute.
 * Neither step can fail the answer: each logs its own failure.
 */
export async function recordAnswer(
  ctx: AppContext,
  f: FollowUpDoc,
  answer: { channel: string; step: string; origin?: AnswerOrigin },
): Promise<void> {
  const followUpId = f._id.toString();
  const revision = f.revision ?? 0;
  await sealAnswer(ctx, {
    followUpId,
    ticketRef: f.ticketRef,
    closureNumber: f.closureNumber,
    revision,
    channel: answer.channel,
    step: answer.step,
    ...(f.solved != null ? { solved: f.solved } : {}),
    ...(f.rating != null ? { rating: f.rating } : {}),
    ...(f.reason != null ? { reason: f.reason } : {}),
  });
  try {
    const now = new Date();
    const sentAt = f.sentAt ?? null;
    await ctx.models.AnswerOrigin.collection.updateOne(
      { _id: `${followUpId}:${revision}` as never },
      {
        $setOnInsert: {
          followUpId,
          agency: f.agency,
          department: f.department,
          agentId: f.agentId,
          // The score's own day (scheduler.ts), so signals and scores group alike.
          day: localDay(f.closedAt, ctx.config.timeZone),
          citizenHash: keyedHash(ctx.config.integrity.key, 'citizen', f.citizenPhone),
          channel: answer.channel,
          step: answer.step,
          ...(answer.origin ?? {}),
          ...(sentAt ? { secondsAfterSend: (now.getTime() - sentAt.getTime()) / 1000 } : {}),
          at: now,
        },
      },
      { upsert: true },
    );
  } catch (err) {
    ctx.log.error({ err, followUpId }, 'answer origin not recorded for the integrity signals');
  }
}
