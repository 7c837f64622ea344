import { z } from 'zod';
import type { Basis, Report } from './area.js';
import { admin } from './admin.js';
import { alerts } from './alerts.js';
import { auth } from './auth.js';
import { answerLinkSecretOf, followUp } from './followup.js';
import { imports } from './imports.js';
import { integrity } from './integrity.js';
import { locale } from './locale.js';
import { mail } from './mail.js';
import { metrics } from './metrics.js';
import { mongo } from './mongo.js';
import { redis } from './redis.js';
import { reports } from './reports.js';
import { retention } from './retention.js';
import { server } from './server.js';
import { services } from './services.js';
import { twilio, twilioModeOf } from './twilio.js';
import { voice } from './voice.js';

/**
 * The one reader of `process.env`. Everything else receives a typed `Config`, so tests can build one
 * from a plain object and nothing changes behaviour behind the code's back. Each area (a file beside
 * this one) declares its variables and builds its part of `Config`; this file only composes them.
 */

const variables = z.object({
  ...server.variables,
  ...locale.variables,
  ...redis.variables,
  ...mongo.variables,
  ...services.variables,
  ...twilio.variables,
  ...followUp.variables,
  ...voice.variables,
  ...integrity.variables,
  ...reports.variables,
  ...auth.variables,
  ...admin.variables,
  ...metrics.variables,
  ...retention.variables,
  ...imports.variables,
  ...mail.variables,
  ...alerts.variables,
});

/** Every environment variable the configuration reads (.env.example documents each one). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables.shape);

const configSchema = variables.transform((e, ctx) => {
  const report: Report = (variable, message) => ctx.addIssue({ code: 'custom', path: [variable], message });
  const twilioMode = twilioModeOf(e);
  const basis: Basis = {
    env: e.NODE_ENV,
    twilioMode,
    exposed: e.NODE_ENV === 'production' || twilioMode === 'live',
    host: e.HOST,
    port: e.PORT,
    answerLinkSecret: answerLinkSecretOf(e.ANSWER_LINK_SECRET),
  };
  // In this order the problems read from the credentials to what they protect.
  const parts = {
    twilio: twilio.build(e, basis, report),
    server: server.build(e, basis, report),
    followUp: followUp.build(e, basis, report),
    admin: admin.build(e, basis, report),
    redis: redis.build(e, basis, report),
  };
  return {
    ...parts.server,
    ...locale.build(e, basis, report),
    ...parts.redis,
    ...mongo.build(e, basis, report),
    ...services.build(e, basis, report),
    ...parts.twilio,
    ...parts.followUp,
    ...voice.build(e, basis, report),
    ...integrity.build(e, basis, report),
    ...reports.build(e, basis, report),
    ...auth.build(e, basis, report),
    ...parts.admin,
    ...metrics.build(e, basis, report),
    ...retention.build(e, basis, report),
    ...imports.build(e, basis, report),
    ...mail.build(e, basis, report),
    ...alerts.build(e, basis, report),
  };
});

export type Config = z.output<typeof configSchema>;
export type RawEnv = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export { parseAgencySampleRates } from './contact-policy.js';

export function loadConfig(raw: RawEnv = process.env): Config {
  // Empty strings in .env files mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}
