import type { Role } from '../db/models/access.js';
import type { Principal, Scope } from './api-tokens.js';

/**
 * Who may read what. admin: everything, phone numbers in clear. agency_admin: manages one agency
 * and reads its reports, masked. manager: one agency or one department, phone numbers masked. auditor: every agency, read-only, masked. ticket_system: the
 * ticket API only, no reports.
 */

export const REPORT_ROLES: readonly Role[] = ['admin', 'agency_admin', 'manager', 'auditor'];

/** Roles that see one agency (or one department inside it) only: an agency admin is one. */
export function isScopedRole(role: Role): boolean {
  return role === 'manager' || role === 'agency_admin';
}

export function canReadReports(role: Role): boolean {
  return REPORT_ROLES.includes(role);
}

export function seesPhoneNumbers(role: Role): boolean {
  return role === 'admin';
}

export interface ScopedFilter {
  agency?: string;
  department?: string;
}

export type ScopeDecision<F> = { allowed: true; filter: F } | { allowed: false; reason: string };

/**
 * Narrows a filter to the principal's scope. A manager who names another agency or department is
 * refused (the caller answers 403 and audits it) rather than silently given an empty report, so a
 * wrong link is noticed and a probe is recorded.
 */
export function applyScope<F extends ScopedFilter>(
  principal: Pick<Principal, 'role' | 'scope'>,
  filter: F,
): ScopeDecision<F> {
  if (!canReadReports(principal.role))
    return { allowed: false, reason: `role ${principal.role} may not read reports` };
  if (!isScopedRole(principal.role)) return { allowed: true, filter };
  const scope: Scope = principal.scope;
  if (!scope.agency && !scope.department)
    return { allowed: false, reason: 'manager account has no agency or department scope' };
  // A department lives inside one agency: a department name alone would match that name in every
  // agency. Accounts made before this rule are refused until an admin gives them their agency.
  if (scope.department && !scope.agency)
    return { allowed: false, reason: 'a department scope needs its agency; ask an admin to set it' };
  if (scope.agency && filter.agency !== undefined && filter.agency !== scope.agency) {
    return { allowed: false, reason: `agency ${filter.agency} is outside the manager's scope` };
  }
  if (scope.department && filter.department !== undefined && filter.department !== scope.department) {
    return { allowed: false, reason: `department ${filter.department} is outside the manager's scope` };
  }
  return {
    allowed: true,
    filter: {
      ...filter,
      ...(scope.agency ? { agency: scope.agency } : {}),
      ...(scope.department ? { department: scope.department } : {}),
    },
  };
}

export function describeScope(scope: Scope): string {
  return [scope.agency, scope.department].filter(Boolean).join(' / ') || '*';
}
