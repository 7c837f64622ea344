import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../../auth/api-tokens.js';
import type { AppContext } from '../../context.js';
import type { ClosureImport, ImportStatus } from '../../db/models/closure-import.js';
import { HttpError } from '../../http/errors.js';
import { IMPORT_FIELDS, type HeaderMapping, type ImportField } from '../../tickets/imports/headers.js';
import {
  FileRefusedError,
  runImport,
  SimulatedCrash,
  type ImportSummary,
} from '../../tickets/imports/run.js';
import { csvRows, UnreadableFileError, xlsxRows, type SourceRow } from '../../tickets/imports/sources.js';
import { checkXlsx } from '../../tickets/imports/xlsx-check.js';
import { ticketService } from '../../tickets/worker.js';

/**
 * One upload of a closures file, from the request body to the import record: the checks that refuse
 * a whole file before anything is written, then the rows, streamed (CSV straight from the request;
 * XLSX through a temporary file, since a zip is read from its end), then the record's last state.
 */

export type ImportFormat = 'csv' | 'xlsx';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MACRO_TYPES = [
  'application/vnd.ms-excel.sheet.macroenabled.12',
  'application/vnd.ms-excel.sheet.macroEnabled.12',
];
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/** A running import not heard from for this long was stopped (its process ended mid-way). */
const STALE_MS = 2 * 60_000;

export function formatOf(contentType: string | undefined): ImportFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (CSV_TYPES.includes(type)) return 'csv';
  if (type === XLSX_TYPE) return 'xlsx';
  if (MACRO_TYPES.map((t) => t.toLowerCase()).includes(type))
    throw new HttpError(
      415,
      'macros_refused',
      'A macro-enabled workbook (.xlsm) is refused: save it as .xlsx without macros',
    );
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Content-Type must be text/csv or ${XLSX_TYPE} (got ${type || 'none'})`,
  );
}

export interface ImportRequest {
  principal: Principal;
  format: ImportFormat;
  body: Readable;
  agency?: string;
  dryRun: boolean;
  /** Tests only: stop as a crash would after this many batches. */
  crashAfterBatches?: number;
}

export interface ImportAnswer extends ImportSummary {
  importId: string | null;
  dryRun: boolean;
  status: ImportStatus;
  resultUrl: string | null;
}

/** The upload ended before its last byte (the client went away): nothing was read from it. */
export class UploadCutOffError extends Error {}

/** Counts bytes and hashes them as they pass, refusing past the limit. */
function meter(limit: number, state: { bytes: number; hash: ReturnType<typeof createHash> }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      state.bytes += chunk.length;
      if (state.bytes > limit) {
        done(new HttpError(413, 'too_large', `The file is over the ${limit}-byte limit (IMPORT_MAX_BYTES)`));
        return;
      }
      state.hash.update(chunk);
      done(null, chunk);
    },
  });
}

export async function mappingOf(ctx: AppContext, agency: string | undefined): Promise<HeaderMapping> {
  if (agency === undefined) return {};
  const doc = await ctx.models.ImportMapping.findById(agency).lean();
  const out: Record<string, ImportField> = {};
  for (const { header, field } of doc?.columns ?? [])
    if (header && field && (IMPORT_FIELDS as readonly string[]).includes(field))
      out[header] = field as ImportField;
  return out;
}

export async function importClosures(ctx: AppContext, r: ImportRequest): Promise<ImportAnswer> {
  const limit = ctx.config.imports.maxBytes;
  const mapping = await mappingOf(ctx, r.agency);
  const state = { bytes: 0, hash: createHash('sha256') };
  const importId = r.dryRun ? undefined : `imp_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  const { ClosureImport } = ctx.models;
  const finish = async (status: ImportStatus, set: Record<string, unknown>) => {
    if (!importId) return;
    await ClosureImport.updateOne(
      { _id: importId },
      { $set: { status, bytes: state.bytes, finishedAt: new Date(), heartbeatAt: new Date(), ...set } },
    );
  };
  if (importId)
    await ClosureImport.create({
      _id: importId,
      by: r.principal.name,
      byId: `${r.principal.kind}:${r.principal.id}`,
      ...(r.agency ? { agency: r.agency } : {}),
      format: r.format,
      status: 'running',
      startedAt: new Date(),
      heartbeatAt: new Date(),
    });
  let tmp: string | undefined;
  try {
    // The whole file lands on disk first (streamed, never held in memory): a cut-off upload or one
    // over the limit then changes nothing, the request's own time limit counts only the transfer,
    // and a zip is read from its end.
    tmp = await mkdtemp(join(tmpdir(), 'verisat-import-'));
    const path = join(tmp, r.format === 'csv' ? 'upload.csv' : 'upload.xlsx');
    await pipeline(r.body, meter(limit, state), createWriteStream(path)).catch((err: unknown) => {
      if (err instanceof HttpError) throw err;
      throw new UploadCutOffError(
        `the upload stopped after ${state.bytes} bytes, before the end of the file; nothing was imported`,
      );
    });
    const fileHash = state.hash.digest('hex');
    if (importId)
      await ClosureImport.updateOne({ _id: importId }, { $set: { fileHash, bytes: state.bytes } });
    let rows: AsyncIterable<SourceRow>;
    if (r.format === 'csv') {
      rows = csvRows(createReadStream(path));
    } else {
      const check = await checkXlsx(path, {
        maxUncompressedBytes: ctx.config.imports.xlsxMaxInflatedBytes,
        maxRatio: ctx.config.imports.xlsxMaxRatio,
      });
      if (!check.ok)
        throw new FileRefusedError(
          422,
          check.code === 'not_xlsx' ? 'not_xlsx' : `${check.code}_refused`,
          check.reason,
        );
      rows = xlsxRows(path);
    }
    const summary = await runImport({ models: ctx.models, service: ticketService(ctx) }, rows, {
      ...(importId ? { importId } : {}),
      ...(r.agency ? { agency: r.agency } : {}),
      ...(r.principal.role === 'admin' ? {} : { scopeAgency: r.principal.scope.agency ?? '\u0000none' }),
      mapping,
      localZone: ctx.config.timeZone,
      phoneRegion: ctx.config.phoneDefaultRegion,
      batchSize: ctx.config.imports.batchRows,
      ...(r.crashAfterBatches !== undefined ? { crashAfterBatches: r.crashAfterBatches } : {}),
    });
    await finish('finished', {
      rows: summary.rows,
      accepted: summary.accepted,
      alreadyImported: summary.alreadyImported,
      refused: summary.refused,
    });
    ctx.log.info(
      {
        importId,
        agency: r.agency,
        dryRun: r.dryRun,
        rows: summary.rows,
        accepted: summary.accepted,
        alreadyImported: summary.alreadyImported,
        refused: summary.refused,
      },
      'closures imported',
    );
    return {
      importId: importId ?? null,
      dryRun: r.dryRun,
      status: 'finished',
      resultUrl: importId ? `/api/imports/${importId}/result.csv` : null,
      ...summary,
    };
  } catch (err) {
    if (err instanceof SimulatedCrash) throw err; // the record stays "running", as after a crash
    const refused =
      err instanceof FileRefusedError ||
      err instanceof UnreadableFileError ||
      (err instanceof HttpError && err.status === 413);
    const message = err instanceof Error ? err.message : String(err);
    await finish(refused ? 'refused' : 'interrupted', { error: message.slice(0, 500) }).catch((e: unknown) =>
      ctx.log.error({ err: e, importId }, 'import record not updated after a failure'),
    );
    if (err instanceof FileRefusedError) throw new HttpError(err.status, err.code, err.message);
    if (err instanceof UnreadableFileError)
      throw new HttpError(422, 'unreadable_file', `The file cannot be read: ${err.message}`);
    throw err;
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

export interface ImportView {
  id: string;
  by: string;
  agency: string | null;
  format: string;
  status: ImportStatus;
  rows: number;
  accepted: number;
  alreadyImported: number;
  refused: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  resultUrl: string;
}

export function viewImport(doc: ClosureImport & { _id: string }): ImportView {
  const stale = doc.status === 'running' && Date.now() - doc.heartbeatAt.getTime() > STALE_MS;
  return {
    id: doc._id,
    by: doc.by,
    agency: doc.agency ?? null,
    format: doc.format,
    status: stale ? 'interrupted' : doc.status,
    rows: doc.rows ?? 0,
    accepted: doc.accepted ?? 0,
    alreadyImported: doc.alreadyImported ?? 0,
    refused: doc.refused ?? 0,
    error: doc.error ?? null,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
    resultUrl: `/api/imports/${doc._id}/result.csv`,
  };
}

/** The imports a principal may see: an agency administrator's agency's, or all for an admin. */
export function importFilter(p: Principal, id?: string): Record<string, unknown> {
  return {
    ...(id ? { _id: id } : {}),
    ...(p.role === 'admin' ? {} : { agency: p.scope.agency ?? '\u0000none' }),
  };
}
