import express, { Router } from 'express';
import { z } from 'zod';
import { requireApiToken } from '../auth/api-auth.js';
import type { AppContext } from '../context.js';
import { validationError } from '../http/errors.js';
import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../http/openapi/route-doc.js';
import { createHandoff, handoffBodySchema } from './handoff.js';

/**
 * `POST /api/voice/handoffs`: a contact-centre platform asks for a code just before it transfers
 * the caller to the survey number, then passes the code in the transfer (a SIP header, the
 * User-to-User header, or digits it sends once connected). docs/voice.md has each platform's steps.
 */
export function voiceHandoffApiRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireApiToken(
    { models: ctx.models, log: ctx.log, tokenCacheMs: ctx.config.auth.apiTokenCacheMs },
    ['admin', 'ticket_system'],
  );
  router.post('/api/voice/handoffs', auth, express.json({ limit: '4kb' }), async (req, res) => {
    const body = handoffBodySchema.safeParse(req.body ?? {});
    if (!body.success) throw validationError(body.error, 'body');
    const { code, expiresAt } = await createHandoff(ctx, body.data);
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ code, expiresAt, sipHeaders: { 'X-Verisat-Handoff': code } });
  });
  return router;
}

export const voiceHandoffApiDocs: ApiRouteDoc[] = [
  {
    method: 'post',
    path: '/api/voice/handoffs',
    tag: 'voice',
    summary:
      'A single-use code naming the agent (and ticket) of a call about to be transferred to the survey',
    description:
      'Valid 10 minutes, once. Pass it in the transfer as the SIP header `X-Verisat-Handoff`, inside `User-to-User` (`verisat=<code>`, hex-encoded per RFC 7433 or plain), or send it as DTMF digits right after the transfer connects; the caller never types it. A SIP transfer can instead carry `X-Verisat-Agent`, `X-Verisat-Ticket` and `X-Verisat-Lang` directly.',
    security: 'apiToken',
    roles: ['admin', 'ticket_system'],
    body: {
      contentType: 'application/json',
      schema: handoffBodySchema,
      example: { agentId: 'agent-017', ticketRef: 'REQ-2026-000123', language: 'ar' },
    },
    responses: {
      201: {
        description: 'The code and when it expires',
        schema: z.object({
          code: z.string(),
          expiresAt: z.string(),
          sipHeaders: z.record(z.string(), z.string()),
        }),
      },
      ...COMMON_REFUSALS,
      422: refusal('The body does not validate'),
    },
  },
];
