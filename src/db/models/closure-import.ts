import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Closures imported from a file (src/tickets/imports/): one record per upload, updated after every
 * batch so the page shows its progress; one result per row, for the result file; and each agency's
 * own column names. The rows themselves become ticket events through the events API's service, so
 * their idempotency is the events' own (an event id, or one derived from the ticket and closing time).
 */

export const IMPORT_STATUSES = ['running', 'finished', 'interrupted', 'refused'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const closureImportSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Who uploaded: a user's or a token's name and id (never a secret). */
    by: { type: String, required: true },
    byId: { type: String, required: true },
    /** The agency the upload was for, when one was named or implied by the uploader's scope. */
    agency: { type: String },
    format: { type: String, enum: ['csv', 'xlsx'], required: true },
    bytes: { type: Number, default: 0 },
    /** SHA-256 of the file, known once all of it was read. */
    fileHash: { type: String },
    status: { type: String, enum: IMPORT_STATUSES, required: true },
    /** Lines read so far, and the counts of their outcomes. */
    rows: { type: Number, default: 0 },
    accepted: { type: Number, default: 0 },
    alreadyImported: { type: Number, default: 0 },
    refused: { type: Number, default: 0 },
    /** Why the whole file was refused or stopped, when it was. */
    error: { type: String },
    startedAt: { type: Date, required: true },
    /** Written with every batch: a running import not heard from for a while was interrupted. */
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { versionKey: false },
);
closureImportSchema.index({ agency: 1, startedAt: -1 });
closureImportSchema.index({ startedAt: -1 });

export const IMPORT_ROW_STATUSES = ['accepted', 'already_imported', 'refused'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

/** The outcome of one line of one import (`${importId}:${line}`), never the citizen's number. */
export const importRowSchema = new Schema(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    line: { type: Number, required: true },
    status: { type: String, enum: IMPORT_ROW_STATUSES, required: true },
    ticketRef: { type: String },
    eventId: { type: String },
    column: { type: String },
    reason: { type: String },
  },
  { versionKey: false },
);
importRowSchema.index({ importId: 1, line: 1 });

/** An agency's own column names (its header as written → one of IMPORT_FIELDS). */
export const importMappingSchema = new Schema(
  {
    /** The agency code. */
    _id: { type: String, required: true },
    /** A list, not a map: a header may hold '.' or start with '$', which a map's keys may not. */
    columns: {
      type: [new Schema({ header: String, field: String }, { _id: false })],
      default: () => [],
    },
    updatedBy: { type: String },
  },
  { versionKey: false, timestamps: true },
);

export type ClosureImport = InferSchemaType<typeof closureImportSchema>;
export type ImportRow = InferSchemaType<typeof importRowSchema>;

export function closureImportModels(conn: Connection) {
  return {
    ClosureImport: conn.model('ClosureImport', closureImportSchema, 'closure_imports'),
    ImportRow: conn.model('ImportRow', importRowSchema, 'closure_import_rows'),
    ImportMapping: conn.model('ImportMapping', importMappingSchema, 'closure_import_mappings'),
  };
}
