import type { Config } from '../config/index.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../log.js';
import { canonical } from './canonical.js';
import { appendEntry, type ChainKeys } from './chain.js';

/**
 * What the writers call: seal an audit_log document, one citizen answer, or one outcome no answer
 * decided, in its chain. A failure
 * is logged and does not fail the write it follows (as a failed audit write does not fail a
 * request); the verify command then reports the record as unsealed, which is the honest outcome.
 */

export interface SealDeps {
  models: Models;
  log: Logger;
  config: Pick<Config, 'integrity'>;
}

export function chainKeys(config: Pick<Config, 'integrity'>): ChainKeys {
  return { key: config.integrity.key, checkpointEvery: config.integrity.checkpointEvery };
}

/** Seals the audit_log document with this id, as stored (read back, so defaults are included). */
export async function sealAuditRecord(deps: SealDeps, id: unknown): Promise<void> {
  try {
    const doc = await deps.models.AuditLog.collection.findOne({ _id: id as never });
    if (!doc) throw new Error(`audit_log ${String(id)} not found right after its write`);
    const at = doc.at instanceof Date ? doc.at : new Date();
    await appendEntry(deps.models, chainKeys(deps.config), {
      chain: 'audit',
      ref: String(doc._id),
      payload: canonical(doc),
      at,
    });
  } catch (err) {
    deps.log.error({ err, auditId: String(id) }, 'audit log entry not sealed in its chain');
  }
}

/**
 * The content of one answer as the chain keeps it: no phone number, no free text, and not where it
 * came from (the device and network hashes live in answer_origins, which the retention purge and an
 * erasure can clear; an append-only chain cannot forget).
 */
export interface AnswerSeal {
  followUpId: string;
  ticketRef: string;
  closureNumber: number;
  revision: number;
  channel: string;
  step: string;
  solved?: boolean;
  rating?: number;
  reason?: string;
}

export async function sealAnswer(deps: SealDeps, answer: AnswerSeal): Promise<void> {
  try {
    await appendEntry(deps.models, chainKeys(deps.config), {
      chain: 'answers',
      ref: `${answer.followUpId}:${answer.revision}`,
      payload: canonical(answer),
    });
  } catch (err) {
    deps.log.error({ err, followUpId: answer.followUpId }, 'answer not sealed in its chain');
  }
}

/**
 * An outcome no answer decides (no response, undeliverable, opted out, not sampled, too old…), as the
 * outcomes chain keeps it: the follow-up revision that decided it, and whether the question had gone
 * out and reached the handset by then. No phone number, no free text.
 */
export interface OutcomeSeal {
  followUpId: string;
  ticketRef: string;
  closureNumber: number;
  revision: number;
  outcome: string;
  sent: boolean;
  delivered: boolean;
}

/** Called once by the writer whose conditional write decided the outcome (never by one that lost). */
export async function sealOutcome(deps: SealDeps, outcome: OutcomeSeal): Promise<void> {
  try {
    await appendEntry(deps.models, chainKeys(deps.config), {
      chain: 'outcomes',
      ref: `${outcome.followUpId}:${outcome.revision}`,
      payload: canonical(outcome),
    });
  } catch (err) {
    deps.log.error({ err, followUpId: outcome.followUpId }, 'outcome not sealed in its chain');
  }
}
