import { createRequire } from 'node:module';
import { adminApiDocs } from './admin/api-docs.js';
import { importsApiDocs } from './admin/imports/api-docs.js';
import { subscriptionsApiDocs } from './admin/mail/api.js';
import { connectorsApiDocs } from './tickets/connectors/api-docs.js';
import type { ApiRouteDoc } from './http/openapi/route-doc.js';
import { reportsApiDocs } from './reports/api-docs.js';
import { retentionApiDocs } from './retention/api-docs.js';
import { ticketsApiDocs } from './tickets/api-docs.js';
import { voiceHandoffApiDocs } from './voice/handoff-api.js';

/**
 * Every `/api` route's doc, gathered where the routers are mounted (app.ts). A route added without
 * a doc here fails test/http/openapi.test.ts, which lists the routes the app really answers.
 */
export const apiRouteDocs: readonly ApiRouteDoc[] = [
  ...ticketsApiDocs,
  ...reportsApiDocs,
  ...adminApiDocs,
  ...retentionApiDocs,
  ...voiceHandoffApiDocs,
  ...connectorsApiDocs,
  ...importsApiDocs,
  ...subscriptionsApiDocs,
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'reference',
    summary: 'This document (OpenAPI 3.1)',
    security: 'none',
    responses: { 200: { description: 'The OpenAPI document', contentType: 'application/json' } },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'reference',
    summary: 'This document as a page to read, in Arabic or English (`?lang=en`)',
    security: 'none',
    responses: { 200: { description: 'The reference page', contentType: 'text/html' } },
  },
];

export const API_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
