import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { CITIZEN_LANGUAGES, citizenLanguageOf, type CitizenLanguage } from '../i18n/languages.js';

/**
 * Who the caller spoke to, when the call ran on another platform (Genesys Cloud, Amazon Connect,
 * Avaya, Cisco) that transfers the caller to our survey number at the end. Such a transfer cannot
 * put a query string on our webhook, so the agent and the ticket come by what a transfer can carry:
 *
 * 1. SIP headers on a SIP transfer (Twilio passes each `X-` header as a `SipHeader_X-…` parameter):
 *    `X-Verisat-Agent`, `X-Verisat-Ticket`, `X-Verisat-Lang`, or `X-Verisat-Handoff` with a code;
 * 2. a User-to-User header (RFC 7433, what Avaya and Cisco pass through by default) holding the code;
 * 3. a short code the platform asked our API for just before transferring, sent as DTMF digits by
 *    the platform once the transfer connects (the caller never types it).
 *
 * A code is single-use and lives ten minutes: it names an agent and a ticket, and a code replayed
 * or guessed later must not attribute another caller's rating to them.
 */

export const HANDOFF_CODE_DIGITS = 6;
const HANDOFF_TTL_SECONDS = 600;

const id = z
  .string()
  .trim()
  .max(64)
  .regex(/^[A-Za-z0-9._-]*$/, '1–64 letters, digits, . _ -');

export const handoffBodySchema = z
  .object({
    agentId: id.min(1).describe('The agent the caller spoke to'),
    ticketRef: id.optional().describe('The ticket the call was about, if the platform knows it'),
    language: z.enum(CITIZEN_LANGUAGES).default('ar').describe('The language the menu starts in'),
  })
  .strict();

export interface CallEntry {
  agent: string;
  ticket: string;
  lang: CitizenLanguage;
}

const storedEntry = z.object({ agent: id, ticket: id, lang: z.enum(CITIZEN_LANGUAGES) });

function key(ctx: AppContext, code: string): string {
  return `${ctx.config.queuePrefix}:voice-handoff:${code}`;
}

/** Makes a fresh code for one transfer; a code in use is never handed out twice. */
export async function createHandoff(
  ctx: AppContext,
  input: z.infer<typeof handoffBodySchema>,
): Promise<{ code: string; expiresAt: string }> {
  const entry: CallEntry = { agent: input.agentId, ticket: input.ticketRef ?? '', lang: input.language };
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = String(randomInt(0, 10 ** HANDOFF_CODE_DIGITS)).padStart(HANDOFF_CODE_DIGITS, '0');
    const set = await ctx.redis.set(key(ctx, code), JSON.stringify(entry), 'EX', HANDOFF_TTL_SECONDS, 'NX');
    if (set === 'OK')
      return { code, expiresAt: new Date(Date.now() + HANDOFF_TTL_SECONDS * 1000).toISOString() };
  }
  // A million codes and ten minutes each: eight collisions in a row means something else is wrong.
  throw new Error('could not find a free handoff code in 8 tries');
}

/** The transfer a code names, once: the code is deleted as it is read. */
export async function redeemHandoff(ctx: AppContext, code: string): Promise<CallEntry | undefined> {
  if (!new RegExp(`^\\d{${HANDOFF_CODE_DIGITS}}$`).test(code)) return undefined;
  const raw = await ctx.redis.getdel(key(ctx, code));
  if (raw === null) return undefined;
  const parsed = storedEntry.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : undefined;
}

const SIP = {
  agent: 'SipHeader_X-Verisat-Agent',
  ticket: 'SipHeader_X-Verisat-Ticket',
  lang: 'SipHeader_X-Verisat-Lang',
  code: 'SipHeader_X-Verisat-Handoff',
  uui: 'SipHeader_User-to-User',
} as const;

/**
 * The code inside a User-to-User header: `<hex>;encoding=hex` (RFC 7433) or plain text, holding the
 * digits alone or as `verisat=<digits>`.
 */
export function codeFromUui(value: string): string | undefined {
  const [data = '', ...params] = value.split(';');
  const hex = params.some((p) => p.trim().toLowerCase() === 'encoding=hex');
  const text = hex && /^([0-9a-fA-F]{2})+$/.test(data) ? Buffer.from(data, 'hex').toString('latin1') : data;
  const m = new RegExp(`(?:^|verisat=)(\\d{${HANDOFF_CODE_DIGITS}})$`).exec(text.trim());
  return m?.[1];
}

export type SipEntry =
  { kind: 'entry'; entry: CallEntry } | { kind: 'code'; code: string } | { kind: 'none' };

/** What a SIP transfer's headers say of the call; malformed values are ignored, never trusted. */
export function entryFromSipHeaders(body: Record<string, unknown>): SipEntry {
  const text = (name: string): string | undefined => {
    const v = body[name];
    return typeof v === 'string' ? v : undefined;
  };
  const agent = id.safeParse(text(SIP.agent) ?? '');
  if (agent.success && agent.data !== '') {
    const ticket = id.safeParse(text(SIP.ticket) ?? '');
    return {
      kind: 'entry',
      entry: {
        agent: agent.data,
        ticket: ticket.success ? ticket.data : '',
        lang: citizenLanguageOf(text(SIP.lang) ?? '') ?? 'ar',
      },
    };
  }
  const code = text(SIP.code)?.trim();
  if (code && /^\d+$/.test(code)) return { kind: 'code', code };
  const uui = text(SIP.uui);
  const fromUui = uui ? codeFromUui(uui) : undefined;
  return fromUui ? { kind: 'code', code: fromUui } : { kind: 'none' };
}
