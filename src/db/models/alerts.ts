import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The state behind alert mails (src/reports/mail/alerts/), each changed only by conditional
 * single-document updates, so two workers and replayed jobs agree on what was sent.
 */

/**
 * One per supervisor: the dispute-gathering window open now (or the last one). The first dispute
 * of a window is mailed at once; the others join `disputes` and go out together when the window
 * ends. `sealed` is set once the window is over, so nothing joins it after its mail was composed.
 */
export const alertWindowSchema = new Schema(
  {
    /** The user id. */
    _id: { type: String, required: true },
    /** When the window opened (ms): names the window in job ids and mail keys. */
    windowId: { type: Number, required: true },
    endsAt: { type: Date, required: true },
    /** Dispute ids (`ticketRef#closure`), the first one first. */
    disputes: { type: [String], default: [] },
    sealed: { type: Boolean, required: true, default: false },
    /** The last disputes this user was told of, so a replayed dispute never starts a window again. */
    seen: { type: [String], default: [] },
  },
  { timestamps: true, versionKey: false },
);

export const DRIFT_GROUP_KINDS = ['agent', 'department'] as const;
export type DriftGroupKind = (typeof DRIFT_GROUP_KINDS)[number];

/**
 * One per group and kind (`agent:<id>`, `department:<agency>/<code>`): whether a drift episode is
 * open, its number (raised when a new one opens), and the figures of the day it opened.
 */
export const driftEpisodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: DRIFT_GROUP_KINDS, required: true },
    agency: { type: String, required: true },
    department: { type: String },
    agentId: { type: String },
    open: { type: Boolean, required: true },
    episode: { type: Number, required: true },
    /** Local days (YYYY-MM-DD): the check that opened it, the last one that found it outside, and the one that closed it. */
    openedDay: { type: String, required: true },
    lastOutsideDay: { type: String, required: true },
    closedDay: { type: String },
    /** The figures of the opening check, as the mail gives them. */
    figures: {
      from: String,
      to: String,
      count: Number,
      n: Number,
      rate: Number,
      expected: Number,
      limit: Number,
      low: Number,
      high: Number,
    },
    /** The episode whose mail has been queued: equal to `episode` once its managers were told. */
    mailedEpisode: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
driftEpisodeSchema.index({ open: 1, agency: 1 });

export type AlertWindow = InferSchemaType<typeof alertWindowSchema>;
export type DriftEpisode = InferSchemaType<typeof driftEpisodeSchema>;

export function alertModels(conn: Connection) {
  return {
    AlertWindow: conn.model('AlertWindow', alertWindowSchema, 'alert_windows'),
    DriftEpisode: conn.model('DriftEpisode', driftEpisodeSchema, 'drift_episodes'),
  };
}
