import type { Models } from '../../../db/models/index.js';
import type { Language } from '../../../i18n/languages.js';

/** Names as a reader sees them in the mail's language, the code when the directory has none. */
export interface AlertNames {
  agency(code: string): string;
  department(agency: string, code: string): string;
  agent(agentId: string): string;
}

export async function loadAlertNames(
  models: Models,
  lang: Language,
  about: { agencies: string[]; agentIds: string[] },
): Promise<AlertNames> {
  const agencies = [...new Set(about.agencies)];
  const [a, d, g] = await Promise.all([
    models.Agency.find({ code: { $in: agencies } }, { code: 1, name: 1 }).lean(),
    models.Department.find({ agency: { $in: agencies } }, { agency: 1, code: 1, name: 1 }).lean(),
    models.Agent.find(
      { agentId: { $in: [...new Set(about.agentIds)] } },
      { agentId: 1, displayName: 1 },
    ).lean(),
  ]);
  const local = (n: { ar?: string | null; en?: string | null } | null | undefined) =>
    (lang === 'ar' ? n?.ar || n?.en : n?.en || n?.ar) || undefined;
  const agencyNames = new Map(a.map((x) => [x.code, local(x.name)]));
  const departmentNames = new Map(d.map((x) => [`${x.agency}/${x.code}`, local(x.name)]));
  const agentNames = new Map(g.map((x) => [x.agentId, x.displayName || undefined]));
  return {
    agency: (code) => agencyNames.get(code) ?? code,
    department: (agency, code) => departmentNames.get(`${agency}/${code}`) ?? code,
    agent: (id) => agentNames.get(id) ?? id,
  };
}
