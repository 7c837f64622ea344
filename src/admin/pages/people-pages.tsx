import { USER_ROLES } from '../../auth/users.js';
import { ROLES } from '../../db/models/access.js';
import { adminTexts } from '../../i18n/admin.js';
import { reportTexts } from '../../i18n/reports.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { mailAccountTexts } from '../../i18n/mail-account.js';
import { AccountMailSection, type AccountMail } from '../mail/pages.js';
import type { tokenView, userView } from '../people.js';
import {
  adminPage,
  Field,
  Hidden,
  PostButton,
  Table,
  When,
  type Lang,
  type PageCtx,
  type PageState,
} from './render.js';

type User = ReturnType<typeof userView>;
type Token = ReturnType<typeof tokenView>;

function RoleSelect({
  c,
  roles,
  selected = '',
  labelled,
}: {
  c: PageCtx;
  roles: readonly string[];
  selected?: string;
  /** Inside a <label>, the select needs no name of its own. */
  labelled?: boolean;
}) {
  const rt = reportTexts(c.lang);
  const allowed =
    c.p.role === 'agency_admin'
      ? roles.filter((r) => ['agency_admin', 'manager', 'ticket_system'].includes(r))
      : roles;
  return (
    <select name="role" aria-label={labelled ? undefined : rt.roleLabel}>
      {allowed.map((r) => (
        <option value={r} selected={r === selected}>
          {rt.role[r] ?? r}
        </option>
      ))}
    </select>
  );
}

function ScopeFields({
  c,
  agency = '',
  department = '',
}: {
  c: PageCtx;
  agency?: string;
  department?: string;
}) {
  const t = adminTexts(c.lang);
  const scoped = c.p.role === 'agency_admin';
  return (
    <>
      <Field
        label={t.agency}
        name="agency"
        value={scoped ? (c.p.scope.agency ?? '') : agency}
        dir="ltr"
        readonly={scoped}
      />
      <Field label={t.department} name="department" value={department} dir="ltr" />
    </>
  );
}

const scopeText = (a: string | null | undefined, d: string | null | undefined) =>
  [a, d].filter(Boolean).join(' / ') || '*';

/**
 * One card per person: who, role, scope and status on top, then the change form and the two
 * one-button actions, each wrapping inside the card, so nothing needs scrolling to reach at any width.
 */
function UserCard({ c, u, writer }: { c: PageCtx; u: User; writer: boolean }) {
  const t = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const base = `/admin/users/${encodeURIComponent(u.username)}`;
  const id = `user-${u.username.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li class="person" id={id} data-username={u.username}>
      <h3 class="person-name">
        <bdi>{u.username}</bdi>
      </h3>
      <p class="person-facts">
        <span>{rt.role[u.role] ?? u.role}</span>
        {' · '}
        <bdi>{scopeText(u.agency, u.department)}</bdi>
        {' · '}
        <span class={u.disabled ? 'badge' : undefined}>{u.disabled ? t.disabled : t.active}</span>
      </p>
      {writer && (
        <>
          <form class="grid person-edit" method="post" action={base} aria-label={`${t.save}: ${u.username}`}>
            <Hidden c={c} />
            <label>
              {t.role}
              <RoleSelect c={c} roles={USER_ROLES} selected={u.role} labelled />
            </label>
            <Field label={t.agency} name="agency" value={u.agency ?? ''} dir="ltr" />
            <Field label={t.department} name="department" value={u.department ?? ''} dir="ltr" />
            <Field
              label={mailAccountTexts(c.lang).address}
              type="email"
              name="email"
              value={u.email ?? ''}
              dir="ltr"
            />
            <input type="hidden" name="revision" value={String(u.revision)} />
            <button class="primary" type="submit">
              {t.save}
            </button>
          </form>
          <div class="person-actions">
            <PostButton
              c={c}
              action={`${base}/${u.disabled ? 'enable' : 'disable'}`}
              label={u.disabled ? t.enable : t.disable}
            />
            <PostButton c={c} action={`${base}/reset`} label={t.forceReset} />
          </div>
        </>
      )}
    </li>
  );
}

export function renderUsers(c: PageCtx, users: User[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  return adminPage(
    c,
    t.users,
    <>
      <section aria-label={t.users}>
        {users.length ? (
          <ul class="people" id="users">
            {users.map((u) => (
              <UserCard c={c} u={u} writer={writer} />
            ))}
          </ul>
        ) : (
          t.none
        )}
      </section>
      {writer && (
        <section>
          <h2>{t.newUser}</h2>
          <form class="grid" method="post" action="/admin/users" id="new-user">
            <Hidden c={c} />
            <Field label={t.username} name="username" required dir="ltr" />
            <label>
              {t.role}
              <RoleSelect c={c} roles={USER_ROLES} selected="manager" labelled />
            </label>
            <ScopeFields c={c} />
            <button class="primary" type="submit">
              {t.invite}
            </button>
          </form>
        </section>
      )}
    </>,
    state,
  );
}

export function renderTokens(c: PageCtx, tokens: Token[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  const rows = tokens.map((k) => [
    k.revokedAt ? (
      t.revoked
    ) : writer ? (
      <PostButton c={c} action={`/admin/tokens/${k.id}/revoke`} label={t.revoke} />
    ) : (
      ''
    ),
    <code>{k.prefix}…</code>,
    k.name,
    rt.role[k.role] ?? k.role,
    <bdi>{scopeText(k.agency, k.department)}</bdi>,
    <When iso={k.lastUsedAt} t={t} />,
  ]);
  return adminPage(
    c,
    t.tokens,
    <>
      <section>
        {tokens.length ? (
          <Table headers={[t.status, t.prefix, t.tokenName, t.role, t.scope, t.lastUsed]} rows={rows} />
        ) : (
          t.none
        )}
      </section>
      {writer && (
        <section>
          <h2>{t.newToken}</h2>
          <form class="grid" method="post" action="/admin/tokens" id="new-token">
            <Hidden c={c} />
            <Field label={t.tokenName} name="name" required />
            <label>
              {t.role}
              <RoleSelect c={c} roles={ROLES} selected="ticket_system" labelled />
            </label>
            <ScopeFields c={c} />
            <button class="primary" type="submit">
              {t.create}
            </button>
          </form>
        </section>
      )}
    </>,
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
function ActorCell({ r, attempted }: { r: AuditRow; attempted: string }) {
  return (
    <>
      {r.actorName && (
        <>
          <bdi>{r.actorName}</bdi>{' '}
        </>
      )}
      <code dir="ltr">{r.actor}</code>
      {r.attemptedName && (
        <>
          {' '}
          <small>
            ({attempted}: <bdi>{r.attemptedName}</bdi>)
          </small>
        </>
      )}
    </>
  );
}

function Json({ v }: { v: unknown }) {
  return v == null ? null : <pre>{JSON.stringify(v, null, 1).slice(0, 1500)}</pre>;
}

export function renderAudit(
  c: PageCtx,
  q: Record<string, string | undefined>,
  rows: AuditRow[],
  state: PageState = {},
): string {
  const t = adminTexts(c.lang);
  return adminPage(
    c,
    t.audit,
    <>
      <section>
        <form class="grid" method="get" action="/admin/audit">
          <input type="hidden" name="lang" value={c.lang} />
          <Field label={t.actor} name="actor" value={q.actor ?? ''} dir="ltr" />
          <Field
            label={t.action}
            name="action"
            value={q.action ?? ''}
            dir="ltr"
            placeholder="admin.agency.update"
          />
          <Field label={t.agency} name="agency" value={q.agency ?? ''} dir="ltr" />
          <Field label={t.from} name="from" value={q.from ?? ''} type="date" />
          <Field label={t.to} name="to" value={q.to ?? ''} type="date" />
          <button class="primary" type="submit">
            {t.filter}
          </button>
        </form>
      </section>
      <section id="audit-rows">
        {rows.length ? (
          <Table
            headers={[t.when, t.actor, t.action, t.agency, t.target, t.before, t.after]}
            rows={rows.map((r) => [
              <When iso={r.at} t={t} />,
              <ActorCell r={r} attempted={t.attempted} />,
              <>
                <bdi>{r.action}</bdi> {r.outcome !== 'ok' ? r.outcome : ''}
              </>,
              <bdi>{r.agency ?? ''}</bdi>,
              <>
                <bdi>{r.target ?? ''}</bdi>
                <Json v={r.detail} />
              </>,
              <Json v={r.before} />,
              <Json v={r.after} />,
            ])}
          />
        ) : (
          t.none
        )}
      </section>
    </>,
    state,
  );
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
  return adminPage(
    c,
    t.unknownCodes,
    <section>
      {rows.length ? (
        <Table
          headers={['', t.kind, t.agency, t.code, t.firstSeen, t.lastSeen, t.events]}
          rows={rows.map((r) => [
            writer && (r.kind === 'department' || c.p.role === 'admin') ? (
              <PostButton c={c} action="/admin/unknown-codes/add" label={t.add}>
                <input type="hidden" name="kind" value={r.kind} />
                <input type="hidden" name="agency" value={r.agency} />
                {r.code && <input type="hidden" name="code" value={r.code} />}
              </PostButton>
            ) : (
              ''
            ),
            r.kind === 'agency' ? t.agency : t.department,
            <bdi>{r.agency}</bdi>,
            <bdi>{r.code ?? ''}</bdi>,
            <When iso={r.firstSeenAt} t={t} />,
            <When iso={r.lastSeenAt} t={t} />,
            String(r.events),
          ])}
        />
      ) : (
        t.none
      )}
    </section>,
    state,
  );
}

/** The password form, then (for a person) their mail address and what they receive (issue 28). */
export function renderAccount(c: PageCtx, state: PageState = {}, mail?: AccountMail): string {
  const t = adminTexts(c.lang);
  return adminPage(
    c,
    t.account,
    <>
      <section id="password">
        {c.p.mustChangePassword && (
          <p class="error" role="alert" id="must-change">
            {t.mustChangePassword}
          </p>
        )}
        <form class="stack" method="post" action="/account">
          <Hidden c={c} />
          <Field
            label={t.currentPassword}
            type="password"
            name="current"
            autocomplete="current-password"
            required
            dir="ltr"
          />
          <Field
            label={t.newPassword}
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minlength={12}
            dir="ltr"
          />
          <p class="note">{t.passwordRules}</p>
          <button class="primary" type="submit">
            {t.changePassword}
          </button>
        </form>
      </section>
      {mail && <AccountMailSection c={c} m={mail} />}
    </>,
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
  return renderDocument(
    <Page lang={lang} title={t.setPassword} path="/account" anonymous>
      <section class="login">
        <h1>{t.setPassword}</h1>
        {message?.error && (
          <p class="error" role="alert">
            {message.error}
          </p>
        )}
        {message?.ok && (
          <>
            <p class="ok" role="status">
              {message.ok}
            </p>
            <p>
              <a href={`/login${queryString({ lang })}`}>{t.signIn}</a>
            </p>
          </>
        )}
        {token && username && !message?.ok && (
          <form class="stack" method="post" action={`/account/password/${encodeURIComponent(token)}`}>
            <input type="hidden" name="lang" value={lang} />
            <p>
              {t.username}: <bdi>{username}</bdi>
            </p>
            <Field
              label={t.newPassword}
              type="password"
              name="password"
              autocomplete="new-password"
              required
              minlength={12}
              dir="ltr"
            />
            <p class="note">{t.passwordRules}</p>
            <button class="primary" type="submit">
              {t.setPassword}
            </button>
          </form>
        )}
        {token && (
          <p class="note">
            <a
              href={`/account/password/${encodeURIComponent(token)}${queryString({ lang: other })}`}
              lang={other}
            >
              {t.otherLanguage}
            </a>
          </p>
        )}
      </section>
    </Page>,
  );
}
