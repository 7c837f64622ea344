import { parse } from 'csv-parse/sync';
import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { normalisePhone } from '../tickets/phone.js';
import { csvLine, UTF8_BOM } from '../reports/exports/csv.js';
import { assertManages, assertReads, assertWriter, fieldError } from './access.js';
import { auditChange, type Who } from './change-audit.js';
import { maskStaffNumber, seesStaffNumbers } from './directory.js';
import { newAgentSchema, newDepartmentSchema } from './schemas.js';

/**
 * CSV import and export of an agency's departments and agents. An import is checked whole before
 * anything is written: a dry run reports every bad row with its line and field and changes nothing;
 * a real import with any bad row changes nothing either (422 with the same report). Rows name a code:
 * a new code is created, a known one updated. A cell that starts like a formula (= + - @) is refused
 * on the way in and neutralised on the way out, so a sheet edited in Excel cannot carry one.
 */

export const CSV_KINDS = ['departments', 'agents'] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

export const CSV_HEADERS: Record<CsvKind, readonly string[]> = {
  departments: ['code', 'name_ar', 'name_en'],
  agents: ['agent_id', 'department', 'display_name', 'dial_target', 'staff_phones'],
};

export interface RowProblem {
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  kind: CsvKind;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  problems: RowProblem[];
}

const FORMULA = /^[=+\-@\t\r]/;
/** A list of numbers such as +966501234567;+966... is not a formula, in the columns that hold numbers. */
const PHONE_LIST = /^\+\d[\d ]*(;\s*\+?\d[\d ]*)*$/;
const PHONE_COLUMNS = new Set(['staff_phones', 'dial_target']);

/** Our exports mark a cell that looks like a formula with a leading quote; an import takes it off. */
function unquote(cell: string): string {
  return /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell;
}

type DepartmentRow = { code: string; name: { ar: string; en: string } };
type AgentRow = {
  agentId: string;
  department: string;
  displayName: string;
  dialTarget?: string;
  staffPhones: string[];
};

/**
 * Rows one import may hold. Every row is checked (and for agents, its phone numbers parsed) before
 * anything is written, and the report lists each bad one: a directory of an agency is hundreds or a
 * few thousand rows, and a bigger file is split into several imports.
 */
export const CSV_MAX_ROWS = 10_000;

function readCsv(text: string): { header: string[]; rows: string[][] } | RowProblem {
  try {
    const records: string[][] = parse(text.replace(/^\uFEFF/, ''), {
      bom: true,
      relax_column_count: false,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      // The header, the limit, and one more to know it is exceeded: the rest is never parsed.
      to: CSV_MAX_ROWS + 2,
    });
    const [header, ...rows] = records;
    if (!header) return { line: 1, field: 'header', message: 'the file is empty' };
    if (rows.length > CSV_MAX_ROWS)
      return {
        line: CSV_MAX_ROWS + 2,
        field: 'file',
        message: `at most ${CSV_MAX_ROWS.toLocaleString('en')} rows per import; split the file and import each part`,
      };
    return { header: header.map((h) => h.trim().toLowerCase()), rows };
  } catch (err) {
    const line = typeof err === 'object' && err !== null && 'lines' in err ? Number(err.lines) : 1;
    return {
      line,
      field: 'file',
      message: `not valid CSV: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

export async function importDirectoryCsv(
  ctx: AppContext,
  who: Who,
  agency: string,
  kind: CsvKind,
  text: string,
  dryRun: boolean,
): Promise<ImportReport> {
  assertWriter(who.p);
  await assertReads(ctx, who.req, who.p, agency);
  await assertManages(ctx, who.req, who.p, agency);
  if (!(await ctx.models.Agency.exists({ code: agency })))
    throw fieldError(404, 'not_found', 'agency', `no agency ${agency}`);
  const report: ImportReport = { kind, dryRun, rows: 0, created: 0, updated: 0, problems: [] };
  const csv = readCsv(text);
  if ('line' in csv) {
    report.problems.push(csv);
    return report;
  }
  const expected = CSV_HEADERS[kind];
  if (csv.header.join(',') !== expected.join(',')) {
    report.problems.push({
      line: 1,
      field: 'header',
      message: `expected the header ${expected.join(',')}, found ${csv.header.join(',')}`,
    });
    return report;
  }
  report.rows = csv.rows.length;
  const seen = new Set<string>();
  const departments: DepartmentRow[] = [];
  const agents: AgentRow[] = [];
  const knownDepartments = new Set(
    (await ctx.models.Department.find({ agency }, { code: 1 }).lean()).map((d) => d.code),
  );
  if (kind === 'departments') csv.rows.forEach((r) => r[0] && knownDepartments.add(r[0]));

  for (const [i, raw] of csv.rows.entries()) {
    const line = i + 2;
    const before = report.problems.length;
    const cells = raw.map(unquote);
    cells.forEach((cell, c) => {
      if (FORMULA.test(cell) && !(PHONE_COLUMNS.has(expected[c] ?? '') && PHONE_LIST.test(cell)))
        report.problems.push({
          line,
          field: expected[c] ?? `column ${c + 1}`,
          message: 'starts like a formula (= + - @)',
        });
    });
    if (report.problems.length > before) continue;
    const get = (name: string) => cells[expected.indexOf(name)] ?? '';
    const key = kind === 'departments' ? get('code') : get('agent_id');
    if (seen.has(key)) {
      report.problems.push({
        line,
        field: expected[0] ?? 'code',
        message: `duplicate code ${key} in this file`,
      });
      continue;
    }
    seen.add(key);
    if (kind === 'departments') {
      const r = newDepartmentSchema.safeParse({
        code: get('code'),
        name: { ar: get('name_ar'), en: get('name_en') },
      });
      if (!r.success) {
        for (const issue of r.error.issues)
          report.problems.push({ line, field: csvField(kind, issue.path.join('.')), message: issue.message });
        continue;
      }
      departments.push(r.data);
    } else {
      const phones = get('staff_phones')
        .split(/[;|]/)
        .map((p) => p.trim())
        .filter(Boolean);
      const dial = get('dial_target');
      const r = newAgentSchema.safeParse({
        agentId: get('agent_id'),
        department: get('department'),
        displayName: get('display_name'),
        ...(dial ? { dialTarget: dial } : {}),
        staffPhones: phones,
      });
      if (!r.success) {
        for (const issue of r.error.issues)
          report.problems.push({ line, field: csvField(kind, issue.path.join('.')), message: issue.message });
        continue;
      }
      if (!knownDepartments.has(r.data.department)) {
        report.problems.push({
          line,
          field: 'department',
          message: `no department ${r.data.department} in ${agency}`,
        });
        continue;
      }
      const normalised: string[] = [];
      for (const [n, raw] of phones.entries()) {
        const p = normalisePhone(raw, ctx.config.phoneDefaultRegion);
        if (!p.ok)
          report.problems.push({ line, field: 'staff_phones', message: `number ${n + 1} ${p.reason}` });
        else normalised.push(p.e164);
      }
      if (report.problems.length > before) continue;
      agents.push({ ...r.data, staffPhones: normalised });
    }
  }

  // Agent ids are unique across agencies: one that belongs to another agency is not this one's.
  if (agents.length > 0) {
    const elsewhere = await ctx.models.Agent.find(
      { agentId: { $in: agents.map((a) => a.agentId) }, agency: { $ne: agency } },
      { agentId: 1 },
    ).lean();
    const taken = new Set(elsewhere.map((a) => a.agentId));
    agents.forEach((a, i) => {
      if (taken.has(a.agentId)) {
        const line = csv.rows.findIndex((r) => r[0] === a.agentId) + 2;
        report.problems.push({
          line: line > 1 ? line : i + 2,
          field: 'agent_id',
          message: `agent ${a.agentId} belongs to another agency`,
        });
      }
    });
  }
  report.problems.sort((a, b) => a.line - b.line);
  const existing =
    kind === 'departments'
      ? new Set(departments.filter((d) => knownDepartments.has(d.code)).map((d) => d.code))
      : new Set(
          (
            await ctx.models.Agent.find(
              { agency, agentId: { $in: agents.map((a) => a.agentId) } },
              { agentId: 1 },
            ).lean()
          ).map((a) => a.agentId),
        );
  if (kind === 'departments') {
    const stored = new Set(
      (await ctx.models.Department.find({ agency }, { code: 1 }).lean()).map((d) => d.code),
    );
    report.updated = departments.filter((d) => stored.has(d.code)).length;
    report.created = departments.length - report.updated;
  } else {
    report.updated = agents.filter((a) => existing.has(a.agentId)).length;
    report.created = agents.length - report.updated;
  }
  if (dryRun || report.problems.length > 0) return report;

  // Each row is one idempotent upsert on its unique key: a retried import changes nothing more.
  try {
    for (const d of departments)
      await ctx.models.Department.updateOne(
        { agency, code: d.code },
        { $set: { name: d.name }, $inc: { revision: 1 } },
        { upsert: true },
      );
    for (const a of agents)
      await ctx.models.Agent.updateOne(
        { agency, agentId: a.agentId },
        {
          $set: {
            department: a.department,
            displayName: a.displayName,
            staffPhones: a.staffPhones,
            ...(a.dialTarget ? { dialTarget: a.dialTarget } : {}),
          },
          ...(a.dialTarget ? {} : { $unset: { dialTarget: 1 } }),
          $inc: { revision: 1 },
        },
        { upsert: true },
      );
  } catch (err) {
    if (isDuplicateKey(err))
      throw fieldError(
        409,
        'duplicate',
        'agent_id',
        'an agent id was taken by another agency meanwhile; nothing after it was imported',
      );
    throw err;
  }
  if (departments.length)
    await ctx.models.UnknownCode.deleteMany({
      kind: 'department',
      agency,
      code: { $in: departments.map((d) => d.code) },
    });
  await auditChange(ctx, who, `${kind}.import`, agency, `agency:${agency}`, undefined, undefined, {
    rows: report.rows,
    created: report.created,
    updated: report.updated,
    codes: kind === 'departments' ? departments.map((d) => d.code) : agents.map((a) => a.agentId),
  });
  return report;
}

function csvField(kind: CsvKind, path: string): string {
  const map: Record<string, string> = {
    code: 'code',
    'name.ar': 'name_ar',
    'name.en': 'name_en',
    agentId: 'agent_id',
    department: 'department',
    displayName: 'display_name',
    dialTarget: 'dial_target',
  };
  if (path.startsWith('staffPhones')) return 'staff_phones';
  return map[path] ?? (kind === 'departments' ? 'code' : 'agent_id');
}

/** The same columns an import reads, UTF-8 with BOM and CRLF, formulas neutralised. */
export async function exportDirectoryCsv(
  ctx: AppContext,
  who: Who,
  agency: string,
  kind: CsvKind,
): Promise<string> {
  await assertReads(ctx, who.req, who.p, agency);
  if (!(await ctx.models.Agency.exists({ code: agency })))
    throw fieldError(404, 'not_found', 'agency', `no agency ${agency}`);
  let out = UTF8_BOM + csvLine(CSV_HEADERS[kind]);
  if (kind === 'departments') {
    for (const d of await ctx.models.Department.find({ agency }).sort({ code: 1 }).lean())
      out += csvLine([d.code, d.name?.ar ?? '', d.name?.en ?? '']);
  } else {
    const clear = seesStaffNumbers(who.p);
    const phones = (list: string[]) => (clear ? list : list.map(maskStaffNumber)).join(';');
    for (const a of await ctx.models.Agent.find({ agency }).sort({ department: 1, agentId: 1 }).lean())
      out += csvLine([
        a.agentId,
        a.department,
        a.displayName ?? '',
        a.dialTarget ?? '',
        phones(a.staffPhones ?? []),
      ]);
  }
  await auditChange(ctx, who, `${kind}.export`, agency, `agency:${agency}`, undefined, undefined, {});
  return out;
}
