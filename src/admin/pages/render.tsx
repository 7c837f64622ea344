import { h, type ComponentChildren } from 'preact';
import type { Principal } from '../../auth/api-tokens.js';
import { HttpError } from '../../http/errors.js';
import { adminTexts, type AdminTexts } from '../../i18n/admin.js';
import { renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';

/**
 * Shared pieces of the /admin pages, as components in the one layout (no script): every text and
 * attribute is escaped by the renderer, so no piece here escapes anything by hand.
 */

export type Lang = 'ar' | 'en';

export interface PageState {
  notice?: string;
  error?: HttpError;
  /** A secret, link or token shown once, right after it was made. */
  once?: { label: string; value: string };
  /** More after the notice (import report, receiver's answer). */
  extra?: ComponentChildren;
  /** What the person typed, shown again (the CSV after a dry run, to import it next). */
  form?: Record<string, string>;
}

export interface PageCtx {
  lang: Lang;
  p: Principal;
  csrf: string;
  path: string;
  /** Whether the sandbox phone is mounted, for the menu. */
  sandbox?: boolean;
}

/** The session's CSRF token and the page's language, in every form that changes something. */
export function Hidden({ c }: { c: PageCtx }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={c.csrf} />
      <input type="hidden" name="lang" value={c.lang} />
    </>
  );
}

export interface FieldProps {
  label: string;
  name: string;
  value?: string;
  type?: 'text' | 'password' | 'date' | 'number' | 'url' | 'email';
  dir?: 'ltr' | 'rtl';
  lang?: string;
  required?: boolean;
  readonly?: boolean;
  placeholder?: string;
  inputmode?: string;
  min?: number;
  max?: number;
  step?: number;
  autocomplete?: string;
  minlength?: number;
}

export function Field({ label, value = '', ...attrs }: FieldProps) {
  return (
    <label>
      {label}
      {/* Built with h(): JSX types an input by its `type`, which is a prop here. */}
      {h('input', { value, ...attrs })}
    </label>
  );
}

/** A one-button form (a POST that changes something, with the session's CSRF token). */
export function PostButton(p: {
  c: PageCtx;
  action: string;
  label: string;
  id?: string;
  children?: ComponentChildren;
}) {
  return (
    <form class="inline" method="post" action={p.action}>
      <Hidden c={p.c} />
      {p.children}
      <button class="small" type="submit" id={p.id}>
        {p.label}
      </button>
    </form>
  );
}

function ErrorBlock({ t, err, lang }: { t: AdminTexts; err: HttpError; lang: Lang }) {
  const details = err.details as
    { fields?: { field: string; message: string; messageAr?: string }[] } | undefined;
  const fields = details?.fields ?? [];
  // In Arabic: zod's Arabic message, and ours (English) beside it when it says more.
  const message = (f: { message: string; messageAr?: string }) =>
    lang === 'ar' && f.messageAr ? (
      <>
        {f.messageAr}
        {f.messageAr !== f.message && (
          <>
            {' '}
            <bdi lang="en" dir="ltr">
              ({f.message})
            </bdi>
          </>
        )}
      </>
    ) : (
      f.message
    );
  return (
    <div class="error" role="alert">
      <strong>{t.errorTitle}</strong>:{' '}
      {fields.length ? (
        <ul>
          {fields.map((f) => (
            <li>
              <bdi>{f.field}</bdi>: {message(f)}
            </li>
          ))}
        </ul>
      ) : (
        err.message
      )}
    </div>
  );
}

/** One administration page: its heading, what the last request did, then its sections. */
export function adminPage(c: PageCtx, title: string, body: ComponentChildren, state: PageState = {}): string {
  const t = adminTexts(c.lang);
  return renderDocument(
    <Page
      lang={c.lang}
      title={`${title} · ${t.title}`}
      heading={title}
      principal={c.p}
      csrf={c.csrf}
      path={c.path}
      sandbox={c.sandbox === true}
    >
      {state.error && <ErrorBlock t={t} err={state.error} lang={c.lang} />}
      {state.notice && (
        <p class="ok" role="status">
          {state.notice}
        </p>
      )}
      {state.once && (
        <div class="once" role="status">
          <strong>{state.once.label}</strong>
          <code id="once">{state.once.value}</code>
        </div>
      )}
      {state.extra}
      {body}
    </Page>,
  );
}

/**
 * A table in its own box that scrolls sideways (focusable, so a keyboard can scroll it: WCAG 2.1.1).
 * `labels`: the first column names each row, so it and the headers wrap on a phone and the values
 * (dates, counts) stay in view instead of scrolling off.
 */
export function Table({
  headers,
  rows,
  labels = false,
}: {
  headers: string[];
  rows: ComponentChildren[][];
  labels?: boolean;
}) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={headers[0] ?? ''}>
      <table class={labels ? 'labels' : undefined}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {r.map((cell) => (
                <td>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function When({ iso, t }: { iso: string | null | undefined; t: AdminTexts }) {
  return iso ? <bdi>{iso.replace('T', ' ').slice(0, 19)}</bdi> : <>{t.never}</>;
}
