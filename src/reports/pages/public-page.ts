import type { Models } from '../../db/models/index.js';
import { formatPercent, reportTexts, type ReportLang } from '../../i18n/reports.js';
import { buildSummary, type ReportGroup } from '../sums/aggregate.js';
import { barList, COLORS } from './charts.js';
import { definitionsList } from './dashboard-page.js';
import { esc, layout, queryString } from './html.js';
import { definitionOf } from '../sums/metrics.js';
import { addDays, localToday } from '../periods.js';

/**
 * The public scoreboard: per agency only, the last 90 days, the written definitions, and nothing that
 * names a person (no agents, no departments, no phone numbers). Computed at most once a minute per
 * web process, so a busy public page costs one aggregation a minute.
 */

export const PUBLIC_DAYS = 90;
const CACHE_MS = 60_000;

export interface PublicBoard {
  from: string;
  to: string;
  minN: number;
  agencies: { code: string; name: { ar: string; en: string }; group: ReportGroup }[];
}

export function publicBoardLoader(
  models: Models,
  opts: { timeZone: string; minN: number },
): () => Promise<PublicBoard> {
  let cached: { at: number; board: Promise<PublicBoard> } | undefined;
  const load = async (): Promise<PublicBoard> => {
    const to = localToday(opts.timeZone);
    const from = addDays(to, -(PUBLIC_DAYS - 1));
    const [summary, agencies] = await Promise.all([
      buildSummary(models, { from, to }, 'agency', opts.minN),
      models.Agency.find({}, { code: 1, name: 1, publicName: 1 }).limit(500).lean(),
    ]);
    const names = new Map(
      // The public display name set in the administration, else the agency's name, else its code.
      agencies.map((a) => [
        a.code,
        { ar: a.publicName?.ar || a.name?.ar || a.code, en: a.publicName?.en || a.name?.en || a.code },
      ]),
    );
    return {
      from,
      to,
      minN: opts.minN,
      agencies: summary.groups.map((g) => ({
        code: g.key,
        name: names.get(g.key) ?? { ar: g.key, en: g.key },
        group: g,
      })),
    };
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > CACHE_MS) {
      const board = load();
      cached = { at: now, board };
      // A failed load must not be served from the cache for a minute.
      board.catch(() => {
        if (cached?.board === board) cached = undefined;
      });
    }
    return cached.board;
  };
}

export function renderPublicBoard(lang: ReportLang, board: PublicBoard): string {
  const t = reportTexts(lang);
  const other: ReportLang = lang === 'ar' ? 'en' : 'ar';
  const vrr = definitionOf('verifiedResolutionRate')[lang].name;
  const fcr = definitionOf('falseClosureRate')[lang].name;
  const rows = board.agencies
    .map(({ code, name, group: g }) => {
      const m = g.metrics;
      return `<tr class="${g.lowN ? 'low-n' : ''}" data-agency="${esc(code)}"><td>${g.rank ?? '–'}</td><td><bdi>${esc(name[lang])}</bdi>${g.lowN ? `<span class="badge">${esc(t.lowN)}</span>` : ''}</td>
<td>${esc(formatPercent(m.verifiedResolutionRate.value))} <span class="note">(${t.n}=${m.verifiedResolutionRate.n})</span></td>
<td>${esc(formatPercent(m.falseClosureRate.value))} <span class="note">(${t.n}=${m.falseClosureRate.n})</span></td><td>${m.answers}</td></tr>`;
    })
    .join('');
  const chart = barList({
    title: vrr,
    rtl: lang === 'ar',
    emptyText: t.noData,
    bars: board.agencies.map(({ name, group: g }) => ({
      label: name[lang],
      share: g.metrics.verifiedResolutionRate.value ?? 0,
      text: `${formatPercent(g.metrics.verifiedResolutionRate.value)}${g.lowN ? ` · ${t.lowN}` : ''}`,
      muted: g.lowN,
      color: COLORS.resolved,
    })),
  });
  const body = `<section><p>${esc(t.publicIntro(board.from, board.to))}</p><p class="note">${esc(t.publicNoPersonal)}</p></section>
<section aria-labelledby="h-board"><h2 id="h-board">${esc(vrr)}</h2>${chart}
<div class="table-wrap"><table><thead><tr><th scope="col">${esc(t.rank)}</th><th scope="col">${esc(t.agency)}</th><th scope="col">${esc(vrr)}</th><th scope="col">${esc(fcr)}</th><th scope="col">${esc(t.responses)}</th></tr></thead>
<tbody>${rows || `<tr><td colspan="5">${esc(t.noData)}</td></tr>`}</tbody></table></div><p class="note">${esc(t.lowNNote(board.minN))}</p></section>
${definitionsList(lang, t.definitions)}`;
  const header = `<header class="top"><h1>${esc(t.publicTitle)}</h1><div class="who"><a href="/public${queryString({ lang: other })}" lang="${other}">${esc(t.otherLanguage)}</a><a href="/dashboard${queryString({ lang })}">${esc(t.dashboardLink)}</a></div></header>`;
  return layout({ lang, title: `${t.publicTitle} · ${t.appName}`, header, body });
}
