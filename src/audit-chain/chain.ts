import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { Models } from '../db/models/index.js';

/**
 * Append-only hash chains without transactions. Entry n carries the hash of entry n − 1, so an edit,
 * a deletion or an insertion made directly in the database breaks the chain at that point; every
 * `checkpointEvery` entries, and on the head, an HMAC with the integrity key seals the hash, so
 * someone who can write to the database but lacks the key cannot rebuild the chain after a change.
 *
 * Appending is safe with any number of concurrent writers: entry n's `_id` is `<chain>:<n>`, so
 * only one insert of seq n can win (and a unique index on chain + seq says so again). The head
 * document is only a hint where to start: a writer that loses seq n reads entry n (by `_id`) and
 * tries n + 1, and the head is moved forward by a conditional update that never moves it back. A
 * writer that dies between its insert and the head update leaves the head behind; the next append
 * walks forward past it.
 */

// Why: docs/decisions/0003-hash-chains-without-transactions.md
export const CHAINS = ['audit', 'answers', 'outcomes'] as const;
export type ChainName = (typeof CHAINS)[number];

export const GENESIS_HASH = '0'.repeat(64);
const MAX_APPEND_ATTEMPTS = 1000;

export interface ChainKeys {
  key: string;
  checkpointEvery: number;
}

export interface EntryFields {
  chain: string;
  seq: number;
  at: Date;
  ref?: string | null;
  payload: string;
  prevHash: string;
}

export function entryId(chain: string, seq: number): string {
  return `${chain}:${seq}`;
}

export function entryHash(e: EntryFields): string {
  return createHash('sha256')
    .update(JSON.stringify([e.chain, e.seq, e.at.toISOString(), e.ref ?? null, e.payload, e.prevHash]))
    .digest('hex');
}

export function checkpointMac(key: string, chain: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`checkpoint:${chain}:${seq}:${hash}`).digest('hex');
}

export function headMac(key: string, chain: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`head:${chain}:${seq}:${hash}`).digest('hex');
}

export function macMatches(expected: string, actual: string | undefined | null): boolean {
  if (typeof actual !== 'string' || actual.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

export interface Appended {
  seq: number;
  hash: string;
}

/** Appends one entry; returns its sequence number and hash. */
export async function appendEntry(
  models: Models,
  keys: ChainKeys,
  entry: { chain: ChainName; payload: string; ref?: string; at?: Date },
): Promise<Appended> {
  const at = entry.at ?? new Date();
  const head = await models.ChainHead.collection.findOne<{ seq: number; hash: string }>({
    _id: entry.chain as never,
  });
  let prev = { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH };
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    const seq = prev.seq + 1;
    const fields: EntryFields = {
      chain: entry.chain,
      seq,
      at,
      ...(entry.ref !== undefined ? { ref: entry.ref } : {}),
      payload: entry.payload,
      prevHash: prev.hash,
    };
    const hash = entryHash(fields);
    try {
      await models.ChainEntry.collection.insertOne({
        _id: entryId(entry.chain, seq) as never,
        ...fields,
        hash,
        ...(seq % keys.checkpointEvery === 0
          ? { checkpoint: checkpointMac(keys.key, entry.chain, seq, hash) }
          : {}),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const taken = await models.ChainEntry.collection.findOne<{ hash: string }>(
        { _id: entryId(entry.chain, seq) as never },
        { projection: { hash: 1 } },
      );
      if (!taken) continue; // removed meanwhile (tampering): try the same seq again
      prev = { seq, hash: taken.hash };
      continue;
    }
    await advanceHead(models, keys, entry.chain, seq, hash);
    return { seq, hash };
  }
  throw new Error(`chain ${entry.chain}: no free sequence number after ${MAX_APPEND_ATTEMPTS} attempts`);
}

/** Moves the head to seq if it is behind; never back. */
async function advanceHead(
  models: Models,
  keys: ChainKeys,
  chain: string,
  seq: number,
  hash: string,
): Promise<void> {
  try {
    await models.ChainHead.collection.updateOne(
      { _id: chain as never, seq: { $lt: seq } },
      { $set: { seq, hash, mac: headMac(keys.key, chain, seq, hash) } },
      { upsert: true },
    );
  } catch (err) {
    // The head exists and is already at or past seq: the upsert's insert collided with it.
    if (!isDuplicateKey(err)) throw err;
  }
}
