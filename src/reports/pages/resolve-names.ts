import type { Models } from '../../db/models/index.js';
import { uiTexts, type UiLang } from '../../i18n/ui.js';
import { reportTexts } from '../../i18n/reports.js';
import type { FilterProblem, NamedOption } from './filter-form.js';

/** Literal text inside a regular expression: a name is matched, never interpreted. */
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function literal(s: string): RegExp {
  return new RegExp(`^${escapeRe(s)}$`, 'i');
}

const NAME_TEXTS = {
  ar: {
    ambiguous: (what: string) => `أكثر من ${what} بهذا الاسم؛ اختر واحدًا بالرمز. عُرضت الأرقام دون هذا الشرط.`,
  },
  en: {
    ambiguous: (what: string) =>
      `More than one ${what} has this name; pick one by its code. The figures below leave this filter out.`,
  },
};

/**
 * Filters typed as a name or a code, in any case, become the code the figures are kept under; one
 * that names nothing known is taken out and said on the page (no error page for a typo).
 */
export async function resolveNames(
  models: Models,
  raw: Record<string, unknown>,
  lang: UiLang,
): Promise<{ query: Record<string, unknown>; problems: FilterProblem[] }> {
  const query = { ...raw };
  const problems: FilterProblem[] = [];
  const t = reportTexts(lang);
  const typed = (k: string) => {
    const v = query[k];
    // A control character cannot be in a name, and BSON cannot carry NUL in a pattern: such a value
    // is left to the filter's own validation, which refuses it on the page.
    return typeof v === 'string' &&
      v.trim() !== '' &&
      v.length <= 200 &&
      ![...v].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f')
      ? v.trim()
      : undefined;
  };
  /**
   * The one entry a typed text names: an exact code first, else the one exact name; several entries
   * with that name are ambiguous and none is picked (each is suggested, name and code); no entry gives
   * the entries whose name or code contains the text as suggestions.
   */
  const pick = async (
    field: 'agency' | 'department' | 'agent',
    text: string,
    find: (re: RegExp, limit: number) => Promise<NamedOption[]>,
    seen?: (re: RegExp) => Promise<string | undefined>,
  ): Promise<void> => {
    const exact = await find(literal(text), 6);
    const byCode = exact.find((o) => o.code.toLowerCase() === text.toLowerCase());
    const only = byCode ?? (exact.length === 1 ? exact[0] : undefined);
    if (only) {
      query[field] = only.code;
      return;
    }
    if (exact.length > 1) {
      problems.push({
        field,
        typed: text,
        message: NAME_TEXTS[lang].ambiguous(t[field]),
        suggestions: exact,
      });
      delete query[field];
      return;
    }
    const code = await seen?.(literal(text));
    if (code !== undefined) {
      query[field] = code;
      return;
    }
    const near = await find(new RegExp(escapeRe(text), 'i'), 5);
    problems.push({
      field,
      typed: text,
      message: uiTexts(lang).unknownName(t[field]),
      ...(near.length > 0 ? { suggestions: near } : {}),
    });
    delete query[field];
  };
  const named = (n: { ar?: string | null; en?: string | null } | null | undefined, code: string) =>
    (lang === 'ar' ? n?.ar || n?.en : n?.en || n?.ar) || code;

  const agency = typed('agency');
  if (agency !== undefined)
    await pick('agency', agency, async (re, limit) =>
      (
        await models.Agency.find(
          {
            $or: [
              { code: re },
              { 'name.ar': re },
              { 'name.en': re },
              { 'publicName.ar': re },
              { 'publicName.en': re },
            ],
          },
          { code: 1, name: 1 },
        )
          .limit(limit)
          .lean()
      ).map((a) => ({ code: a.code, name: named(a.name, a.code) })),
    );
  const department = typed('department');
  if (department !== undefined)
    await pick(
      'department',
      department,
      async (re, limit) =>
        (
          await models.Department.find(
            {
              ...(typeof query.agency === 'string' ? { agency: query.agency } : {}),
              $or: [{ code: re }, { 'name.ar': re }, { 'name.en': re }],
            },
            { code: 1, name: 1 },
          )
            .limit(limit)
            .lean()
        ).map((d) => ({ code: d.code, name: named(d.name, d.code) })),
      // Departments met only in ticket events are not in the directory: their code is taken as typed.
      async (re) =>
        (await models.DailySum.findOne({ department: re }, { department: 1 }).lean())?.department ??
        undefined,
    );
  const agent = typed('agent');
  if (agent !== undefined)
    await pick(
      'agent',
      agent,
      async (re, limit) =>
        (
          await models.Agent.find(
            { $or: [{ agentId: re }, { displayName: re }] },
            { agentId: 1, displayName: 1 },
          )
            .limit(limit)
            .lean()
        ).map((a) => ({ code: a.agentId, name: a.displayName || a.agentId })),
      async (re) =>
        (await models.DailySum.findOne({ agentId: re }, { agentId: 1 }).lean())?.agentId ?? undefined,
    );
  return { query, problems };
}
