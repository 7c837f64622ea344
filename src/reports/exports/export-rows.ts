import { EXPORT_COLUMNS, type ExportColumnKey, type ReportLang } from '../../i18n/reports.js';
import { maskPhone } from '../../log.js';
import { localTimestampFormatter } from '../periods.js';

/** The fields of a verified score an export reads, as the MongoDB driver returns them. */
export interface ScoreDoc {
  ticketRef: string;
  closureNumber: number;
  agency: string;
  department: string;
  agentId: string;
  citizenPhone?: string | null;
  language?: string | null;
  closedAt: Date;
  day: string;
  outcome?: string | null;
  sent?: boolean | null;
  delivered?: boolean | null;
  solved?: boolean | null;
  rating?: number | null;
  reason?: string | null;
  comment?: string | null;
  channel?: string | null;
  postCallRating?: number | null;
  answeredAt?: Date | null;
}

export const SCORE_PROJECTION: Record<keyof ScoreDoc, 1> = {
  ticketRef: 1,
  closureNumber: 1,
  agency: 1,
  department: 1,
  agentId: 1,
  citizenPhone: 1,
  language: 1,
  closedAt: 1,
  day: 1,
  outcome: 1,
  sent: 1,
  delivered: 1,
  solved: 1,
  rating: 1,
  reason: 1,
  comment: 1,
  channel: 1,
  postCallRating: 1,
  answeredAt: 1,
};

export type ExportValue = string | number | boolean | null;
export const COLUMN_KEYS: readonly ExportColumnKey[] = EXPORT_COLUMNS.map((c) => c.key);
/** Columns holding local timestamps (XLSX writes them as dates). */
export const TIMESTAMP_COLUMNS: ReadonlySet<ExportColumnKey> = new Set<ExportColumnKey>([
  'closed_at',
  'answered_at',
]);

export function columnHeaders(lang: ReportLang): string[] {
  return EXPORT_COLUMNS.map((c) => c[lang]);
}

/**
 * Maps a stored score to one export row, in column order. Timestamps become local ISO 8601 with
 * offset (the day a manager sees matches the `day` column); phone numbers are masked unless the
 * reader's role may see them. Booleans and codes stay machine values so files from both languages
 * can be compared and re-imported.
 */
export function rowMapper(opts: { timeZone: string; showPhones: boolean }): (doc: ScoreDoc) => ExportValue[] {
  const stamp = localTimestampFormatter(opts.timeZone);
  const phone = (p: string | null | undefined): string | null => {
    if (p == null || p === '') return null;
    return opts.showPhones ? p : maskPhone(p);
  };
  const opt = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);
  return (d) => [
    d.ticketRef,
    d.closureNumber,
    d.agency,
    d.department,
    d.agentId,
    phone(d.citizenPhone),
    opt(d.language),
    d.closedAt instanceof Date ? stamp(d.closedAt) : null,
    d.day,
    opt(d.outcome),
    d.sent === true,
    d.delivered === true,
    opt(d.solved),
    opt(d.rating),
    opt(d.reason),
    // A citizen may write a number into the comment; a masked role sees it masked there too.
    d.comment == null ? null : opts.showPhones ? d.comment : maskPhone(d.comment),
    opt(d.channel),
    opt(d.postCallRating),
    d.answeredAt instanceof Date ? stamp(d.answeredAt) : null,
  ];
}
