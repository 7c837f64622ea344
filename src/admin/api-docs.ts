import { z } from 'zod';
import { COMMON_REFUSALS, refusal, type ApiRouteDoc, type ResponseDoc } from '../http/openapi/route-doc.js';
import { directoryCsvQuerySchema } from './api-routes.js';
import { auditQuerySchema } from './audit-log.js';
import { addUnknownSchema } from './unknown-codes.js';
import { newTokenSchema, newUserAdminSchema, userPatchSchema } from './people.js';
import {
  agencyPatchSchema,
  agentPatchSchema,
  codeSchema,
  departmentPatchSchema,
  newAgencySchema,
  newAgentSchema,
  newDepartmentSchema,
} from './schemas.js';
import { rotateSchema } from './webhook/secrets.js';

/** The administration API (api-routes.ts), each route with the schema its function validates with. */

const ADMINS = ['admin', 'agency_admin'] as const;
const READERS = ['admin', 'agency_admin', 'auditor'] as const;

const agencyParam = z.object({ code: codeSchema.describe('The agency’s code') });
const departmentParams = agencyParam.extend({ dept: codeSchema.describe('The department’s code') });
const agentParams = agencyParam.extend({ agent: codeSchema.describe('The agent’s id') });
const deliveryParams = agencyParam.extend({ id: z.string().describe('The delivery’s id') });
const userParam = z.object({ username: z.string().describe('The user’s name') });
const tokenParam = z.object({ id: z.string().describe('The token’s id') });

const ok = (description: string): ResponseDoc => ({ description, contentType: 'application/json' });

function route(
  doc: Omit<ApiRouteDoc, 'tag' | 'security' | 'responses'> & { responses: ApiRouteDoc['responses'] },
): ApiRouteDoc {
  return {
    tag: 'administration',
    security: 'apiTokenOrSession',
    roles: doc.method === 'get' ? READERS : ADMINS,
    ...doc,
    responses: doc.body
      ? {
          ...doc.responses,
          ...COMMON_REFUSALS,
          422: refusal('The body does not validate; `details.fields` names each field'),
        }
      : { ...doc.responses, ...COMMON_REFUSALS },
  };
}

export const adminApiDocs: ApiRouteDoc[] = [
  route({
    method: 'get',
    path: '/api/admin/agencies',
    summary: 'List the agencies you may see',
    responses: { 200: ok('`{ agencies }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies',
    summary: 'Add an agency',
    roles: ['admin'],
    body: {
      contentType: 'application/json',
      schema: newAgencySchema,
      example: {
        code: 'mewa',
        name: { ar: 'وزارة البيئة والمياه والزراعة', en: 'Ministry of Environment, Water and Agriculture' },
      },
    },
    responses: { 201: ok('The agency as stored'), 409: refusal('The code is taken') },
  }),
  route({
    method: 'get',
    path: '/api/admin/agencies/:code',
    summary: 'Read an agency',
    params: agencyParam,
    responses: { 200: ok('`{ agency }`'), 404: refusal('No such agency you may see') },
  }),
  route({
    method: 'patch',
    path: '/api/admin/agencies/:code',
    summary: 'Change an agency (send `revision` to refuse a stale edit)',
    params: agencyParam,
    body: { contentType: 'application/json', schema: agencyPatchSchema, example: { disputeActDays: 10 } },
    responses: {
      200: ok('The agency as stored'),
      404: refusal('No such agency'),
      409: refusal('Changed since `revision`'),
    },
  }),
  route({
    method: 'get',
    path: '/api/admin/agencies/:code/departments',
    summary: 'List an agency’s departments',
    params: agencyParam,
    responses: { 200: ok('`{ departments }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/departments',
    summary: 'Add a department',
    params: agencyParam,
    body: {
      contentType: 'application/json',
      schema: newDepartmentSchema,
      example: { code: 'mewa-water', name: { ar: 'إدارة المياه', en: 'Water' } },
    },
    responses: { 201: ok('`{ department }`'), 409: refusal('The code is taken') },
  }),
  route({
    method: 'patch',
    path: '/api/admin/agencies/:code/departments/:dept',
    summary: 'Rename a department',
    params: departmentParams,
    body: {
      contentType: 'application/json',
      schema: departmentPatchSchema,
      example: { name: { ar: 'إدارة المياه', en: 'Water services' } },
    },
    responses: { 200: ok('`{ department }`'), 404: refusal('No such department') },
  }),
  route({
    method: 'get',
    path: '/api/admin/agencies/:code/agents',
    summary: 'List an agency’s agents',
    params: agencyParam,
    responses: { 200: ok('`{ agents }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/agents',
    summary: 'Add an agent',
    params: agencyParam,
    body: {
      contentType: 'application/json',
      schema: newAgentSchema,
      example: { agentId: 'a-101', department: 'mewa-water', displayName: 'سارة العتيبي' },
    },
    responses: { 201: ok('`{ agent }`'), 409: refusal('The id is taken') },
  }),
  route({
    method: 'patch',
    path: '/api/admin/agencies/:code/agents/:agent',
    summary: 'Change an agent',
    params: agentParams,
    body: {
      contentType: 'application/json',
      schema: agentPatchSchema,
      example: { displayName: 'Sara Alotaibi' },
    },
    responses: { 200: ok('`{ agent }`'), 404: refusal('No such agent') },
  }),
  route({
    method: 'get',
    path: '/api/admin/agencies/:code/directory.csv',
    summary: 'Export the departments or agents as CSV',
    params: agencyParam,
    query: directoryCsvQuerySchema,
    responses: {
      200: { description: 'The CSV', contentType: 'text/csv' },
      400: refusal('Unknown query parameter or kind'),
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/directory.csv',
    summary: 'Import departments or agents from CSV (all rows or none)',
    params: agencyParam,
    query: directoryCsvQuerySchema,
    body: {
      contentType: 'text/csv',
      schema: z.string().describe('The CSV the export writes, with its header row'),
    },
    responses: {
      200: ok('Dry run: the report of what would change'),
      201: ok('Imported: `{ report }`'),
      400: refusal('Unknown query parameter or kind'),
      415: refusal('Not text/csv'),
    },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/webhook/secret',
    summary: 'Make a new dispute-webhook signing secret (shown once)',
    params: agencyParam,
    body: { contentType: 'application/json', schema: rotateSchema, example: { overlapHours: 24 } },
    responses: { 201: ok('The secret, once, and the agency') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/webhook/secret/retire-previous',
    summary: 'Stop signing with the previous secrets',
    params: agencyParam,
    responses: { 200: ok('`{ agency }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/webhook/test',
    summary: 'Send a signed test event to the agency’s webhook',
    params: agencyParam,
    responses: { 200: ok('`{ delivery }`: what the receiver answered') },
  }),
  route({
    method: 'get',
    path: '/api/admin/agencies/:code/webhook/deliveries',
    summary: 'The webhook’s recent deliveries',
    params: agencyParam,
    responses: { 200: ok('`{ deliveries }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/agencies/:code/webhook/deliveries/:id/resend',
    summary: 'Send a delivery again',
    params: deliveryParams,
    responses: { 202: ok('Queued'), 404: refusal('No such delivery') },
  }),
  route({
    method: 'get',
    path: '/api/admin/users',
    summary: 'List users',
    responses: { 200: ok('`{ users }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/users',
    summary: 'Invite a user (answers a one-time link to set a password)',
    body: {
      contentType: 'application/json',
      schema: newUserAdminSchema,
      example: { username: 'noura.manager', role: 'manager', agency: 'mewa' },
    },
    responses: { 201: ok('`{ user, link, expiresAt }`'), 409: refusal('The name is taken') },
  }),
  route({
    method: 'patch',
    path: '/api/admin/users/:username',
    summary: 'Change a user’s role, scope or disable them',
    params: userParam,
    body: { contentType: 'application/json', schema: userPatchSchema, example: { disabled: true } },
    responses: { 200: ok('`{ user }`'), 404: refusal('No such user') },
  }),
  route({
    method: 'post',
    path: '/api/admin/users/:username/reset-password',
    summary: 'Force a password reset (answers a new link)',
    params: userParam,
    responses: { 200: ok('`{ user, link, expiresAt }`'), 404: refusal('No such user') },
  }),
  route({
    method: 'get',
    path: '/api/admin/tokens',
    summary: 'List API tokens (never their secrets)',
    responses: { 200: ok('`{ tokens }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/tokens',
    summary: 'Make an API token (the token is shown once)',
    body: {
      contentType: 'application/json',
      schema: newTokenSchema,
      example: { name: 'mewa ticket system', role: 'ticket_system', agency: 'mewa' },
    },
    responses: { 201: ok('`{ token, … }`') },
  }),
  route({
    method: 'delete',
    path: '/api/admin/tokens/:id',
    summary: 'Revoke an API token',
    params: tokenParam,
    responses: { 200: ok('`{ token }`'), 404: refusal('No such token') },
  }),
  route({
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Read the audit log of administrative changes',
    query: auditQuerySchema,
    responses: { 200: ok('`{ entries }`'), 400: refusal('A query parameter does not validate') },
  }),
  route({
    method: 'get',
    path: '/api/admin/unknown-codes',
    summary: 'Codes seen in events that the directory does not name',
    responses: { 200: ok('`{ unknown }`') },
  }),
  route({
    method: 'post',
    path: '/api/admin/unknown-codes/add',
    summary: 'Add an unknown code to the directory, named after itself',
    body: {
      contentType: 'application/json',
      schema: addUnknownSchema,
      example: { kind: 'agency', agency: 'mewa' },
    },
    responses: { 201: ok('The entry made') },
  }),
];
