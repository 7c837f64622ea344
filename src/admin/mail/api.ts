import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { principalOf, type AuthDeps } from '../../auth/principal.js';
import { REPORT_ROLES } from '../../auth/roles.js';
import type { AppContext } from '../../context.js';
import { SUBSCRIPTION_KINDS } from '../../db/models/mail.js';
import { HttpError } from '../../http/errors.js';
import { COMMON_REFUSALS, refusal, type ApiRouteDoc } from '../../http/openapi/route-doc.js';
import { requireAdmin } from '../auth.js';
import { parseBody, type Who } from '../change-audit.js';
import { GATHER_CHOICES, ownSubscriptions, replaceSubscriptions } from './subscriptions.js';

/**
 * A person's own subscriptions over the API (the same rules as /account): GET lists them, PUT
 * replaces the whole list after checking every entry, so a refused entry changes nothing. A
 * subscription belongs to a person: a signed-in session (with its X-CSRF-Token on PUT); an API token
 * is not a person and is refused.
 */

const code = z.string().min(1).max(64);
export const subscriptionItemSchema = z
  .object({
    kind: z.enum(SUBSCRIPTION_KINDS),
    agency: code.optional().describe('The agency’s code; absent: every agency (admins and auditors only)'),
    department: code.optional().describe('A department of the agency'),
    agentId: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('One agent (its agency is taken from the directory)'),
    gatherMinutes: z
      .union(GATHER_CHOICES.map((g) => z.literal(g)))
      .optional()
      .describe('Dispute alerts: minutes disputes are gathered into one mail (default 15)'),
  })
  .strict();
export const subscriptionsPutSchema = z
  .object({ subscriptions: z.array(subscriptionItemSchema).max(60) })
  .strict();

export function subscriptionsApiRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const path = '/api/account/subscriptions';
  const who = (req: Request, res: Response): Who => ({ p: principalOf(res), req });
  router.use(
    path,
    express.json({ limit: '64kb' }),
    requireAdmin(ctx, auth, 'api', REPORT_ROLES),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  router.get(path, async (_req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'user')
      throw new HttpError(403, 'forbidden', 'An API token is not a person: it has no subscriptions');
    res.json({ subscriptions: await ownSubscriptions(ctx, p.id, 'en') });
  });
  router.put(path, async (req, res) => {
    const data = parseBody(subscriptionsPutSchema, req.body);
    res.json({ subscriptions: await replaceSubscriptions(ctx, who(req, res), data.subscriptions, 'en') });
  });
  return router;
}

const view = z.object({
  id: z.string(),
  kind: z.enum(SUBSCRIPTION_KINDS),
  agency: z.string().optional(),
  department: z.string().optional(),
  agentId: z.string().optional(),
  gatherMinutes: z.number().optional(),
  words: z.string().describe('The subscription in plain words, names not codes'),
});
const listBody = z.object({ subscriptions: z.array(view) });

export const subscriptionsApiDocs: ApiRouteDoc[] = [
  {
    method: 'get',
    path: '/api/account/subscriptions',
    summary: 'The alerts and reports you receive by mail',
    description: 'A signed-in person’s own subscriptions (an API token is not a person: it has none).',
    tag: 'account',
    security: 'apiTokenOrSession',
    roles: REPORT_ROLES,
    responses: {
      200: { description: '`{ subscriptions }`', contentType: 'application/json', schema: listBody },
      ...COMMON_REFUSALS,
    },
  },
  {
    method: 'put',
    path: '/api/account/subscriptions',
    summary: 'Replace the alerts and reports you receive by mail',
    description:
      'Every entry must lie inside what you may see (admins and auditors: anything; agency admins and managers: their agency, a department of it or an agent of it); one refused entry changes nothing. A session sends its X-CSRF-Token; an API token is refused (403).',
    tag: 'account',
    security: 'apiTokenOrSession',
    roles: REPORT_ROLES,
    body: {
      contentType: 'application/json',
      schema: subscriptionsPutSchema,
      example: {
        subscriptions: [
          { kind: 'dispute_alert', agency: 'MOMAH', department: 'lighting', gatherMinutes: 15 },
          { kind: 'monthly_report', agency: 'MOMAH' },
        ],
      },
    },
    responses: {
      200: {
        description: '`{ subscriptions }` as stored',
        contentType: 'application/json',
        schema: listBody,
      },
      ...COMMON_REFUSALS,
      422: refusal('The body does not validate, or an entry names nothing known; `details.fields` names it'),
    },
  },
];
