import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CITIZEN_LANGUAGES } from '../../i18n/languages.js';
import { requestedLanguageField } from './ticket.js';

export const FOLLOW_UP_STATES = [
  'scheduled',
  'sending',
  'awaiting_solved',
  'awaiting_rating',
  'awaiting_reason',
  'completed',
  'expired',
  'cancelled',
  'failed',
  'opted_out',
  /**
   * Never asked, by the contact policy: not drawn in the agency's sample, asked too recently, or
   * reported too long after the closure.
   */
  'skipped',
] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

export const OUTCOMES = [
  'confirmed_solved',
  'disputed',
  'no_response',
  'opted_out',
  'undeliverable',
  'cancelled_reopened',
  'not_sampled',
  'skipped_recent_contact',
  /** Reported after the agency's maximum age for asking (agency-rules.ts): never asked. */
  'too_old',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CHANNELS = ['sms', 'whatsapp', 'web', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One verification conversation per closure. */
export const followUpSchema = new Schema(
  {
    ticketRef: { type: String, required: true },
    closureNumber: { type: Number, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    citizenPhone: { type: String, required: true },
    language: { type: String, enum: CITIZEN_LANGUAGES, default: 'ar' },
    ...requestedLanguageField,
    closedAt: { type: Date, required: true },
    state: { type: String, enum: FOLLOW_UP_STATES, default: 'scheduled' },
    channel: { type: String, enum: CHANNELS, default: 'sms' },
    jobId: { type: String, required: true },
    sendAt: { type: Date, required: true },
    /** Written before the SDK call; a crash between this and `sentAt` is resolved by asking the API. */
    sendAttemptAt: { type: Date },
    sentAt: { type: Date },
    reminderAt: { type: Date },
    remindedAt: { type: Date },
    expiresAt: { type: Date },
    answeredAt: { type: Date },
    solved: { type: Boolean },
    rating: { type: Number, min: 1, max: 5 },
    reason: { type: String },
    comment: { type: String },
    clarificationsSent: { type: Number, default: 0 },
    /** Twilio error code of the last failed send, kept for operators. */
    lastErrorCode: { type: Number },
    outcome: { type: String, enum: OUTCOMES },
    /** Raised by every conditional write (outcome.ts transition); the filter of the next one. */
    revision: { type: Number, default: 0 },
    /** Until a sending worker's claim runs out: a replay may take over a 'sending' follow-up after it. */
    sendLeaseUntil: { type: Date },
    /** Set with the claim: a worker that claimed several sends in one write recognises its own by it. */
    sendClaim: { type: String },
    /** The sampling draw (contact-policy.ts), in [0, 1), and the agency's rate it was compared with. */
    sampleDraw: { type: Number },
    sampleRate: { type: Number },
    /** The closure's verified score, so a send marks it by `_id` (batched) rather than by closure key. */
    scoreId: { type: Schema.Types.ObjectId },
    /**
     * Set by a transition, cleared once its effects (score, jobs, dispute) are applied; only present
     * while pending, so the sparse index holds just the follow-ups a crash left half-done.
     */
    effectsPending: { type: Boolean },
    /** The agency's channel order when the follow-up was scheduled, and the one being tried now. */
    channels: { type: [String], default: undefined },
    channelIndex: { type: Number, default: 0 },
    /** Channels a permanent error for the number ruled out (followup/channels/plan.ts). */
    unreachable: { type: [String], default: undefined },
    /** Every attempt to ask: the channel, the message or call sid, and how it ended. */
    attempts: {
      type: [
        new Schema(
          {
            channel: { type: String, enum: CHANNELS, required: true },
            sid: { type: String },
            at: { type: Date, required: true },
            /** sent, delivered, failed, busy, no-answer, machine, answered… */
            result: { type: String },
            errorCode: { type: Number },
          },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    /**
     * Answering-machine results of verification calls by CallSid ('human' or 'machine'): written by
     * its callback, which may come before the attempt is recorded; a call's keys wait for it.
     */
    callAmd: { type: Schema.Types.Mixed },
    /** MessageSids of the last inbound answers applied, so a retried job never applies one twice. */
    appliedAnswers: { type: [String], default: undefined },
  },
  { timestamps: true },
);
// Why: docs/decisions/0005-query-by-meaning-with-indexes.md
followUpSchema.index({ ticketRef: 1, closureNumber: 1 }, { unique: true });
followUpSchema.index({ citizenPhone: 1, state: 1, sentAt: -1 });
followUpSchema.index({ state: 1, sendAt: 1 });
followUpSchema.index({ effectsPending: 1 }, { sparse: true });
// The retention purge's filter (src/retention/purge.ts).
followUpSchema.index({ closedAt: 1 });
// Metrics count recent outcomes (src/http/metrics.ts).
followUpSchema.index({ updatedAt: 1 });

export const messageSchema = new Schema(
  {
    /** The MessageSid: status callbacks find a message by it, and a replayed send's insert is refused. */
    _id: { type: String, required: true },
    followUpId: { type: Schema.Types.ObjectId, required: true },
    direction: { type: String, enum: ['outbound', 'inbound'], required: true },
    kind: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, default: 'sms' },
    /** Twilio's MessageSid; a message is stored once Twilio has accepted it (or sent it to us). */
    sid: { type: String, required: true },
    body: { type: String, default: '' },
    segments: { type: Number },
    status: { type: String },
    /** Rank of `status` (message-status.ts); updates only move it up, so late callbacks lose. */
    statusRank: { type: Number, default: -1 },
    errorCode: { type: Number },
    /** Set on a WhatsApp reply refused outside the 24-hour window (63016) once the link is sent instead. */
    resumedBy: { type: String },
    statusHistory: { type: [{ status: String, at: Date, errorCode: Number }], default: [] },
  },
  { timestamps: true },
);
// Every stored message carries a sid (partial indexes are not enforced by the embedded server).
messageSchema.index({ sid: 1 }, { unique: true });
messageSchema.index({ followUpId: 1, createdAt: 1 });
// The retention purge and the metrics read messages by age.
messageSchema.index({ createdAt: 1 });

export const optOutSchema = new Schema(
  {
    /** The E.164 number, as `phone`: one document per number, so an opt-out is one upsert. */
    _id: { type: String, required: true },
    phone: { type: String, required: true, unique: true },
    optedOut: { type: Boolean, required: true },
    source: { type: String, required: true },
    changedAt: { type: Date, required: true },
  },
  { timestamps: true },
);

/** The verified satisfaction score: one per closure, what reports and exports read. */
export const verifiedScoreSchema = new Schema(
  {
    ticketRef: { type: String, required: true },
    closureNumber: { type: Number, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    citizenPhone: { type: String },
    language: { type: String, enum: CITIZEN_LANGUAGES, default: 'ar' },
    closedAt: { type: Date, required: true },
    /** Local (Asia/Riyadh) calendar day of the closure, YYYY-MM-DD: grouping without $dateToString. */
    day: { type: String, required: true },
    outcome: { type: String, enum: OUTCOMES },
    delivered: { type: Boolean, default: false },
    sent: { type: Boolean, default: false },
    solved: { type: Boolean },
    rating: { type: Number, min: 1, max: 5 },
    reason: { type: String },
    comment: { type: String },
    channel: { type: String, enum: CHANNELS },
    /** The channels tried, in order (the follow-up's attempts, without sids). */
    attempts: {
      type: [new Schema({ channel: String, at: Date, result: String }, { _id: false })],
      default: undefined,
    },
    postCallRatingId: { type: Schema.Types.ObjectId },
    postCallRating: { type: Number, min: 1, max: 5 },
    answeredAt: { type: Date },
    /** The follow-up revision this score reflects: a write of an older one is refused (outcome.ts). */
    followUpRevision: { type: Number },
    /**
     * Set by every write that changes the score, cleared once its daily sums count it
     * (src/scores/sums/daily-sums.ts): a score still pending a while later had a writer that crashed.
     */
    sumsPending: { type: Boolean },
    /** Raised by every write of the score: the revision its daily sums count it at. */
    sumsRev: { type: Number },
  },
  { timestamps: true },
);
verifiedScoreSchema.index({ ticketRef: 1, closureNumber: 1 }, { unique: true });
// The repair sweep's query; sparse keeps only the scores a crashed writer left pending indexed.
verifiedScoreSchema.index({ sumsPending: 1 }, { sparse: true });
verifiedScoreSchema.index({ agency: 1, day: 1 });
verifiedScoreSchema.index({ agency: 1, department: 1, day: 1 });
verifiedScoreSchema.index({ agentId: 1, day: 1 });
// Reports may filter by department alone (a department-scoped manager, or a cross-agency query).
verifiedScoreSchema.index({ department: 1, day: 1 });
verifiedScoreSchema.index({ day: 1 });
// The retention purge's filter (src/retention/purge.ts).
verifiedScoreSchema.index({ closedAt: 1 });

/**
 * When a number was last asked, by any agency: one document per number, so the contact policy's
 * "at most once per CONTACT_MIN_DAYS" is one conditional upsert that two agencies cannot both win.
 */
export const contactSchema = new Schema(
  {
    _id: { type: String, required: true },
    lastContactAt: { type: Date, required: true },
    followUpId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
// The retention purge's filter (src/retention/purge.ts).
contactSchema.index({ lastContactAt: 1 });

export type FollowUp = InferSchemaType<typeof followUpSchema>;
/** A follow-up as read with `lean()`. */
/** One attempt to ask the citizen, as stored in `attempts`. */
export interface Attempt {
  channel: Channel;
  sid?: string | null;
  at: Date;
  result?: string | null;
  errorCode?: number | null;
}
export type FollowUpDoc = Omit<FollowUp, 'callAmd' | 'attempts'> & {
  _id: { toString(): string };
  callAmd?: Record<string, 'human' | 'machine'>;
  attempts?: Attempt[] | null;
};
export type FollowUpMessage = InferSchemaType<typeof messageSchema>;
export type OptOut = InferSchemaType<typeof optOutSchema>;
export type VerifiedScore = InferSchemaType<typeof verifiedScoreSchema>;

export function followUpModels(conn: Connection) {
  return {
    FollowUp: conn.model('FollowUp', followUpSchema, 'follow_ups'),
    FollowUpMessage: conn.model('FollowUpMessage', messageSchema, 'follow_up_messages'),
    OptOut: conn.model('OptOut', optOutSchema, 'opt_outs'),
    Contact: conn.model('Contact', contactSchema, 'contacts'),
    VerifiedScore: conn.model('VerifiedScore', verifiedScoreSchema, 'verified_scores'),
  };
}
