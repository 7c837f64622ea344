import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../http/openapi/route-doc.js';
import { disputesQuerySchema, summaryExportQuerySchema } from './api-routes.js';
import { EXPORT_FORMATS } from './exports/export-stream.js';
import { exportQuerySchema, summaryQuerySchema } from './filters.js';
import { integrityQuerySchema } from './integrity/routes.js';

/** The reports API (api-routes.ts, integrity/routes.ts), each with the query schema it parses. */

const READERS = ['admin', 'agency_admin', 'manager', 'auditor'] as const;
const refusals = {
  400: refusal('A query parameter does not validate, or the range is too long'),
  ...COMMON_REFUSALS,
} as const;
const EXPORT_TYPES = {
  csv: 'text/csv',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
const period = { from: '2026-11-01', to: '2026-11-30' };

export const reportsApiDocs: ApiRouteDoc[] = [
  {
    method: 'get',
    path: '/api/reports/summary',
    tag: 'reports',
    summary: 'Verified figures with n and 95% intervals, overall and by group, with the funnel comparison',
    description:
      'Every rate carries its n and Wilson interval; groups are compared on a funnel plot around the overall rate (docs/methodology.md), never by chained ranks. A scoped token or user sees only its agency/department.',
    security: 'apiTokenOrSession',
    roles: READERS,
    query: summaryQuerySchema,
    queryExample: { ...period, groupBy: 'agent' },
    responses: {
      200: {
        description: '`{ filter, overall, groups, comparison, definitions }`',
        contentType: 'application/json',
      },
      ...refusals,
    },
  },
  {
    method: 'get',
    path: '/api/reports/disputes',
    tag: 'reports',
    summary: 'Disputed closures and what each agency did next',
    security: 'apiTokenOrSession',
    roles: READERS,
    query: disputesQuerySchema,
    queryExample: { ...period, groupBy: 'department' },
    responses: {
      200: { description: '`{ filter, overall, groups }`', contentType: 'application/json' },
      ...refusals,
    },
  },
  {
    method: 'get',
    path: '/api/reports/integrity',
    tag: 'reports',
    summary:
      'Integrity flags: brush-off gaps, reopen rates, agents whose closures are disputed more than chance explains',
    security: 'apiTokenOrSession',
    roles: ['admin', 'auditor'],
    query: integrityQuerySchema,
    queryExample: period,
    responses: { 200: { description: 'The integrity report', contentType: 'application/json' }, ...refusals },
  },
  ...(['csv', 'json'] as const).map((format): ApiRouteDoc => ({
    method: 'get',
    path: `/api/exports/summary.${format}`,
    tag: 'exports',
    summary: `The summary as ${format.toUpperCase()}: every rate with its interval, n and band`,
    security: 'apiTokenOrSession',
    roles: READERS,
    query: summaryExportQuerySchema,
    queryExample: { ...period, groupBy: 'agency' },
    responses: {
      200: { description: 'The file', contentType: format === 'csv' ? 'text/csv' : 'application/json' },
      ...refusals,
    },
  })),
  ...EXPORT_FORMATS.map((format): ApiRouteDoc => ({
    method: 'get',
    path: `/api/exports/scores.${format}`,
    tag: 'exports',
    summary: `Every verified answer in the range as ${format.toUpperCase()} (streamed; audited)`,
    security: 'apiTokenOrSession',
    roles: READERS,
    query: exportQuerySchema,
    queryExample: period,
    responses: {
      200: {
        description: 'The file',
        contentType: EXPORT_TYPES[format],
      },
      ...refusals,
    },
  })),
];
