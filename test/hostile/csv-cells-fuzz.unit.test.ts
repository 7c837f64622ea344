import { parse } from 'csv-parse/sync';
import { fc } from '../support/fast-check.js';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/reports/exports/csv.js';

// Issue 16, item 5: CSV formula injection, fuzzed: whatever a citizen or an agency typed, no cell of
// an export starts like a formula once a spreadsheet has parsed the file, and nothing else changes.
const FORMULA = /^[=+\-@\t\r]/;
const cell = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc
    .tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '"', ',', '\n'), fc.string({ maxLength: 20 }))
    .map(([a, b]) => a + b),
  fc.constantFrom(
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '-2+3',
    '+966501234567',
    'قالوا "راجع" الفرع, ثم',
  ),
);

describe('CSV cells under fuzzing', () => {
  it('parse back to the same text, with every formula-looking cell neutralised', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (values) => {
        const rows: string[][] = parse(csvLine(values));
        const [row] = rows;
        expect(row).toHaveLength(values.length);
        row?.forEach((got, i) => {
          const sent = values[i] ?? '';
          expect(FORMULA.test(got)).toBe(false);
          expect(got).toBe(FORMULA.test(sent) ? `'${sent}` : sent);
        });
      }),
      { numRuns: 500 },
    );
  });
});
