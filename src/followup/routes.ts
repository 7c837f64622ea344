import { Router } from 'express';
import type { AppContext } from '../context.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { answerPageRouter } from './answer-page.js';
import { inboundHandler } from './inbound.js';
import { statusCallbackHandler } from './status-callback.js';

export function followUpRouter(ctx: AppContext): Router {
  const router = Router();
  const signed = verifyTwilioSignature({
    authToken: ctx.config.twilio.authToken,
    publicBaseUrl: ctx.config.publicBaseUrl,
    log: ctx.log,
  });
  router.post('/sms/status', ...signed, statusCallbackHandler(ctx));
  router.post('/sms/inbound', ...signed, inboundHandler(ctx));
  router.use(answerPageRouter(ctx));
  return router;
}
