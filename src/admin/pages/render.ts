import type { Principal } from '../../auth/api-tokens.js';
import { HttpError } from '../../http/errors.js';
import { adminTexts, type AdminTexts } from '../../i18n/admin.js';
import { esc } from '../../http/ui/html.js';
import { layout } from '../../http/ui/layout.js';

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
    body: `<h1>${esc(title)}</h1>${top}${body}`,
    principal: c.p,
    csrf: c.csrf,
    path: c.path,
  });
}

export function table(headers: string[], rows: string[][]): string {
  // Focusable, so a keyboard can scroll a table wider than the screen (WCAG 2.1.1).
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(headers[0] ?? '')}"><table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

export function when(iso: string | null | undefined, t: AdminTexts): string {
  return iso ? `<bdi>${esc(iso.replace('T', ' ').slice(0, 19))}</bdi>` : esc(t.never);
}
