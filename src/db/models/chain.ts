import { Schema, type Connection } from 'mongoose';

/**
 * Append-only hash chains (src/audit-chain/): the audit log, the stream of citizen answers and the
 * outcomes no answer decides. One document per entry; `_id` is `<chain>:<seq>` so an append is an
 * insert that only one writer can win, and every step of a verification is a read by `_id`.
 */
export const chainEntrySchema = new Schema(
  {
    _id: { type: String, required: true },
    chain: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    /** The source record's id (an audit_log entry), when the chain mirrors a collection. */
    ref: { type: String },
    /** The entry's content, canonical JSON: what `hash` covers. */
    payload: { type: String, required: true },
    prevHash: { type: String, required: true },
    /** sha256 over chain, seq, at, ref, payload and prevHash (src/audit-chain/chain.ts). */
    hash: { type: String, required: true },
    /** HMAC of the hash with the integrity key, every CHAIN_CHECKPOINT_EVERY entries. */
    checkpoint: { type: String },
  },
  { versionKey: false },
);
chainEntrySchema.index({ chain: 1, seq: 1 }, { unique: true });
chainEntrySchema.index({ chain: 1, ref: 1 }, { sparse: true });

/** The last entry an append saw, with its keyed MAC: where the next append starts looking. */
export const chainHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    mac: { type: String, required: true },
  },
  { versionKey: false },
);

export function chainModels(conn: Connection) {
  return {
    ChainEntry: conn.model('ChainEntry', chainEntrySchema, 'chain_entries'),
    ChainHead: conn.model('ChainHead', chainHeadSchema, 'chain_heads'),
  };
}
