import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REASON_CLASSES, type ReasonClass } from './features.js';

/**
 * The labelled reasons corpus (corpora/reasons/<language>.tsv, described in corpora/README.md):
 * read by the training script, the benchmark and the tests. Not used when answering a citizen.
 */

export const CORPUS_DIR = fileURLToPath(new URL('../../../../corpora/reasons/', import.meta.url));
export const HEADER = 'text\tlabel\tsplit';
/** The share of each language's replies of each reason held out from training. */
export const HELD_OUT_SHARE = 0.3;

export type Split = 'train' | 'heldout';

export interface CorpusRow {
  /** The file's name without .tsv: a language code, `-latn` when typed in Latin letters. */
  language: string;
  text: string;
  label: ReasonClass;
  /** Empty only for rows not given a split yet (see `assignSplits`). */
  split: Split | '';
  line: number;
}

function isReason(value: string): value is ReasonClass {
  return (REASON_CLASSES as readonly string[]).includes(value);
}

export function parseCorpusFile(language: string, content: string, where: string): CorpusRow[] {
  const lines = content.split('\n');
  if (lines[0]?.trimEnd() !== HEADER)
    throw new Error(`${where}:1: the header must be "${HEADER.replace(/\t/g, '\\t')}"`);
  const rows: CorpusRow[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const [text = '', label = '', split = '', ...extra] = raw.replace(/\r$/, '').split('\t');
    if (extra.length > 0 || text.trim() === '')
      throw new Error(`${where}:${line}: expected text<TAB>label<TAB>split`);
    if (!isReason(label))
      throw new Error(`${where}:${line}: label "${label}" is not one of ${REASON_CLASSES.join(', ')}`);
    if (split !== '' && split !== 'train' && split !== 'heldout')
      throw new Error(`${where}:${line}: split "${split}" is not train or heldout`);
    rows.push({ language, text: text.trim(), label, split, line });
  });
  return rows;
}

export function readCorpus(dir = CORPUS_DIR): CorpusRow[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort();
  if (files.length === 0) throw new Error(`no .tsv files in ${dir}`);
  return files.flatMap((f) =>
    parseCorpusFile(path.basename(f, '.tsv'), readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f)),
  );
}

/** FNV-1a, 32 bits: a fixed, seedless order for rows, the same on every machine. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/**
 * Gives every row without a split one, once: within each language and reason, new rows in the
 * order of a hash of their text are held out while the group's held-out share is under 30%.
 * Rows that have a split keep it, so adding rows never moves an old one between train and held-out.
 */
export function assignSplits(rows: readonly CorpusRow[]): CorpusRow[] {
  const out = rows.map((r) => ({ ...r }));
  const groups = new Map<string, CorpusRow[]>();
  for (const r of out) {
    const key = `${r.language}\t${r.label}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    let held = group.filter((r) => r.split === 'heldout').length;
    let given = group.filter((r) => r.split !== '').length;
    const fresh = group
      .filter((r) => r.split === '')
      .sort(
        (a, b) =>
          fnv1a(`${a.label}\t${a.text}`) - fnv1a(`${b.label}\t${b.text}`) || (a.text < b.text ? -1 : 1),
      );
    for (const r of fresh) {
      given += 1;
      r.split = held < Math.round(HELD_OUT_SHARE * given) ? 'heldout' : 'train';
      if (r.split === 'heldout') held += 1;
    }
  }
  return out;
}

export function formatCorpusFile(rows: readonly CorpusRow[]): string {
  return `${HEADER}\n${rows.map((r) => `${r.text}\t${r.label}\t${r.split}`).join('\n')}\n`;
}
