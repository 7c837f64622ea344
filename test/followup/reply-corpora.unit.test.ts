import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReply, type ParsedReply, type Question } from '../../src/followup/conversation/reply-parser.js';

// Issue 27, items 1 and 4: the reply corpora of corpora/replies/<lang>.tsv (question, text, expected)
// read black-box through parseReply. Expected is `solved:true`, `solved:false`, `rating:N`,
// `reason:<reason>`, `language:<code>`, `unclear`, `opt_out`, `opt_in` or `help`. A reason row is
// right on its reason; the words kept beside it are the reasons classifier's business.
const DIR = path.resolve(import.meta.dirname, '../../corpora/replies');
const QUESTIONS: readonly string[] = ['solved', 'rating', 'reason'];

interface Row {
  file: string;
  line: number;
  question: Question;
  text: string;
  expected: string;
}

function load(): Row[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(DIR, file), 'utf8')
        .split('\n')
        .map((raw, i) => ({ raw, line: i + 1 }))
        .slice(1)
        .filter(({ raw }) => raw.trim() !== '')
        .map(({ raw, line }) => {
          const [question = '', text = '', expected = '', ...extra] = raw.split('\t');
          if (!QUESTIONS.includes(question) || extra.length > 0 || expected === '')
            throw new Error(`${file}:${line}: not "question<TAB>text<TAB>expected": ${JSON.stringify(raw)}`);
          return { file, line, question: question as Question, text, expected };
        }),
    );
}

/** The parsed reply in the corpora's notation. */
export function reading(p: ParsedReply): string {
  switch (p.kind) {
    case 'solved':
    case 'rating':
    case 'reason':
    case 'language':
      return `${p.kind}:${String(p.value)}`;
    default:
      return p.kind;
  }
}

const rows = load();
const perFile = new Map<string, number>();
for (const r of rows) perFile.set(r.file, (perFile.get(r.file) ?? 0) + 1);

describe('reply corpora', () => {
  it('hold every language with enough rows', () => {
    const minimum: Record<string, number> = {
      'ar.tsv': 150,
      'en.tsv': 100,
      'arabizi.tsv': 60,
      'bn.tsv': 40,
      'hi.tsv': 40,
      'ur.tsv': 40,
      'fil.tsv': 40,
      'id.tsv': 40,
      'ne.tsv': 40,
    };
    for (const [file, n] of Object.entries(minimum))
      expect(perFile.get(file) ?? 0, file).toBeGreaterThanOrEqual(n);
  });

  it('are read right at least 99% of the time, and never "not solved" unless they say so', () => {
    const misses = rows
      .map((r) => ({ ...r, got: reading(parseReply(r.text, r.question)) }))
      .filter((r) => r.got !== r.expected);
    const falseDisputes = misses.filter((m) => m.got === 'solved:false');
    const report = misses
      .map(
        (m) =>
          `${m.file}:${m.line} [${m.question}] ${JSON.stringify(m.text)}: expected ${m.expected}, read ${m.got}`,
      )
      .join('\n');
    const right = (rows.length - misses.length) / rows.length;
    console.log(
      `reply corpora: ${rows.length - misses.length}/${rows.length} right (${(right * 100).toFixed(1)}%), ` +
        `${falseDisputes.length} read "not solved" that do not say so${report ? `; misses:\n${report}` : ''}`,
    );
    expect(falseDisputes, `false disputes:\n${report}`).toEqual([]);
    expect(right, `misses:\n${report}`).toBeGreaterThanOrEqual(0.99);
  });
});
