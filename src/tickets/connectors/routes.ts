import express, { Router, type Request } from 'express';
import type { AppContext } from '../../context.js';
import { ticketService } from '../worker.js';
import { isSystem, liveSecrets, receive } from './receive.js';
import { glpiChallengeAnswer } from './signatures.js';
import type { Delivery } from './systems.js';

/**
 * POST /api/connectors/:agency/:system: a ticket system's own webhook, taken as it posts it (the
 * raw body, for its signature), answered as docs/connectors.md says. GET answers GLPI's
 * challenge–response check of the URL.
 */
export function connectorsRouter(ctx: AppContext): Router {
  const router = Router();
  const service = ticketService(ctx);
  const one = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const deliveryOf = (req: Request): Delivery => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
    return {
      headers,
      query: { code: one(req.query.code) },
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
  };

  router.post(
    '/api/connectors/:agency/:system',
    express.raw({ type: () => true, limit: '512kb' }),
    async (req, res) => {
      const result = await receive(
        ctx,
        service,
        String(req.params.agency),
        String(req.params.system),
        deliveryOf(req),
      );
      res.setHeader('Cache-Control', 'no-store');
      res.status(result.status).json(result.body);
    },
  );

  router.get('/api/connectors/:agency/:system', async (req, res) => {
    const system = String(req.params.system);
    const token = one(req.query.crc_token);
    const connector =
      system === 'glpi' && isSystem(system) && token
        ? await ctx.models.Connector.findOne({ agency: String(req.params.agency), system }).lean()
        : null;
    const secret = connector
      ? liveSecrets(ctx.config.admin.secretsKey, connector.secrets, new Date())[0]
      : undefined;
    if (!token || !secret) {
      res
        .status(404)
        .json({ error: 'not_found', message: 'Only a GLPI connector answers a crc_token challenge' });
      return;
    }
    res.type('text/plain').send(glpiChallengeAnswer(secret, token));
  });

  return router;
}
