import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { MARCH, phoneOf, seedScores } from './dataset.js';
import { createStaff, get, login } from './helpers.js';

let system: TestSystem;
let adminToken: string;

beforeAll(async () => {
  system = await startTestSystem();
  await seedScores(system.ctx.models);
  await createStaff(system);
  adminToken = await system.token('admin');
});
afterAll(async () => {
  await system?.stop();
});

const lighting = `from=${MARCH.from}&to=${MARCH.to}&agency=MOMAH&department=lighting`;

async function download(path: string, token = adminToken): Promise<{ res: Response; bytes: Buffer }> {
  const res = await system.api(path, { token });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** CSV records end in CRLF; a bare LF inside a quoted comment does not end a record. */
function csvRecords(text: string): string[] {
  return text.split('\r\n').slice(0, -1);
}

describe('CSV export', () => {
  it('is UTF-8 with BOM, CRLF, Arabic headers, quoted fields and a formula-injection guard', async () => {
    const { res, bytes } = await download(`/api/exports/scores.csv?${lighting}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="verisat-scores_2025-03-01_2025-03-31_MOMAH_lighting.csv"',
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const records = csvRecords(text);
    expect(records).toHaveLength(1 + 13);
    expect(records[0]).toBe(
      'رقم الطلب,رقم الإغلاق,الجهة,الإدارة,الموظف,جوال المواطن,اللغة,وقت الإغلاق,اليوم,النتيجة,أُرسل السؤال,وصلت الرسالة,حُلّت,التقييم,السبب,التعليق,القناة,تقييم المكالمة,وقت الرد',
    );
    // The comment "=HYPERLINK(...)" arrives as text: quote-prefixed, then CSV-quoted for its commas.
    expect(text).toContain(`,"'=HYPERLINK(""http://example.invalid"",""click"")",`);
    expect(text).not.toMatch(/,=HYPERLINK/);
    // Arabic with a comma, quotes and a line break survives as one quoted field.
    expect(text).toContain('"ما زالت الإنارة مطفأة، ""لا أحد"" حضر\nسطر ثان"');
    // An admin sees phone numbers; a leading + is guarded like any formula start.
    expect(text).toMatch(/,'\+9665\d{8},/);
  });

  it('writes English headers on request and local timestamps with their offset', async () => {
    const { bytes } = await download(
      `/api/exports/scores.csv?from=${MARCH.from}&to=${MARCH.to}&agent=a1&lang=en`,
    );
    const records = csvRecords(bytes.subarray(3).toString('utf8'));
    expect(records[0]?.startsWith('Ticket,Closure no.,Agency,Department,Agent,Citizen phone,')).toBe(true);
    const first = records.find((r) => r.startsWith('T-00001,'));
    // Closed 22:30 UTC on 1 March = 01:30 on 2 March in Riyadh, the same day as the day column.
    expect(first).toContain(
      ',2025-03-02T01:30:00+03:00,2025-03-02,confirmed_solved,true,true,true,5,,,sms,5,2025-03-05T01:30:00+03:00',
    );
    expect(records).toHaveLength(1 + 18);
  });

  it('returns the header only for an empty range', async () => {
    const { res, bytes } = await download('/api/exports/scores.csv?from=2025-05-01&to=2025-05-31&lang=en');
    expect(res.status).toBe(200);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFFTicket,')).toBe(true);
    expect(csvRecords(text.slice(1))).toHaveLength(1);
  });

  it('writes the export to the audit log with who, filter and row count', async () => {
    await download(`/api/exports/scores.csv?${lighting}&lang=en`);
    const entry = await system.ctx.models.AuditLog.findOne({
      action: 'export',
      'detail.lang': 'en',
      rows: 13,
    })
      .sort({ at: -1 })
      .lean();
    expect(entry).toMatchObject({ actorName: 'test-admin', outcome: 'ok', rows: 13 });
    expect(entry?.detail).toMatchObject({
      format: 'csv',
      filter: { from: '2025-03-01', to: '2025-03-31', agency: 'MOMAH', department: 'lighting' },
      phonesMasked: false,
    });
    expect(entry?.at).toBeInstanceOf(Date);
  });
});

describe('masking and scope', () => {
  it('masks a phone number a citizen wrote into a comment, for masked roles only (issue 17, finding 8)', async () => {
    await system.ctx.models.VerifiedScore.create({
      ticketRef: 'CMT-1',
      closureNumber: 1,
      agency: 'MOMAH',
      department: 'lighting',
      agentId: 'a3',
      closedAt: new Date(`${MARCH.from}T09:00:00Z`),
      day: MARCH.from,
      solved: false,
      comment: 'call me back on 0551234567 please',
    });
    const rowsOf = async (res: Response) =>
      (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ticket_ref: string; comment: string | null })
        .filter((r) => r.ticket_ref === 'CMT-1');
    const manager = await login(system, 'momah.manager');
    const masked = await rowsOf(await get(system, `/api/exports/scores.json?${lighting}`, manager));
    expect(masked).toEqual([expect.objectContaining({ comment: 'call me back on 055•••••67 please' })]);
    const clear = await rowsOf(
      await system.api(`/api/exports/scores.json?${lighting}`, { token: adminToken }),
    );
    expect(clear).toEqual([expect.objectContaining({ comment: 'call me back on 0551234567 please' })]);
    await system.ctx.models.VerifiedScore.deleteOne({ ticketRef: 'CMT-1' });
  });

  it('masks a number in any digit script or shape in a manager’s CSV and XLSX comment (issue 23, item 2)', async () => {
    const comments = {
      'CMT-2': 'call me ٠٥٠٩٩٩٨٨٧٧',
      'CMT-3': 'جوالي ۰۵۰–۹۹۹–۸۸۷۷ أو +966(50)9998877',
      'CMT-4': 'tel ０５０.９９９.８８７７',
    };
    for (const [ticketRef, comment] of Object.entries(comments))
      await system.ctx.models.VerifiedScore.create({
        ticketRef,
        closureNumber: 1,
        agency: 'MOMAH',
        department: 'lighting',
        agentId: 'a3',
        closedAt: new Date(`${MARCH.from}T09:00:00Z`),
        day: MARCH.from,
        solved: false,
        comment,
      });
    try {
      const manager = await login(system, 'momah.manager');
      const csv = await (await get(system, `/api/exports/scores.csv?${lighting}`, manager)).text();
      expect(csv).toContain(',call me 050•••••77,');
      expect(csv).toContain(',جوالي 050•••••77 أو +966•••••••77,');
      expect(csv).toContain(',tel 050•••••77,');
      const xlsx = await get(system, `/api/exports/scores.xlsx?${lighting}`, manager);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xlsx.arrayBuffer());
      const cells: string[] = [];
      wb.getWorksheet('scores')?.eachRow((row) => cells.push(row.getCell(16).text));
      expect(cells).toContain('call me 050•••••77');
      // No seven digits of the number in a row, in any script, anywhere in either file.
      for (const text of [csv, cells.join('\n')])
        expect(
          text
            .normalize('NFKC')
            .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
            .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0)),
        ).not.toMatch(/9998877|509998877/);
    } finally {
      await system.ctx.models.VerifiedScore.deleteMany({ ticketRef: { $in: Object.keys(comments) } });
    }
  });

  it('masks phone numbers for managers and auditors', async () => {
    const manager = await login(system, 'momah.manager');
    const res = await get(system, `/api/exports/scores.csv?${lighting}`, manager);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/\+9665\d{8}/);
    expect(text).toMatch(/'\+966•+\d\d/);

    const auditor = await login(system, 'auditor');
    const json = await (await get(system, `/api/exports/scores.json?${lighting}`, auditor)).text();
    const rows = json
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { citizen_phone: string });
    expect(rows.every((r) => /^\+966•+\d\d$/.test(r.citizen_phone))).toBe(true);
    const audit = await system.ctx.models.AuditLog.findOne({
      action: 'export',
      actorName: 'auditor',
    }).lean();
    expect(audit?.detail).toMatchObject({ format: 'json', phonesMasked: true });
  });

  it('refuses a manager another agency, and audits the refusal', async () => {
    const manager = await login(system, 'momah.manager');
    const res = await get(
      system,
      `/api/exports/scores.xlsx?from=${MARCH.from}&to=${MARCH.to}&agency=MOH`,
      manager,
    );
    expect(res.status).toBe(403);
    const denied = await system.ctx.models.AuditLog.countDocuments({
      action: 'access_denied',
      actorName: 'momah.manager',
    });
    expect(denied).toBeGreaterThan(0);
    // Without an agency filter the manager's export is their agency only.
    const own = await (
      await get(system, `/api/exports/scores.json?from=${MARCH.from}&to=${MARCH.to}`, manager)
    ).text();
    const agencies = new Set(
      own
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { agency: string }).agency),
    );
    expect([...agencies]).toEqual(['MOMAH']);
  });

  it('rejects operator-shaped parameters and bad languages with 400', async () => {
    expect(
      (await system.api(`/api/exports/scores.csv?${lighting}&agency[$gt]=`, { token: adminToken })).status,
    ).toBe(400);
    expect(
      (await system.api(`/api/exports/scores.csv?${lighting}&lang=fr`, { token: adminToken })).status,
    ).toBe(400);
  });
});

describe('XLSX and NDJSON exports', () => {
  it('writes an XLSX that exceljs reads back, right-to-left in Arabic, comments as text', async () => {
    const { res, bytes } = await download(`/api/exports/scores.xlsx?${lighting}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('scores');
    expect(ws).toBeDefined();
    if (!ws) return;
    expect(ws.rowCount).toBe(14);
    expect(ws.getRow(1).getCell(1).value).toBe('رقم الطلب');
    expect(ws.views[0]?.rightToLeft).toBe(true);
    const values = Array.from({ length: 13 }, (_, i) => ws.getRow(i + 2).values as unknown[]);
    const injected = values.find((v) => typeof v[16] === 'string' && v[16].startsWith('=HYPERLINK'));
    expect(injected).toBeDefined();
    const closedAt = values[0]?.[8];
    expect(closedAt).toBeInstanceOf(Date);
    expect(values.every((v) => typeof v[6] === 'string' && v[6].startsWith('+9665'))).toBe(true);
  });

  it('writes one JSON object per line, and nothing for an empty range', async () => {
    const { res, bytes } = await download(`/api/exports/scores.json?from=${MARCH.from}&to=${MARCH.to}`);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = bytes.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(59);
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([
      'ticket_ref',
      'closure_number',
      'agency',
      'department',
      'agent_id',
      'citizen_phone',
      'language',
      'closed_at',
      'day',
      'outcome',
      'sent',
      'delivered',
      'solved',
      'rating',
      'reason',
      'comment',
      'channel',
      'post_call_rating',
      'answered_at',
    ]);
    const phones = lines.map((l) => (JSON.parse(l) as { citizen_phone: string }).citizen_phone);
    expect(phones).toContain(phoneOf(1));
    const empty = await download('/api/exports/scores.json?from=2025-05-01&to=2025-05-02');
    expect(empty.res.status).toBe(200);
    expect(empty.bytes.length).toBe(0);
    const emptyXlsx = await download('/api/exports/scores.xlsx?from=2025-05-01&to=2025-05-02&lang=en');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(emptyXlsx.bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('scores')?.rowCount).toBe(1);
    expect(wb.getWorksheet('scores')?.getRow(1).getCell(1).value).toBe('Ticket');
  });
});
