import type { Principal } from '../../auth/api-tokens.js';
import { renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { importTexts } from '../../i18n/imports.js';
import type { UiLang } from '../../i18n/ui.js';
import { ARABIC_NAMES, IMPORT_FIELDS } from '../../tickets/imports/headers.js';
import type { ImportView } from './service.js';

/**
 * /admin/imports: upload a closures file, see it run (the script polls GET /api/imports), download
 * each import's result, and keep the agency's own column names. Everything but the upload works
 * without the script.
 */

export interface ImportsPageProps {
  lang: UiLang;
  principal: Principal;
  csrf: string;
  /** The agency whose column names are shown (the agency admin's, or ?agency= for an admin). */
  agency: string | undefined;
  mapping: Record<string, string>;
  imports: ImportView[];
  saved: boolean;
}

const MAPPING_ROWS = 4;

function Progress({ lang, i }: { lang: UiLang; i: ImportView }) {
  const t = importTexts(lang);
  return (
    <tr data-import={i.id} data-status={i.status}>
      <td>
        <time dateTime={i.startedAt}>{i.startedAt.replace('T', ' ').slice(0, 19)}</time>
      </td>
      <td>
        <bdi>{i.by}</bdi>
      </td>
      <td>
        <bdi>{i.agency ?? '—'}</bdi>
      </td>
      <td>{t.statuses[i.status] ?? i.status}</td>
      <td data-count="rows">{i.rows}</td>
      <td data-count="accepted">{i.accepted}</td>
      <td data-count="alreadyImported">{i.alreadyImported}</td>
      <td data-count="refused">{i.refused}</td>
      <td>
        <a href={i.resultUrl} download>
          {t.download}
        </a>
      </td>
    </tr>
  );
}

export function renderImportsPage(p: ImportsPageProps): string {
  const t = importTexts(p.lang);
  const entries = Object.entries(p.mapping);
  const rows = [
    ...entries,
    ...Array.from({ length: MAPPING_ROWS }, () => ['', ''] as [string, string]),
  ].slice(0, Math.max(MAPPING_ROWS, entries.length + 1));
  const isAdmin = p.principal.role === 'admin';
  return renderDocument(
    <Page
      lang={p.lang}
      title={t.title}
      heading={t.title}
      principal={p.principal}
      csrf={p.csrf}
      path="/admin/imports"
      query={p.agency && isAdmin ? { agency: p.agency } : {}}
    >
      <p>{t.intro}</p>
      <section aria-labelledby="h-upload">
        <h2 id="h-upload">{t.upload}</h2>
        <form id="import-form" class="box" data-csrf={p.csrf} data-lang={p.lang}>
          <p>
            <label for="import-file">{t.file}</label>
            <input id="import-file" name="file" type="file" required accept=".csv,.xlsx,text/csv" />
          </p>
          {isAdmin && (
            <p>
              <label for="import-agency">{t.agency}</label>
              <input id="import-agency" name="agency" value={p.agency ?? ''} dir="ltr" />
              <span class="note">{t.agencyHint}</span>
            </p>
          )}
          <p>
            <label>
              <input type="checkbox" name="dryRun" value="1" /> {t.dryRun}
            </label>
          </p>
          <button type="submit" class="primary">
            {t.send}
          </button>
          <noscript>
            <p class="note">{t.noScript}</p>
          </noscript>
        </form>
        <div id="import-progress" role="status" aria-live="polite" aria-label={t.progress}></div>
      </section>
      <section aria-labelledby="h-history">
        <h2 id="h-history">{t.history}</h2>
        {p.imports.length === 0 ? (
          <p>{t.nothingYet}</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="h-history">
            <table id="imports">
              <thead>
                <tr>
                  <th scope="col">{t.started}</th>
                  <th scope="col">{t.by}</th>
                  <th scope="col">{t.agency}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.rows}</th>
                  <th scope="col">{t.accepted}</th>
                  <th scope="col">{t.alreadyImported}</th>
                  <th scope="col">{t.refused}</th>
                  <th scope="col">{t.result}</th>
                </tr>
              </thead>
              <tbody>
                {p.imports.map((i) => (
                  <Progress key={i.id} lang={p.lang} i={i} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {p.agency && (
        <section aria-labelledby="h-mapping">
          <h2 id="h-mapping">{t.mapping}</h2>
          <p>{t.mappingIntro}</p>
          {p.saved && (
            <p class="ok" role="status">
              {t.mappingSaved}
            </p>
          )}
          <form method="post" action={`/admin/imports/mapping?lang=${p.lang}`} class="box">
            <input type="hidden" name="_csrf" value={p.csrf} />
            <input type="hidden" name="agency" value={p.agency} />
            {rows.map(([header, field], n) => (
              <p key={n}>
                <label for={`h-${n}`}>{t.theirHeader}</label>
                <input id={`h-${n}`} name="header" value={header} />
                <label for={`f-${n}`}>{t.ourField}</label>
                <select id={`f-${n}`} name="field">
                  <option value="">{t.none}</option>
                  {IMPORT_FIELDS.map((f) => (
                    <option value={f} selected={f === field}>
                      {`${f} — ${t.fields[f] ?? f}`}
                    </option>
                  ))}
                </select>
              </p>
            ))}
            <button type="submit" class="primary">
              {t.saveMapping}
            </button>
          </form>
        </section>
      )}
      <section aria-labelledby="h-columns">
        <h2 id="h-columns">{t.columns}</h2>
        <ul>
          {IMPORT_FIELDS.map((f) => (
            <li key={f}>
              <code>{f}</code> · <bdi>{ARABIC_NAMES[f].join('، ')}</bdi>
            </li>
          ))}
        </ul>
      </section>
      <script src="/admin/imports/imports.js" defer></script>
    </Page>,
  );
}
