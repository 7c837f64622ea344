import { z } from 'zod';
import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../../http/openapi/route-doc.js';
import { agencyCode, mappingBody } from './routes.js';

const ROLES = ['admin', 'agency_admin'] as const;
const agencyQuery = z.object({
  agency: agencyCode.optional().describe('The agency the file is for (an agency admin’s own by default)'),
});
const uploadQuery = agencyQuery.extend({
  dryRun: z.enum(['1', 'true', 'yes']).optional().describe('Check every row, write nothing'),
});
const idParam = z.object({ id: z.string().describe('The import’s id') });
const agencyParam = z.object({ agency: agencyCode.describe('The agency’s code') });
const counts = z.object({ accepted: z.number(), alreadyImported: z.number(), refused: z.number() }).loose();

const route = (doc: Omit<ApiRouteDoc, 'tag' | 'security' | 'roles'>): ApiRouteDoc => ({
  tag: 'imports',
  security: 'apiTokenOrSession',
  roles: ROLES,
  ...doc,
  responses: { ...doc.responses, ...COMMON_REFUSALS },
});

export const importsApiDocs: ApiRouteDoc[] = [
  route({
    method: 'post',
    path: '/api/imports/closures',
    summary: 'Closures from a CSV or XLSX file (the export a ticket system produces): idempotent, streamed',
    description:
      'Columns by English or Arabic names or the agency’s saved names (docs/imports.md). Send `Content-Type: text/csv` or the XLSX type. A row imported before (its event id, or its ticket and closing time) counts as already imported; refused rows name their line, column and reason.',
    query: uploadQuery,
    body: {
      contentType: 'text/csv',
      schema: z
        .string()
        .describe(
          'CSV with a header row; or an XLSX workbook (first sheet) as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        ),
    },
    responses: {
      200: {
        description: 'Imported (or checked, with `dryRun`): counts and each refused row',
        schema: counts,
      },
      400: refusal('No recognised columns, or a bad query parameter'),
      413: refusal('Over the size limit'),
      415: refusal('Not CSV or XLSX, or an XLSX with formulas, macros or a zip bomb'),
    },
  }),
  route({
    method: 'get',
    path: '/api/imports',
    summary: 'Recent imports and their progress',
    responses: { 200: { description: '`{ imports }`', contentType: 'application/json' } },
  }),
  route({
    method: 'get',
    path: '/api/imports/mappings/:agency',
    summary: 'The agency’s own column names',
    params: agencyParam,
    responses: { 200: { description: '`{ columns }`', contentType: 'application/json' } },
  }),
  route({
    method: 'put',
    path: '/api/imports/mappings/:agency',
    summary: 'Save the agency’s own column names (its header → our field)',
    params: agencyParam,
    paramsExample: { agency: 'mewa' },
    body: {
      contentType: 'application/json',
      schema: mappingBody,
      example: { columns: { 'Case No': 'ticket_ref', 'Resolved On': 'closed_at' } },
    },
    responses: {
      200: { description: 'Saved', contentType: 'application/json' },
      422: refusal('The body does not validate'),
    },
  }),
  route({
    method: 'get',
    path: '/api/imports/:id',
    summary: 'One import: status, counts, refused rows',
    params: idParam,
    responses: {
      200: { description: 'The import', contentType: 'application/json' },
      404: refusal('No such import'),
    },
  }),
  route({
    method: 'get',
    path: '/api/imports/:id/result.csv',
    summary: 'Every row of an import with its line, status and reason (no phone numbers)',
    params: idParam,
    responses: {
      200: { description: 'The result', contentType: 'text/csv' },
      404: refusal('No such import'),
    },
  }),
];
