import { z } from 'zod';
import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../http/openapi/route-doc.js';
import { refSchema, ticketEventBodySchema } from './routes.js';

const refParams = z.object({ ref: refSchema.describe('The ticket reference in the agency’s own system') });

const closureView = z.object({
  number: z.number().int(),
  closedAt: z.string(),
  agentId: z.string(),
  state: z.enum(['closed', 'reopened', 'superseded']),
  reopenedAt: z.string().nullable(),
});
const ticketView = z.object({
  ref: z.string(),
  agency: z.string(),
  department: z.string(),
  agentId: z.string(),
  language: z.string(),
  status: z.string(),
  statusAt: z.string(),
  closures: z.array(closureView.loose()),
  eventCount: z.number().int(),
});

export const ticketsApiDocs: ApiRouteDoc[] = [
  {
    method: 'post',
    path: '/api/tickets/:ref/events',
    tag: 'tickets',
    summary: 'Report a ticket event (closed or reopened)',
    description:
      'Idempotent by `eventId`: the same event again answers as before (`Idempotent-Replayed: true`); the same id with other content is 409. A closure schedules the citizen’s follow-up. Send `Prefer: return=representation` to have the event applied before the answer and the ticket returned.',
    security: 'apiToken',
    roles: ['admin', 'ticket_system'],
    params: refParams,
    paramsExample: { ref: 'REQ-2026-000123' },
    body: {
      contentType: 'application/json',
      schema: ticketEventBodySchema,
      example: {
        eventId: 'evt-000123-closed-1',
        type: 'closed',
        at: '2026-12-01T09:30:00+03:00',
        agency: 'momah',
        department: 'momah-riyadh',
        agentId: 'agent-017',
        citizenPhone: '0551234567',
        language: 'ar',
      },
    },
    responses: {
      200: {
        description:
          'The same event again, with `Prefer: return=representation` (`Idempotent-Replayed: true`)',
        schema: z.object({ ticket: ticketView }).loose(),
      },
      201: {
        description: 'Applied (with `Prefer: return=representation`)',
        schema: z.object({ ticket: ticketView }).loose(),
      },
      202: {
        description: 'Stored and queued; applied within seconds',
        schema: z.object({
          event: z.object({ eventId: z.string(), type: z.string(), at: z.string() }),
          status: z.literal('accepted'),
        }),
      },
      400: refusal('The ticket reference is malformed'),
      ...COMMON_REFUSALS,
      409: refusal('The event id was used for another event, or the ticket belongs to another agency'),
      422: refusal('The body does not validate; `details.fields` names each field'),
    },
  },
  {
    method: 'get',
    path: '/api/tickets/:ref',
    tag: 'tickets',
    summary: 'Read a ticket, its closures and what the citizen verified',
    security: 'apiToken',
    roles: ['admin', 'ticket_system', 'auditor'],
    params: refParams,
    paramsExample: { ref: 'REQ-2026-000123' },
    responses: {
      200: { description: 'The ticket', schema: z.object({ ticket: ticketView.loose() }) },
      400: refusal('The ticket reference is malformed'),
      ...COMMON_REFUSALS,
      404: refusal('No such ticket, or not one this token may see'),
    },
  },
];
