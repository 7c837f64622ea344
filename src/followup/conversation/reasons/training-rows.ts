import type { CorpusRow } from './corpus.js';
import type { TrainingRow } from './train.js';

/** The training split only, in corpus order, as the model reads it. Normalising is the caller's. */
export function trainingRowsWith(
  rows: readonly CorpusRow[],
  normalise: (raw: string) => string,
): TrainingRow[] {
  return rows.filter((r) => r.split === 'train').map((r) => ({ text: normalise(r.text), label: r.label }));
}
