import type { AppContext } from '../../context.js';
import type { Models } from '../../db/models/index.js';
import { perDatabaseCache } from '../../db/per-database-cache.js';
import type { FollowUp } from '../../db/models/followup.js';
import { NEUTRAL_AGENCY, agencyNameFor, followUpTexts, smsLink, withEnglish } from '../../i18n/followup.js';
import { signAnswerToken } from './answer-token.js';
import { countSegments } from '../../twilio/segments.js';

const HOUR = 3_600_000;

type AgencyName = { ar?: string | null; en?: string | null } | null | undefined;

/**
 * Agency names, a minute at a time per database: every send needs one and they change rarely, so a
 * read per send would be a database round trip for nothing. A renamed agency shows its new name in
 * messages within a minute.
 */
const agencyNames = perDatabaseCache<{ name: AgencyName }>();

async function agencyName(models: Models, code: string): Promise<AgencyName> {
  const cache = agencyNames(models, { max: 1000, ttlMs: 60_000 });
  const hit = cache.get(code);
  if (hit) return hit.name;
  const agency = await models.Agency.findOne({ code }).select({ name: 1 }).lean();
  cache.set(code, { name: agency?.name });
  return agency?.name;
}

export interface ComposedMessage {
  body: string;
  segments: number;
  link: string;
  token: string;
  /** The agency's name in the citizen's language, for channels that carry it apart (a template). */
  agencyName: string;
}

/** The answer link's token depends only on the follow-up, so a retried send carries the same link. */
export function answerToken(
  ctx: AppContext,
  f: Pick<FollowUp, 'sendAt'> & { _id: { toString(): string } },
): string {
  const expiresAt = new Date(f.sendAt.getTime() + ctx.config.followUp.answerLinkTtlHours * HOUR);
  return signAnswerToken(ctx.config.followUp.answerLinkSecret, f._id.toString(), expiresAt);
}

export function answerUrl(ctx: AppContext, token: string): string {
  return `${ctx.config.publicBaseUrl}/f/${token}`;
}

/**
 * Builds the first message or the reminder in the citizen's language, or in Arabic with English when
 * the closure named a language we have no texts in (`requestedLanguage`). The agency is named as the
 * citizen reads it (`agencyNameFor`), never by its raw code; when a long name would push the message
 * past its budget (two segments, three with English), the neutral name in the language stands in.
 */
export async function composeMessage(
  ctx: AppContext,
  f: Pick<FollowUp, 'language' | 'requestedLanguage' | 'agency' | 'ticketRef' | 'sendAt'> & {
    _id: { toString(): string };
  },
  kind: 'initial' | 'reminder',
): Promise<ComposedMessage> {
  const withEn = Boolean(f.requestedLanguage);
  // The bilingual message is Arabic first, so it names the agency in Arabic.
  const lang = withEn ? 'ar' : (f.language ?? 'ar');
  const budget = withEn ? 3 : 2;
  const names = await agencyName(ctx.models, f.agency);
  const token = answerToken(ctx, f);
  const link = answerUrl(ctx, token);
  const texts = withEn ? withEnglish : followUpTexts[lang];
  const render = (name: string) => texts[kind]({ agency: name, ref: f.ticketRef, link: smsLink(link) });
  const named = agencyNameFor(lang, names);
  let body = render(named);
  let segments = countSegments(body).segments;
  if (segments > budget && named !== NEUTRAL_AGENCY[lang]) {
    body = render(NEUTRAL_AGENCY[lang]);
    segments = countSegments(body).segments;
  }
  if (segments > budget)
    ctx.log.warn(
      { ticketRef: f.ticketRef, language: lang, segments },
      `follow-up message is longer than ${budget} segments`,
    );
  return { body, segments, link, token, agencyName: named };
}
