import { Router } from 'express';
import type { AppContext } from '../context.js';
import { verifyTwilioSignature } from '../twilio/signature.js';
import { answerPageRouter } from './conversation/answer-page.js';
import { inboundHandler } from './conversation/inbound.js';
import { statusCallbackHandler } from './send/status-callback.js';

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
