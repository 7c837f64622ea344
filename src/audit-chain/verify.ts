import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { canonical } from './canonical.js';
import {
  checkpointMac,
  entryHash,
  entryId,
  GENESIS_HASH,
  headMac,
  macMatches,
  type ChainKeys,
  type ChainName,
} from './chain.js';

/**
 * Walks a chain from its first entry and reports what does not match:
 *   missing          an entry's sequence number is absent (deleted)
 *   broken_link      an entry's prevHash is not the hash of the entry before (inserted or replaced)
 *   modified         an entry's content does not give its stored hash (edited)
 *   bad_checkpoint   a checkpoint's HMAC is absent or wrong (rewritten without the key)
 *   bad_head         the head's HMAC is wrong, or the chain ends before the head (tail deleted)
 *   beyond_head      entries after the keyed head (appended without the key, or a writer died
 *                    between its insert and its head update: rerun after the next append)
 * and for the audit chain, whose entries seal audit_log documents:
 *   source_modified  an audit_log document differs from the copy its entry sealed
 *   source_deleted   an entry's audit_log document is gone
 *   source_unsealed  an audit_log document has no entry (inserted directly)
 */

export type ProblemKind =
  | 'missing'
  | 'broken_link'
  | 'modified'
  | 'bad_checkpoint'
  | 'bad_head'
  | 'beyond_head'
  | 'source_modified'
  | 'source_deleted'
  | 'source_unsealed';

export interface Problem {
  kind: ProblemKind;
  /** The chain entry's `_id` (`audit:17`), or the audit_log document's id for source_unsealed. */
  id: string;
  seq?: number;
  detail: string;
}

export interface VerifyReport {
  chain: ChainName;
  entries: number;
  checkpoints: number;
  ok: boolean;
  /** The first entry that does not match, in chain order; source_unsealed ones come last. */
  first: Problem | null;
  problems: Problem[];
}

interface StoredEntry {
  _id: string;
  chain: string;
  seq: number;
  at: Date;
  ref?: string | null;
  payload: string;
  prevHash: string;
  hash: string;
  checkpoint?: string;
}

export async function verifyChain(
  models: Models,
  keys: ChainKeys,
  chain: ChainName,
  opts: { maxProblems?: number } = {},
): Promise<VerifyReport> {
  const max = opts.maxProblems ?? 100;
  const problems: Problem[] = [];
  const add = (p: Problem) => {
    if (problems.length < max) problems.push(p);
  };
  let prev = { seq: 0, hash: GENESIS_HASH };
  let entries = 0;
  let checkpoints = 0;
  const sealed = new Set<string>();
  const cursor = models.ChainEntry.collection.find<StoredEntry>({ chain }).sort({ seq: 1 });
  for await (const e of cursor) {
    entries += 1;
    for (let missing = prev.seq + 1; missing < e.seq; missing++)
      add({ kind: 'missing', id: entryId(chain, missing), seq: missing, detail: 'entry deleted' });
    if (e.prevHash !== prev.hash && e.seq === prev.seq + 1)
      add({
        kind: 'broken_link',
        id: e._id,
        seq: e.seq,
        detail: 'prevHash is not the previous entry’s hash',
      });
    const recomputed = entryHash({
      chain: e.chain,
      seq: e.seq,
      at: e.at,
      ...(e.ref != null ? { ref: e.ref } : {}),
      payload: e.payload,
      prevHash: e.prevHash,
    });
    if (recomputed !== e.hash || e._id !== entryId(chain, e.seq))
      add({ kind: 'modified', id: e._id, seq: e.seq, detail: 'content does not give the stored hash' });
    if (e.seq % keys.checkpointEvery === 0) {
      checkpoints += 1;
      if (!macMatches(checkpointMac(keys.key, chain, e.seq, e.hash), e.checkpoint))
        add({ kind: 'bad_checkpoint', id: e._id, seq: e.seq, detail: 'checkpoint HMAC absent or wrong' });
    }
    if (chain === 'audit' && e.ref != null) {
      sealed.add(e.ref);
      await checkSource(models, e, add);
    }
    prev = { seq: e.seq, hash: e.hash };
  }
  const head = await models.ChainHead.collection.findOne<{ seq: number; hash: string; mac: string }>({
    _id: chain as never,
  });
  if (head) {
    if (!macMatches(headMac(keys.key, chain, head.seq, head.hash), head.mac))
      add({ kind: 'bad_head', id: `head:${chain}`, seq: head.seq, detail: 'head HMAC wrong' });
    else if (head.seq > prev.seq)
      add({
        kind: 'bad_head',
        id: entryId(chain, prev.seq + 1),
        seq: prev.seq + 1,
        detail: `chain ends at ${prev.seq}, the keyed head says ${head.seq}: entries deleted at the end`,
      });
    else if (head.seq < prev.seq)
      add({
        kind: 'beyond_head',
        id: entryId(chain, head.seq + 1),
        seq: head.seq + 1,
        detail: `entries ${head.seq + 1}–${prev.seq} are after the keyed head`,
      });
  } else if (entries > 0) {
    add({ kind: 'bad_head', id: `head:${chain}`, detail: 'entries but no keyed head' });
  }
  if (chain === 'audit') await checkUnsealed(models, sealed, add);
  // Chain order first (a problem found at the end about an earlier seq sorts before later ones).
  problems.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  return { chain, entries, checkpoints, ok: problems.length === 0, first: problems[0] ?? null, problems };
}

async function checkSource(models: Models, e: StoredEntry, add: (p: Problem) => void): Promise<void> {
  const source = await models.AuditLog.collection.findOne({ _id: toObjectIdOr(e.ref ?? '') as never });
  if (!source) {
    add({ kind: 'source_deleted', id: e._id, seq: e.seq, detail: `audit_log ${e.ref} is gone` });
    return;
  }
  if (canonical(source) !== e.payload)
    add({ kind: 'source_modified', id: e._id, seq: e.seq, detail: `audit_log ${e.ref} was changed` });
}

/** Every audit_log document must be sealed by an entry; the refs were collected on the walk. */
async function checkUnsealed(models: Models, sealed: Set<string>, add: (p: Problem) => void): Promise<void> {
  for await (const doc of models.AuditLog.collection.find({}, { projection: { _id: 1 } })) {
    const id = String(doc._id);
    if (!sealed.has(id))
      add({ kind: 'source_unsealed', id, detail: `audit_log ${id} has no chain entry (inserted directly)` });
  }
}

function toObjectIdOr(id: string): unknown {
  return Types.ObjectId.isValid(id) && id.length === 24 ? new Types.ObjectId(id) : id;
}
