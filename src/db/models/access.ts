import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const ROLES = ['admin', 'agency_admin', 'manager', 'auditor', 'ticket_system'] as const;
export type Role = (typeof ROLES)[number];

const scopeSchema = new Schema({ agency: { type: String }, department: { type: String } }, { _id: false });

export const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    scope: { type: scopeSchema, default: () => ({}) },
    disabledAt: { type: Date },
    /** SHA-256 of the one open invitation or reset link, and when it stops working. */
    resetTokenHash: { type: String },
    resetExpiresAt: { type: Date },
    /** Sessions created before this are ended (password changed or reset forced). */
    sessionsValidAfter: { type: Date },
    revision: { type: Number, default: 0 },
    /** Signed in with a one-time password: nothing but changing it until it is changed. */
    mustChangePassword: { type: Boolean },
    /** Where alerts and reports go (issue 28); a user without one receives no mail. */
    email: { type: String },
    /** The language of the mail this user receives. */
    language: { type: String, enum: ['ar', 'en'] },
  },
  { timestamps: true },
);
userSchema.index({ resetTokenHash: 1 }, { unique: true, sparse: true });

/** API tokens are random 32-byte secrets; only their SHA-256 is stored, so a database leak reveals none. */
export const apiTokenSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    prefix: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    scope: { type: scopeSchema, default: () => ({}) },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true },
);

export const auditLogSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** `user:<id>`, `token:<id>`, or a fixed name such as `system` or `anonymous`. */
    actor: { type: String, required: true },
    /** The actor's name when it acted (escaped), shown beside the id. */
    actorName: { type: String },
    /** The name an unknown sign-in gave (escaped); never the actor. */
    attemptedName: { type: String },
    action: { type: String, required: true },
    outcome: { type: String, enum: ['ok', 'denied', 'failed'], default: 'ok' },
    detail: { type: Schema.Types.Mixed },
    rows: { type: Number },
    ip: { type: String },
    /** The agency a change concerns, so an agency admin reads its own agency's entries. */
    agency: { type: String },
    /** What changed: the record's kind and key, and its state before and after (secrets redacted). */
    target: { type: String },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
  },
  { timestamps: false },
);
auditLogSchema.index({ at: -1 });
auditLogSchema.index({ actor: 1, at: -1 });
auditLogSchema.index({ actorName: 1, at: -1 });
auditLogSchema.index({ agency: 1, at: -1 });

export type User = InferSchemaType<typeof userSchema>;
export type ApiToken = InferSchemaType<typeof apiTokenSchema>;
export type AuditLog = InferSchemaType<typeof auditLogSchema>;

export function accessModels(conn: Connection) {
  return {
    User: conn.model('User', userSchema, 'users'),
    ApiToken: conn.model('ApiToken', apiTokenSchema, 'api_tokens'),
    AuditLog: conn.model('AuditLog', auditLogSchema, 'audit_log'),
  };
}
