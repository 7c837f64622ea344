import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

/** A cell as the import reads it: text, a number, or a date (from an XLSX date cell). */
export type Cell = string | number | Date;

export interface SourceRow {
  /** The line in the file (CSV) or the row number in the sheet (XLSX); the header is line 1. */
  line: number;
  cells: Cell[];
}

/** Where a file cannot be read as a table at all (not a row's problem). */
export class UnreadableFileError extends Error {}

/**
 * CSV rows as they stream in: comma, semicolon (Excel in Arabic and European locales) or tab,
 * UTF-8 with or without its byte-order mark. Lines are the file's own, counting the lines a quoted
 * cell spans, so a refusal names the line an editor shows.
 */
export async function* csvRows(input: Readable): AsyncGenerator<SourceRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      // One row's cells, never the whole file: a line without its closing quote stops the read here.
      max_record_size: 64 * 1024,
    }),
  );
  // Errors of the body stream (a cut-off upload) reach the parser's iteration.
  input.on('error', (err) => parser.destroy(err));
  input.on('close', () => {
    if (!input.readableEnded) parser.destroy(new Error('the file stream closed before its end'));
  });
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = record.record;
      if (cells.some((c) => c.includes('\uFFFD')))
        throw new UnreadableFileError(
          `line ${record.info.lines} is not UTF-8 text: save the file as "CSV UTF-8" and upload it again`,
        );
      yield { line: record.info.lines, cells };
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('CSV_'))
      throw new UnreadableFileError(`the file is not valid CSV: ${(err as Error).message}`);
    throw err;
  }
}

function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('error' in value) return '';
  // A formula is refused before the sheet is read (xlsx-check.ts); nothing else is left.
  return '';
}

/** The first worksheet's rows, streamed from the file (checked by xlsx-check.ts before). */
export async function* xlsxRows(path: string): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles say which numbers are dates.
    styles: 'cache',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as ExcelJS.CellValue[];
      const cells: Cell[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, cells };
    }
    // The first sheet is the export; other sheets (notes, pivots) are not closures.
    break;
  }
}
