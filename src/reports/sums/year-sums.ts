import { isOnlyDuplicateKeys } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';
import type { ReportFilter } from '../filters.js';
import { partialSumsOf } from '../../scores/sums/daily-sums.js';
import type { Dimension, GroupedSums } from '../../scores/sums/groups.js';
import { addCounters, markYearBuilt, type SumsState } from '../../scores/sums/month-sums.js';
import {
  addGroup,
  addMonths,
  bucketMatch,
  countersOf,
  countersProjection,
  findMonths,
  inBatches,
  KEYS_PROJECTION,
  placeKey,
  yearBucketId,
  type SumsDoc,
} from './sum-reads.js';

export { yearBucketId } from './sum-reads.js';

// Why: docs/decisions/0027-yearly-sums-kept-by-the-readers.md
/**
 * Per-year sums (yearly_sums), one document per agent and calendar year, summed from its twelve
 * monthly documents, so a year view reads one document per agent (2,000 for a national year)
 * instead of twelve. Kept by the readers alone: the score writers (src/scores/) do not know them.
 *
 * A yearly document is read only when it is clean (`dirty: false`), of the current epoch, and none of
 * its agent's months of that year is dirty; otherwise that agent's year is read from its months
 * (the dirty ones from their days, as ranged-sums.ts reads any month) and written back clean, at the
 * `gen` read before the months, only if every month was clean when read. A month's counters change
 * only when a reader writes it back from its days (sum-reads.ts fromDirtyMonths), and that reader
 * marks the year (`dirty: true`, `$inc gen`, created if absent) first; so a clean yearly document
 * always equals the sum of its months once none of them is dirty, a reader that died between the two
 * leaves a dirty year (a recomputation, never a wrong figure), and a count the months have not seen
 * yet is a dirty month, which this read sees before it reads the years. A rebuild rewrites every
 * month and raises the epoch: yearly documents of an older epoch are not read, and the first read
 * of a year in a new epoch builds all of that year's documents from its months.
 */

const monthsOfYear = (year: string): string[] =>
  Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

type YearWrite =
  | { insertOne: { document: Record<string, unknown> } }
  | { updateOne: { filter: Record<string, unknown>; update: Record<string, unknown> } };

/** The write that stores one agent's year (summed from its clean months) in this epoch. */
function yearWrite(
  key: SumsDoc,
  year: string,
  sums: Record<string, unknown>,
  gen: number | undefined,
  epoch: number,
): YearWrite {
  const fields = { all: sums.all ?? {}, channels: sums.channels ?? {}, dirty: false, epoch };
  const id = yearBucketId({ year, agency: key.agency, department: key.department, agentId: key.agentId });
  if (gen === undefined)
    return {
      insertOne: {
        document: {
          _id: id,
          year,
          agency: key.agency,
          department: key.department,
          agentId: key.agentId,
          gen: 0,
          ...fields,
        },
      },
    };
  return { updateOne: { filter: { _id: id, gen }, update: { $set: fields } } };
}

async function writeYears(models: Models, writes: YearWrite[]): Promise<void> {
  if (writes.length === 0) return;
  try {
    await models.YearSum.collection.bulkWrite(writes, { ordered: false });
  } catch (err) {
    // A reader marked (so created) the document since it was read as absent: it stays dirty.
    if (!isOnlyDuplicateKeys(err)) throw err;
  }
}

/** Sums each agent's months: the whole counters, and whether every month was clean. */
function sumPlaces(
  months: SumsDoc[],
): Map<string, { key: SumsDoc; sums: Record<string, unknown>; clean: boolean }> {
  const places = new Map<string, { key: SumsDoc; sums: Record<string, unknown>; clean: boolean }>();
  for (const m of months) {
    const k = placeKey(m);
    let place = places.get(k);
    if (!place) places.set(k, (place = { key: m, sums: { all: {} }, clean: true }));
    if (m.dirty) place.clean = false;
    addCounters(place.sums, { all: m.all ?? {}, channels: m.channels ?? {} });
  }
  return places;
}

/**
 * Writes every agent's yearly document of the year from its months (a first read in this epoch),
 * then records the year as built. Agents with a dirty month are left to the reads (see above).
 */
async function buildYear(models: Models, year: string, epoch: number): Promise<void> {
  const existing = new Map<string, number>();
  for (const doc of (await models.YearSum.collection
    .find({ year }, { projection: { gen: 1 } })
    .toArray()) as unknown as SumsDoc[])
    existing.set(doc._id, doc.gen ?? 0);
  const places = sumPlaces(await findMonths(models, {} as ReportFilter, monthsOfYear(year), true));
  const writes: YearWrite[] = [];
  for (const { key, sums, clean } of places.values()) {
    const id = yearBucketId({ year, ...key });
    const gen = existing.get(id);
    existing.delete(id);
    if (clean) writes.push(yearWrite(key, year, sums, gen, epoch));
  }
  // An older epoch's agent with no month left sums to nothing.
  for (const [id, gen] of existing) {
    writes.push({
      updateOne: {
        filter: { _id: id, gen },
        update: { $set: { all: {}, channels: {}, dirty: false, epoch } },
      },
    });
  }
  for (let i = 0; i < writes.length; i += 5000) await writeYears(models, writes.slice(i, i + 5000));
  await markYearBuilt(models, year, epoch);
}

/**
 * Adds the year under the filter to `out`: clean yearly documents as they are, the other agents'
 * years from their months (and written back, see above).
 */
export async function addYear(
  models: Models,
  filter: ReportFilter,
  year: string,
  dimension: Dimension,
  state: SumsState,
  out: GroupedSums,
): Promise<void> {
  if (state.years[year] !== state.epoch) await buildYear(models, year, state.epoch);
  const months = monthsOfYear(year);
  const match = bucketMatch(filter);
  // The dirty months first: a month cleaned after this read has its year marked before.
  const dirtyMonths = (await models.MonthSum.collection
    .find({ dirty: true, month: { $in: months }, ...match }, { projection: { ...KEYS_PROJECTION } })
    .toArray()) as unknown as SumsDoc[];
  const stale = new Map<string, { key: SumsDoc; gen: number | undefined }>(
    dirtyMonths.map((m) => [placeKey(m), { key: m, gen: undefined }]),
  );
  const projection = { ...KEYS_PROJECTION, dirty: 1, gen: 1, epoch: 1, ...countersProjection(filter) };
  const docs = (await (
    filter.agent !== undefined
      ? models.YearSum.collection.find({ agentId: filter.agent, year, ...match }, { projection })
      : models.YearSum.collection.find({ year, ...match }, { projection })
  ).toArray()) as unknown as SumsDoc[];
  for (const doc of docs) {
    const k = placeKey(doc);
    if (doc.dirty || doc.epoch !== state.epoch || stale.has(k)) stale.set(k, { key: doc, gen: doc.gen });
    else addGroup(out, dimension, doc, partialSumsOf(countersOf(doc, filter)));
  }
  if (stale.size === 0) return;

  // The stale agents' months: each agent's own when few, else the year's under the filter.
  let monthDocs: SumsDoc[] = [];
  if (stale.size <= 32) {
    await inBatches([...stale.values()], 8, async ({ key }) => {
      monthDocs.push(
        ...(await findMonths(
          models,
          { ...filter, agency: key.agency, department: key.department, agent: key.agentId },
          months,
          true,
        )),
      );
    });
  } else {
    monthDocs = (await findMonths(models, filter, months, true)).filter((m) => stale.has(placeKey(m)));
  }
  const places = sumPlaces(monthDocs);
  await addMonths(models, filter, monthDocs, dimension, out);
  const writes: YearWrite[] = [];
  for (const [k, { key, gen }] of stale) {
    const place = places.get(k);
    // An agent with a dirty month waits for the next read: its month was just written back, and its year marked.
    if (place && !place.clean) continue;
    writes.push(yearWrite(key, year, place?.sums ?? { all: {} }, gen, state.epoch));
  }
  await writeYears(models, writes);
}
