import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * What the agency did after a citizen disputed a closure: one document per disputed closure, written
 * only by src/followup/outcome/dispute-follow.ts with conditional single-document updates that move
 * forward (stage only rises; the earliest reopen wins), so racing writers and replays agree.
 */
export const DISPUTE_STATES = [
  /** Nothing yet: the ticket was not reopened after the dispute. */
  'waiting',
  /** Reopened (in time or late: see inTime). */
  'reopened',
  /** Reopened and closed again; the next closure's follow-up has not decided yet. */
  'closed_again',
  /** The next closure was verified solved by the citizen. */
  'verified_solved',
  /** The citizen disputed the next closure too (that closure has its own document). */
  'disputed_again',
] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];
/** The order states may only move along; the two ends of the next closure share the last stage. */
export const DISPUTE_STAGE: Record<DisputeState, number> = {
  waiting: 0,
  reopened: 1,
  closed_again: 2,
  verified_solved: 3,
  disputed_again: 3,
};

export const disputeSchema = new Schema(
  {
    /** `ticketRef#closureNumber`: derived, so the writers of one disputed closure upsert one document. */
    _id: { type: String, required: true },
    ticketRef: { type: String, required: true },
    closureNumber: { type: Number, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    closedAt: { type: Date, required: true },
    /** When the citizen said "not solved" (or when the dispute was decided without an answer time). */
    disputedAt: { type: Date, required: true },
    /** Local day of disputedAt (TIME_ZONE): what the reports' from/to filter. */
    day: { type: String, required: true },
    /** The agency's disputeActDays when the dispute was recorded, and the deadline it gave. */
    actDays: { type: Number, required: true },
    deadlineAt: { type: Date, required: true },
    state: { type: String, enum: DISPUTE_STATES, required: true },
    stage: { type: Number, required: true },
    /** Event time of the earliest reopen after the disputed closure. */
    reopenedAt: { type: Date },
    reopenEventId: { type: String },
    inTime: { type: Boolean },
    /** Days from the dispute to the reopen (0 when the agency reopened before the citizen answered). */
    daysToAct: { type: Number },
    nextClosureNumber: { type: Number },
    nextClosedAt: { type: Date },
    /** The outcome of the next closure's follow-up, once decided. */
    nextOutcome: { type: String },
  },
  { timestamps: true, versionKey: false },
);
disputeSchema.index({ ticketRef: 1 });
disputeSchema.index({ agency: 1, day: 1 });
disputeSchema.index({ agency: 1, department: 1, day: 1 });
disputeSchema.index({ agentId: 1, day: 1 });
disputeSchema.index({ state: 1, disputedAt: 1 });
disputeSchema.index({ disputedAt: 1 });

export type Dispute = InferSchemaType<typeof disputeSchema>;

export function disputeModels(conn: Connection) {
  return { Dispute: conn.model('Dispute', disputeSchema, 'disputes') };
}
