import { addDays } from '../periods.js';

/**
 * How a range of local days is read: the whole calendar months inside it from the monthly sums,
 * the days before the first and after the last of them from the daily sums. Pure, so the pieces'
 * exact cover of the range is checked by a property test.
 */
export type RangePiece = { kind: 'month'; month: string } | { kind: 'days'; from: string; to: string };

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
}

/** Pieces in order, covering from..to (inclusive, YYYY-MM-DD) exactly once; none when from > to. */
export function planRange(from: string, to: string): RangePiece[] {
  if (from > to) return [];
  const pieces: RangePiece[] = [];
  let day = from;
  while (day <= to) {
    const month = day.slice(0, 7);
    const end = lastDayOf(month);
    if (day === `${month}-01` && end <= to) {
      pieces.push({ kind: 'month', month });
      day = addDays(end, 1);
      continue;
    }
    const stop = end < to ? end : to;
    const last = pieces[pieces.length - 1];
    // A days piece runs up to the next whole month; two never touch (a month always separates them).
    if (last?.kind === 'days' && addDays(last.to, 1) === day) last.to = stop;
    else pieces.push({ kind: 'days', from: day, to: stop });
    day = addDays(stop, 1);
  }
  return pieces;
}

/** The days a piece covers. */
export function pieceBounds(p: RangePiece): { from: string; to: string } {
  return p.kind === 'days' ? { from: p.from, to: p.to } : { from: `${p.month}-01`, to: lastDayOf(p.month) };
}

/** The calendar years whose twelve months are all month pieces: each is read as one piece of its own. */
export function wholeYears(pieces: RangePiece[]): string[] {
  const months = new Map<string, number>();
  for (const p of pieces)
    if (p.kind === 'month') months.set(p.month.slice(0, 4), (months.get(p.month.slice(0, 4)) ?? 0) + 1);
  return [...months].filter(([, n]) => n === 12).map(([year]) => year);
}
