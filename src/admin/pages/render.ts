import type { Principal } from '../../auth/api-tokens.js';
import { HttpError } from '../../http/errors.js';
import { adminTexts, type AdminTexts } from '../../i18n/admin.js';
import { reportTexts } from '../../i18n/reports.js';
import { retentionTexts } from '../../i18n/retention.js';
import { esc, layout, queryString } from '../../reports/pages/html.js';

/** Shared pieces of the /admin pages: the same layout and policy as the dashboard (no script). */

export type Lang = 'ar' | 'en';

export interface PageState {
  notice?: string;
  error?: HttpError;
  /** A secret, link or token shown once, right after it was made. */
  once?: { label: string; value: string };
  /** Extra HTML after the notice (import report, receiver's answer). */
  extra?: string;
  /** What the person typed, shown again (the CSV after a dry run, to import it next). */
  form?: Record<string, string>;
}

export interface PageCtx {
  lang: Lang;
  p: Principal;
  csrf: string;
  path: string;
}

export const ADMIN_CSS = `
nav.admin{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:0 0 1rem}
nav.admin a{color:#0b5d34}
form.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.6rem;align-items:end}
form.grid label,form.stack label{display:grid;gap:.2rem;font-size:.85rem;color:#44554b}
form.stack{display:grid;gap:.6rem;max-width:40rem}
form.inline{display:inline}
fieldset{border:1px solid #dde5e0;border-radius:.5rem}
textarea{font:inherit;width:100%;min-height:8rem;padding:.45rem;border:1px solid #9fb0a6;border-radius:.4rem;direction:ltr}
.once{background:#fff8e1;border:1px solid #e8cf7a;border-radius:.5rem;padding:.7rem}
.once code{display:block;font-size:1rem;word-break:break-all;direction:ltr;text-align:left;margin-top:.4rem}
.ok{background:#e8f5ec;border:1px solid #a6d6b5;border-radius:.5rem;padding:.6rem .8rem}
pre{white-space:pre-wrap;word-break:break-all;direction:ltr;text-align:left;font-size:.8rem;margin:0}
button.small{font:inherit;font-size:.85rem;padding:.25rem .6rem;border:1px solid #0b5d34;border-radius:.4rem;background:#fff;color:#0b5d34;cursor:pointer}
`;

export function hidden(c: PageCtx): string {
  return `<input type="hidden" name="_csrf" value="${esc(c.csrf)}"><input type="hidden" name="lang" value="${c.lang}">`;
}

export function field(label: string, name: string, value = '', attrs = ''): string {
  return `<label>${esc(label)}<input name="${name}" value="${esc(value)}" ${attrs}></label>`;
}

/** A one-button form (a POST that changes something, with the session's CSRF token). */
export function postButton(
  c: PageCtx,
  action: string,
  label: string,
  opts: { fields?: string; id?: string } = {},
): string {
  return `<form class="inline" method="post" action="${esc(action)}">${hidden(c)}${opts.fields ?? ''}<button class="small" type="submit"${opts.id ? ` id="${esc(opts.id)}"` : ''}>${esc(label)}</button></form>`;
}

function errorBlock(t: AdminTexts, err: HttpError, lang: 'ar' | 'en'): string {
  const details = err.details as
    { fields?: { field: string; message: string; messageAr?: string }[] } | undefined;
  const fields = details?.fields ?? [];
  // In Arabic: zod's Arabic message, and ours (English) beside it when it says more.
  const message = (f: { message: string; messageAr?: string }) =>
    lang === 'ar' && f.messageAr
      ? `${esc(f.messageAr)}${f.messageAr === f.message ? '' : ` <bdi lang="en" dir="ltr">(${esc(f.message)})</bdi>`}`
      : esc(f.message);
  return `<div class="error" role="alert"><strong>${esc(t.errorTitle)}</strong>: ${
    fields.length
      ? `<ul>${fields.map((f) => `<li><bdi>${esc(f.field)}</bdi>: ${message(f)}</li>`).join('')}</ul>`
      : esc(err.message)
  }</div>`;
}

export function adminPage(c: PageCtx, title: string, body: string, state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const rt = reportTexts(c.lang);
  const other: Lang = c.lang === 'ar' ? 'en' : 'ar';
  const admin = c.p.role === 'admin' || c.p.role === 'agency_admin' || c.p.role === 'auditor';
  const nav = admin
    ? `<nav class="admin">${[
        ['/admin', t.agencies],
        ['/admin/users', t.users],
        ['/admin/tokens', t.tokens],
        ['/admin/audit', t.audit],
        ['/admin/unknown-codes', t.unknownCodes],
        ...(c.p.role === 'admin' ? [['/admin/erasure', retentionTexts(c.lang).nav]] : []),
        ['/account', t.account],
        ['/dashboard', t.dashboard],
      ]
        .map(([href, label]) => `<a href="${href}${queryString({ lang: c.lang })}">${esc(label ?? '')}</a>`)
        .join('')}</nav>`
    : '';
  const header = `<header class="top"><h1>${esc(t.title)}</h1><div class="who"><span>${esc(t.signedInAs)}: <bdi>${esc(c.p.name)}</bdi> (${esc(rt.role[c.p.role] ?? c.p.role)}${c.p.scope.agency ? ` · <bdi>${esc([c.p.scope.agency, c.p.scope.department].filter(Boolean).join(' / '))}</bdi>` : ''})</span>
<a href="${esc(c.path)}${queryString({ lang: other })}" lang="${other}">${esc(t.otherLanguage)}</a>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(c.csrf)}"><button type="submit">${esc(t.signOut)}</button></form></div></header>`;
  const top = [
    state.error ? errorBlock(t, state.error, c.lang) : '',
    state.notice ? `<p class="ok" role="status">${esc(state.notice)}</p>` : '',
    state.once
      ? `<div class="once" role="status"><strong>${esc(state.once.label)}</strong><code id="once">${esc(state.once.value)}</code></div>`
      : '',
    state.extra ?? '',
  ].join('');
  return layout({
    lang: c.lang,
    title: `${title} · ${t.title}`,
    header,
    body: `<style>${ADMIN_CSS}</style>${nav}<h2>${esc(title)}</h2>${top}${body}`,
  });
}

export function table(headers: string[], rows: string[][]): string {
  return `<div class="table-wrap"><table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

export function when(iso: string | null | undefined, t: AdminTexts): string {
  return iso ? `<bdi>${esc(iso.replace('T', ' ').slice(0, 19))}</bdi>` : esc(t.never);
}
