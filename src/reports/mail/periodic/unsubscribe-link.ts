import type { Config } from '../../../config/index.js';

/**
 * The unsubscribe address of a report mail. The signed one-click link is mail-account's
 * (`unsubscribeUrl(config, subscriptionId)` in src/mail/unsubscribe.ts); until it is merged this
 * points at /account, where subscriptions are chosen, so the report code has one place to change.
 */
export function reportUnsubscribeUrl(config: Config, subscriptionId: string): string {
  return `${config.publicBaseUrl}/account?unsubscribe=${encodeURIComponent(subscriptionId)}`;
}
