import { SUBSCRIPTION_KINDS } from '../../db/models/mail.js';
import { adminTexts } from '../../i18n/admin.js';
import { mailAccountTexts } from '../../i18n/mail-account.js';
import { reportTexts } from '../../i18n/reports.js';
import { queryString } from '../../http/ui/html.js';
import {
  adminPage,
  Field,
  Hidden,
  PostButton,
  Table,
  When,
  type PageCtx,
  type PageState,
} from '../pages/render.js';
import {
  DEFAULT_GATHER_MINUTES,
  GATHER_CHOICES,
  type ScopeChoices,
  type SubscriptionView,
} from './subscriptions.js';

/** What /account shows about mail: the address and language, and what the person receives. */
export interface AccountMail {
  email: string | null;
  language: 'ar' | 'en';
  subscriptions: SubscriptionView[];
  choices: ScopeChoices;
  /** Whether the role receives alerts and reports at all. */
  receives: boolean;
  /** What the person typed, shown again after a refusal. */
  form?: Record<string, string | string[]>;
}

const typed = (form: AccountMail['form'], k: string): string => {
  const v = form?.[k];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};
const typedList = (form: AccountMail['form'], k: string): string[] => {
  const v = form?.[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

export function AccountMailSection({ c, m }: { c: PageCtx; m: AccountMail }) {
  const t = mailAccountTexts(c.lang);
  const email = m.form && 'email' in m.form ? typed(m.form, 'email') : (m.email ?? '');
  const language = m.form && 'language' in m.form ? typed(m.form, 'language') : m.language;
  const kinds = typedList(m.form, 'kinds');
  const scope = typed(m.form, 'scope');
  const agent = typed(m.form, 'agent');
  const gather = Number(typed(m.form, 'gather') || DEFAULT_GATHER_MINUTES);
  return (
    <>
      <section id="mail-address">
        <h2>{t.addressSection}</h2>
        <form class="stack" method="post" action="/account/mail">
          <Hidden c={c} />
          <Field label={t.address} type="email" name="email" value={email} dir="ltr" autocomplete="email" />
          <p class="note">{t.addressHint}</p>
          <label>
            {t.language}
            <select name="language">
              {(['ar', 'en'] as const).map((l) => (
                <option value={l} selected={l === language} lang={l}>
                  {t.langName[l]}
                </option>
              ))}
            </select>
          </label>
          <button class="primary" type="submit">
            {t.saveAddress}
          </button>
        </form>
      </section>
      {m.receives && (
        <section id="mail-subscriptions">
          <h2>{t.subscriptions}</h2>
          {!m.email && (
            <p class="note" id="no-address">
              {t.noAddress}
            </p>
          )}
          {m.subscriptions.length ? (
            <ul class="words" id="subscriptions">
              {m.subscriptions.map((s) => (
                <li data-kind={s.kind} data-id={s.id}>
                  <span>{s.words}</span>{' '}
                  <PostButton c={c} action={`/account/subscriptions/${s.id}/remove`} label={t.remove} />
                </li>
              ))}
            </ul>
          ) : (
            <p id="subscriptions">{t.nothingYet}</p>
          )}
          <h3>{t.addSubscription}</h3>
          <p class="note">{t.addHint}</p>
          <form class="stack" method="post" action="/account/subscriptions" id="subscribe">
            <Hidden c={c} />
            <fieldset>
              <legend>{t.what}</legend>
              {SUBSCRIPTION_KINDS.map((k) => (
                <label class="check">
                  <input type="checkbox" name="kinds" value={k} checked={kinds.includes(k)} /> {t.kind[k]}{' '}
                  <small>({t.kindHint[k]})</small>
                </label>
              ))}
            </fieldset>
            <label>
              {t.about}
              <select name="scope">
                {m.choices.everything && (
                  <option value="" selected={scope === ''}>
                    {t.everything}
                  </option>
                )}
                {m.choices.agencies.length > 0 && (
                  <optgroup label={t.groupAgencies}>
                    {m.choices.agencies.map((a) => (
                      <option value={`agency:${a.code}`} selected={scope === `agency:${a.code}`}>
                        {a.name}
                      </option>
                    ))}
                  </optgroup>
                )}
                {m.choices.departments.length > 0 && (
                  <optgroup label={t.groupDepartments}>
                    {m.choices.departments.map((d) => (
                      <option
                        value={`department:${d.agency}/${d.code}`}
                        selected={scope === `department:${d.agency}/${d.code}`}
                      >
                        {d.name}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            </label>
            {m.choices.agents ? (
              <label>
                {t.agentOptional}
                <select name="agent">
                  <option value="">{t.agentAny}</option>
                  {m.choices.agents.map((a) => (
                    <option value={a.agentId} selected={agent === a.agentId}>
                      {`${a.name} (${a.where})`}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <Field label={t.agentTyped} name="agent" value={agent} dir="ltr" />
            )}
            <label>
              {t.gather}
              <select name="gather">
                {GATHER_CHOICES.map((g) => (
                  <option value={String(g)} selected={g === gather}>
                    {t.gatherChoice(g)}
                  </option>
                ))}
              </select>
            </label>
            <button class="primary" type="submit">
              {t.subscribe}
            </button>
          </form>
        </section>
      )}
    </>
  );
}

// /admin/mail ---------------------------------------------------------------------------------------------

export interface Receiver {
  username: string;
  role: string;
  scope: string;
  email: string | null;
  language: 'ar' | 'en';
  disabled: boolean;
  subscriptions: string[];
}

export interface MailRow {
  to: string;
  kind: string;
  subject: string;
  createdAt: string | null;
  state: string;
  attempts: number;
  lastResult: string | null;
}

export interface MailOverview {
  receivers: Receiver[];
  mails: MailRow[];
  total: number;
  page: number;
  pageSize: number;
}

export function renderMailOverview(c: PageCtx, o: MailOverview, state: PageState = {}): string {
  const t = mailAccountTexts(c.lang);
  const at = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const from = o.total === 0 ? 0 : o.page * o.pageSize + 1;
  const to = Math.min(o.total, (o.page + 1) * o.pageSize);
  const pageLink = (n: number) =>
    `/admin/mail${queryString({ lang: c.lang, page: n ? String(n) : undefined })}#mails`;
  return adminPage(
    c,
    t.mailTitle,
    <>
      <section id="receivers" aria-label={t.whoReceives}>
        <h2>{t.whoReceives}</h2>
        <p class="note">{t.whoHint}</p>
        {o.receivers.length ? (
          <ul class="people">
            {o.receivers.map((r) => (
              <li class="person" data-username={r.username}>
                <h3 class="person-name">
                  <bdi>{r.username}</bdi>
                </h3>
                <p class="person-facts">
                  <span>{rt.role[r.role] ?? r.role}</span>
                  {' · '}
                  <bdi>{r.scope}</bdi>
                  {r.disabled && <span class="badge">{at.disabled}</span>}
                </p>
                <p class="person-facts">
                  {r.email ? (
                    <>
                      <bdi dir="ltr" class="address">
                        {r.email}
                      </bdi>
                      {' · '}
                      {t.langName[r.language]}
                    </>
                  ) : (
                    <span class="badge">{t.noMailAddress}</span>
                  )}
                </p>
                {r.subscriptions.length ? (
                  <ul class="subscriptions">
                    {r.subscriptions.map((s) => (
                      <li>{s}</li>
                    ))}
                  </ul>
                ) : (
                  <p class="note">{t.nothingYet}</p>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.nobody}</p>
        )}
      </section>
      <section id="mails">
        <h2>{t.recentMails}</h2>
        <p id="mails-count">{t.mailsCount(from, to, o.total)}</p>
        {o.mails.length > 0 && (
          <Table
            headers={[t.when, t.to, at.kind, t.subject, t.state, t.attempts, t.lastResult]}
            rows={o.mails.map((m) => [
              <When iso={m.createdAt} t={at} />,
              <bdi dir="ltr">{m.to}</bdi>,
              t.mailKind[m.kind] ?? m.kind,
              <bdi>{m.subject}</bdi>,
              <span class={m.state === 'failed' ? 'badge' : undefined}>
                {t.mailState[m.state] ?? m.state}
              </span>,
              String(m.attempts),
              <bdi dir="ltr">{m.lastResult ?? ''}</bdi>,
            ])}
          />
        )}
        {(o.page > 0 || to < o.total) && (
          <p class="pager">
            {o.page > 0 && <a href={pageLink(o.page - 1)}>{t.newer}</a>}{' '}
            {to < o.total && <a href={pageLink(o.page + 1)}>{t.older}</a>}
          </p>
        )}
      </section>
    </>,
    state,
  );
}
