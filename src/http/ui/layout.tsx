import type { ComponentChildren } from 'preact';
import type { Principal } from '../../auth/api-tokens.js';
import { uiTexts, type UiLang } from '../../i18n/ui.js';
import { reportTexts } from '../../i18n/reports.js';
import { queryString } from './html.js';
import { menuFor } from './menu.js';
import { STYLE } from './style.js';

/**
 * The one layout of every page: header (who is signed in, the other language, sign out), the menu of
 * every page the reader's role may open, the content, a footer naming the time zone. Server-side
 * JSX: every text and attribute passes through preact-render-to-string, which escapes it.
 */

export interface PageProps {
  lang: UiLang;
  title: string;
  /** The page's own heading, under the menu. */
  heading?: string;
  principal?: Pick<Principal, 'role' | 'name' | 'scope'>;
  /** The session's CSRF token, for the sign-out form. */
  csrf?: string;
  /** This page's path and query without the language: the language switch keeps them. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Whether the sandbox phone is mounted (sandbox mode only). */
  sandbox?: boolean;
  /** Pages served to the public say nothing of who is signed in. */
  anonymous?: boolean;
  /** More in the head: the sandbox phone's own script and the data it reads. */
  head?: ComponentChildren;
  children?: ComponentChildren;
}

export function Page(p: PageProps) {
  const t = uiTexts(p.lang);
  const rt = reportTexts(p.lang);
  const other: UiLang = p.lang === 'ar' ? 'en' : 'ar';
  const who = p.anonymous ? undefined : p.principal;
  const menu = menuFor(who?.role, p.lang, p.sandbox === undefined ? {} : { sandbox: p.sandbox });
  const scope = who?.scope ? [who.scope.agency, who.scope.department].filter(Boolean).join(' / ') : '';
  return (
    <html lang={p.lang} dir={p.lang === 'ar' ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{`${p.title} · ${rt.appName}`}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
        {p.head}
      </head>
      <body>
        <a class="skip" href="#content">
          {t.skip}
        </a>
        <header class="top">
          <a class="brand" href={`/${queryString({ lang: p.lang })}`}>
            {rt.appName}
          </a>
          <div class="who">
            {who && (
              <span>
                {rt.signedInAs}: <bdi>{who.name}</bdi> ({rt.role[who.role] ?? who.role}
                {scope && (
                  <>
                    {' · '}
                    <bdi>{scope}</bdi>
                  </>
                )}
                )
              </span>
            )}
            <a href={`${p.path}${queryString({ ...p.query, lang: other })}`} lang={other}>
              {t.otherLanguage}
            </a>
            {who ? (
              <form method="post" action="/logout">
                <input type="hidden" name="_csrf" value={p.csrf ?? ''} />
                <button type="submit">{rt.signOut}</button>
              </form>
            ) : (
              p.path !== '/login' && <a href={`/login${queryString({ lang: p.lang })}`}>{t.signIn}</a>
            )}
          </div>
        </header>
        <nav class="menu" aria-label={t.menuLabel}>
          <ul>
            {menu.map((m) => (
              <li key={m.path}>
                <a
                  href={m.lang ? `${m.path}${queryString({ lang: p.lang })}` : m.path}
                  aria-current={m.path === p.path ? 'page' : undefined}
                >
                  {m.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="content">
          {p.heading && <h1>{p.heading}</h1>}
          {p.children}
        </main>
        <footer class="bottom">{t.footer}</footer>
      </body>
    </html>
  );
}
