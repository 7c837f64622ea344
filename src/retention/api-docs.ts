import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../http/openapi/route-doc.js';
import { erasureBodySchema } from './routes.js';

export const retentionApiDocs: ApiRouteDoc[] = [
  {
    method: 'post',
    path: '/api/admin/erasures',
    tag: 'administration',
    summary:
      'Erase a citizen’s personal data on request (number, comments, recordings); scores stay, unlinked',
    security: 'apiTokenOrSession',
    roles: ['admin'],
    body: { contentType: 'application/json', schema: erasureBodySchema, example: { phone: '0551234567' } },
    responses: {
      200: { description: 'What was erased, as counts', contentType: 'application/json' },
      ...COMMON_REFUSALS,
      422: refusal('The body does not validate'),
    },
  },
];
