import { z } from 'zod';
import { area } from './area.js';

/** The post-call IVR. */
export const voice = area(
  {
    VOICE_AGENT_DIAL_TARGET: z.string().default('sip:agents@pbx.invalid'),
    VOICE_RETRY_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  },
  (e) => ({
    voice: {
      /** Number or SIP address the IVR dials when the agent directory has none for the agent. */
      agentDialTarget: e.VOICE_AGENT_DIAL_TARGET,
      /** Interval between attempts to store an IVR answer while MongoDB is unreachable. */
      retryMs: e.VOICE_RETRY_MS,
    },
  }),
);
