import type { Models } from '../db/models/index.js';
import {
  addScoreCounters,
  bucketId,
  bucketOf,
  SCORE_SUMS_FIELDS,
  type CountableScore,
} from '../scores/sums/daily-sums.js';

/**
 * Checks that the records reports and exports are read from follow from what is sealed:
 *   verified_scores  each score's solved, outcome, rating, reason and answer channel follow from the
 *                    last sealed answer of its follow-up in the answers chain (none sealed: no answer
 *                    on the score either, and an outcome that needs none); an outcome no answer
 *                    decides (no response, undeliverable, opted out, not sampled…) is the last one
 *                    sealed for it in the outcomes chain (none sealed: reported as unsealed), with
 *                    the sent and delivered that seal knew of; its post-call rating is the one of the
 *                    post-call rating record it names;
 *   daily_sums       each bucket's counters are the sums of its scores' cells, and every score's
 *                    bucket exists.
 * It trusts the chains' entries as stored: `verifyChain(…, 'answers')` and `'outcomes'` prove those,
 * and the command runs all three. The personal fields the retention purge and an erasure remove
 * (number, comment) are not sealed, so removing them is no mismatch. Both walks stream: scores in
 * batches, sums one day at a time.
 *
 * A score written a moment ago may not be sealed or counted yet (its writer seals and counts right
 * after the write): run on a quiet system, or run again; a bucket with a score still pending
 * counting says so.
 */

export type RecordCollection = 'verified_scores' | 'daily_sums';

export interface RecordProblem {
  collection: RecordCollection;
  /** `T-1001 closure 1` for a score, the bucket's `_id` (`["2025-03-02","MOMAH","roads","a1"]`) for a sum. */
  key: string;
  field: string;
  stored: unknown;
  expected: unknown;
  /** Who gives the expected value, as a sentence reads it: `the sealed answers give`. */
  by: string;
  /** Where the expected value comes from: `answers:17`, `post_call_ratings <id>`, `verified_scores`. */
  source: string;
  detail?: string;
}

/** `verified_scores T-1001 closure 1: solved is true, the sealed answers give false (answers:7)` */
export function describeProblem(p: RecordProblem): string {
  const show = (v: unknown) => (typeof v === 'string' && p.field !== '_id' ? JSON.stringify(v) : String(v));
  const expected = typeof p.expected === 'string' && p.expected.includes(' ') ? p.expected : show(p.expected);
  return `${p.collection} ${p.key}: ${p.field} is ${show(p.stored)}, ${p.by} ${expected} (${p.source})${
    p.detail ? `: ${p.detail}` : ''
  }`;
}

export interface RecordsReport {
  collection: RecordCollection;
  checked: number;
  /** For the sums: how many scores they were checked against. */
  scores?: number;
  ok: boolean;
  first: RecordProblem | null;
  problems: RecordProblem[];
}

const VERIFIED_OUTCOMES: Record<string, boolean> = { confirmed_solved: true, disputed: false };
const BATCH = 500;

/** One answer as `sealAnswer` (seal.ts) put it in the chain. */
interface SealedAnswer {
  ticketRef?: string;
  closureNumber?: number;
  revision?: number;
  channel?: string;
  solved?: boolean;
  rating?: number;
  reason?: string;
}

/** One outcome as `sealOutcome` (seal.ts) put it in the chain. */
interface SealedOutcome {
  ticketRef?: string;
  closureNumber?: number;
  revision?: number;
  outcome?: string;
  sent?: boolean;
  delivered?: boolean;
}

interface Sealed<T> {
  seq: number;
  entry: T;
}

interface ScoreRow {
  _id: unknown;
  ticketRef: string;
  closureNumber: number;
  outcome?: string | null;
  solved?: boolean | null;
  rating?: number | null;
  reason?: string | null;
  channel?: string | null;
  sent?: boolean | null;
  delivered?: boolean | null;
  postCallRating?: number | null;
  postCallRatingId?: { toString(): string } | null;
}

const SCORE_FIELDS = {
  ticketRef: 1,
  closureNumber: 1,
  outcome: 1,
  solved: 1,
  rating: 1,
  reason: 1,
  channel: 1,
  sent: 1,
  delivered: 1,
  postCallRating: 1,
  postCallRatingId: 1,
} as const;

function collector(max: number) {
  const problems: RecordProblem[] = [];
  let total = 0;
  return {
    problems,
    add: (p: RecordProblem): void => {
      total += 1;
      if (problems.length < max) problems.push(p);
    },
    get total() {
      return total;
    },
  };
}

export async function verifyScores(
  models: Models,
  opts: { maxProblems?: number; batchSize?: number } = {},
): Promise<RecordsReport> {
  const batchSize = opts.batchSize ?? BATCH;
  const found = collector(opts.maxProblems ?? 100);
  let checked = 0;
  let batch: ScoreRow[] = [];
  // The unique closure index gives the order, so the first mismatch named is the same every run.
  const cursor = models.VerifiedScore.collection
    .find<ScoreRow>({}, { projection: SCORE_FIELDS })
    .sort({ ticketRef: 1, closureNumber: 1 });
  for await (const score of cursor) {
    batch.push(score);
    if (batch.length >= batchSize) {
      await checkScoreBatch(models, batch, found.add);
      checked += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await checkScoreBatch(models, batch, found.add);
  checked += batch.length;
  return {
    collection: 'verified_scores',
    checked,
    ok: found.total === 0,
    first: found.problems[0] ?? null,
    problems: found.problems,
  };
}

/**
 * A batch of scores costs three reads: their follow-ups, their sealed answers and outcomes, their
 * post-call ratings.
 */
async function checkScoreBatch(
  models: Models,
  batch: ScoreRow[],
  add: (p: RecordProblem) => void,
): Promise<void> {
  const closureKey = (ref: string, n: number) => `${ref}\u0000${n}`;
  const followUps = await models.FollowUp.collection
    .find<{ _id: unknown; ticketRef: string; closureNumber: number }>(
      { ticketRef: { $in: [...new Set(batch.map((s) => s.ticketRef))] } },
      { projection: { ticketRef: 1, closureNumber: 1 } },
    )
    .toArray();
  const followUpOf = new Map(followUps.map((f) => [closureKey(f.ticketRef, f.closureNumber), String(f._id)]));
  // An answer's and an outcome's ref are both `<followUpId>:<revision>`: a range per follow-up finds
  // all of them, in both chains, on the (chain, ref) index.
  const ids = [...new Set(followUps.map((f) => String(f._id)))];
  const answers = new Map<string, Sealed<SealedAnswer>[]>();
  const outcomes = new Map<string, Sealed<SealedOutcome>[]>();
  if (ids.length > 0) {
    const entries = models.ChainEntry.collection.find<{
      _id: string;
      chain: string;
      seq: number;
      ref?: string;
      payload: string;
    }>(
      {
        chain: { $in: ['answers', 'outcomes'] },
        $or: ids.map((id) => ({ ref: { $gte: `${id}:`, $lt: `${id};` } })),
      },
      { projection: { chain: 1, seq: 1, ref: 1, payload: 1 } },
    );
    for await (const e of entries) {
      const id = String(e.ref).split(':')[0] ?? '';
      const into: Map<string, Sealed<SealedAnswer | SealedOutcome>[]> =
        e.chain === 'outcomes' ? outcomes : answers;
      const list = into.get(id) ?? [];
      list.push({ seq: e.seq, entry: parsePayload(e.payload) });
      into.set(id, list);
    }
  }
  const ratingIds = batch.flatMap((s) => (s.postCallRatingId != null ? [s.postCallRatingId] : []));
  const ratings = new Map(
    ratingIds.length === 0
      ? []
      : (
          await models.PostCallRating.collection
            .find<{ _id: unknown; agentRating?: number | null }>(
              { _id: { $in: ratingIds as never[] } },
              { projection: { agentRating: 1 } },
            )
            .toArray()
        ).map((r) => [String(r._id), r.agentRating ?? null]),
  );

  for (const score of batch) {
    const key = `${score.ticketRef} closure ${score.closureNumber}`;
    const followUpId = followUpOf.get(closureKey(score.ticketRef, score.closureNumber));
    const ofClosure = <T extends { ticketRef?: string; closureNumber?: number; revision?: number }>(
      list: Sealed<T>[] | undefined,
    ) =>
      (list ?? [])
        .filter((a) => a.entry.ticketRef === score.ticketRef && a.entry.closureNumber === score.closureNumber)
        .sort((a, b) => (a.entry.revision ?? 0) - (b.entry.revision ?? 0) || a.seq - b.seq);
    const sealed = ofClosure(followUpId ? answers.get(followUpId) : undefined);
    checkScore(score, key, sealed, add);
    checkOutcome(score, key, sealed, ofClosure(followUpId ? outcomes.get(followUpId) : undefined), add);
    checkPostCall(score, key, ratings, add);
  }
}

function parsePayload(payload: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(payload);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    // An unreadable payload fails the chain's own check (its hash); here it seals no answer.
    return {};
  }
}

/** Reports a field of one score that differs from what `by` gives, from `source`. */
function scoreProblem(add: (p: RecordProblem) => void, key: string, by: string, source: string) {
  return (field: string, stored: unknown, expected: unknown) =>
    add({ collection: 'verified_scores', key, field, stored, expected, by, source });
}

function checkScore(
  score: ScoreRow,
  key: string,
  sealed: Sealed<SealedAnswer>[],
  add: (p: RecordProblem) => void,
): void {
  const last = sealed[sealed.length - 1];
  const source = last ? `answers:${last.seq}` : 'no sealed answer';
  const problem = scoreProblem(add, key, 'the sealed answers give', source);
  // Every answer seals the follow-up's solved, rating and reason as they are after it, so the last
  // one holds what the score must hold.
  const solved = last?.entry.solved ?? null;
  if ((score.solved ?? null) !== solved) problem('solved', score.solved ?? null, solved);
  const outcome = score.outcome ?? null;
  if (solved === null) {
    if (outcome !== null && outcome in VERIFIED_OUTCOMES)
      add({
        collection: 'verified_scores',
        key,
        field: 'outcome',
        stored: outcome,
        expected: 'an outcome that needs no answer (not confirmed_solved or disputed)',
        by: 'with no sealed “solved?” answer it must be',
        source,
      });
  } else {
    const expected = solved ? 'confirmed_solved' : 'disputed';
    if (outcome !== expected) problem('outcome', outcome, expected);
  }
  const rating = last?.entry.rating ?? null;
  if ((score.rating ?? null) !== rating) problem('rating', score.rating ?? null, rating);
  const reason = last?.entry.reason ?? null;
  if ((score.reason ?? null) !== reason) problem('reason', score.reason ?? null, reason);
  // The answer that decided the outcome (the first with "solved?" answered) set the channel.
  const deciding = sealed.find((a) => a.entry.solved != null);
  if (deciding?.entry.channel && (score.channel ?? null) !== deciding.entry.channel)
    add({
      collection: 'verified_scores',
      key,
      field: 'channel',
      stored: score.channel ?? null,
      expected: deciding.entry.channel,
      by: 'the answer that decided the outcome gives',
      source: `answers:${deciding.seq}`,
    });
}

/**
 * An outcome no answer decides follows from the last outcome sealed for the closure. Where an answer
 * gave "solved?", checkScore has already held the outcome to it: a closure an answer decided is never
 * closed by a sealed outcome (closeFollowUp keeps an answered follow-up's outcome and seals nothing).
 * A score with no outcome is an open follow-up: only one cancelled by a reopen can be open again (it
 * is scheduled again when the closure is back in force), so any other sealed outcome says it was
 * removed. Sent and delivered only ever rise, so a seal that knew of them needs them on the score.
 */
function checkOutcome(
  score: ScoreRow,
  key: string,
  answers: Sealed<SealedAnswer>[],
  outcomes: Sealed<SealedOutcome>[],
  add: (p: RecordProblem) => void,
): void {
  const outcome = score.outcome ?? null;
  // checkScore has named an answer outcome with no answer sealed for it.
  if (answers.some((a) => a.entry.solved != null) || (outcome !== null && outcome in VERIFIED_OUTCOMES))
    return;
  const last = outcomes[outcomes.length - 1];
  if (!last) {
    if (outcome !== null)
      add({
        collection: 'verified_scores',
        key,
        field: 'outcome',
        stored: outcome,
        expected: 'no sealed outcome gives it',
        by: 'unsealed:',
        source: 'outcomes chain',
      });
    return;
  }
  const source = `outcomes:${last.seq}`;
  const problem = scoreProblem(add, key, 'the sealed outcome gives', source);
  const sealedOutcome = last.entry.outcome ?? null;
  if (outcome !== sealedOutcome && !(outcome === null && sealedOutcome === 'cancelled_reopened'))
    problem('outcome', outcome, sealedOutcome);
  if (last.entry.sent === true && score.sent !== true) problem('sent', score.sent ?? false, true);
  if (last.entry.delivered === true && score.delivered !== true)
    problem('delivered', score.delivered ?? false, true);
}

function checkPostCall(
  score: ScoreRow,
  key: string,
  ratings: Map<string, number | null>,
  add: (p: RecordProblem) => void,
): void {
  const stored = score.postCallRating ?? null;
  const id = score.postCallRatingId != null ? String(score.postCallRatingId) : null;
  if (id === null) {
    if (stored !== null)
      add({
        collection: 'verified_scores',
        key,
        field: 'postCallRating',
        stored,
        expected: null,
        by: 'with no post-call rating record named it must be',
        source: 'postCallRatingId absent',
      });
    return;
  }
  const expected = ratings.has(id) ? (ratings.get(id) ?? null) : undefined;
  if (expected === undefined) {
    add({
      collection: 'verified_scores',
      key,
      field: 'postCallRatingId',
      stored: id,
      expected: 'an existing record',
      by: 'it must name',
      source: 'post_call_ratings',
      detail: `post_call_ratings ${id} is gone`,
    });
  } else if (stored !== expected) {
    add({
      collection: 'verified_scores',
      key,
      field: 'postCallRating',
      stored,
      expected,
      by: 'the post-call rating record gives',
      source: `post_call_ratings ${id}`,
    });
  }
}

type Counters = Record<string, number>;

/** A bucket's stored counters as flat paths (`all.solvedYes`, `channels.sms.ratings`). */
function storedCounters(doc: Record<string, unknown>): Counters {
  const out: Counters = {};
  const flatten = (prefix: string, v: unknown) => {
    if (typeof v === 'number') out[prefix] = v;
    else if (v !== null && typeof v === 'object')
      for (const [k, inner] of Object.entries(v)) flatten(`${prefix}.${k}`, inner);
  };
  flatten('all', doc.all);
  flatten('channels', doc.channels);
  return out;
}

export async function verifySums(
  models: Models,
  opts: { maxProblems?: number } = {},
): Promise<RecordsReport> {
  const found = collector(opts.maxProblems ?? 100);
  let checked = 0;
  let scores = 0;
  const days = new Set<string>();
  // One day's expected buckets at a time: what a day's scores add up to, per bucket.
  let day: string | null = null;
  let expected = new Map<string, { counters: Counters; pending: number }>();

  const checkDay = async (d: string) => {
    days.add(d);
    const buckets = models.DailySum.collection
      .find<Record<string, unknown>>({ day: d }, { projection: { m: 0 } })
      .sort({ _id: 1 });
    const seen = new Set<string>();
    for await (const doc of buckets) {
      const id = String(doc._id);
      seen.add(id);
      checked += 1;
      compareBucket(id, storedCounters(doc), expected.get(id), found.add);
    }
    for (const id of [...expected.keys()].sort())
      if (!seen.has(id))
        found.add({
          collection: 'daily_sums',
          key: id,
          field: '_id',
          stored: null,
          expected: 'a daily sum for their bucket',
          by: 'its scores need',
          source: 'verified_scores',
          detail: 'the bucket is missing',
        });
  };

  const cursor = models.VerifiedScore.collection
    .find<CountableScore & { sumsPending?: boolean }>(
      {},
      { projection: { ...SCORE_SUMS_FIELDS, sumsPending: 1 } },
    )
    .sort({ day: 1 });
  for await (const score of cursor) {
    scores += 1;
    let id: string;
    try {
      id = bucketId(bucketOf(score));
    } catch (err) {
      found.add({
        collection: 'daily_sums',
        key: String(score._id),
        field: 'bucket',
        stored: null,
        expected: 'a day, agency, department and agent',
        by: 'a score needs',
        source: 'verified_scores',
        detail: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    const scoreDay = String(score.day);
    if (day !== null && scoreDay !== day) {
      await checkDay(day);
      expected = new Map();
    }
    day = scoreDay;
    const entry = expected.get(id) ?? { counters: {}, pending: 0 };
    addScoreCounters(score, entry.counters);
    if (score.sumsPending === true) entry.pending += 1;
    expected.set(id, entry);
  }
  if (day !== null) await checkDay(day);
  // Buckets of days no score has: their counts have nothing to come from.
  const orphans = models.DailySum.collection
    .find<Record<string, unknown>>({ day: { $nin: [...days] } }, { projection: { m: 0 } })
    .sort({ _id: 1 });
  for await (const doc of orphans) {
    checked += 1;
    compareBucket(String(doc._id), storedCounters(doc), undefined, found.add);
  }
  return {
    collection: 'daily_sums',
    checked,
    scores,
    ok: found.total === 0,
    first: found.problems[0] ?? null,
    problems: found.problems,
  };
}

function compareBucket(
  id: string,
  stored: Counters,
  expected: { counters: Counters; pending: number } | undefined,
  add: (p: RecordProblem) => void,
): void {
  const want = expected?.counters ?? {};
  const paths = [...new Set([...Object.keys(want), ...Object.keys(stored)])].sort(
    // `all.*` before the channels, as a report reads them.
    (a, b) => Number(a.startsWith('channels.')) - Number(b.startsWith('channels.')) || a.localeCompare(b),
  );
  for (const path of paths) {
    const s = stored[path] ?? 0;
    const e = want[path] ?? 0;
    if (s === e) continue;
    add({
      collection: 'daily_sums',
      key: id,
      field: path,
      stored: s,
      expected: e,
      by: 'the scores give',
      source: expected ? 'verified_scores' : 'no score in this bucket',
      ...(expected && expected.pending > 0
        ? { detail: `${expected.pending} of its scores still pending counting: run again shortly` }
        : {}),
    });
    // The first counter that differs names the bucket; the rest usually follow from the same change.
    return;
  }
}
