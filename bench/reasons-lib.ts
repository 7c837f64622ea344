import type { CorpusRow } from '../src/followup/conversation/reasons/corpus.js';
import { parseReply } from '../src/followup/conversation/reply-parser.js';

export interface Reading {
  language: string;
  text: string;
  label: string;
  /** The parser's reason, or `unclear` when it asked again instead. */
  read: string;
}

/** The held-out replies as the parser reads them for the reason question. */
export function readHeldOut(rows: readonly CorpusRow[]): Reading[] {
  return rows
    .filter((r) => r.split === 'heldout')
    .map((r) => {
      const parsed = parseReply(r.text, 'reason');
      return {
        language: r.language,
        text: r.text,
        label: r.label,
        read: parsed.kind === 'reason' ? parsed.value : parsed.kind,
      };
    });
}
