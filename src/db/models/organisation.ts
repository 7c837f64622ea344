import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const localized = { ar: { type: String, default: '' }, en: { type: String, default: '' } };

export const agencySchema = new Schema(
  {
    code: { type: String, required: true, unique: true },
    name: localized,
    /** Where a disputed closure is POSTed (HMAC-signed with disputeWebhookSecret). */
    disputeWebhookUrl: { type: String },
    disputeWebhookSecret: { type: String },
    /** Follow-up channels in fallback order. */
    channels: { type: [String], default: ['sms'] },
  },
  { timestamps: true },
);

export const departmentSchema = new Schema(
  {
    agency: { type: String, required: true },
    code: { type: String, required: true },
    name: localized,
  },
  { timestamps: true },
);
departmentSchema.index({ agency: 1, code: 1 }, { unique: true });

export const agentSchema = new Schema(
  {
    agentId: { type: String, required: true, unique: true },
    agency: { type: String, required: true },
    department: { type: String, required: true },
    displayName: { type: String, default: '' },
    /** E.164 number or sip: address the IVR dials to reach the agent. */
    dialTarget: { type: String },
  },
  { timestamps: true },
);
agentSchema.index({ agency: 1, department: 1 });

export type Agency = InferSchemaType<typeof agencySchema>;
export type Department = InferSchemaType<typeof departmentSchema>;
export type Agent = InferSchemaType<typeof agentSchema>;

export function organisationModels(conn: Connection) {
  return {
    Agency: conn.model('Agency', agencySchema, 'agencies'),
    Department: conn.model('Department', departmentSchema, 'departments'),
    Agent: conn.model('Agent', agentSchema, 'agents'),
  };
}
