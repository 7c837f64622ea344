import type { Models } from '../../db/models/index.js';
import {
  formatPercent,
  formatPlusMinus,
  formatRank,
  reportTexts,
  type ReportLang,
} from '../../i18n/reports.js';
import { bestThree, lastCompletePeriod, type AwardUnit, type BestThree } from '../stats/best-three.js';
import { buildSummary, type ReportGroup } from '../sums/aggregate.js';
import { barList, COLORS } from './charts.js';
import { definitionsList } from './dashboard-page.js';
import { esc, layout, queryString } from './html.js';
import { chainList } from './chain-view.js';
import { definitionOf } from '../sums/metrics.js';
import { addDays, localToday } from '../periods.js';
import type { ComparisonSummary } from '../stats/comparison.js';

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
  /** How the agencies were compared (stats/comparison.ts); each group carries its rank and funnel. */
  comparison: ComparisonSummary | null;
  /** The last complete year's and quarter's significant improvers. */
  awards: BestThree[];
  /** When the board was computed (ISO 8601, UTC). */
  computedAt: string;
  /** All agencies together, for the chain of counts. */
  overall: ReportGroup['metrics'];
  names: Map<string, { ar: string; en: string }>;
}

const AWARD_UNITS: readonly AwardUnit[] = ['year', 'quarter'];

/** One period's award: the agencies' figures in it and in the period before, compared. */
async function loadAward(models: Models, unit: AwardUnit, today: string, minN: number): Promise<BestThree> {
  const period = lastCompletePeriod(unit, today);
  const [current, previous] = await Promise.all([
    buildSummary(models, { from: period.from, to: period.to }, 'agency', minN),
    buildSummary(models, { from: period.previous.from, to: period.previous.to }, 'agency', minN),
  ]);
  const figures = (groups: ReportGroup[]) =>
    groups.map((g) => ({ agency: g.key, metrics: g.metrics, lowN: g.lowN }));
  return bestThree(period, figures(current.groups), figures(previous.groups));
}

/** The days the board and its awards read: what the public download covers. */
export function boardRange(today: string): { from: string; to: string } {
  const starts = [
    addDays(today, -(PUBLIC_DAYS - 1)),
    ...AWARD_UNITS.map((u) => lastCompletePeriod(u, today).previous.from),
  ];
  return { from: starts.sort()[0] ?? today, to: today };
}

/** Computes at most once per `CACHE_MS`; a failed load is not served from the cache. */
export function cachedLoader<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > CACHE_MS) {
      const value = load();
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

export function publicBoardLoader(
  models: Models,
  opts: { timeZone: string; minN: number },
): () => Promise<PublicBoard> {
  const load = async (): Promise<PublicBoard> => {
    const to = localToday(opts.timeZone);
    const from = addDays(to, -(PUBLIC_DAYS - 1));
    const [summary, agencies, awards] = await Promise.all([
      buildSummary(models, { from, to }, 'agency', opts.minN),
      models.Agency.find({}, { code: 1, name: 1, publicName: 1 }).limit(500).lean(),
      Promise.all(AWARD_UNITS.map((unit) => loadAward(models, unit, to, opts.minN))),
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
      comparison: summary.comparison,
      awards,
      names,
      overall: summary.overall.metrics,
      computedAt: new Date().toISOString(),
    };
  };
  return cachedLoader(load);
}

export function renderPublicBoard(lang: ReportLang, board: PublicBoard): string {
  const t = reportTexts(lang);
  const other: ReportLang = lang === 'ar' ? 'en' : 'ar';
  const vrr = definitionOf('verifiedResolutionRate')[lang].name;
  const fcr = definitionOf('falseClosureRate')[lang].name;
  const rows = board.agencies
    .map(({ code, name, group: g }) => {
      const m = g.metrics;
      const rate = (metric: 'verifiedResolutionRate' | 'falseClosureRate') => {
        const pm = formatPlusMinus(lang, 'rate', m[metric].value, m[metric].interval);
        return `<td data-metric="${metric}">${esc(formatPercent(m[metric].value))}${pm ? ` <span class="pm">${esc(pm)}</span>` : ''} <span class="note">(${t.n}=${m[metric].n})</span></td>`;
      };
      return `<tr class="${g.lowN ? 'low-n' : ''}" data-agency="${esc(code)}" data-rank="${g.rank ?? ''}" data-rank-low="${g.rankInterval?.low ?? ''}" data-rank-high="${g.rankInterval?.high ?? ''}"><td>${formatRank(g.rank, g.rankInterval)}</td><td><bdi>${esc(name[lang])}</bdi>${g.lowN ? `<span class="badge">${esc(t.lowN)}</span>` : ''}</td>
${rate('verifiedResolutionRate')}${rate('falseClosureRate')}<td>${m.answers}</td></tr>`;
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
      interval: g.metrics.verifiedResolutionRate.interval,
    })),
  });
  const awards = board.awards.map((a) => awardSection(lang, a, board.names)).join('');
  const body = `<section><p>${esc(t.publicIntro(board.from, board.to))}</p><p class="note">${esc(t.publicNoPersonal)}</p></section>
<section aria-labelledby="h-board"><h2 id="h-board">${esc(vrr)}</h2>${chart}
<div class="table-wrap"><table><thead><tr><th scope="col">${esc(t.rank)}</th><th scope="col">${esc(t.agency)}</th><th scope="col">${esc(vrr)}</th><th scope="col">${esc(fcr)}</th><th scope="col">${esc(t.responses)}</th></tr></thead>
<tbody>${rows || `<tr><td colspan="5">${esc(t.noData)}</td></tr>`}</tbody></table></div><p class="note">${esc(t.lowNNote(board.minN))} ${esc(t.tiedNote)} ${esc(t.intervalNote)}</p></section>
<p><a href="/public/methodology${queryString({ lang })}" data-link="methodology">${esc(t.methodologyLink)}</a></p>
<section aria-labelledby="h-chain"><h2 id="h-chain">${esc(t.chainTitle)}</h2>${chainList(lang, board.overall.chain, 'public-chain')}</section>
${awards}
${definitionsList(lang, t.definitions)}`;
  const header = `<header class="top"><h1>${esc(t.publicTitle)}</h1><div class="who"><a href="/public${queryString({ lang: other })}" lang="${other}">${esc(t.otherLanguage)}</a><a href="/dashboard${queryString({ lang })}">${esc(t.dashboardLink)}</a></div></header>`;
  return layout({ lang, title: `${t.publicTitle} · ${t.appName}`, header, body });
}

/** A year's or quarter's best three, as a list (the board's table stays the only table). */
function awardSection(
  lang: ReportLang,
  a: BestThree,
  names: Map<string, { ar: string; en: string }>,
): string {
  const t = reportTexts(lang);
  const id = `h-award-${a.period.unit}`;
  const items = a.winners
    .map((w) => {
      const name = names.get(w.agency)?.[lang] ?? w.agency;
      const line = t.bestThreeLine(
        formatPercent(w.previous.yes / w.previous.n),
        formatPercent(w.current.yes / w.current.n),
        (w.test.difference * 100).toFixed(1),
        (w.test.interval.low * 100).toFixed(1),
      );
      return `<li data-agency="${esc(w.agency)}"><bdi>${esc(name)}</bdi> <span class="note">${esc(line)}</span></li>`;
    })
    .join('');
  const fewer = a.fewerThanThree
    ? `<p class="note" data-fewer-than-three="true">${esc(t.bestThreeFewer(a.winners.length, a.tested))}</p>`
    : '';
  return `<section aria-labelledby="${id}" class="award" data-award="${a.period.unit}" data-period="${esc(a.period.label)}"><h2 id="${id}">${esc(t.bestThreeTitle(a.period.unit, a.period.label))}</h2>
<p class="note">${esc(t.bestThreeRule(a.period.previous.label))}</p>${items ? `<ol>${items}</ol>` : ''}${fewer}</section>`;
}
