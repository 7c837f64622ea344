import { LRUCache } from 'lru-cache';
import type { Models } from '../../db/models/index.js';
import type { ReportFilter } from '../filters.js';
import { groupedSumsFromDailySums } from '../../scores/sums/daily-sums.js';
import type { Dimension, GroupedSums } from '../../scores/sums/groups.js';
import { emptySums, mergeSums } from '../../scores/sums/partial-sums.js';
import { readSumsState, type SumsState } from '../../scores/sums/month-sums.js';
import { planRange, wholeYears } from './range-plan.js';
import { addMonths, findMonths, fromDays } from './sum-reads.js';
import { addYear } from './year-sums.js';

/**
 * What reports read: sums per group of a dimension over a filter, from the coarsest sums that cover
 * the range (range-plan.ts: whole calendar years from yearly_sums (year-sums.ts), the other whole
 * months from monthly_sums, the edges from daily_sums; read as sum-reads.ts reads), so a year costs
 * what one month costs, not what 365 days cost. Answers are cached per (filter,
 * dimension) with the revisions of the months the range touches (month-sums.ts) at the time, and
 * served again only while those are the same: one read by `_id` per request decides, no figure is
 * ever older than the sums it claims to be read from, and a past year stays cached while today's
 * writes go on.
 */

async function compute(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
  state: SumsState,
  byMonth: boolean,
): Promise<GroupedSums> {
  // Per-day groups need the days, unless only months are asked for; before a rebuild has written
  // every month, only the days are whole.
  if (dimension === 'day' && !byMonth) {
    // An agent's, a department's or an agency's days are an indexed find (an agent's trend over a
    // year reads 365 documents, not a $group over every agent's days); a national range groups in
    // the database (sum-reads.ts fromDays).
    const days: GroupedSums = new Map();
    await fromDays(models, filter, filter.from, filter.to, dimension, days);
    for (const [key, { sums }] of days) if (!(sums.closures > 0)) days.delete(key);
    return days;
  }
  if (!state.monthsBuilt) return groupedSumsFromDailySums(models, filter, dimension);
  const pieces = planRange(filter.from, filter.to);
  // Per-month groups need the months; every other grouping reads a whole year as one piece.
  const years = dimension === 'day' ? [] : wholeYears(pieces);
  const inYears = new Set(years);
  const months = pieces.flatMap((p) =>
    p.kind === 'month' && !inYears.has(p.month.slice(0, 4)) ? [p.month] : [],
  );
  const out: GroupedSums = new Map();
  await Promise.all([
    findMonths(models, filter, months).then((docs) => addMonths(models, filter, docs, dimension, out)),
    ...years.map((year) => addYear(models, filter, year, dimension, state, out)),
    ...pieces.flatMap((p) =>
      p.kind === 'days' ? [fromDays(models, filter, p.from, p.to, dimension, out)] : [],
    ),
  ]);
  // As the daily read: no closures is no group.
  for (const [key, { sums }] of out) if (!(sums.closures > 0)) out.delete(key);
  return out;
}

interface Cached {
  /** The revision of each month the range touches, and the epoch, when it was computed. */
  stamp: string;
  sums: GroupedSums;
}

function stampOf(state: SumsState, filter: ReportFilter): string {
  const months: string[] = [];
  let [y, m] = filter.from.split('-').map(Number) as [number, number];
  const last = filter.to.slice(0, 7);
  for (let month = filter.from.slice(0, 7); month <= last;) {
    months.push(month);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
    month = `${y}-${String(m).padStart(2, '0')}`;
  }
  return JSON.stringify([state.epoch, state.monthsBuilt, months.map((m) => state.months[m] ?? 0)]);
}

const caches = new WeakMap<Models, LRUCache<string, Cached>>();

function cacheOf(models: Models): LRUCache<string, Cached> {
  let cache = caches.get(models);
  if (!cache) caches.set(models, (cache = new LRUCache<string, Cached>({ max: 500 })));
  return cache;
}

function copy(sums: GroupedSums): GroupedSums {
  return new Map(
    [...sums].map(([k, { fields, sums: s }]) => [
      k,
      { fields: { ...fields }, sums: mergeSums(emptySums(), s) },
    ]),
  );
}

export interface RangedOptions {
  /** Skip the cache (the records-agree test reads both ways). */
  cache?: boolean;
  /** With the 'day' dimension: only months are wanted (a summary by month), so whole months come as one group each. */
  byMonth?: boolean;
}

/** Sums per group of the dimension over the filter, as reports read them (see the module comment). */
export async function rangedGroupedSums(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
  opts: RangedOptions = {},
): Promise<GroupedSums> {
  const state = await readSumsState(models);
  const byMonth = opts.byMonth === true && dimension === 'day';
  if (opts.cache === false) return compute(models, filter, dimension, state, byMonth);
  const key = JSON.stringify([
    filter.from,
    filter.to,
    filter.agency ?? null,
    filter.department ?? null,
    filter.agent ?? null,
    filter.channel ?? null,
    dimension,
    byMonth,
  ]);
  const cache = cacheOf(models);
  const hit = cache.get(key);
  const stamp = stampOf(state, filter);
  if (hit && hit.stamp === stamp) return copy(hit.sums);
  // Computed after the revisions were read: at least as new as the stamp it is stored under.
  const sums = await compute(models, filter, dimension, state, byMonth);
  cache.set(key, { stamp, sums: copy(sums) });
  return sums;
}
