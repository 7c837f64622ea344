import { reportTexts, type ReportLang } from '../i18n/reports.js';
import { queryString, renderDocument } from '../http/ui/html.js';
import { Page } from '../http/ui/layout.js';

/** The sign-in page: the one form, the way to the other language and to the public board. */
export function renderLoginPage(lang: ReportLang, next: string, error?: string): string {
  const t = reportTexts(lang);
  const other: ReportLang = lang === 'ar' ? 'en' : 'ar';
  return renderDocument(
    <Page lang={lang} title={t.loginTitle} path="/login" query={{ next }} anonymous>
      <section class="login">
        <h1>{t.loginTitle}</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next} />
          <input type="hidden" name="lang" value={lang} />
          <label>
            {t.username}
            <input name="username" autocomplete="username" required autofocus dir="ltr" />
          </label>
          <label>
            {t.password}
            <input name="password" type="password" autocomplete="current-password" required dir="ltr" />
          </label>
          <button class="primary" type="submit">
            {t.signIn}
          </button>
        </form>
        <p class="note">
          <a href={`/login${queryString({ next, lang: other })}`} lang={other}>
            {t.otherLanguage}
          </a>
          {' · '}
          <a href={`/public${queryString({ lang })}`}>{t.publicLink}</a>
        </p>
      </section>
    </Page>,
  );
}
