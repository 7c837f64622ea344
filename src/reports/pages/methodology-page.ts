import { methodologyTexts, type MethodologyFacts } from '../../i18n/methodology.js';
import type { ReportLang } from '../../i18n/reports.js';
import { definitionsList } from './dashboard-page.js';
import { reportTexts } from '../../i18n/reports.js';
import { esc, layout, queryString } from './html.js';

/**
 * The public methodology page: how every figure on the public board is made, with the configured
 * numbers filled in, the formulas, and links to the per-day counts the board is computed from.
 */
export function renderMethodology(lang: ReportLang, facts: MethodologyFacts): string {
  const m = methodologyTexts(lang, facts);
  const t = reportTexts(lang);
  const other: ReportLang = lang === 'ar' ? 'en' : 'ar';
  const sections = m.sections
    .map(
      (s) =>
        `<section aria-labelledby="h-${s.id}" data-section="${s.id}"><h2 id="h-${s.id}">${esc(s.title)}</h2>${s.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}</section>`,
    )
    .join('');
  const download = `<section aria-labelledby="h-download"><h2 id="h-download">${esc(m.download)}</h2><p class="note">${esc(m.downloadNote)}</p>
<div class="exports"><a class="button" href="/public/counts.csv" download data-download="csv">CSV</a><a class="button" href="/public/counts.json" download data-download="json">JSON</a></div></section>`;
  const header = `<header class="top"><h1>${esc(m.title)}</h1><div class="who"><a href="/public/methodology${queryString({ lang: other })}" lang="${other}">${esc(m.otherLanguage)}</a><a href="/public${queryString({ lang })}">${esc(m.back)}</a></div></header>`;
  return layout({
    lang,
    title: `${m.title} · ${t.appName}`,
    header,
    body: `${sections}${download}${definitionsList(lang, t.definitions)}`,
  });
}
