import { Schema, type Connection } from 'mongoose';

/**
 * Per-day partial sums of the verified scores, one document per bucket (local day, agency,
 * department, agent): what the reports read instead of the records. Written only by
 * src/scores/sums/daily-sums.ts, through the raw collection (the sums are plain counters and a cast per
 * read would cost more than the read); the schema is here for its indexes and as documentation.
 */
export const dailySumSchema = new Schema(
  {
    /** JSON of [day, agency, department, agentId]: derived, so concurrent writers upsert one document. */
    _id: { type: String, required: true },
    day: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    /** The PartialSums (src/scores/sums/partial-sums.ts) of every record of the bucket, one flat number per counter. */
    all: { type: Schema.Types.Mixed },
    /** The same per channel the citizen answered on (only channels with records). */
    channels: { type: Schema.Types.Mixed },
    /**
     * Every member score's revision and cell as counted here, by score id (src/scores/sums/daily-sums.ts):
     * what makes counting a score idempotent and its racing writers serialise.
     */
    m: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);
dailySumSchema.index({ day: 1 });
dailySumSchema.index({ agency: 1, day: 1 });
dailySumSchema.index({ agency: 1, department: 1, day: 1 });
dailySumSchema.index({ department: 1, day: 1 });
dailySumSchema.index({ agentId: 1, day: 1 });

export function dailySumModels(conn: Connection) {
  return { DailySum: conn.model('DailySum', dailySumSchema, 'daily_sums') };
}
