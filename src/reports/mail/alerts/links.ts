import type { Config } from '../../../config/index.js';
import type { Language } from '../../../i18n/languages.js';
import { entityHref } from '../../pages/entity-links.js';

/**
 * The one-click unsubscribe address of a subscription. The signed link is mail-account's
 * (`unsubscribeUrl(config, subscriptionId)` in src/mail/unsubscribe.ts); until it is merged every
 * alert builds its link here only, so pointing this at theirs is a one-line change.
 */
export function alertUnsubscribeUrl(config: Config, subscriptionId: string): string {
  return `${config.publicBaseUrl}/mail/unsubscribe?s=${encodeURIComponent(subscriptionId)}`;
}

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
