import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Mail that verisat sends to staff (alerts and periodic reports, issue 28). Every mail is one
 * document in `mails`, inserted before it is queued, keyed by what it is about, so a second worker
 * or a restart that prepares the same mail finds it already there and sends nothing twice.
 */
export const MAIL_KINDS = [
  'dispute_alert',
  'drift_alert',
  'weekly_report',
  'monthly_report',
  'test',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const MAIL_STATES = ['queued', 'sent', 'failed'] as const;
export type MailState = (typeof MAIL_STATES)[number];

const attachmentSchema = new Schema(
  {
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    content: { type: Buffer, required: true },
    /** Shown inside the mail (`<img src="cid:…">`, e.g. an alert's chart) rather than attached. */
    cid: { type: String },
  },
  { _id: false },
);

export const mailSchema = new Schema(
  {
    /**
     * What the mail is about and to whom, e.g. `monthly_report:agency=MOH:2026-11:user=<id>`: the
     * idempotency key. Unique, so the insert is the claim.
     */
    _id: { type: String, required: true },
    kind: { type: String, enum: MAIL_KINDS, required: true },
    /** The recipient: a user's address (staff, never a citizen), and the user when there is one. */
    to: { type: String, required: true },
    userId: { type: String },
    lang: { type: String, enum: ['ar', 'en'], required: true },
    /** The scope the mail is about (agency, department, agent), for the admins' "who receives what". */
    scope: {
      agency: { type: String },
      department: { type: String },
      agentId: { type: String },
    },
    subject: { type: String, required: true },
    html: { type: String, required: true },
    text: { type: String, required: true },
    attachments: { type: [attachmentSchema], default: [] },
    /** The one-click unsubscribe address (List-Unsubscribe), when the mail comes from a subscription. */
    unsubscribeUrl: { type: String },
    state: { type: String, enum: MAIL_STATES, required: true, default: 'queued' },
    attempts: { type: Number, default: 0 },
    /** The SMTP server's reply to the last attempt, or the error that ended it. */
    lastResult: { type: String },
    messageId: { type: String },
    sentAt: { type: Date },
    failedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
mailSchema.index({ createdAt: -1 });
mailSchema.index({ userId: 1, createdAt: -1 });
mailSchema.index({ state: 1, createdAt: 1 });

/** What a user asked to receive: one document per user, kind and scope. */
export const SUBSCRIPTION_KINDS = [
  'dispute_alert',
  'drift_alert',
  'weekly_report',
  'monthly_report',
] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

export const subscriptionSchema = new Schema(
  {
    userId: { type: String, required: true },
    kind: { type: String, enum: SUBSCRIPTION_KINDS, required: true },
    /** Empty: everything the user may see (admins, auditors); otherwise inside the user's own scope. */
    agency: { type: String },
    department: { type: String },
    agentId: { type: String },
    /** Dispute alerts only: how long disputes are gathered into one mail (minutes; 0 = each at once). */
    gatherMinutes: { type: Number },
  },
  { timestamps: true, versionKey: false },
);
subscriptionSchema.index({ userId: 1, kind: 1, agency: 1, department: 1, agentId: 1 }, { unique: true });
subscriptionSchema.index({ kind: 1, agency: 1 });

export type MailRecord = InferSchemaType<typeof mailSchema>;
export type Subscription = InferSchemaType<typeof subscriptionSchema>;

export function mailModels(conn: Connection) {
  return {
    Mail: conn.model('Mail', mailSchema, 'mails'),
    Subscription: conn.model('Subscription', subscriptionSchema, 'mail_subscriptions'),
  };
}
