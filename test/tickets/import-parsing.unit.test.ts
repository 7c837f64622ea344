import { describe, expect, it } from 'vitest';
import { parseClosingTime } from '../../src/tickets/imports/dates.js';
import { eventTypeOf, foldHeader, resolveHeaders } from '../../src/tickets/imports/headers.js';
import { importPhone } from '../../src/tickets/imports/phones.js';

const RIYADH = 'Asia/Riyadh';
const at = (v: string | number | Date) => {
  const r = parseClosingTime(v, RIYADH);
  return r.ok ? r.at.toISOString() : `refused: ${r.reason}`;
};

describe('closing times', () => {
  it('reads ISO with a zone as written, and without one as Riyadh time', () => {
    expect(at('2026-11-30T09:15:00Z')).toBe('2026-11-30T09:15:00.000Z');
    expect(at('2026-11-30T09:15:00+05:30')).toBe('2026-11-30T03:45:00.000Z');
    expect(at('2026-11-30T09:15:00.250+03:00')).toBe('2026-11-30T06:15:00.250Z');
    expect(at('2026-11-30T09:15')).toBe('2026-11-30T06:15:00.000Z');
    expect(at('2026-11-30 09:15')).toBe('2026-11-30T06:15:00.000Z');
    expect(at('2026-11-30 09:15:42')).toBe('2026-11-30T06:15:42.000Z');
  });

  it('reads dd/mm/yyyy hh:mm as day first, in Riyadh, with AM/PM and Arabic-Indic digits', () => {
    expect(at('01/12/2026 08:05')).toBe('2026-12-01T05:05:00.000Z');
    expect(at('1/2/2026 23:59')).toBe('2026-02-01T20:59:00.000Z');
    expect(at('01/12/2026 08:05 PM')).toBe('2026-12-01T17:05:00.000Z');
    expect(at('01/12/2026 12:05 ص')).toBe('2026-11-30T21:05:00.000Z');
    expect(at('٠١/١٢/٢٠٢٦ ٠٨:٠٥')).toBe('2026-12-01T05:05:00.000Z');
    expect(at('01/12/2026 08:05 +00:00')).toBe('2026-12-01T08:05:00.000Z');
  });

  it('reads Excel serial days (numbers and their text) and XLSX date cells as Riyadh time', () => {
    // 46000 is 2025-12-09 in Excel; .5 is noon.
    expect(at(46000.5)).toBe('2025-12-09T09:00:00.000Z');
    expect(at('46000.5')).toBe('2025-12-09T09:00:00.000Z');
    expect(at(new Date(Date.UTC(2026, 0, 5, 10, 30)))).toBe('2026-01-05T07:30:00.000Z');
  });

  it('refuses what is not a date and time, naming why', () => {
    expect(at('31/02/2026 10:00')).toMatch(/^refused: is not a real date/);
    expect(at('01/12/2026')).toMatch(/^refused: has a date but no time/);
    expect(at('tomorrow')).toMatch(/^refused: is not a date and time/);
    expect(at('12')).toMatch(/^refused: is a number \(12\) that is not an Excel date/);
    expect(at('')).toBe('refused: is empty');
    expect(at('01/12/2026 25:00')).toMatch(/^refused/);
  });
});

describe('phone numbers', () => {
  const phone = (v: string | number) => {
    const r = importPhone(v, 'SA');
    return r.ok ? r.e164 : 'refused';
  };
  it('reads every way a Saudi mobile is written in an export', () => {
    for (const v of [
      '0501234567',
      '501234567',
      501234567,
      '966501234567',
      '+966501234567',
      '00966501234567',
      '050 123 4567',
      '050-123-4567',
      '+966 50 123 4567',
      '٠٥٠١٢٣٤٥٦٧',
      '٠٥٠ ١٢٣ ٤٥٦٧',
      '(050) 123-4567',
    ])
      expect(phone(v), String(v)).toBe('+966501234567');
  });
  it('refuses what is not a number', () => {
    expect(phone('')).toBe('refused');
    expect(phone('12')).toBe('refused');
    expect(phone('abc')).toBe('refused');
  });
});

describe('headers', () => {
  it('recognises English names whatever their case, spaces and underscores', () => {
    const r = resolveHeaders(
      ['Ticket Ref', 'CLOSED_AT', 'agency', 'Department', 'agentId', 'citizen-phone', 'Language', 'event id'],
      {},
      { agencyGiven: false },
    );
    expect(r.problems).toEqual([]);
    expect(r.columns).toEqual({
      ticket_ref: 0,
      closed_at: 1,
      agency: 2,
      department: 3,
      agent_id: 4,
      citizen_phone: 5,
      language: 6,
      event_id: 7,
    });
  });

  it('recognises Arabic names with their letter variants, diacritics and tatweel', () => {
    const r = resolveHeaders(
      ['رقم البلاغ', 'تاريخ الاغلاق', 'الجهـة', 'الادارة', 'الرقم الوظيفي', 'جوال  المستفيد', 'اللُّغة'],
      {},
      { agencyGiven: false },
    );
    expect(r.problems).toEqual([]);
    expect(Object.keys(r.columns).sort()).toEqual(
      ['agency', 'agent_id', 'citizen_phone', 'closed_at', 'department', 'language', 'ticket_ref'].sort(),
    );
    expect(foldHeader('تاريخ الإغلاق')).toBe(foldHeader('تاريخ الاغلاق'));
  });

  it("uses the agency's own names first, and names what is missing or doubled", () => {
    const mapping = { 'Case No': 'ticket_ref', 'Resolved On': 'closed_at', Mobile: 'citizen_phone' } as const;
    const ok = resolveHeaders(['case no', 'resolved on', 'Dept', 'Agent', 'MOBILE'], mapping, {
      agencyGiven: true,
    });
    expect(ok.problems).toEqual([]);
    const missing = resolveHeaders(['ticket_ref', 'closed_at'], {}, { agencyGiven: false });
    expect(missing.problems.join(' ')).toMatch(/no column for department/);
    expect(missing.problems.join(' ')).toMatch(/no column for agency/);
    const twice = resolveHeaders(
      ['ticket_ref', 'رقم البلاغ', 'closed_at', 'department', 'agent_id', 'citizen_phone'],
      {},
      { agencyGiven: true },
    );
    expect(twice.problems).toEqual(['columns "ticket_ref" and "رقم البلاغ" both hold ticket_ref']);
  });

  it('reads the event type, closed when empty', () => {
    expect(eventTypeOf('')).toBe('closed');
    expect(eventTypeOf('Closed')).toBe('closed');
    expect(eventTypeOf('مغلق')).toBe('closed');
    expect(eventTypeOf('reopened')).toBe('reopened');
    expect(eventTypeOf('إعادة فتح')).toBe('reopened');
    expect(eventTypeOf('pending')).toBeUndefined();
  });
});
