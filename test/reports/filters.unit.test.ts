import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.js';
import {
  exportQuerySchema,
  parseQuery,
  resolveFilter,
  scoreMatch,
  summaryQuerySchema,
} from '../../src/reports/filters.js';

const rules = { timeZone: 'Asia/Riyadh', maxRangeDays: 366, now: new Date('2025-03-31T21:30:00Z') };

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) {
      expect(err.status).toBe(400);
      return (err.details as { fields: { field: string }[] }).fields.map((f) => f.field);
    }
    throw err;
  }
  throw new Error('expected a 400');
}

describe('query validation', () => {
  it('accepts the documented parameters', () => {
    expect(
      parseQuery(summaryQuerySchema, {
        from: '2025-03-01',
        to: '2025-03-31',
        agency: 'MOMAH',
        groupBy: 'week',
        channel: 'sms',
      }),
    ).toEqual({
      from: '2025-03-01',
      to: '2025-03-31',
      agency: 'MOMAH',
      groupBy: 'week',
      channel: 'sms',
    });
    expect(parseQuery(exportQuerySchema, { agency: 'أمانة الرياض', lang: 'en' })).toEqual({
      agency: 'أمانة الرياض',
      lang: 'en',
    });
  });

  it('names each bad parameter', () => {
    expect(fieldsOf(() => parseQuery(summaryQuerySchema, { groupBy: 'year' }))).toEqual(['groupBy']);
    expect(fieldsOf(() => parseQuery(summaryQuerySchema, { 'agency[$ne]': 'x' }))).toEqual(['agency[$ne]']);
    expect(fieldsOf(() => parseQuery(summaryQuerySchema, { agency: ['a', 'b'] }))).toEqual(['agency']);
    expect(fieldsOf(() => parseQuery(summaryQuerySchema, { agency: '$where' }))).toEqual(['agency']);
    expect(fieldsOf(() => parseQuery(summaryQuerySchema, { from: '2025-13-01', to: '03/01/2025' }))).toEqual([
      'from',
      'to',
    ]);
    expect(fieldsOf(() => parseQuery(exportQuerySchema, { lang: 'fr', groupBy: 'day' }))).toEqual([
      'lang',
      'groupBy',
    ]);
  });

  it('defaults to the last 30 local days, ending today in Riyadh', () => {
    // 21:30 UTC on 31 March is already 1 April in Riyadh.
    expect(resolveFilter({}, rules)).toEqual({ from: '2025-03-03', to: '2025-04-01' });
    expect(resolveFilter({ from: '2025-02-01' }, rules)).toEqual({ from: '2025-02-01', to: '2025-03-02' });
    expect(resolveFilter({ to: '2025-01-31' }, { ...rules, defaultDays: 7 })).toEqual({
      from: '2025-01-25',
      to: '2025-01-31',
    });
  });

  it('refuses from after to, and ranges over the maximum', () => {
    expect(fieldsOf(() => resolveFilter({ from: '2025-03-02', to: '2025-03-01' }, rules))).toEqual(['from']);
    expect(resolveFilter({ from: '2024-03-31', to: '2025-03-31' }, rules).from).toBe('2024-03-31');
    expect(fieldsOf(() => resolveFilter({ from: '2024-03-30', to: '2025-03-31' }, rules))).toEqual(['to']);
  });

  it('builds a MongoDB filter of plain strings only', () => {
    const match = scoreMatch({
      from: '2025-03-01',
      to: '2025-03-31',
      agency: 'A',
      department: 'D',
      agent: 'x',
      channel: 'web',
    });
    expect(match).toEqual({
      day: { $gte: '2025-03-01', $lte: '2025-03-31' },
      agency: 'A',
      department: 'D',
      agentId: 'x',
      channel: 'web',
    });
  });
});
