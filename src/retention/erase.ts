import { createHmac } from 'node:crypto';
import type { AppContext } from '../context.js';
import { writeAudit } from '../auth/audit.js';
import { closeFollowUp, OPEN_STATES } from '../followup/outcome/outcome.js';
import { HttpError } from '../http/errors.js';
import { keyedHash } from '../followup/conversation/origin.js';
import { normalisePhone } from '../tickets/phone.js';
import { PERSONAL_FIELDS, type PersonalFields } from './personal-fields.js';
import { removeFields, removeInboundJobs } from './purge.js';

export interface ErasureReport {
  /** A keyed hash of the number: lets an auditor match two requests for one citizen, reveals nothing. */
  subject: string;
  changed: Record<string, number>;
  inboundJobsRemoved: number;
  /** The opt-out is kept when the citizen opted out: it is what stops them being messaged again. */
  optOutKept: boolean;
  /** Conversations still open with the citizen, ended as opted out. */
  conversationsEnded: number;
}

/** HMAC-SHA256 under SECRETS_KEY of the E.164 number, 16 hex digits: the audit log's name for a citizen. */
export function citizenSubject(key: Buffer, e164: string): string {
  return createHmac('sha256', key).update(`citizen:${e164}`).digest('hex').slice(0, 16);
}

/**
 * Erases one citizen's personal data on request (Saudi PDPL), whatever its age: the number wherever
 * it is stored, and what was said with it (comments, message texts, call recordings' references).
 * Scores and counts stay, as anonymous records, so no dashboard figure moves. Audited under a keyed
 * hash of the number, never the number itself.
 */
export async function eraseCitizen(
  ctx: AppContext,
  input: string,
  by: { actor: string; ip?: string | undefined },
): Promise<ErasureReport> {
  const phone = normalisePhone(input, ctx.config.phoneDefaultRegion);
  if (!phone.ok)
    throw new HttpError(422, 'validation_failed', `Invalid body: phone ${phone.reason}`, {
      fields: [{ field: 'phone', message: phone.reason }],
    });
  const n = phone.e164;
  const m = ctx.models;

  // A conversation still going with this citizen ends first, as an opt-out would end it (an erasure
  // request objects to being asked): its pending send, reminder and expiry jobs go with it, and no
  // later job finds a follow-up without a number to write to.
  const open = await m.FollowUp.find({ citizenPhone: n, state: { $in: OPEN_STATES } })
    .select({ _id: 1 })
    .lean();
  for (const f of open) await closeFollowUp(ctx, f, { state: 'opted_out', outcome: 'opted_out' });

  // What hangs off the number without carrying it: messages of its follow-ups, recordings of its calls.
  const followUpIds = (await m.FollowUp.find({ citizenPhone: n }).select({ _id: 1 }).lean()).map(
    (f) => f._id,
  );
  const scoreRatings = (
    await m.VerifiedScore.find({ citizenPhone: n, postCallRatingId: { $exists: true } })
      .select({ postCallRatingId: 1 })
      .lean()
  ).flatMap((s) => (s.postCallRatingId ? [s.postCallRatingId] : []));
  const callSids = (
    await m.Call.find({ $or: [{ from: n }, { to: n }] })
      .select({ callSid: 1 })
      .lean()
  ).map((c) => c.callSid);

  const citizenHash = keyedHash(ctx.config.integrity.key, 'citizen', n);
  const changed: Record<string, number> = {};
  const count = (key: string, k: number) => (changed[key] = (changed[key] ?? 0) + k);
  count(
    'FollowUpMessage',
    (
      await m.FollowUpMessage.collection.updateMany(
        { followUpId: { $in: followUpIds } },
        { $unset: { body: '' } },
      )
    ).modifiedCount,
  );
  count(
    'PostCallRating',
    (
      await m.PostCallRating.collection.updateMany(
        { $or: [{ _id: { $in: scoreRatings } }, { callSid: { $in: callSids } }] },
        { $unset: { 'recording.sid': '', 'recording.url': '' } },
      )
    ).modifiedCount,
  );
  // Every personal field of a record that names the number goes, not only the number: one write
  // per collection with all its fields, so no field is left behind once the number is gone.
  for (const model of new Set(PERSONAL_FIELDS.map((e) => e.model))) {
    const entries = PERSONAL_FIELDS.filter((e) => e.model === model);
    const byNumber = entries.flatMap((e) => e.phoneFields ?? []);
    const byHash = entries.flatMap((e) => e.phoneHashFields ?? []);
    if (byNumber.length === 0 && byHash.length === 0) continue;
    const unsets = entries.map((e) => e.unset);
    const entry: PersonalFields = {
      ...entries[0]!,
      unset: unsets.includes('document') ? 'document' : unsets.flatMap((u) => (u === 'document' ? [] : u)),
    };
    const filter = {
      $or: [
        ...byNumber.map((f) => ({ [f]: n })),
        ...byHash.map((f) => ({ [f]: citizenHash })),
        ...(model === 'Ticket' ? [{ 'events.citizenPhone': n }] : []),
      ],
    };
    count(model, await removeFields(ctx, entry, filter));
  }
  const optOut = await m.OptOut.findById(n).lean();
  if (optOut && !optOut.optedOut) await m.OptOut.deleteOne({ _id: n, optedOut: false });
  const inboundJobsRemoved = await removeInboundJobs(
    ctx,
    (job) => job.data.from === n || job.data.from === `whatsapp:${n}`,
  );

  const report: ErasureReport = {
    subject: citizenSubject(ctx.config.admin.secretsKey, n),
    changed,
    inboundJobsRemoved,
    optOutKept: optOut?.optedOut === true,
    conversationsEnded: open.length,
  };
  await writeAudit(ctx, {
    actor: by.actor,
    action: 'admin.citizen.erase',
    target: `citizen:${report.subject}`,
    detail: {
      changed,
      inboundJobsRemoved,
      optOutKept: report.optOutKept,
      conversationsEnded: report.conversationsEnded,
    },
    ...(by.ip ? { ip: by.ip } : {}),
  });
  return report;
}
