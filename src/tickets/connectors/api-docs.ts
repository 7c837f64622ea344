import { z } from 'zod';
import { CONNECTOR_SYSTEMS } from '../../db/models/connector.js';
import { refusal, type ApiRouteDoc } from '../../http/openapi/route-doc.js';

const params = z.object({
  agency: z.string().describe('The agency’s code'),
  system: z.enum(CONNECTOR_SYSTEMS).describe('The ticket system posting'),
});

export const connectorsApiDocs: ApiRouteDoc[] = [
  {
    method: 'post',
    path: '/api/connectors/:agency/:system',
    tag: 'connectors',
    summary:
      'A ticket system’s own outbound webhook (Zendesk, ServiceNow, Dynamics 365, GLPI), turned into a ticket event',
    description:
      'Authenticated by the system’s own signature or shared secret, not a bearer token (docs/connectors.md has each scheme and the set-up at each system). The body is whatever the system sends; the agency’s mapping says which fields hold the ticket, status, agent, department and number.',
    security: 'none',
    params,
    paramsExample: { agency: 'mewa', system: 'zendesk' },
    body: {
      contentType: 'application/json',
      schema: z.record(z.string(), z.unknown()).describe('The system’s payload'),
    },
    responses: {
      200: { description: 'Already received (a replay): nothing changed', contentType: 'application/json' },
      201: { description: 'The closure or reopening was recorded', contentType: 'application/json' },
      202: {
        description: 'Received and ignored (a status the mapping does not map), with the reason',
        contentType: 'application/json',
      },
      400: refusal('The body is not JSON'),
      401: refusal('The signature or secret does not match; nothing stored'),
      404: refusal('No such connector for this agency'),
      422: refusal('A mapped field is missing or invalid; the message names its path'),
    },
  },
  {
    method: 'get',
    path: '/api/connectors/:agency/:system',
    tag: 'connectors',
    summary:
      'GLPI’s challenge when a webhook URL is saved (`?crc_token=`): answered with the HMAC of the token',
    security: 'none',
    params,
    query: z.object({ crc_token: z.string().optional().describe('GLPI’s challenge') }),
    responses: {
      200: { description: 'The challenge answer', contentType: 'text/plain' },
      404: refusal('Not a GLPI connector, or no challenge'),
    },
  },
];
