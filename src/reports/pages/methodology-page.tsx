import { methodologyTexts, type MethodologyFacts } from '../../i18n/methodology.js';
import type { ReportLang } from '../../i18n/reports.js';
import { Definitions } from './dashboard-page.js';
import { reportTexts } from '../../i18n/reports.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';

/**
 * The public methodology page: how every figure on the public board is made, with the configured
 * numbers filled in, the formulas, and links to the per-day counts the board is computed from.
 */
export function renderMethodology(lang: ReportLang, facts: MethodologyFacts): string {
  const m = methodologyTexts(lang, facts);
  const t = reportTexts(lang);
  return renderDocument(
    <Page lang={lang} title={m.title} heading={m.title} path="/public/methodology" anonymous>
      {m.sections.map((s) => (
        <section aria-labelledby={`h-${s.id}`} data-section={s.id}>
          <h2 id={`h-${s.id}`}>{s.title}</h2>
          {s.paragraphs.map((p) => (
            <p>{p}</p>
          ))}
        </section>
      ))}
      <section aria-labelledby="h-download">
        <h2 id="h-download">{m.download}</h2>
        <p class="note">{m.downloadNote}</p>
        <div class="exports">
          <a class="button" href="/public/counts.csv" download data-download="csv">
            CSV
          </a>
          <a class="button" href="/public/counts.json" download data-download="json">
            JSON
          </a>
        </div>
      </section>
      <p>
        <a href={`/public${queryString({ lang })}`}>{m.back}</a>
      </p>
      <Definitions lang={lang} title={t.definitions} />
    </Page>,
  );
}
