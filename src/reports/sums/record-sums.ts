import type { Models } from '../../db/models/index.js';
import { scoreMatch, type ReportFilter } from '../filters.js';
import { fieldsOf, groupSums, type Dimension, type GroupedSums } from '../../scores/sums/groups.js';
import { addCell, cellOf, emptySums, type CellId } from '../../scores/sums/partial-sums.js';

/**
 * Sums computed from the records themselves: the reference the daily sums are checked against. Reports do not call this on a request: its cost
 * grows with the records.
 *
 * The database only counts: records are grouped by the fields every metric reads, with `$sum: 1`,
 * and the cells are added up in code (src/scores/sums/partial-sums.ts), which is exact: a cell is
 * a set of identical records.
 */

/** The `$group` keys of the fields the metrics read. */
export const CELL_GROUP = {
  s: '$solved',
  r: '$rating',
  p: '$postCallRating',
  st: '$sent',
  dl: '$delivered',
  o: '$outcome',
} as const;

const DIMENSION_GROUP: Record<Dimension, Record<string, string>> = {
  none: {},
  agency: { agency: '$agency' },
  department: { agency: '$agency', department: '$department' },
  agent: { agentId: '$agentId' },
  day: { day: '$day' },
};

interface RecordRow {
  _id: CellId & { day?: string; agency?: string; department?: string; agentId?: string };
  n: number;
}

/** Sums of the records matching the report filter, per group of the dimension, straight from the records. */
export async function groupedSumsFromRecords(
  models: Models,
  filter: ReportFilter,
  dimension: Dimension,
): Promise<GroupedSums> {
  const rows = await models.VerifiedScore.collection
    .aggregate<RecordRow>([
      { $match: scoreMatch(filter) },
      { $group: { _id: { ...DIMENSION_GROUP[dimension], ...CELL_GROUP }, n: { $sum: 1 } } },
    ])
    .toArray();
  const out: GroupedSums = new Map();
  for (const row of rows)
    addCell(groupSums(out, fieldsOf(dimension, row._id), emptySums), cellOf(row._id, row.n));
  return out;
}
