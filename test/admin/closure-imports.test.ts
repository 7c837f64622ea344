import http from 'node:http';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 26, item 1: closures from a file, through POST /api/imports/closures, on the real stack
// (Express, MongoDB wire server, Redis, BullMQ workers applying the events and scheduling follow-ups).

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_BYTES = 200_000;

let sys: TestSystem;
let admin: string;
let mohAdmin: string;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    // The follow-up waits three days, so it is seen scheduled whatever the time of the run.
    env: { FOLLOWUP_DELAY_HOURS: '72', IMPORT_MAX_BYTES: String(MAX_BYTES), IMPORT_BATCH_ROWS: '100' },
  });
  admin = await sys.token('admin');
  mohAdmin = await sys.token('agency_admin', { agency: 'moh' });
});
afterAll(async () => {
  await sys.stop();
});

/** A local Riyadh time `hours` ago (or ahead, when negative), as an export writes it. */
function riyadh(hoursAgo: number, format = 'dd/MM/yyyy HH:mm'): string {
  return DateTime.now().setZone('Asia/Riyadh').minus({ hours: hoursAgo }).toFormat(format);
}

interface Answer {
  importId: string | null;
  status: string;
  rows: number;
  accepted: number;
  alreadyImported: number;
  refused: number;
  refusedRows: { line: number; column: string; field: string; reason: string }[];
  resultUrl: string | null;
}

async function upload(
  body: string | Buffer,
  opts: { token?: string; type?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Answer & { error?: string; message?: string } }> {
  const res = await fetch(`${sys.baseUrl}/api/imports/closures${opts.query ?? ''}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${opts.token ?? mohAdmin}`,
      'content-type': opts.type ?? 'text/csv; charset=utf-8',
      ...opts.headers,
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

const events = () => sys.ctx.models.TicketEvent.countDocuments();

/** The file of the done-when line: Arabic headers, dd/mm/yyyy, local numbers with spaces, a repeat, a bad row. */
function agencyExport(): string {
  return [
    'رقم البلاغ,تاريخ الإغلاق,الجهة,الإدارة,رقم الموظف,جوال المستفيد,اللغة',
    `A-1001,${riyadh(5)},moh,complaints,agent-7,050 123 4567,ar`,
    `A-1002,${riyadh(4)},moh,complaints,agent-7,٠٥٠ ١٢٣ ٤٥٦٨,en`,
    `A-1001,${riyadh(5)},moh,complaints,agent-7,050 123 4567,ar`,
    `A-1003,${riyadh(3)},moh,complaints,agent-9,12 34,ar`,
    `"A-1004",${riyadh(-48)},moh,complaints,agent-9,0501234569,ar`,
    `A-1005,${riyadh(2)},moh,appointments,agent-2,9665 0123 4570,`,
  ].join('\r\n');
}

describe('POST /api/imports/closures', () => {
  it('imports an agency export with the counts and line numbers expected, and a second upload imports nothing new', async () => {
    const file = agencyExport();
    const first = await upload(file);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      status: 'finished',
      rows: 6,
      accepted: 3,
      alreadyImported: 1,
      refused: 2,
    });
    expect(first.json.refusedRows).toEqual([
      { line: 5, column: 'جوال المستفيد', field: 'citizen_phone', reason: expect.any(String) as string },
      {
        line: 6,
        column: 'تاريخ الإغلاق',
        field: 'closed_at',
        reason: expect.stringMatching(/future/) as string,
      },
    ]);
    expect(await events()).toBe(3);
    const ticket = await sys.ctx.models.TicketEvent.findOne({ ticketRef: 'A-1002' }).lean();
    expect(ticket).toMatchObject({
      citizenPhone: '+966501234568',
      language: 'en',
      type: 'closed',
      agency: 'moh',
    });
    const closedAt = DateTime.fromFormat(riyadh(4), 'dd/MM/yyyy HH:mm', { zone: 'Asia/Riyadh' }).toJSDate();
    expect(ticket?.at.toISOString()).toBe(closedAt.toISOString());

    // The result file lists every line, the repeat with the line it repeats.
    const result = await fetch(`${sys.baseUrl}${first.json.resultUrl}`, {
      headers: { authorization: `Bearer ${mohAdmin}` },
    });
    expect(result.status).toBe(200);
    const lines = (await result.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('line,status,ticket_ref,column,reason');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '2,accepted,A-1001',
      '3,accepted,A-1002',
      '4,already_imported,A-1001',
      '5,refused,A-1003',
      '6,refused,A-1004',
      '7,accepted,A-1005',
    ]);
    expect(lines[3]).toContain('repeats line 2');
    expect(lines.join('\n')).not.toMatch(/50\s?123|966501/);

    const again = await upload(file);
    expect(again.json).toMatchObject({ rows: 6, accepted: 0, alreadyImported: 4, refused: 2 });
    expect(await events()).toBe(3);

    // Each imported closure is an API closure: applied by the worker, its follow-up scheduled.
    const followUp = await eventually(
      async () => (await sys.ctx.models.FollowUp.findOne({ ticketRef: 'A-1005' }).lean()) ?? undefined,
      { what: 'the follow-up of an imported closure' },
    );
    expect(followUp).toMatchObject({ state: 'scheduled', closureNumber: 1 });
    const record = await sys.ctx.models.ClosureImport.findById(first.json.importId).lean();
    expect(record).toMatchObject({ status: 'finished', agency: 'moh', rows: 6, accepted: 3, refused: 2 });
    expect(record?.fileHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a dry run reports the same counts and writes nothing', async () => {
    const before = { events: await events(), imports: await sys.ctx.models.ClosureImport.countDocuments() };
    const file = [
      'ticket_ref,closed_at,department,agent_id,citizen_phone,event_id,type',
      `D-1,${riyadh(6, "yyyy-MM-dd'T'HH:mm:ssZZ")},complaints,agent-1,0501112222,d-ev-1,closed`,
      `D-1,${riyadh(5, 'yyyy-MM-dd HH:mm')},complaints,agent-1,0501112222,d-ev-2,reopened`,
      `A-1001,${riyadh(5)},complaints,agent-7,050 123 4567,,`,
      `D-2,not a date,complaints,agent-1,0501112222,,`,
    ].join('\n');
    const dry = await upload(file, { query: '?dryRun=1' });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ importId: null, rows: 4, accepted: 2, alreadyImported: 1, refused: 1 });
    expect(dry.json.refusedRows).toEqual([expect.objectContaining({ line: 5, column: 'closed_at' })]);
    expect(await events()).toBe(before.events);
    expect(await sys.ctx.models.ClosureImport.countDocuments()).toBe(before.imports);
    // The same file for real: what the dry run said.
    const real = await upload(file);
    expect(real.json).toMatchObject({ rows: 4, accepted: 2, alreadyImported: 1, refused: 1 });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: 'D-1' })).toBe(2);
  });

  it('reads an XLSX: date cells, Excel serial dates, numbers a sheet took for numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('export');
    ws.addRow(['Ticket_Ref', 'Closed At', 'Department', 'Agent ID', 'Citizen Phone']);
    const wall = DateTime.now().setZone('Asia/Riyadh').minus({ hours: 7 }).startOf('minute');
    // exceljs writes a Date's UTC fields as the cell's wall-clock time.
    ws.addRow([
      'X-1',
      new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute)),
      'complaints',
      'agent-1',
      501234567,
    ]);
    const serial =
      (Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) - Date.UTC(1899, 11, 30)) /
      86_400_000;
    ws.addRow(['X-2', serial, 'complaints', 'agent-1', '966501234567']);
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(body, { type: XLSX });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ rows: 2, accepted: 2, refused: 0 });
    const stored = await sys.ctx.models.TicketEvent.find({ ticketRef: { $in: ['X-1', 'X-2'] } }).lean();
    expect(stored.map((e) => e.at.toISOString())).toEqual([wall.toUTC().toISO(), wall.toUTC().toISO()]);
    expect(stored.map((e) => e.citizenPhone)).toEqual(['+966501234567', '+966501234567']);
  });
});

/** A zip of the given entries, deflated, written by hand (a bomb cannot be made with a spreadsheet library). */
function zip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data, { level: 9 });
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const TYPES = Buffer.from(
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>',
);

describe('files refused whole, with nothing written', () => {
  it('refuses an XLSX with a formula', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('export');
    ws.addRow(['ticket_ref', 'closed_at', 'department', 'agent_id', 'citizen_phone']);
    ws.addRow(['F-1', riyadh(3), 'complaints', 'agent-1', '0501234567']);
    ws.getCell('A3').value = { formula: 'A2&"x"', result: 'F-1x' };
    const before = await events();
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()), { type: XLSX });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({
      error: 'formulas_refused',
      message: expect.stringMatching(/formulas/) as string,
    });
    expect(await events()).toBe(before);
  });

  it('refuses a zip bomb from its central directory, and one whose entry lies about its size', async () => {
    const before = await events();
    const bomb = zip([
      { name: '[Content_Types].xml', data: TYPES },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(MAX_BYTES);
    const res = await upload(bomb, { type: XLSX });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'zip_bomb_refused' });
    const liar = zip([
      { name: '[Content_Types].xml', data: TYPES },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(8 * 1024 * 1024, 0x20), declaredSize: 1000 },
    ]);
    const lied = await upload(liar, { type: XLSX });
    expect(lied.status).toBe(422);
    expect(lied.json).toMatchObject({
      error: 'zip_bomb_refused',
      message: expect.stringMatching(/declares/) as string,
    });
    expect(await events()).toBe(before);
  });

  it('refuses macros: a VBA project inside, or the macro-enabled type', async () => {
    const withMacros = zip([
      { name: '[Content_Types].xml', data: TYPES },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/vbaProject.bin', data: Buffer.from('VBA') },
    ]);
    const res = await upload(withMacros, { type: XLSX });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ error: 'macros_refused' });
    const xlsm = await upload(withMacros, { type: 'application/vnd.ms-excel.sheet.macroEnabled.12' });
    expect(xlsm.status).toBe(415);
    expect(xlsm.json).toMatchObject({ error: 'macros_refused' });
  });

  it('refuses a wrong type, a file over the limit, and an agency outside the uploader’s scope', async () => {
    const before = await events();
    const wrong = await upload('{"rows":[]}', { type: 'application/json' });
    expect(wrong.status).toBe(415);
    expect(wrong.json.error).toBe('unsupported_media_type');
    const big = `ticket_ref,closed_at,department,agent_id,citizen_phone\n${`B-1,${riyadh(3)},complaints,agent-1,0501234567\n`.repeat(5000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_BYTES);
    const tooBig = await upload(big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error).toBe('too_large');
    const elsewhere = await upload(agencyExport().replaceAll(',moh,', ',mot,'), { query: '?agency=mot' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.message).toMatch(/agency mot is not yours/);
    // Rows naming another agency in a file of one's own are refused one by one.
    const rows = await upload(agencyExport().replaceAll(',moh,', ',mot,'));
    expect(rows.json).toMatchObject({ accepted: 0, alreadyImported: 0, refused: 6 });
    expect(rows.json.refusedRows[0]).toMatchObject({ line: 2, column: 'الجهة' });
    const header = await upload('ticket_ref,closed_at\nZ-1,01/01/2026 10:00\n');
    expect(header.status).toBe(422);
    expect(header.json.message).toMatch(/no column for department/);
    expect(await events()).toBe(before);
  });
});

function manyRows(prefix: string, n: number): string {
  const lines = ['ticket_ref,closed_at,department,agent_id,citizen_phone'];
  for (let i = 0; i < n; i++)
    lines.push(`${prefix}-${i},${riyadh(10)},complaints,agent-1,05${String(10_000_000 + i)}`);
  return `${lines.join('\n')}\n`;
}

describe('an interrupted import resumes without doubles', () => {
  it('after a crash part-way (the record left running), a re-upload imports the rest once', async () => {
    const file = manyRows('C', 1200);
    const crashed = await upload(file, { headers: { 'x-test-crash-after-batches': '3' } });
    expect(crashed.status).toBe(500);
    // Three batches (IMPORT_BATCH_ROWS, 100 rows) were written before the crash.
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: /^C-/ })).toBe(300);
    const record = await sys.ctx.models.ClosureImport.findOne({ status: 'running' }).lean();
    expect(record).toMatchObject({ rows: 300, accepted: 300 });
    const resumed = await upload(file);
    expect(resumed.json).toMatchObject({ rows: 1200, accepted: 900, alreadyImported: 300, refused: 0 });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: /^C-/ })).toBe(1200);
  });

  it('an upload cut off before its end imports nothing, and says so; the whole file then imports once', async () => {
    const file = Buffer.from(manyRows('K', 1500));
    const { ClosureImport } = sys.ctx.models;
    const earlier = (await ClosureImport.find().select({ _id: 1 }).lean()).map((r) => r._id);
    const req = http.request(new URL('/api/imports/closures', sys.baseUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mohAdmin}`,
        'content-type': 'text/csv',
        'content-length': String(file.length),
      },
    });
    req.on('error', () => undefined);
    req.write(file.subarray(0, Math.floor(file.length * 0.6)));
    const running = await eventually(
      async () =>
        (await ClosureImport.findOne({ _id: { $nin: earlier }, status: 'running' }).lean()) ?? undefined,
      { what: 'the cut-off upload recorded as running' },
    );
    req.destroy();
    const stopped = await eventually(
      async () => {
        const r = await ClosureImport.findById(running._id).lean();
        return r?.status === 'interrupted' ? r : undefined;
      },
      { what: 'the cut-off import recorded as interrupted' },
    );
    expect(stopped).toMatchObject({
      rows: 0,
      accepted: 0,
      error: expect.stringMatching(/before the end of the file/) as string,
    });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: /^K-/ })).toBe(0);
    const whole = await upload(file);
    expect(whole.json).toMatchObject({ rows: 1500, accepted: 1500, alreadyImported: 0 });
    expect(await sys.ctx.models.TicketEvent.countDocuments({ ticketRef: /^K-/ })).toBe(1500);
  });
});

describe('an agency’s own column names', () => {
  it('are stored per agency and recognised in its next upload', async () => {
    const file = [
      'Case No.;Resolved On;Section;Employee;Mobile',
      `M-1;${riyadh(3)};complaints;agent-1;050 999 1234`,
    ].join('\n');
    const unknown = await upload(file);
    expect(unknown.status).toBe(422);
    const put = await fetch(`${sys.baseUrl}/api/imports/mappings/moh`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${mohAdmin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        columns: {
          'Case No.': 'ticket_ref',
          'Resolved On': 'closed_at',
          Section: 'department',
          Employee: 'agent_id',
          Mobile: 'citizen_phone',
        },
      }),
    });
    expect(put.status).toBe(200);
    const known = await upload(file);
    expect(known.json).toMatchObject({ rows: 1, accepted: 1 });
    const other = await fetch(`${sys.baseUrl}/api/imports/mappings/mot`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${mohAdmin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ columns: {} }),
    });
    expect(other.status).toBe(403);
    // An admin uploads for any agency, naming it.
    const byAdmin = await upload(file.replace('M-1', 'M-2'), { token: admin, query: '?agency=moh' });
    expect(byAdmin.json).toMatchObject({ rows: 1, accepted: 1 });
  });
});
