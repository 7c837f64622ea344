import type { CitizenLanguage } from '../../i18n/languages.js';
import type { AppContext } from '../../context.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import type { FollowUpRules } from '../agency-rules.js';
import type { ComposedMessage } from '../send/compose.js';
import { validityPeriodSeconds } from '../schedule/send-window.js';
import type { SendChannel } from './plan.js';
import { callLanguageOf, verificationCallUrls } from './call-urls.js';

/**
 * One attempt to ask, on one channel: an SMS with the link, a WhatsApp template with quick-reply
 * buttons and the link, or a verification call. Returns what Twilio gave back; errors are Twilio's
 * own (RestException) for the caller to sort (send/message-status.ts, channels/plan.ts).
 */

export interface Delivered {
  sid: string;
  status: string;
  /** What is stored as the message's text: the SMS itself, or which template with which values. */
  record: string;
}

type Followed = Pick<
  FollowUpDoc,
  '_id' | 'citizenPhone' | 'ticketRef' | 'language' | 'requestedLanguage' | 'agency' | 'closureNumber'
>;

export function addressOn(channel: SendChannel, phone: string): string {
  return channel === 'whatsapp' ? `whatsapp:${phone}` : phone;
}

const warnedTemplates = new Set<string>();

/**
 * The agency's template in the citizen's language; else the one in the agency's default language,
 * with one warning per missing template and process (it is a set-up gap, not a per-send event).
 */
export function templateFor(
  ctx: AppContext,
  templates: Partial<Record<CitizenLanguage, string>>,
  rules: Pick<FollowUpRules, 'defaultLanguage'>,
  lang: CitizenLanguage,
  what: string,
  agency: string,
): { sid: string; lang: CitizenLanguage } {
  const own = templates[lang];
  if (own) return { sid: own, lang };
  const fallback = templates[rules.defaultLanguage] ?? templates.ar ?? templates.en;
  const key = `${agency}|${what}|${lang}`;
  if (!warnedTemplates.has(key)) {
    warnedTemplates.add(key);
    ctx.log.warn(
      { agency, template: what, language: lang, fallback: rules.defaultLanguage },
      "no WhatsApp template in the citizen's language; using the agency's default language",
    );
  }
  if (!fallback)
    throw new Error(`agency ${agency} has no approved WhatsApp ${what} template in any language`);
  return {
    sid: fallback,
    lang: templates[rules.defaultLanguage] ? rules.defaultLanguage : templates.ar ? 'ar' : 'en',
  };
}

export async function deliver(
  ctx: AppContext,
  f: Followed,
  channel: SendChannel,
  message: ComposedMessage,
  rules: FollowUpRules,
): Promise<Delivered> {
  const { from, whatsappFrom, voiceFrom, messagingServiceSid } = ctx.config.twilio;
  const base = ctx.config.publicBaseUrl;
  if (channel === 'voice') {
    // The call speaks every citizen language (recordings where Twilio has no voice), not just ar/en.
    const urls = verificationCallUrls(base, f, callLanguageOf(f.language));
    const call = await ctx.twilio.calls.create({
      to: f.citizenPhone,
      from: voiceFrom,
      url: urls.entry,
      method: 'POST',
      statusCallback: urls.status,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['completed'],
      // Asynchronous detection: the citizen hears the question at once instead of after seconds of
      // silence, and a machine is told so by a callback (voice-call.ts) that ends the survey.
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: urls.amd,
      asyncAmdStatusCallbackMethod: 'POST',
      timeout: 30,
    });
    return { sid: call.sid, status: call.status, record: `call ${urls.entry}` };
  }
  const validityPeriod = validityPeriodSeconds(new Date(), rules.window);
  const statusCallback = `${base}/sms/status`;
  if (channel === 'whatsapp') {
    // A closure in a language we have no texts in gets the Arabic template: one language per template.
    const waLang = f.requestedLanguage ? 'ar' : (f.language ?? 'ar');
    const template = templateFor(ctx, rules.whatsappTemplates, rules, waLang, 'follow-up', f.agency);
    const contentVariables = JSON.stringify({ 1: message.agencyName, 2: f.ticketRef, 3: message.link });
    const sent = await ctx.twilio.messages.create({
      to: addressOn('whatsapp', f.citizenPhone),
      from: whatsappFrom,
      contentSid: template.sid,
      contentVariables,
      statusCallback,
      validityPeriod,
    });
    return { sid: sent.sid, status: sent.status, record: `template ${template.sid} ${contentVariables}` };
  }
  const sent = await ctx.twilio.messages.create({
    to: f.citizenPhone,
    ...(messagingServiceSid ? { messagingServiceSid } : { from }),
    body: message.body,
    statusCallback,
    validityPeriod,
  });
  return { sid: sent.sid, status: sent.status, record: message.body };
}
