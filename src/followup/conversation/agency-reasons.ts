import type { Models } from '../../db/models/index.js';
import { perDatabaseCache } from '../../db/per-database-cache.js';
import { answerPageTexts } from '../../i18n/followup.js';
import type { CitizenLanguage } from '../../i18n/languages.js';
import { REASONS, type Reason } from './reply-parser.js';

/**
 * The reasons offered to a citizen who answers "not solved", in the agency's own wording where its
 * administrator set one (the directory, issue 14), else the built-in texts. A minute's cache per
 * database: the reason question is asked once per dispute, and the wording changes rarely.
 */

export type ReasonLabels = Readonly<Record<Reason, string>>;
type Wording = { code?: string | null; ar?: string | null; en?: string | null }[] | null | undefined;

const wordings = perDatabaseCache<{ reasons: Wording }>();

async function wordingOf(models: Models, agency: string): Promise<Wording> {
  const cache = wordings(models, { max: 1000, ttlMs: 60_000 });
  const hit = cache.get(agency);
  if (hit) return hit.reasons;
  const doc = await models.Agency.findOne({ code: agency }).select({ reasons: 1 }).lean();
  cache.set(agency, { reasons: doc?.reasons });
  return doc?.reasons;
}

export async function reasonLabels(
  models: Models,
  agency: string,
  lang: CitizenLanguage,
): Promise<ReasonLabels> {
  // Agencies word their reasons in Arabic and English only; the residents' languages use ours.
  const own = lang === 'ar' || lang === 'en' ? await wordingOf(models, agency) : undefined;
  const builtIn = answerPageTexts[lang].reasons;
  const pick = (reason: Reason) =>
    own?.find((r) => r.code === reason)?.[lang as 'ar' | 'en']?.trim() || builtIn[reason];
  return Object.fromEntries(REASONS.map((r) => [r, pick(r)])) as Record<Reason, string>;
}

/** Whether the labels are the built-in ones (the catalogue text then says it best). */
export function isBuiltIn(labels: ReasonLabels, lang: CitizenLanguage): boolean {
  return REASONS.every((r) => labels[r] === answerPageTexts[lang].reasons[r]);
}
