import type { Models } from '../../db/models/index.js';
import { partialSumsOf } from '../../scores/sums/daily-sums.js';
import type { PartialSums } from '../../scores/sums/partial-sums.js';

/**
 * The anonymised per-day counts behind the public board: one row per local day and agency, with the
 * counts every published figure is divided from. No agent, no department, no phone number, no
 * ticket: counts only, so anyone can recompute the board (rates, intervals, ranks, best three)
 * from the file. Read from the per-day sums, grouped by day and agency in the database, so the file
 * costs days × agencies, whatever the number of records.
 */

export const DAY_COUNT_COLUMNS = [
  'day',
  'agency',
  'closures',
  'not_sampled',
  'too_old',
  'skipped_recent_contact',
  'reopened_before_asking',
  'opted_out_before_asking',
  'asked',
  'undeliverable',
  'delivered',
  'answered',
  'solved_answered',
  'solved_yes',
  'solved_no',
  'ratings',
  'rating_1',
  'rating_2',
  'rating_3',
  'rating_4',
  'rating_5',
] as const;
export type DayCountColumn = (typeof DAY_COUNT_COLUMNS)[number];
export type DayCountRow = { day: string; agency: string } & Record<
  Exclude<DayCountColumn, 'day' | 'agency'>,
  number
>;

function rowOf(day: string, agency: string, s: PartialSums): DayCountRow {
  const [r1, r2, r3, r4, r5] = s.ratingCounts;
  return {
    day,
    agency,
    closures: s.closures,
    not_sampled: s.notSampled,
    too_old: s.tooOld,
    skipped_recent_contact: s.skippedRecentContact,
    reopened_before_asking: s.reopenedBeforeAsking,
    opted_out_before_asking: s.optedOutBeforeAsking,
    asked: s.sent,
    undeliverable: s.undeliverable,
    delivered: s.delivered,
    answered: s.answers,
    solved_answered: s.solvedAnswered,
    solved_yes: s.solvedYes,
    solved_no: s.solvedNo,
    ratings: s.ratings,
    rating_1: r1,
    rating_2: r2,
    rating_3: r3,
    rating_4: r4,
    rating_5: r5,
  };
}

/** Rows for every day and agency with closures from `from` to `to`, ordered by day then agency. */
export async function loadDayCounts(models: Models, from: string, to: string): Promise<DayCountRow[]> {
  const counters = [
    'closures',
    'sent',
    'delivered',
    'answers',
    'solvedAnswered',
    'solvedYes',
    'solvedNo',
    'ratings',
    'rating1',
    'rating2',
    'rating3',
    'rating4',
    'rating5',
    'notSampled',
    'tooOld',
    'skippedRecentContact',
    'reopenedBeforeAsking',
    'optedOutBeforeAsking',
    'undeliverable',
  ];
  const rows = await models.DailySum.collection
    .aggregate<{ _id: { day: string; agency: string } } & Record<string, unknown>>([
      { $match: { day: { $gte: from, $lte: to } } },
      {
        $group: {
          _id: { day: '$day', agency: '$agency' },
          ...Object.fromEntries(counters.map((k) => [k, { $sum: `$all.${k}` }])),
        },
      },
    ])
    .toArray();
  return rows
    .map((r) => rowOf(r._id.day, r._id.agency, partialSumsOf(r)))
    .filter((r) => r.closures > 0)
    .sort((a, b) => a.day.localeCompare(b.day) || a.agency.localeCompare(b.agency));
}
