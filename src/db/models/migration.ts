import { Schema, type Connection } from 'mongoose';

/**
 * One document per one-time data migration that has finished (src/tickets/owner-backfill.ts is the
 * first), so a start-up after it skips the work; a migration that stopped half-way has none and runs
 * again, and each is written to be repeated.
 */
export const migrationSchema = new Schema(
  {
    /** The migration's name. */
    _id: { type: String, required: true },
    doneAt: { type: Date, required: true },
    /** What it changed, for an operator reading the collection (counts only, nothing personal). */
    changed: { type: Number, required: true },
  },
  { versionKey: false },
);

export type Migration = { _id: string; doneAt: Date; changed: number };

export function migrationModels(conn: Connection) {
  return { Migration: conn.model('Migration', migrationSchema, 'migrations') };
}
