import { USER_ROLES } from '../../auth/users.js';
import { ROLES } from '../../db/models/access.js';
import { adminTexts } from '../../i18n/admin.js';
import { reportTexts } from '../../i18n/reports.js';
import { esc, queryString } from '../../http/ui/html.js';
import { layout } from '../../http/ui/layout.js';
import type { tokenView, userView } from '../people.js';
import {
  adminPage,
  field,
  hidden,
  postButton,
  table,
  when,
  type Lang,
  type PageCtx,
  type PageState,
} from './render.js';

type User = ReturnType<typeof userView>;
type Token = ReturnType<typeof tokenView>;

function roleSelect(c: PageCtx, roles: readonly string[], selected = ''): string {
  const rt = reportTexts(c.lang);
  const allowed =
    c.p.role === 'agency_admin'
      ? roles.filter((r) => ['agency_admin', 'manager', 'ticket_system'].includes(r))
      : roles;
  return `<select name="role" aria-label="${esc(rt.roleLabel)}">${allowed
    .map((r) => `<option value="${r}"${r === selected ? ' selected' : ''}>${esc(rt.role[r] ?? r)}</option>`)
    .join('')}</select>`;
}

function scopeFields(c: PageCtx, agency = '', department = ''): string {
  const t = adminTexts(c.lang);
  const own = c.p.role === 'agency_admin' ? (c.p.scope.agency ?? '') : agency;
  return `${field(t.agency, 'agency', own, `dir="ltr"${c.p.role === 'agency_admin' ? ' readonly' : ''}`)}${field(t.department, 'department', department, 'dir="ltr"')}`;
}

export function renderUsers(c: PageCtx, users: User[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  const rows = users.map((u) => {
    const base = `/admin/users/${encodeURIComponent(u.username)}`;
    const actions = writer
      ? [
          `<form class="inline" method="post" action="${base}">${hidden(c)}${roleSelect(c, USER_ROLES, u.role)}<input name="agency" value="${esc(u.agency ?? '')}" size="8" dir="ltr" aria-label="${esc(t.agency)}"><input name="department" value="${esc(u.department ?? '')}" size="8" dir="ltr" aria-label="${esc(t.department)}"><input type="hidden" name="revision" value="${u.revision}"><button class="small" type="submit">${esc(t.save)}</button></form>`,
          postButton(c, `${base}/${u.disabled ? 'enable' : 'disable'}`, u.disabled ? t.enable : t.disable),
          postButton(c, `${base}/reset`, t.forceReset),
        ].join(' ')
      : '';
    return [
      `<bdi>${esc(u.username)}</bdi>`,
      esc(rt.role[u.role] ?? u.role),
      `<bdi>${esc([u.agency, u.department].filter(Boolean).join(' / ') || '*')}</bdi>`,
      esc(u.disabled ? t.disabled : t.active),
      actions,
    ];
  });
  const create = writer
    ? `<section><h2>${esc(t.newUser)}</h2><form class="grid" method="post" action="/admin/users" id="new-user">${hidden(c)}${field(t.username, 'username', '', 'required dir="ltr"')}<label>${esc(t.role)}${roleSelect(c, USER_ROLES, 'manager')}</label>${scopeFields(c)}<button class="primary" type="submit">${esc(t.invite)}</button></form></section>`
    : '';
  return adminPage(
    c,
    t.users,
    `<section>${users.length ? table([t.username, t.role, t.scope, t.status, ''], rows) : esc(t.none)}</section>${create}`,
    state,
  );
}

export function renderTokens(c: PageCtx, tokens: Token[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  const rows = tokens.map((k) => [
    `<code>${esc(k.prefix)}…</code>`,
    esc(k.name),
    esc(rt.role[k.role] ?? k.role),
    `<bdi>${esc([k.agency, k.department].filter(Boolean).join(' / ') || '*')}</bdi>`,
    when(k.lastUsedAt, t),
    k.revokedAt ? esc(t.revoked) : writer ? postButton(c, `/admin/tokens/${k.id}/revoke`, t.revoke) : '',
  ]);
  const create = writer
    ? `<section><h2>${esc(t.newToken)}</h2><form class="grid" method="post" action="/admin/tokens" id="new-token">${hidden(c)}${field(t.tokenName, 'name', '', 'required')}<label>${esc(t.role)}${roleSelect(c, ROLES, 'ticket_system')}</label>${scopeFields(c)}<button class="primary" type="submit">${esc(t.create)}</button></form></section>`
    : '';
  return adminPage(
    c,
    t.tokens,
    `<section>${tokens.length ? table([t.prefix, t.tokenName, t.role, t.scope, t.lastUsed, ''], rows) : esc(t.none)}</section>${create}`,
    state,
  );
}

export interface AuditRow {
  at: string;
  actor: string;
  actorName?: string | null;
  attemptedName?: string | null;
  action: string;
  outcome: string;
  agency: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** The name for reading, the id for certainty; a typed sign-in name is marked as only typed. */
function actorCell(r: AuditRow, attempted: string): string {
  const id = `<code dir="ltr">${esc(r.actor)}</code>`;
  const name = r.actorName ? `<bdi>${esc(r.actorName)}</bdi> ` : '';
  const typed = r.attemptedName
    ? ` <small>(${esc(attempted)}: <bdi>${esc(r.attemptedName)}</bdi>)</small>`
    : '';
  return `${name}${id}${typed}`;
}

export function renderAudit(
  c: PageCtx,
  q: Record<string, string | undefined>,
  rows: AuditRow[],
  state: PageState = {},
): string {
  const t = adminTexts(c.lang);
  const json = (v: unknown) =>
    v == null ? '' : `<pre>${esc(JSON.stringify(v, null, 1).slice(0, 1500))}</pre>`;
  const filters = `<section><form class="grid" method="get" action="/admin/audit"><input type="hidden" name="lang" value="${c.lang}">${field(t.actor, 'actor', q.actor ?? '', 'dir="ltr"')}${field(t.action, 'action', q.action ?? '', 'dir="ltr" placeholder="admin.agency.update"')}${field(t.agency, 'agency', q.agency ?? '', 'dir="ltr"')}${field(t.from, 'from', q.from ?? '', 'type="date"')}${field(t.to, 'to', q.to ?? '', 'type="date"')}<button class="primary" type="submit">${esc(t.filter)}</button></form></section>`;
  const list = rows.length
    ? table(
        [t.when, t.actor, t.action, t.agency, t.target, t.before, t.after],
        rows.map((r) => [
          when(r.at, t),
          actorCell(r, t.attempted),
          `<bdi>${esc(r.action)}</bdi> ${r.outcome !== 'ok' ? esc(r.outcome) : ''}`,
          `<bdi>${esc(r.agency ?? '')}</bdi>`,
          `<bdi>${esc(r.target ?? '')}</bdi>${json(r.detail)}`,
          json(r.before),
          json(r.after),
        ]),
      )
    : esc(t.none);
  return adminPage(c, t.audit, `${filters}<section id="audit-rows">${list}</section>`, state);
}

export interface UnknownRow {
  kind: 'agency' | 'department';
  agency: string;
  code: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  events: number;
}

export function renderUnknown(c: PageCtx, rows: UnknownRow[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  const list = rows.length
    ? table(
        [t.kind, t.agency, t.code, t.firstSeen, t.lastSeen, t.events, ''],
        rows.map((r) => [
          esc(r.kind === 'agency' ? t.agency : t.department),
          `<bdi>${esc(r.agency)}</bdi>`,
          `<bdi>${esc(r.code ?? '')}</bdi>`,
          when(r.firstSeenAt, t),
          when(r.lastSeenAt, t),
          String(r.events),
          writer && (r.kind === 'department' || c.p.role === 'admin')
            ? postButton(c, '/admin/unknown-codes/add', t.add, {
                fields: `<input type="hidden" name="kind" value="${r.kind}"><input type="hidden" name="agency" value="${esc(r.agency)}">${r.code ? `<input type="hidden" name="code" value="${esc(r.code)}">` : ''}`,
              })
            : '',
        ]),
      )
    : esc(t.none);
  return adminPage(c, t.unknownCodes, `<section>${list}</section>`, state);
}

export function renderAccount(c: PageCtx, state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const mustChange = c.p.mustChangePassword
    ? `<p class="error" role="alert" id="must-change">${esc(t.mustChangePassword)}</p>`
    : '';
  return adminPage(
    c,
    t.account,
    `<section>${mustChange}<form class="stack" method="post" action="/account">${hidden(c)}<label>${esc(t.currentPassword)}<input type="password" name="current" autocomplete="current-password" required dir="ltr"></label><label>${esc(t.newPassword)}<input type="password" name="password" autocomplete="new-password" required minlength="12" dir="ltr"></label><p class="note">${esc(t.passwordRules)}</p><button class="primary" type="submit">${esc(t.changePassword)}</button></form></section>`,
    state,
  );
}

/** The page an invitation or reset link opens (not signed in: the link is the credential). */
export function renderPasswordLink(
  lang: Lang,
  token: string | undefined,
  username: string | undefined,
  message?: { error?: string; ok?: string },
): string {
  const t = adminTexts(lang);
  const other: Lang = lang === 'ar' ? 'en' : 'ar';
  const form =
    token && username && !message?.ok
      ? `<form class="stack" method="post" action="/account/password/${esc(token)}"><input type="hidden" name="lang" value="${lang}"><p>${esc(t.username)}: <bdi>${esc(username)}</bdi></p><label>${esc(t.newPassword)}<input type="password" name="password" autocomplete="new-password" required minlength="12" dir="ltr"></label><p class="note">${esc(t.passwordRules)}</p><button class="primary" type="submit">${esc(t.setPassword)}</button></form>`
      : '';
  const body = `<section class="login"><h2>${esc(t.setPassword)}</h2>${message?.error ? `<p class="error" role="alert">${esc(message.error)}</p>` : ''}${message?.ok ? `<p class="ok" role="status">${esc(message.ok)}</p><p><a href="/login${queryString({ lang })}">${esc(t.signIn)}</a></p>` : ''}${form}${token ? `<p class="note"><a href="/account/password/${esc(token)}${queryString({ lang: other })}" lang="${other}">${esc(t.otherLanguage)}</a></p>` : ''}</section>`;
  return layout({
    lang,
    title: t.setPassword,
    body,
    path: '/account',
  });
}
