import { describe, expect, it } from 'vitest';
import { applyScope, seesPhoneNumbers } from '../../src/auth/roles.js';
import type { ReportFilter } from '../../src/reports/filters.js';

const range: ReportFilter = { from: '2025-03-01', to: '2025-03-31' };

describe('role scoping', () => {
  it('narrows a manager to their agency, or refuses another one', () => {
    const manager = { role: 'manager' as const, scope: { agency: 'A' } };
    expect(applyScope(manager, range)).toEqual({ allowed: true, filter: { ...range, agency: 'A' } });
    expect(applyScope(manager, { ...range, agency: 'A', department: 'd' })).toEqual({
      allowed: true,
      filter: { ...range, agency: 'A', department: 'd' },
    });
    expect(applyScope(manager, { ...range, agency: 'B' })).toMatchObject({ allowed: false });
  });

  it('narrows a department manager to the department', () => {
    const manager = { role: 'manager' as const, scope: { agency: 'A', department: 'd' } };
    expect(applyScope(manager, range)).toEqual({
      allowed: true,
      filter: { ...range, agency: 'A', department: 'd' },
    });
    expect(applyScope(manager, { ...range, department: 'e' })).toMatchObject({ allowed: false });
  });

  it('refuses a manager without scope and the ticket system', () => {
    expect(applyScope({ role: 'manager', scope: {} }, range)).toMatchObject({ allowed: false });
    expect(applyScope({ role: 'ticket_system', scope: {} }, range)).toMatchObject({ allowed: false });
  });

  it('lets admins and auditors see every agency; only admins see phone numbers', () => {
    expect(applyScope({ role: 'auditor', scope: {} }, { ...range, agency: 'B' })).toEqual({
      allowed: true,
      filter: { ...range, agency: 'B' },
    });
    expect(applyScope({ role: 'admin', scope: {} }, range)).toEqual({ allowed: true, filter: range });
    expect([seesPhoneNumbers('admin'), seesPhoneNumbers('manager'), seesPhoneNumbers('auditor')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
