import { integrityTexts } from '../../i18n/integrity.js';
import { formatPercent, reportTexts, type ReportLang } from '../../i18n/reports.js';
import { esc, queryString } from '../../http/ui/html.js';
import { layout } from '../../http/ui/layout.js';
import type { Principal } from '../../auth/api-tokens.js';
import type { IntegrityReport, IntegrityRow, SignalValue } from './signals.js';

/** The auditors' page: every signal per agent and department, with its n, its threshold and a flag. */
export function renderIntegrityPage(
  lang: ReportLang,
  report: IntegrityReport,
  names: { agent: (id: string) => string },
  who: { principal?: Principal; csrf?: string } = {},
): string {
  const t = integrityTexts(lang);
  const rt = reportTexts(lang);
  const defs = report.definitions;
  const cell = (s: SignalValue) => {
    const def = defs.find((d) => d.key === s.key);
    const shown = def?.kind === 'rate' ? formatPercent(s.value) : String(s.count);
    return `<td data-signal="${s.key}" data-flagged="${s.flagged}">${s.flagged ? '⚑ ' : ''}${esc(shown)} <span class="note">(${rt.n}=${s.n})</span></td>`;
  };
  const table = (rows: IntegrityRow[], label: string, nameOf: (r: IntegrityRow) => string, id: string) => {
    const head = defs
      .map(
        (d) =>
          `<th scope="col">${esc(d[lang].name)}<br><span class="note">${esc(t.threshold)} ${d.kind === 'rate' ? formatPercent(d.threshold) : d.threshold}</span></th>`,
      )
      .join('');
    const body = rows
      .map(
        (r) =>
          `<tr data-key="${esc(r.key)}" data-flags="${esc(r.flagged.join(' '))}"><td><bdi>${esc(nameOf(r))}</bdi>${r.flagged.length > 0 ? `<span class="badge">${esc(t.flagged)} ${r.flagged.length}</span>` : ''}</td>${r.signals.map(cell).join('')}</tr>`,
      )
      .join('');
    return `<section aria-labelledby="h-${id}" id="${id}"><h2 id="h-${id}">${esc(label)}</h2><div class="table-wrap" tabindex="0" role="region" aria-labelledby="h-${id}"><table><thead><tr><th scope="col">${esc(label)}</th>${head}</tr></thead><tbody>${body || `<tr><td colspan="${defs.length + 1}">${esc(rt.noData)}</td></tr>`}</tbody></table></div></section>`;
  };
  const definitions = `<section aria-labelledby="h-signal-defs"><h2 id="h-signal-defs">${esc(t.definitions)}</h2><dl class="defs">${defs.map((d) => `<dt data-definition="${d.key}">${esc(d[lang].name)}</dt><dd>${esc(d[lang].definition)}</dd>`).join('')}</dl></section>`;
  const q = { from: report.filter.from, to: report.filter.to };
  const header = `<h1>${esc(t.title)}</h1><p><a href="/dashboard${queryString({ ...q, lang })}">${esc(t.back)}</a></p>`;
  const body = `<section><p>${esc(t.intro(report.filter.from, report.filter.to))}</p></section>${table(report.agents, t.agents, (r) => names.agent(r.key), 'agents')}${table(report.departments, t.departments, (r) => r.key, 'departments')}${definitions}`;
  return layout({
    lang,
    title: t.title,
    header,
    body,
    path: '/audit/integrity',
    query: q,
    ...(who.principal ? { principal: who.principal } : {}),
    ...(who.csrf ? { csrf: who.csrf } : {}),
  });
}
