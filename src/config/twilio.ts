import type { CitizenLanguage } from '../i18n/languages.js';
import { z } from 'zod';
import { area, optionalUrl } from './area.js';

/**
 * The sandbox stand-in's public account: it answers with these, so they are known to everyone and
 * refused as live credentials.
 */
const SANDBOX_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const SANDBOX_AUTH_TOKEN = 'sandbox-auth-token-0000000000000000';

/**
 * The Content SIDs of the WhatsApp templates the sandbox stand-in treats as approved
 * (twilio/stand-in/content-templates.ts holds their text and buttons). They are the configuration's
 * defaults, so `npm start` sends WhatsApp without any set-up; a live deployment sets its own approved ones.
 */
export const SANDBOX_TEMPLATES = {
  followUp: {
    ar: 'HX00000000000000000000000000000a01',
    en: 'HX00000000000000000000000000000e01',
    bn: 'HX0000000000000000000000000000b101',
    hi: 'HX0000000000000000000000000000b201',
    ur: 'HX0000000000000000000000000000b301',
    fil: 'HX0000000000000000000000000000b401',
    id: 'HX0000000000000000000000000000b501',
    ne: 'HX0000000000000000000000000000b601',
  },
  resume: {
    ar: 'HX00000000000000000000000000000a02',
    en: 'HX00000000000000000000000000000e02',
    bn: 'HX0000000000000000000000000000b102',
    hi: 'HX0000000000000000000000000000b202',
    ur: 'HX0000000000000000000000000000b302',
    fil: 'HX0000000000000000000000000000b402',
    id: 'HX0000000000000000000000000000b502',
    ne: 'HX0000000000000000000000000000b602',
  },
} as const satisfies Record<'followUp' | 'resume', Record<CitizenLanguage, string>>;

const variables = {
  TWILIO_MODE: z.enum(['sandbox', 'live']).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TWILIO_FROM: z.string().default('+966920000000'),
  TWILIO_WHATSAPP_FROM: z.string().default('whatsapp:+966920000000'),
  TWILIO_VOICE_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number')
    .optional(),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
    .optional(),
  TWILIO_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  SANDBOX_API_URL: optionalUrl,
  SANDBOX_STATUS_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  SANDBOX_MAX_MESSAGES: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
};

/** Live when asked for, or when both credentials are given; the sandbox stand-in otherwise. */
export function twilioModeOf(e: {
  TWILIO_MODE?: 'sandbox' | 'live' | undefined;
  TWILIO_ACCOUNT_SID?: string | undefined;
  TWILIO_AUTH_TOKEN?: string | undefined;
}): 'sandbox' | 'live' {
  const hasCredentials = e.TWILIO_ACCOUNT_SID !== undefined && e.TWILIO_AUTH_TOKEN !== undefined;
  return e.TWILIO_MODE ?? (hasCredentials ? 'live' : 'sandbox');
}

/** Twilio: live credentials and senders, or the sandbox stand-in mounted in the web process. */
export const twilio = area(variables, (e, at, report) => {
  const mode = at.twilioMode;
  if (mode === 'live') {
    if (e.TWILIO_ACCOUNT_SID === undefined) report('TWILIO_ACCOUNT_SID', 'required when TWILIO_MODE=live');
    if (e.TWILIO_AUTH_TOKEN === undefined) report('TWILIO_AUTH_TOKEN', 'required when TWILIO_MODE=live');
  }
  // The stand-in answers with well-known credentials and lists every message it "sent", numbers and
  // answer links included: it is for development and tests, never for production.
  if (at.env === 'production' && mode === 'sandbox') {
    report(
      'TWILIO_MODE',
      'production needs live Twilio credentials; the sandbox stand-in is for development and tests only',
    );
  }
  // Values written in this repository are nobody's secret: named, never echoed.
  if (at.exposed) {
    if (e.TWILIO_ACCOUNT_SID === SANDBOX_ACCOUNT_SID)
      report('TWILIO_ACCOUNT_SID', "is the sandbox stand-in's public account SID, not a Twilio account's");
    if (e.TWILIO_AUTH_TOKEN === SANDBOX_AUTH_TOKEN)
      report('TWILIO_AUTH_TOKEN', "is the sandbox stand-in's public auth token, not a Twilio account's");
  }
  return {
    twilio: {
      mode,
      accountSid:
        mode === 'live' ? (e.TWILIO_ACCOUNT_SID ?? '') : (e.TWILIO_ACCOUNT_SID ?? SANDBOX_ACCOUNT_SID),
      authToken: mode === 'live' ? (e.TWILIO_AUTH_TOKEN ?? '') : (e.TWILIO_AUTH_TOKEN ?? SANDBOX_AUTH_TOKEN),
      from: e.TWILIO_FROM,
      whatsappFrom: e.TWILIO_WHATSAPP_FROM,
      /** Caller ID of outbound verification calls (a number verified on the account). */
      voiceFrom: e.TWILIO_VOICE_FROM ?? e.TWILIO_FROM,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      /** Where the SDK's requests go in sandbox mode: the stand-in mounted in the web process. */
      sandboxApiUrl: (e.SANDBOX_API_URL ?? `http://127.0.0.1:${at.port}`).replace(/\/+$/, ''),
      sandboxStatusDelayMs: e.SANDBOX_STATUS_DELAY_MS,
      /** How many messages the stand-in keeps for its inbox and list API; the oldest go first. */
      sandboxMaxMessages: e.SANDBOX_MAX_MESSAGES,
      /** How long one Twilio API request may take before the SDK gives up (then the send is retried). */
      timeoutMs: e.TWILIO_TIMEOUT_MS,
    },
  };
});
