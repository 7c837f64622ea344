import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../i18n/languages.js';
import type { AppContext } from '../context.js';
import { perDatabaseCache } from '../db/per-database-cache.js';
import { parseSendWindow, type SendWindow } from './schedule/send-window.js';
import { sendWindowFromConfig } from './schedule/window-config.js';
import { channelOrder, type SendChannel } from './channels/plan.js';

/**
 * The follow-up delay, maximum age and send window of an agency: its overrides from the directory, else the
 * configured ones. Read per closure by the scheduler, so kept a minute per process (an edit on the
 * agency's page applies to closures scheduled after that minute; scheduled ones keep their time).
 */

/** How much older than the follow-up delay a closure may be when asked, unless configured. */
export const MAX_AGE_MARGIN_HOURS = 72;

/** Days an agency has to reopen a disputed closure unless it sets its own (disputeActDays). */
export const DEFAULT_DISPUTE_ACT_DAYS = 7;

export interface FollowUpRules {
  delayHours: number;
  /**
   * The oldest a closure may be when it would be asked (hours after closing): the agency's own, else
   * FOLLOWUP_MAX_AGE_HOURS, else its delay plus MAX_AGE_MARGIN_HOURS, so an agency that waits
   * longer before asking does not find all its closures too old.
   */
  maxAgeHours: number;
  window: SendWindow;
  /** The channels in the order they are tried, and how long each waits for an answer. */
  channels: SendChannel[];
  channelWaitHours: number;
  defaultLanguage: 'ar' | 'en';
  /** Approved WhatsApp templates of this agency, per language (the configured ones otherwise). */
  whatsappTemplates: Partial<Record<CitizenLanguage, string>>;
  /** Days the agency has to reopen a disputed closure for it to count as acted on in time. */
  disputeActDays: number;
}

const rules = perDatabaseCache<FollowUpRules>();

export async function agencyFollowUpRules(
  ctx: Pick<AppContext, 'config' | 'models' | 'log'>,
  agency: string,
): Promise<FollowUpRules> {
  const cache = rules(ctx.models, { max: 1000, ttlMs: 60_000 });
  const hit = cache.get(agency);
  if (hit) return hit;
  const doc = await ctx.models.Agency.findOne({ code: agency })
    .select({
      followUpDelayHours: 1,
      followUpMaxAgeHours: 1,
      sendWindow: 1,
      sendDays: 1,
      channels: 1,
      channelWaitHours: 1,
      defaultLanguage: 1,
      whatsappTemplates: 1,
      disputeActDays: 1,
    })
    .lean();
  const { followUp, timeZone } = ctx.config;
  let window = sendWindowFromConfig(ctx.config);
  if (doc?.sendWindow || doc?.sendDays) {
    try {
      // The agency's hours and days; the prayer pauses and Ramadan hours stay the configured ones.
      window = {
        ...window,
        ...parseSendWindow(
          doc.sendWindow ?? followUp.sendWindow,
          doc.sendDays ?? followUp.sendDays,
          timeZone,
        ),
      };
    } catch (err) {
      // Validated when saved; a value written by hand that does not parse falls back to the configuration.
      ctx.log.warn(
        { agency, err: err instanceof Error ? err.message : String(err) },
        'agency send window ignored',
      );
    }
  }
  const agencyTemplates = Object.fromEntries(
    Object.entries(doc?.whatsappTemplates ?? {}).filter(
      ([lang, sid]) => (CITIZEN_LANGUAGES as readonly string[]).includes(lang) && sid,
    ),
  ) as Partial<Record<CitizenLanguage, string>>;
  const delayHours = doc?.followUpDelayHours ?? followUp.delayHours;
  const result: FollowUpRules = {
    delayHours,
    maxAgeHours: doc?.followUpMaxAgeHours ?? followUp.maxAgeHours ?? delayHours + MAX_AGE_MARGIN_HOURS,
    window,
    channels: channelOrder(doc?.channels, followUp.channels),
    channelWaitHours: doc?.channelWaitHours ?? followUp.channelWaitHours,
    defaultLanguage: doc?.defaultLanguage === 'en' ? 'en' : 'ar',
    disputeActDays: doc?.disputeActDays ?? DEFAULT_DISPUTE_ACT_DAYS,
    whatsappTemplates: Object.keys(agencyTemplates).length > 0 ? agencyTemplates : followUp.whatsappTemplates,
  };
  cache.set(agency, result);
  return result;
}
