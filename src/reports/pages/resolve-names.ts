import type { Models } from '../../db/models/index.js';
import { uiTexts, type UiLang } from '../../i18n/ui.js';
import { reportTexts } from '../../i18n/reports.js';
import type { FilterProblem } from './filter-form.js';

/** Literal text inside a regular expression: a name is matched, never interpreted. */
function literal(s: string): RegExp {
  return new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
}

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
  const unknown = (field: 'agency' | 'department' | 'agent', typed: string) => {
    problems.push({ field, typed, message: uiTexts(lang).unknownName(t[field]) });
    delete query[field];
  };
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
  const agency = typed('agency');
  if (agency !== undefined) {
    const re = literal(agency);
    const found = await models.Agency.findOne(
      {
        $or: [
          { code: re },
          { 'name.ar': re },
          { 'name.en': re },
          { 'publicName.ar': re },
          { 'publicName.en': re },
        ],
      },
      { code: 1 },
    ).lean();
    if (found) query.agency = found.code;
    else unknown('agency', agency);
  }
  const department = typed('department');
  if (department !== undefined) {
    const re = literal(department);
    const found = await models.Department.findOne(
      {
        ...(typeof query.agency === 'string' ? { agency: query.agency } : {}),
        $or: [{ code: re }, { 'name.ar': re }, { 'name.en': re }],
      },
      { code: 1 },
    ).lean();
    if (found) query.department = found.code;
    // Departments met only in ticket events are not in the directory: their code is taken as typed.
    else {
      const seen = await models.DailySum.findOne({ department: re }, { department: 1 }).lean();
      if (seen) query.department = seen.department;
      else unknown('department', department);
    }
  }
  const agent = typed('agent');
  if (agent !== undefined) {
    const re = literal(agent);
    const found = await models.Agent.findOne(
      { $or: [{ agentId: re }, { displayName: re }] },
      { agentId: 1 },
    ).lean();
    if (found) query.agent = found.agentId;
    else {
      const seen = await models.DailySum.findOne({ agentId: re }, { agentId: 1 }).lean();
      if (seen) query.agent = seen.agentId;
      else unknown('agent', agent);
    }
  }
  return { query, problems };
}
