import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CITIZEN_LANGUAGES } from '../../i18n/languages.js';

export const callSchema = new Schema(
  {
    callSid: { type: String, required: true, unique: true },
    from: { type: String },
    to: { type: String },
    agentId: { type: String },
    ticketRef: { type: String },
    agency: { type: String },
    department: { type: String },
    language: { type: String, enum: CITIZEN_LANGUAGES, default: 'ar' },
    status: { type: String },
    dialStatus: { type: String },
    durationSec: { type: Number },
    startedAt: { type: Date },
    endedAt: { type: Date },
  },
  { timestamps: true },
);
callSchema.index({ ticketRef: 1 });
callSchema.index({ agentId: 1, startedAt: -1 });
// The retention purge's filter (src/retention/purge.ts).
callSchema.index({ createdAt: 1 });

const answerSchema = new Schema(
  {
    step: { type: String, required: true },
    digits: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
    at: { type: Date, required: true },
  },
  { _id: false },
);

export const postCallRatingSchema = new Schema(
  {
    callSid: { type: String, required: true, unique: true },
    flow: { type: String, required: true },
    agentId: { type: String },
    ticketRef: { type: String },
    agency: { type: String },
    department: { type: String },
    language: { type: String, enum: CITIZEN_LANGUAGES, default: 'ar' },
    agentRating: { type: Number, min: 1, max: 5 },
    solvedOnCall: { type: Boolean },
    answers: { type: [answerSchema], default: [] },
    // Steps already stored, as keys: the replay guard, `answered.<step>: {$exists: false}` in the
    // filter of the one update that stores a step, so a replayed answer matches nothing.
    answered: { type: Map, of: Boolean, default: {} },
    recording: {
      sid: { type: String },
      url: { type: String },
      durationSec: { type: Number },
      status: { type: String },
    },
    status: {
      type: String,
      enum: ['in_progress', 'complete', 'partial', 'abandoned'],
      default: 'in_progress',
    },
    callDurationSec: { type: Number },
    day: { type: String },
    finalisedAt: { type: Date },
  },
  { timestamps: true },
);
postCallRatingSchema.index({ ticketRef: 1 });
postCallRatingSchema.index({ agency: 1, day: 1 });
postCallRatingSchema.index({ agentId: 1, day: 1 });
// The retention purge's filter (src/retention/purge.ts).
postCallRatingSchema.index({ createdAt: 1 });

export type Call = InferSchemaType<typeof callSchema>;
export type PostCallRating = InferSchemaType<typeof postCallRatingSchema>;

export function callModels(conn: Connection) {
  return {
    Call: conn.model('Call', callSchema, 'calls'),
    PostCallRating: conn.model('PostCallRating', postCallRatingSchema, 'post_call_ratings'),
  };
}
