import { Router } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { uiTexts } from '../../i18n/ui.js';
import { buildOpenApiDocument, inputJsonSchema, openApiPath } from '../openapi/document.js';
import type { ApiRouteDoc } from '../openapi/route-doc.js';
import { renderDocument, sendPage } from './html.js';
import { Page } from './layout.js';

/**
 * `/api/openapi.json` (the OpenAPI 3.1 document, no sign-in: it describes, it grants nothing) and
 * `/api/docs`, the same routes as a page to read: one section per tag, each route with its
 * parameters, request schema and example, and the answers it gives. Built once at start: the routes
 * do not change while the process runs.
 */
export function apiReferenceRouter(ctx: AppContext, routes: readonly ApiRouteDoc[], version: string): Router {
  const router = Router();
  const document = buildOpenApiDocument(routes, { version, serverUrl: ctx.config.publicBaseUrl });
  const json = JSON.stringify(document);
  router.get('/api/openapi.json', (_req, res) => {
    res
      .set({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' })
      .send(json);
  });
  router.get('/api/docs', (req, res) => {
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    sendPage(res, 200, renderDocument(<Reference lang={lang} routes={routes} />), {
      cache: 'public, max-age=300',
    });
  });
  return router;
}

function Reference({ lang, routes }: { lang: 'ar' | 'en'; routes: readonly ApiRouteDoc[] }) {
  const t = uiTexts(lang);
  const tags = [...new Set(routes.map((r) => r.tag))].sort();
  return (
    <Page lang={lang} title={t.apiReference} heading={t.apiReference} path="/api/docs" anonymous>
      <p>
        {t.apiIntro}{' '}
        <span dir="ltr">
          <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1)
        </span>
      </p>
      <nav aria-label={t.apiReference}>
        <ul>
          {tags.map((tag) => (
            <li>
              <a href={`#tag-${tag}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {routes
            .filter((r) => r.tag === tag)
            .map((r) => (
              <Operation route={r} lang={lang} />
            ))}
        </section>
      ))}
    </Page>
  );
}

function Operation({ route, lang }: { route: ApiRouteDoc; lang: 'ar' | 'en' }) {
  const t = uiTexts(lang);
  const fields = (where: string, shape: Record<string, z.ZodType> | undefined) =>
    Object.entries(shape ?? {}).map(([name, f]) => ({ name, where, f }));
  const params = [...fields('path', route.params?.shape), ...fields('query', route.query?.shape)];
  return (
    <article class="api-op" lang="en" dir="ltr">
      <h3>
        <code>
          {route.method.toUpperCase()} {openApiPath(route.path)}
        </code>
      </h3>
      <p>{route.summary}</p>
      {route.description && <p>{route.description}</p>}
      <p>
        <span lang={lang} dir={lang === 'ar' ? 'rtl' : 'ltr'}>
          {t.apiAuth}: {t.apiAuthKinds[route.security]}
        </span>
        {route.roles && ` · roles: ${route.roles.join(', ')}`}
      </p>
      {params.length > 0 && (
        <details>
          <summary>{t.apiParameters}</summary>
          <pre>
            {params.map((p) => `${p.where} ${p.name}: ${JSON.stringify(inputJsonSchema(p.f))}`).join('\n')}
          </pre>
        </details>
      )}
      {route.body && (
        <details>
          <summary>
            {t.apiRequest} ({route.body.contentType})
          </summary>
          <pre>{JSON.stringify(inputJsonSchema(route.body.schema), null, 2)}</pre>
          {route.body.example !== undefined && (
            <>
              <p>{t.apiExample}</p>
              <pre>{JSON.stringify(route.body.example, null, 2)}</pre>
            </>
          )}
        </details>
      )}
      <details>
        <summary>{t.apiResponses}</summary>
        <ul>
          {Object.entries(route.responses).map(([status, r]) => (
            <li>
              <code>{status}</code> {r.description}
            </li>
          ))}
        </ul>
      </details>
    </article>
  );
}
