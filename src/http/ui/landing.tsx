import { Router } from 'express';
import { sessionPrincipal, type AuthDeps } from '../../auth/principal.js';
import { sessionCsrf } from '../../auth/session-csrf.js';
import type { AppContext } from '../../context.js';
import { uiTexts } from '../../i18n/ui.js';
import { queryString, renderDocument, sendPage } from './html.js';
import { Page } from './layout.js';
import { menuFor } from './menu.js';

/** The mark in the tab: a tick in the header's green (SVG, so one small file serves every size). */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b5d34"/><path d="M8 17l5 5 11-12" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/**
 * `/`: a person who opens the address is shown where to go, not a JSON 404. Signed in, the pages
 * their role works on; not signed in, the public board and the sign-in.
 */
export function landingRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  router.get('/favicon.svg', (_req, res) => {
    res.set({ 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }).send(FAVICON);
  });
  // Browsers ask for /favicon.ico whatever the page says: send them to the one mark.
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'));
  router.get('/', async (req, res) => {
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    const t = uiTexts(lang);
    const principal = await sessionPrincipal(auth, req);
    const pages = menuFor(principal?.role, lang, { sandbox: ctx.sandbox !== undefined });
    sendPage(
      res,
      200,
      renderDocument(
        <Page
          lang={lang}
          title={t.landingTitle}
          heading={t.landingTitle}
          path="/"
          {...(principal
            ? { principal, csrf: sessionCsrf(ctx.config.admin.secretsKey, req) ?? '' }
            : { anonymous: true })}
        >
          <section>
            <p>{t.landingIntro}</p>
          </section>
          <div class="landing">
            {principal ? (
              <section aria-labelledby="h-work">
                <h2 id="h-work">{t.landingWork}</h2>
                <ul>
                  {pages.map((p) => (
                    <li>
                      <a href={p.lang ? `${p.path}${queryString({ lang })}` : p.path}>{p.label}</a>
                    </li>
                  ))}
                </ul>
              </section>
            ) : (
              <section aria-labelledby="h-signin">
                <h2 id="h-signin">{t.signIn}</h2>
                <p>{t.landingSignIn}</p>
                <a class="button" href={`/login${queryString({ lang })}`}>
                  {t.signIn}
                </a>
              </section>
            )}
            <section aria-labelledby="h-public">
              <h2 id="h-public">{t.publicBoard}</h2>
              <p>{t.landingPublic}</p>
              <a class="button" href={`/public${queryString({ lang })}`}>
                {t.publicBoard}
              </a>
            </section>
          </div>
        </Page>,
      ),
    );
  });
  return router;
}
