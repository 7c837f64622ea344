import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportLang } from '../../i18n/reports.js';
import { csvLine, UTF8_BOM } from './csv.js';
import {
  COLUMN_KEYS,
  columnHeaders,
  TIMESTAMP_COLUMNS,
  type ExportValue,
  type ScoreDoc,
} from './export-rows.js';

/**
 * Writes export rows to a stream as they come off a MongoDB cursor, and ends the stream. Memory stays flat whatever the
 * row count: at most one buffered chunk of text (or one committed XLSX row) is held, and the writer
 * waits for the destination to drain before reading further from the cursor.
 */

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/x-ndjson; charset=utf-8',
};

/** Text is gathered into chunks this large before a write: fewer, bigger writes are much faster. */
const CHUNK_CHARS = 64 * 1024;
/** Excel's limit is 1,048,576 rows a sheet, one of them the header. */
const XLSX_ROWS_PER_SHEET = 1_048_575;

export interface ExportSource {
  docs: AsyncIterable<ScoreDoc>;
  mapRow: (doc: ScoreDoc) => ExportValue[];
  lang: ReportLang;
  /** Aborted when the client goes away: stop reading the cursor. */
  signal?: AbortSignal;
  /**
   * Called after the last row and before the stream ends, so whoever receives the whole file can
   * rely on the work this does (the export's audit entry) being done.
   */
  beforeFinish?: (rows: number) => Promise<void>;
}

export interface ExportResult {
  rows: number;
  aborted: boolean;
}

async function drain(out: Writable, signal: AbortSignal | undefined): Promise<void> {
  await once(out, 'drain', signal ? { signal } : {});
}

async function writeText(out: Writable, text: string, signal: AbortSignal | undefined): Promise<void> {
  if (!out.write(text)) await drain(out, signal);
}

async function streamText(
  out: Writable,
  source: ExportSource,
  head: string,
  line: (values: ExportValue[]) => string,
): Promise<ExportResult> {
  let rows = 0;
  let chunk = head;
  for await (const doc of source.docs) {
    if (source.signal?.aborted) return { rows, aborted: true };
    chunk += line(source.mapRow(doc));
    rows += 1;
    if (chunk.length >= CHUNK_CHARS) {
      await writeText(out, chunk, source.signal);
      chunk = '';
    }
  }
  if (chunk.length > 0) await writeText(out, chunk, source.signal);
  await source.beforeFinish?.(rows);
  out.end();
  return { rows, aborted: false };
}

export function writeCsv(out: Writable, source: ExportSource): Promise<ExportResult> {
  return streamText(out, source, UTF8_BOM + csvLine(columnHeaders(source.lang)), csvLine);
}

/** NDJSON: one object per line keyed by the machine column names; an empty export is empty. */
export function writeNdjson(out: Writable, source: ExportSource): Promise<ExportResult> {
  return streamText(out, source, '', (values) => {
    const obj: Record<string, ExportValue> = {};
    COLUMN_KEYS.forEach((key, i) => (obj[key] = values[i] ?? null));
    return `${JSON.stringify(obj)}\n`;
  });
}

/** "2025-03-01T12:00:00+03:00" → a Date whose UTC fields are that local wall time (Excel has no zones). */
function excelLocalDate(value: ExportValue): ExportValue | Date {
  return typeof value === 'string' && value.length >= 19 ? new Date(`${value.slice(0, 19)}Z`) : value;
}

export async function writeXlsx(out: Writable, source: ExportSource): Promise<ExportResult> {
  // Strings are written as inline strings, so a cell is never a formula: no quote prefix is needed.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const headers = columnHeaders(source.lang);
  const timestampAt = COLUMN_KEYS.map((k) => TIMESTAMP_COLUMNS.has(k));
  let sheet: ExcelJS.Worksheet | undefined;
  let sheetRows = 0;
  let sheets = 0;
  const newSheet = (): ExcelJS.Worksheet => {
    sheets += 1;
    const ws = workbook.addWorksheet(sheets === 1 ? 'scores' : `scores ${sheets}`, {
      views: [{ rightToLeft: source.lang === 'ar', state: 'frozen', ySplit: 1 }],
    });
    ws.columns = headers.map((header, i) => ({
      header,
      width: timestampAt[i] ? 20 : Math.max(10, header.length + 2),
      ...(timestampAt[i] ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    sheetRows = 0;
    return ws;
  };
  sheet = newSheet();
  let rows = 0;
  for await (const doc of source.docs) {
    if (source.signal?.aborted) return { rows, aborted: true };
    if (sheetRows >= XLSX_ROWS_PER_SHEET) {
      sheet.commit();
      sheet = newSheet();
    }
    const values = source.mapRow(doc).map((v, i) => (timestampAt[i] ? excelLocalDate(v) : v));
    sheet.addRow(values).commit();
    sheetRows += 1;
    rows += 1;
    // The workbook pipes a zip stream into `out`; stop feeding it while `out` is full.
    if (rows % 500 === 0 && out.writableNeedDrain) await drain(out, source.signal);
  }
  sheet.commit();
  await source.beforeFinish?.(rows);
  await workbook.commit();
  return { rows, aborted: false };
}

export function writeExport(
  format: ExportFormat,
  out: Writable,
  source: ExportSource,
): Promise<ExportResult> {
  if (format === 'csv') return writeCsv(out, source);
  if (format === 'json') return writeNdjson(out, source);
  return writeXlsx(out, source);
}
