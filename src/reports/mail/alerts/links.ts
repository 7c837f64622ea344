import type { Config } from '../../../config/index.js';
import type { Language } from '../../../i18n/languages.js';
import { entityHref } from '../../pages/entity-links.js';

/**
 * A disputed closure on the dashboard: its agent's page on the day of the dispute, whose table of
 * recent disputes lists it by ticket reference.
 */
export function closureUrl(config: Config, agentId: string, day: string, lang: Language): string {
  return `${config.publicBaseUrl}${entityHref.agent(agentId, { from: day, to: day }, lang)}`;
}

/** A drifting group's page on the dashboard, over the window the check read. */
export function groupUrl(
  config: Config,
  group: { kind: 'agent' | 'department'; agency: string; department?: string; agentId?: string },
  window: { from: string; to: string },
  lang: Language,
): string {
  const path =
    group.kind === 'agent'
      ? entityHref.agent(group.agentId ?? '', window, lang)
      : entityHref.department(group.agency, group.department ?? '', window, lang);
  return `${config.publicBaseUrl}${path}`;
}
