import { Schema, type Connection } from 'mongoose';

/**
 * Per-month partial sums of the verified scores, one document per bucket (local month, agency,
 * department, agent): the sum of the bucket's daily sums over the month, so a report over whole
 * months reads one document per agent and month instead of one per agent and day. Written only by
 * src/scores/sums/month-sums.ts, through the raw collection; the schema is here for its indexes and
 * as documentation.
 */
export const monthSumSchema = new Schema(
  {
    /** JSON of [month, agency, department, agentId]: derived, so concurrent writers upsert one document. */
    _id: { type: String, required: true },
    /** YYYY-MM, the local month. */
    month: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    /** As in daily_sums: the PartialSums of every record of the bucket, one flat number per counter. */
    all: { type: Schema.Types.Mixed },
    channels: { type: Schema.Types.Mixed },
    /**
     * Raised (with `gen`) by every count of a score of the bucket, after its daily bucket is written;
     * lowered by whoever recomputes the sums from the month's daily buckets at that `gen`. A dirty
     * bucket is never read: its month is read from the daily sums instead.
     */
    dirty: { type: Boolean, required: true },
    gen: { type: Number, required: true },
  },
  { versionKey: false },
);
monthSumSchema.index({ month: 1 });
monthSumSchema.index({ agency: 1, month: 1 });
monthSumSchema.index({ agency: 1, department: 1, month: 1 });
monthSumSchema.index({ department: 1, month: 1 });
monthSumSchema.index({ agentId: 1, month: 1 });
monthSumSchema.index({ dirty: 1, month: 1 });

export function monthSumModels(conn: Connection) {
  return { MonthSum: conn.model('MonthSum', monthSumSchema, 'monthly_sums') };
}
