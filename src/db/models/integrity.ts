import { Schema, type Connection } from 'mongoose';

/**
 * One document per applied citizen answer, for the integrity signals (src/reports/integrity): who it
 * concerns (agency, department, agent, a keyed hash of the citizen's number), where an answer-page
 * answer came from (keyed hashes of device and network) and how soon after the message it came.
 * No phone number, no address, no free text. Written by src/followup/conversation/answer-record.ts.
 */
export const answerOriginSchema = new Schema(
  {
    /** `<followUpId>:<revision>`: a replayed write of the same answer is one document. */
    _id: { type: String, required: true },
    followUpId: { type: String, required: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    agentId: { type: String, required: true },
    /** Local day of the closure, as on the verified score. */
    day: { type: String, required: true },
    citizenHash: { type: String, required: true },
    channel: { type: String, required: true },
    step: { type: String, required: true },
    deviceHash: { type: String },
    networkHash: { type: String },
    /** Seconds from the message being sent to this answer; absent when the send time is unknown. */
    secondsAfterSend: { type: Number },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
answerOriginSchema.index({ day: 1 });
answerOriginSchema.index({ agency: 1, day: 1 });
answerOriginSchema.index({ deviceHash: 1, day: 1 }, { sparse: true });
// The retention purge walks the answers oldest first by this date.
answerOriginSchema.index({ at: 1 });

export function integrityModels(conn: Connection) {
  return { AnswerOrigin: conn.model('AnswerOrigin', answerOriginSchema, 'answer_origins') };
}
