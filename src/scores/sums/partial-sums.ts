/**
 * The counters every figure is divided from, and how one cell of identical score records adds to
 * them. Below the reports because the score writes keep the daily sums of these counters in step
 * (daily-sums.ts); the metrics (src/reports/sums/metrics.ts) divide them, and the reports' own
 * reference computation (src/reports/sums/record-sums.ts) counts the records into the same cells.
 */

/** A set of records that agree on every field a metric reads, and how many there are. */
export interface ScoreCell {
  solved?: boolean | null;
  rating?: number | null;
  postCallRating?: number | null;
  sent?: boolean | null;
  delivered?: boolean | null;
  /** The follow-up's outcome (src/db/models/followup.ts OUTCOMES), where one is recorded. */
  outcome?: string | null;
  count: number;
}

/** Running counts from which every metric is divided. */
export interface PartialSums {
  closures: number;
  sent: number;
  delivered: number;
  answers: number;
  solvedAnswered: number;
  solvedYes: number;
  solvedNo: number;
  ratings: number;
  ratingSum: number;
  ratingHigh: number;
  /** Citizen ratings 1..5, index 0 is rating 1. */
  ratingCounts: [number, number, number, number, number];
  postCallRatings: number;
  postCallSum: number;
  postCallCounts: [number, number, number, number, number];
  /** Closures with a post-call rating and an answer to "solved?". */
  postCallAndSolved: number;
  /** Of those, post-call rating 4-5 but "not solved". */
  brushOffs: number;
  /**
   * The chain of counts' drops (src/reports/sums/chain.ts): closures never asked, and why; asked but
   * not delivered.
   */
  notSampled: number;
  /** Sampled, but reported to us after the agency's maximum age for asking (agency-rules.ts). */
  tooOld: number;
  skippedRecentContact: number;
  reopenedBeforeAsking: number;
  optedOutBeforeAsking: number;
  undeliverable: number;
}

export function emptySums(): PartialSums {
  return {
    closures: 0,
    sent: 0,
    delivered: 0,
    answers: 0,
    solvedAnswered: 0,
    solvedYes: 0,
    solvedNo: 0,
    ratings: 0,
    ratingSum: 0,
    ratingHigh: 0,
    ratingCounts: [0, 0, 0, 0, 0],
    postCallRatings: 0,
    postCallSum: 0,
    postCallCounts: [0, 0, 0, 0, 0],
    postCallAndSolved: 0,
    brushOffs: 0,
    notSampled: 0,
    tooOld: 0,
    skippedRecentContact: 0,
    reopenedBeforeAsking: 0,
    optedOutBeforeAsking: 0,
    undeliverable: 0,
  };
}

/** A rating the metrics accept: an integer 1..5; anything else counts as "no rating". */
function ratingValue(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : undefined;
}

export function addCell(sums: PartialSums, cell: ScoreCell): void {
  const n = cell.count;
  if (!(n > 0)) return;
  const solved = typeof cell.solved === 'boolean' ? cell.solved : undefined;
  const rating = ratingValue(cell.rating);
  const postCall = ratingValue(cell.postCallRating);
  const answered = solved !== undefined || rating !== undefined;
  // An answer proves the message arrived, and a delivery receipt proves it was sent: the funnel
  // closed → sent → delivered → answered never widens, even when a status callback was lost.
  const delivered = cell.delivered === true || answered;
  // A number Twilio refused when sending (21211 and the like) was asked, and found undeliverable,
  // as much as one that failed after sending: both are what the "undeliverable numbers" signal is
  // for. Counted as never asked, a fake number would hide among the closures still waiting.
  const undeliverable = !delivered && cell.outcome === 'undeliverable';
  const sent = cell.sent === true || delivered || undeliverable;

  sums.closures += n;
  if (sent) sums.sent += n;
  if (delivered) sums.delivered += n;
  if (answered) sums.answers += n;
  if (solved !== undefined) {
    sums.solvedAnswered += n;
    if (solved) sums.solvedYes += n;
    else sums.solvedNo += n;
  }
  if (rating !== undefined) {
    sums.ratings += n;
    sums.ratingSum += rating * n;
    if (rating >= 4) sums.ratingHigh += n;
    sums.ratingCounts[rating - 1] = (sums.ratingCounts[rating - 1] ?? 0) + n;
  }
  // Each closure drops out of the chain at most once, at the first stage it did not pass.
  if (!sent) {
    if (cell.outcome === 'not_sampled') sums.notSampled += n;
    else if (cell.outcome === 'skipped_recent_contact') sums.skippedRecentContact += n;
    else if (cell.outcome === 'cancelled_reopened') sums.reopenedBeforeAsking += n;
    else if (cell.outcome === 'opted_out') sums.optedOutBeforeAsking += n;
    else if (cell.outcome === 'too_old') sums.tooOld += n;
  } else if (undeliverable) sums.undeliverable += n;
  if (postCall !== undefined) {
    sums.postCallRatings += n;
    sums.postCallSum += postCall * n;
    sums.postCallCounts[postCall - 1] = (sums.postCallCounts[postCall - 1] ?? 0) + n;
    if (solved !== undefined) {
      sums.postCallAndSolved += n;
      if (postCall >= 4 && !solved) sums.brushOffs += n;
    }
  }
}

export function mergeSums(into: PartialSums, from: PartialSums): PartialSums {
  for (const key of Object.keys(into) as (keyof PartialSums)[]) {
    const a = into[key];
    const b = from[key];
    if (Array.isArray(a) && Array.isArray(b)) a.forEach((_, i) => (a[i] = (a[i] ?? 0) + (b[i] ?? 0)));
    else if (typeof a === 'number' && typeof b === 'number') (into[key] as number) = a + b;
  }
  return into;
}

/** A cell as the database groups records (`$group` keys, short so a group key stays small). */
export interface CellId {
  s?: boolean | null;
  r?: number | null;
  p?: number | null;
  st?: boolean | null;
  dl?: boolean | null;
  o?: string | null;
}

export function cellOf(id: CellId, n: unknown): ScoreCell {
  return {
    solved: id.s,
    rating: id.r,
    postCallRating: id.p,
    sent: id.st,
    delivered: id.dl,
    outcome: id.o,
    count: Number(n),
  };
}
