import type { Models } from '../db/models/index.js';
import type { Role } from '../db/models/access.js';

/**
 * What a role may be scoped to, for users and tokens alike, whoever grants it: the administration
 * (src/admin/people.ts) and the command-line tools (scripts/create-user.ts, create-token.ts) both
 * ask here. An admin or auditor is never scoped: the administration reads their role alone, so an
 * "admin for MOH" would be an admin of every agency.
 */

export interface GrantProblem {
  field: 'agency' | 'department';
  message: string;
}

export function scopeProblem(role: Role, agency?: string, department?: string): GrantProblem | undefined {
  if (department !== undefined && agency === undefined)
    return {
      field: 'agency',
      message: 'a department scope needs its agency: a department lives inside one agency',
    };
  if (role === 'manager' && agency === undefined)
    return { field: 'agency', message: 'a manager needs an agency' };
  if (role === 'agency_admin' && (agency === undefined || department !== undefined))
    return {
      field: 'agency',
      message: 'an agency admin is scoped to exactly one agency, without a department',
    };
  if ((role === 'admin' || role === 'auditor') && (agency !== undefined || department !== undefined))
    return {
      field: 'agency',
      message: 'admins and auditors see every agency; leave agency and department empty',
    };
  return undefined;
}

/** The scope's rules, then that its agency and department exist. */
export async function grantProblem(
  models: Models,
  role: Role,
  agency: string | undefined,
  department: string | undefined,
): Promise<GrantProblem | undefined> {
  const problem = scopeProblem(role, agency, department);
  // A ticket system may be unscoped (one system for every agency) or scoped; a department still
  // needs its agency.
  if (problem && (role !== 'ticket_system' || department !== undefined)) return problem;
  if (agency !== undefined && !(await models.Agency.exists({ code: agency })))
    return { field: 'agency', message: `no agency ${agency}` };
  if (department !== undefined && !(await models.Department.exists({ agency, code: department })))
    return { field: 'department', message: `no department ${department} in agency ${agency}` };
  return undefined;
}
