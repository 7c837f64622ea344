import { Schema, type Connection } from 'mongoose';

/**
 * Per-year partial sums of the verified scores, one document per bucket (calendar year, agency,
 * department, agent): the sum of the bucket's monthly sums, so a report over a whole year reads one
 * document per agent instead of twelve. Written only by the reports' read path
 * (src/reports/sums/year-sums.ts), through the raw collection; the schema is here for its indexes
 * and as documentation.
 */
export const yearSumSchema = new Schema(
  {
    /** JSON of [year, agency, department, agentId]: derived, so concurrent writers upsert one document. */
    _id: { type: String, required: true },
    /** YYYY, the local calendar year. */
    year: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    /** As in monthly_sums: the PartialSums of every record of the bucket, one flat number per counter. */
    all: { type: Schema.Types.Mixed },
    channels: { type: Schema.Types.Mixed },
    /**
     * Raised (with `gen`) before a month of the bucket is written back from its days; lowered by a
     * reader that summed the bucket's twelve months, all clean, at that `gen`.
     */
    dirty: { type: Boolean, required: true },
    gen: { type: Number, required: true },
    /** The sums' epoch (a rebuild raises it) the sums were computed in; another epoch's are not read. */
    epoch: { type: Number },
  },
  { versionKey: false },
);
yearSumSchema.index({ year: 1, agency: 1, department: 1 });
yearSumSchema.index({ agentId: 1, year: 1 });
yearSumSchema.index({ agency: 1, year: 1 });
yearSumSchema.index({ department: 1, year: 1 });

export function yearSumModels(conn: Connection) {
  return { YearSum: conn.model('YearSum', yearSumSchema, 'yearly_sums') };
}
