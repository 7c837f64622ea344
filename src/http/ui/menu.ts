import type { Role } from '../../db/models/access.js';
import { uiTexts, type UiLang, type UiTexts } from '../../i18n/ui.js';

/** Every page a role may open, in the order the menu lists them; the landing page lists them too. */
type Label = { [K in keyof UiTexts]: UiTexts[K] extends string ? K : never }[keyof UiTexts];

const PAGES: { path: string; label: Label; roles: readonly Role[] | 'anyone'; sandbox?: true }[] = [
  { path: '/dashboard', label: 'dashboard', roles: ['admin', 'agency_admin', 'manager', 'auditor'] },
  // Integrity signals name agents: auditors and administrators only (reports/integrity/routes.ts).
  { path: '/audit/integrity', label: 'integrity', roles: ['admin', 'auditor'] },
  { path: '/admin', label: 'agencies', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/users', label: 'users', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/tokens', label: 'tokens', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/audit', label: 'auditLog', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/unknown-codes', label: 'unknownCodes', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/connectors', label: 'connectors', roles: ['admin', 'agency_admin', 'auditor'] },
  { path: '/admin/imports', label: 'imports', roles: ['admin', 'agency_admin'] },
  // Who receives which mail, and the mails sent (issue 28): addresses are personal, so not auditors.
  { path: '/admin/mail', label: 'mail', roles: ['admin', 'agency_admin'] },
  { path: '/admin/erasure', label: 'erasure', roles: ['admin'] },
  { path: '/admin/queues', label: 'queues', roles: ['admin'] },
  { path: '/sandbox', label: 'sandbox', roles: ['admin'], sandbox: true },
  { path: '/account', label: 'account', roles: ['admin', 'agency_admin', 'manager', 'auditor'] },
  { path: '/public', label: 'publicBoard', roles: 'anyone' },
  { path: '/public/methodology', label: 'methodology', roles: 'anyone' },
];

export interface MenuItem {
  path: string;
  label: string;
  /** The queue board is its own application: it takes no language. */
  lang: boolean;
}

/** `sandbox`: whether the sandbox phone is mounted; it is not listed unless it is (live mode: 404). */
export function menuFor(role: Role | undefined, lang: UiLang, opts: { sandbox?: boolean } = {}): MenuItem[] {
  const t = uiTexts(lang);
  return PAGES.filter(
    (p) =>
      (p.roles === 'anyone' || (role !== undefined && p.roles.includes(role))) &&
      (!p.sandbox || opts.sandbox === true),
  ).map((p) => ({ path: p.path, label: t[p.label], lang: p.path !== '/admin/queues' }));
}
