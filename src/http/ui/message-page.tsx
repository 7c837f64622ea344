import type { Principal } from '../../auth/api-tokens.js';
import type { UiLang } from '../../i18n/ui.js';
import { queryString, renderDocument } from './html.js';
import { Page } from './layout.js';

/**
 * A refusal said to a person (no access, an out-of-date form): in the one layout, in their
 * language, with the way back, rather than the API's JSON.
 */
export function renderMessagePage(opts: {
  lang: UiLang;
  title: string;
  message: string;
  path: string;
  back?: { href: string; label: string };
  principal?: Pick<Principal, 'role' | 'name' | 'scope'>;
  csrf?: string;
}): string {
  return renderDocument(
    <Page
      lang={opts.lang}
      title={opts.title}
      path={opts.path}
      {...(opts.principal ? { principal: opts.principal, csrf: opts.csrf ?? '' } : { anonymous: true })}
    >
      <section>
        <h1>{opts.title}</h1>
        <p class="error" role="alert">
          {opts.message}
        </p>
        {opts.back && (
          <p>
            <a href={`${opts.back.href}${queryString({ lang: opts.lang })}`}>{opts.back.label}</a>
          </p>
        )}
      </section>
    </Page>,
  );
}
