import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, neutraliseFormula } from '../../src/reports/exports/csv.js';

describe('CSV cells', () => {
  it('neutralises every formula start: = + - @ tab and carriage return', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(neutraliseFormula(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(neutraliseFormula('SUM(A1)=3')).toBe('SUM(A1)=3');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('-2+3,4')).toBe(`"'-2+3,4"`);
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
  });

  it('quotes commas, quotes and line breaks, and leaves numbers and booleans alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('he said "no"')).toBe('"he said ""no"""');
    expect(csvCell('سطر\nثان')).toBe('"سطر\nثان"');
    expect(csvCell('مرحبا')).toBe('مرحبا');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
  });

  it('ends every line with CRLF', () => {
    expect(csvLine(['a', 1, null, true])).toBe('a,1,,true\r\n');
  });
});
