import type { ExportValue } from './export-rows.js';

/**
 * CSV for managers who open it in Excel: UTF-8 with a byte-order mark (without it Excel reads Arabic
 * as Windows-1256 mojibake), CRLF line ends (RFC 4180), and a guard against formula injection.
 */

export const UTF8_BOM = '\uFEFF';
export const CRLF = '\r\n';

/** Spreadsheets treat a cell starting with one of these as a formula (or DDE command). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A citizen's comment "=HYPERLINK(...)" must arrive as text. Prefixing a single quote is what OWASP
 * recommends: spreadsheets show the text and never evaluate it.
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvCell(value: ExportValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const s = neutraliseFormula(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly ExportValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(values[i] ?? null);
  }
  return line + CRLF;
}
