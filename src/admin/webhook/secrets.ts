import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { DISPUTE_QUEUE, disputeJobId, type DisputeJob } from '../../followup/queue.js';
import { validationError } from '../../http/errors.js';
import { assertManages, assertReads, assertWriter, fieldError } from '../access.js';
import { auditChange, type Who } from '../change-audit.js';
import { encryptSecret, generateWebhookSecret, newSecretId } from '../../auth/secrets.js';
import { postWebhook, type DeliveryResult } from '../../followup/outcome/webhook-delivery.js';

/**
 * An agency's webhook secrets: generated here (never chosen by a person, so never weak or reused),
 * shown once, stored encrypted, and rotated with an overlap during which the old and the new secret
 * both sign, so the receiving ticket system can switch without losing a delivery.
 */

const KEEP_SECRETS = 5;
const HOUR = 3_600_000;

export const rotateSchema = z
  .object({
    overlapHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .optional(),
  })
  .strict();

async function managed(ctx: AppContext, who: Who, code: string) {
  assertWriter(who.p);
  await assertReads(ctx, who.req, who.p, code);
  await assertManages(ctx, who.req, who.p, code);
  const agency = await ctx.models.Agency.findOne({ code }).lean();
  if (!agency) throw fieldError(404, 'not_found', 'agency', `no agency ${code}`);
  return agency;
}

export async function rotateSecret(
  ctx: AppContext,
  who: Who,
  code: string,
  input: unknown,
): Promise<{ secret: string; id: string; previousRetireAt: string | null }> {
  const parsed = rotateSchema.safeParse(input ?? {});
  if (!parsed.success) throw validationError(parsed.error, 'body', 422, input ?? {});
  const overlapHours = parsed.data.overlapHours ?? ctx.config.admin.webhookSecretOverlapHours;
  const agency = await managed(ctx, who, code);
  const now = new Date();
  const retireAt = new Date(now.getTime() + overlapHours * HOUR);
  const key = ctx.config.admin.secretsKey;
  const existing = (agency.webhookSecrets ?? []).map((s) => ({
    id: s.id,
    ciphertext: s.ciphertext,
    createdAt: s.createdAt,
    // A secret already retiring keeps its earlier end; a current one signs until the overlap ends.
    retiresAt: s.retiresAt && s.retiresAt < retireAt ? s.retiresAt : retireAt,
  }));
  // The plaintext secret of an agency set up by hand becomes an encrypted one, retiring like the others.
  if (existing.length === 0 && agency.disputeWebhookSecret)
    existing.push({
      id: 'legacy',
      ciphertext: encryptSecret(key, agency.disputeWebhookSecret),
      createdAt: agency.createdAt ?? now,
      retiresAt: retireAt,
    });
  const secret = generateWebhookSecret();
  const fresh = { id: newSecretId(), ciphertext: encryptSecret(key, secret), createdAt: now };
  const secrets = [fresh, ...existing].slice(0, KEEP_SECRETS);
  const updated = await ctx.models.Agency.findOneAndUpdate(
    { code, revision: agency.revision ?? 0 },
    { $set: { webhookSecrets: secrets }, $unset: { disputeWebhookSecret: 1 }, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated)
    throw fieldError(
      409,
      'conflict',
      'revision',
      'the agency was changed meanwhile; rotate the secret again',
    );
  const previousRetireAt = existing.length > 0 ? retireAt.toISOString() : null;
  await auditChange(ctx, who, 'webhook.secret.rotate', code, `agency:${code}`, undefined, undefined, {
    newSecretId: fresh.id,
    previousSecretIds: existing.map((s) => s.id),
    overlapHours,
    previousRetireAt,
  });
  return { secret, id: fresh.id, previousRetireAt };
}

/** Ends a rotation's overlap now: only the newest secret signs from here on. */
export async function retirePreviousSecrets(ctx: AppContext, who: Who, code: string): Promise<void> {
  const agency = await managed(ctx, who, code);
  const now = new Date();
  const [newest, ...older] = agency.webhookSecrets ?? [];
  if (!newest) throw fieldError(422, 'validation_failed', 'webhookSecret', 'the agency has no secret yet');
  const secrets = [
    { id: newest.id, ciphertext: newest.ciphertext, createdAt: newest.createdAt },
    ...older.map((s) => ({
      id: s.id,
      ciphertext: s.ciphertext,
      createdAt: s.createdAt,
      retiresAt: s.retiresAt && s.retiresAt < now ? s.retiresAt : now,
    })),
  ];
  const updated = await ctx.models.Agency.findOneAndUpdate(
    { code, revision: agency.revision ?? 0 },
    { $set: { webhookSecrets: secrets }, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw fieldError(409, 'conflict', 'revision', 'the agency was changed meanwhile; try again');
  await auditChange(
    ctx,
    who,
    'webhook.secret.retire_previous',
    code,
    `agency:${code}`,
    undefined,
    undefined,
    {
      keptSecretId: newest.id,
      retiredSecretIds: older.map((s) => s.id),
    },
  );
}

/** Posts a signed `webhook.test` event now and returns what the receiver answered. */
export async function sendTestEvent(ctx: AppContext, who: Who, code: string): Promise<DeliveryResult> {
  const agency = await managed(ctx, who, code);
  if (!agency.disputeWebhookUrl)
    throw fieldError(422, 'validation_failed', 'disputeWebhookUrl', 'set the webhook URL first');
  const body = JSON.stringify({ type: 'webhook.test', agency: code, sentAt: new Date().toISOString() });
  const result = await postWebhook(
    ctx,
    { ...agency, code },
    {
      kind: 'test',
      type: 'webhook.test',
      body,
      deliveryHeader: `test-${Date.now()}`,
    },
  );
  await auditChange(ctx, who, 'webhook.test', code, `agency:${code}`, undefined, undefined, {
    ok: result.ok,
    status: result.status ?? null,
    latencyMs: result.latencyMs,
  });
  return result;
}

export async function listDeliveries(ctx: AppContext, who: Who, code: string, limit = 50) {
  await assertReads(ctx, who.req, who.p, code);
  const docs = await ctx.models.WebhookDelivery.find({ agency: code }).sort({ at: -1 }).limit(limit).lean();
  return docs.map((d) => ({
    id: d._id.toString(),
    kind: d.kind,
    at: d.at.toISOString(),
    ticketRef: d.ticketRef ?? null,
    closureNumber: d.closureNumber ?? null,
    attempt: d.attempt ?? 1,
    ok: d.ok,
    status: d.status ?? null,
    error: d.error ?? null,
    latencyMs: d.latencyMs ?? null,
    resentAt: d.resentAt?.toISOString() ?? null,
  }));
}

/**
 * Re-sends a failed delivery: a dispute is queued again (the worker re-reads the follow-up and
 * signs with the secrets current now); a test event is sent again at once. The delivery is marked
 * re-sent by a conditional update first, so a double click re-sends once.
 */
export async function resendDelivery(
  ctx: AppContext,
  who: Who,
  code: string,
  deliveryId: string,
): Promise<{ queued: boolean; result?: DeliveryResult }> {
  await managed(ctx, who, code);
  if (!/^[0-9a-f]{24}$/.test(deliveryId)) throw fieldError(404, 'not_found', 'delivery', 'no such delivery');
  const claimed = await ctx.models.WebhookDelivery.findOneAndUpdate(
    { _id: deliveryId, agency: code, ok: false, resentAt: { $exists: false } },
    { $set: { resentAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (!claimed)
    throw fieldError(
      409,
      'conflict',
      'delivery',
      'only a failed delivery that was not re-sent yet can be re-sent',
    );
  await auditChange(ctx, who, 'webhook.resend', code, `delivery:${deliveryId}`, undefined, undefined, {
    kind: claimed.kind,
    ticketRef: claimed.ticketRef ?? null,
  });
  if (claimed.kind === 'test') return { queued: false, result: await sendTestEvent(ctx, who, code) };
  if (!claimed.followUpId || !claimed.ticketRef || claimed.closureNumber == null)
    throw fieldError(422, 'validation_failed', 'delivery', 'this delivery names no follow-up');
  const job: DisputeJob = { followUpId: claimed.followUpId };
  await ctx.queues.get<DisputeJob>(DISPUTE_QUEUE).add('dispute', job, {
    jobId: `${disputeJobId(claimed.ticketRef, claimed.closureNumber)}-resend-${deliveryId}`,
    attempts: 3,
    backoff: { type: 'exponential', delay: ctx.config.followUp.disputeRetryBaseMs, jitter: 0.2 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: false,
  });
  return { queued: true };
}
