import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Models } from '../../db/models/index.js';
import type { ImportRowStatus } from '../../db/models/closure-import.js';
import { refSchema, ticketEventBodySchema } from '../routes.js';
import type { AcceptOutcome, TicketEventInput, TicketService } from '../service.js';
import { parseClosingTime } from './dates.js';
import { eventTypeOf, resolveHeaders, type HeaderMapping, type ImportField } from './headers.js';
import { importPhone } from './phones.js';
import type { Cell, SourceRow } from './sources.js';

/**
 * Turns the rows of a closures file into ticket events through the events API's own service, so an
 * imported closure is an API closure: the same validation, the same idempotency by event id (a row
 * without one gets an id derived from its agency, ticket, type and closing time, so the same row
 * uploaded again is the same event), the same ticket ownership, the same follow-up. Rows are
 * written a batch at a time, and the import's record is brought up to date after every batch.
 */

export interface ImportOptions {
  /** The import record's id; absent in a dry run, which writes nothing. */
  importId?: string;
  /** The agency of the upload (named, or the uploader's), when there is one. */
  agency?: string;
  /** An uploader limited to one agency; undefined for one who may import for any. */
  scopeAgency?: string;
  mapping: HeaderMapping;
  localZone: string;
  phoneRegion: string;
  now?: () => Date;
  batchSize?: number;
  /** How many refused rows the answer lists (the result file lists every row). */
  listLimit?: number;
  /** Tests: stop as a crash would, after this many batches were written. */
  crashAfterBatches?: number;
}

export interface RefusedRow {
  line: number;
  /** The column as the file names it ('' for a problem of the whole row). */
  column: string;
  /** The column's standard name. */
  field: ImportField | '';
  reason: string;
}

export interface ImportCounts {
  rows: number;
  accepted: number;
  alreadyImported: number;
  refused: number;
}

export interface ImportSummary extends ImportCounts {
  refusedRows: RefusedRow[];
  /** True when more rows were refused than the answer lists. */
  refusedRowsTruncated: boolean;
}

/** The whole file is refused before anything was written (its header, its agency). */
export class FileRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class SimulatedCrash extends Error {}

type Prepared =
  | { kind: 'event'; line: number; input: TicketEventInput; derivedId: boolean }
  | {
      kind: 'done';
      line: number;
      status: ImportRowStatus;
      ticketRef?: string;
      eventId?: string;
      column: string;
      field: ImportField | '';
      reason: string;
    };

/** The id of a row that names none: the same row, uploaded again, is the same event. */
export function derivedEventId(agency: string, ref: string, type: string, at: Date): string {
  const key = [agency, ref, type, at.toISOString()].join('\n');
  return `imp-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

const BODY_FIELDS: Record<string, ImportField> = {
  eventId: 'event_id',
  type: 'type',
  at: 'closed_at',
  agency: 'agency',
  department: 'department',
  agentId: 'agent_id',
  citizenPhone: 'citizen_phone',
  language: 'language',
};

/** Closing times this far ahead are clock differences, not the future. */
const FUTURE_SLACK_MS = 2 * 60_000;

function text(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

export async function runImport(
  deps: { models: Models; service: TicketService },
  source: AsyncIterable<SourceRow>,
  opts: ImportOptions,
): Promise<ImportSummary> {
  const now = opts.now ?? (() => new Date());
  const batchSize = opts.batchSize ?? 1000;
  const listLimit = opts.listLimit ?? 10_000;
  const counts: ImportCounts = { rows: 0, accepted: 0, alreadyImported: 0, refused: 0 };
  const refusedRows: RefusedRow[] = [];
  /** The stored key of every event seen in this file → its first line: repeats inside the file. */
  const seen = new Map<string, number>();
  let headers: ReturnType<typeof resolveHeaders> | undefined;
  let pending: Prepared[] = [];
  let events = 0;
  let batches = 0;

  const refuse = (line: number, field: ImportField | '', reason: string, ticketRef?: string): Prepared => ({
    kind: 'done',
    line,
    status: 'refused',
    column: field === '' ? '' : (headers?.names[field] ?? field),
    field,
    reason,
    ...(ticketRef ? { ticketRef } : {}),
  });

  const prepare = (row: SourceRow): Prepared => {
    const h = headers;
    if (!h) throw new Error('rows before the header');
    const cell = (f: ImportField): Cell | undefined => {
      const i = h.columns[f];
      return i === undefined ? undefined : row.cells[i];
    };
    const ref = refSchema.safeParse(text(cell('ticket_ref')));
    if (!ref.success)
      return refuse(row.line, 'ticket_ref', ref.error.issues[0]?.message ?? 'is not a ticket reference');
    const ticketRef = ref.data;
    const rawAt = cell('closed_at');
    const at =
      rawAt === undefined || rawAt === ''
        ? { ok: false as const, reason: 'is empty' }
        : parseClosingTime(rawAt, opts.localZone);
    if (!at.ok) return refuse(row.line, 'closed_at', at.reason, ticketRef);
    if (at.at.getTime() > now().getTime() + FUTURE_SLACK_MS)
      return refuse(row.line, 'closed_at', `is in the future (${at.at.toISOString()})`, ticketRef);
    const type = eventTypeOf(text(cell('type')));
    if (!type) return refuse(row.line, 'type', 'is neither closed nor reopened', ticketRef);
    const agency = text(cell('agency')) || opts.agency || '';
    if (opts.agency !== undefined && agency !== opts.agency)
      return refuse(
        row.line,
        'agency',
        `is ${agency}, but this upload is for agency ${opts.agency}`,
        ticketRef,
      );
    if (opts.scopeAgency !== undefined && agency !== opts.scopeAgency)
      return refuse(
        row.line,
        'agency',
        `${agency} is outside your scope (agency ${opts.scopeAgency})`,
        ticketRef,
      );
    const rawPhone = cell('citizen_phone');
    const phone = importPhone(rawPhone instanceof Date ? '' : (rawPhone ?? ''), opts.phoneRegion);
    if (!phone.ok) return refuse(row.line, 'citizen_phone', phone.reason, ticketRef);
    const givenId = text(cell('event_id'));
    const language = text(cell('language')).toLowerCase();
    const body = {
      eventId: givenId || derivedEventId(agency, ticketRef, type, at.at),
      type,
      at: at.at.toISOString(),
      agency,
      department: text(cell('department')),
      agentId: text(cell('agent_id')),
      citizenPhone: phone.e164,
      ...(language ? { language } : {}),
    };
    // The events API's own schema: what it refuses, the import refuses, in the same words.
    const parsed = ticketEventBodySchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.core.$ZodIssue;
      const field = BODY_FIELDS[String(issue.path[0])] ?? '';
      return refuse(row.line, field, issue.message, ticketRef);
    }
    const d = parsed.data;
    return {
      kind: 'event',
      line: row.line,
      derivedId: givenId === '',
      input: {
        ticketRef,
        eventId: d.eventId,
        type: d.type,
        at: new Date(d.at),
        agency: d.agency,
        department: d.department,
        agentId: d.agentId,
        citizenPhone: d.citizenPhone,
        // The events API's own reading: a known code, or Arabic with English and the code kept.
        ...d.language,
      },
    };
  };

  const outcomeOf = (p: Extract<Prepared, { kind: 'event' }>, o: AcceptOutcome): Prepared => {
    const base = {
      kind: 'done' as const,
      line: p.line,
      ticketRef: p.input.ticketRef,
      eventId: p.input.eventId,
    };
    switch (o.kind) {
      case 'accepted':
        return o.replayed
          ? { ...base, status: 'already_imported', column: '', field: '', reason: 'imported before' }
          : { ...base, status: 'accepted', column: '', field: '', reason: '' };
      case 'replayed':
        return { ...base, status: 'already_imported', column: '', field: '', reason: 'imported before' };
      case 'conflict':
        // A derived id stands for the ticket and closing time: that closure is in, with other details.
        return p.derivedId
          ? {
              ...base,
              status: 'already_imported',
              column: '',
              field: '',
              reason: 'this ticket and closing time were imported before, with other details',
            }
          : refuse(
              p.line,
              'event_id',
              `${p.input.eventId} was already used for a different event`,
              p.input.ticketRef,
            );
      case 'not_owner': {
        const visible = opts.scopeAgency === undefined || o.owner.agency === opts.scopeAgency;
        return refuse(
          p.line,
          'ticket_ref',
          visible
            ? `ticket ${p.input.ticketRef} belongs to agency ${o.owner.agency}, department ${o.owner.department}: its events must name them`
            : `ticket ${p.input.ticketRef} is not this agency's`,
          p.input.ticketRef,
        );
      }
    }
  };

  /** A dry run asks what the service would answer, without writing: stored before, or another's ticket. */
  const dryOutcomes = async (batch: Extract<Prepared, { kind: 'event' }>[]): Promise<AcceptOutcome[]> => {
    const ids = batch.map((p) => p.input.eventId);
    const refs = [...new Set(batch.map((p) => p.input.ticketRef))];
    const [stored, owners] = await Promise.all([
      deps.models.TicketEvent.find({ _id: { $in: ids } })
        .select({ agency: 1 })
        .lean(),
      deps.models.TicketOwner.find({ _id: { $in: refs } }).lean(),
    ]);
    const storedIds = new Set(stored.map((s) => String(s._id)));
    const ownerOf = new Map(owners.map((o) => [String(o._id), o]));
    return batch.map((p) => {
      const owner = ownerOf.get(p.input.ticketRef);
      if (owner && (owner.agency !== p.input.agency || owner.department !== p.input.department))
        return { kind: 'not_owner', owner: { agency: owner.agency, department: owner.department } };
      return { kind: 'accepted', replayed: storedIds.has(p.input.eventId) };
    });
  };

  const flush = async () => {
    const batch = pending;
    pending = [];
    events = 0;
    const toSend = batch.filter((p): p is Extract<Prepared, { kind: 'event' }> => p.kind === 'event');
    const outcomes =
      opts.importId === undefined
        ? await dryOutcomes(toSend)
        : await deps.service.acceptMany(toSend.map((p) => p.input));
    const results = new Map(toSend.map((p, i) => [p, outcomeOf(p, outcomes[i] as AcceptOutcome)]));
    const done = batch.map((p) =>
      p.kind === 'event' ? (results.get(p) as Extract<Prepared, { kind: 'done' }>) : p,
    );
    for (const d of done) {
      if (d.kind !== 'done') continue;
      counts.rows += 1;
      if (d.status === 'accepted') counts.accepted += 1;
      else if (d.status === 'already_imported') counts.alreadyImported += 1;
      else {
        counts.refused += 1;
        if (refusedRows.length < listLimit)
          refusedRows.push({ line: d.line, column: d.column, field: d.field, reason: d.reason });
      }
    }
    if (opts.importId === undefined) return;
    const importId = opts.importId;
    await deps.models.ImportRow.insertMany(
      done.map((d) =>
        d.kind === 'done'
          ? {
              _id: `${importId}:${d.line}`,
              importId,
              line: d.line,
              status: d.status,
              ...(d.ticketRef ? { ticketRef: d.ticketRef } : {}),
              ...(d.eventId ? { eventId: d.eventId } : {}),
              ...(d.column ? { column: d.column } : {}),
              ...(d.reason ? { reason: d.reason } : {}),
            }
          : undefined,
      ),
      { ordered: false, lean: true },
    );
    await deps.models.ClosureImport.updateOne(
      { _id: importId, status: 'running' },
      { $set: { ...counts, heartbeatAt: new Date() } },
    );
    batches += 1;
    if (opts.crashAfterBatches !== undefined && batches >= opts.crashAfterBatches)
      throw new SimulatedCrash(`stopped after ${batches} batches, as a crash would`);
  };

  for await (const row of source) {
    if (!headers) {
      headers = resolveHeaders(row.cells.map(text), opts.mapping, { agencyGiven: opts.agency !== undefined });
      if (headers.problems.length > 0)
        throw new FileRefusedError(
          422,
          'unrecognised_columns',
          `The header (line ${row.line}) ${headers.problems.join('; ')}`,
        );
      continue;
    }
    let p = prepare(row);
    if (p.kind === 'event') {
      const first = seen.get(p.input.eventId);
      if (first !== undefined) {
        p = {
          kind: 'done',
          line: p.line,
          status: 'already_imported',
          ticketRef: p.input.ticketRef,
          eventId: p.input.eventId,
          column: '',
          field: '',
          reason: `repeats line ${first}`,
        };
      } else {
        seen.set(p.input.eventId, p.line);
        events += 1;
      }
    }
    pending.push(p);
    if (events >= batchSize || pending.length >= batchSize * 4) await flush();
  }
  if (!headers)
    throw new FileRefusedError(422, 'empty_file', 'The file is empty: it has no header and no rows');
  await flush();
  return { ...counts, refusedRows, refusedRowsTruncated: counts.refused > refusedRows.length };
}
