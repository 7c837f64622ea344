import { createHash } from 'node:crypto';
import { z } from 'zod';
import { area } from './area.js';

/** Development and tests only (live mode and production refuse to start without SECRETS_KEY). */
const DEVELOPMENT_SECRETS_KEY = createHash('sha256').update('verisat development secrets key').digest();

function secretsKeyOf(raw: string | undefined): Buffer {
  if (raw === undefined) return DEVELOPMENT_SECRETS_KEY;
  return /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
}

/** Administration: the key of stored secrets, invitations, webhook secret rotation. */
export const admin = area(
  {
    SECRETS_KEY: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, '32 bytes as 64 hex digits or base64')
      .optional(),
    INVITE_TTL_HOURS: z.coerce
      .number()
      .min(0.25)
      .max(24 * 30)
      .default(72),
    WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
  },
  (e, at, report) => {
    // Webhook secrets are encrypted with it: a key anyone can read in this repository protects nothing.
    if (at.exposed && e.SECRETS_KEY === undefined) {
      report(
        'SECRETS_KEY',
        "required in production and with live Twilio credentials (encrypts agencies' webhook secrets)",
      );
    }
    // Named, never echoed.
    if (
      at.exposed &&
      e.SECRETS_KEY !== undefined &&
      secretsKeyOf(e.SECRETS_KEY).equals(DEVELOPMENT_SECRETS_KEY)
    )
      report('SECRETS_KEY', 'is the public development key; generate one of your own (openssl rand -hex 32)');
    return {
      admin: {
        /**
         * AES-256-GCM key for secrets stored in MongoDB (agencies' webhook secrets) and for CSRF tokens.
         * Development and tests derive a fixed public key; live mode and production require SECRETS_KEY.
         */
        secretsKey: secretsKeyOf(e.SECRETS_KEY),
        /** How long an invitation or password-reset link works. */
        inviteTtlHours: e.INVITE_TTL_HOURS,
        /** Default time both the old and the new webhook secret sign after a rotation. */
        webhookSecretOverlapHours: e.WEBHOOK_SECRET_OVERLAP_HOURS,
        /**
         * Webhook URLs must be https and must not point at loopback, private or link-local addresses
         * (server-side request forgery): on in live mode and production.
         */
        strictWebhookUrls: at.exposed,
      },
    };
  },
);
