import type { Principal } from '../../auth/api-tokens.js';
import { describeScope, isScopedRole } from '../../auth/roles.js';
import { adminTexts } from '../../i18n/admin.js';
import { CHANNELS } from '../../db/models/followup.js';
import {
  formatMean,
  formatPercent,
  formatPlusMinus,
  formatRank,
  reportTexts,
  type ReportLang,
  type ReportTexts,
} from '../../i18n/reports.js';
import type { ReportGroup } from '../sums/aggregate.js';
import { barList, columnChart, COLORS, lineChart } from './charts.js';
import type { DashboardData } from './dashboard-data.js';
import type { ReportFilter } from '../filters.js';
import { esc, layout, queryString } from './html.js';
import { chainList } from './chain-view.js';
import { integrityTexts } from '../../i18n/integrity.js';
import { CHAIN_STAGES } from '../sums/chain.js';
import {
  COUNT_METRICS,
  definitionOf,
  METRIC_DEFINITIONS,
  metricValue,
  RATE_METRICS,
  type MetricKey,
  type Metrics,
} from '../sums/metrics.js';

export const SORT_KEYS = ['rank', 'agent', ...COUNT_METRICS, ...RATE_METRICS] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DashboardView {
  lang: ReportLang;
  principal: Principal;
  sort: SortKey;
  dir: 'asc' | 'desc';
  /** The session's CSRF token, for the sign-out form. */
  csrf?: string;
}

function filterParams(f: ReportFilter, lang: ReportLang): Record<string, string | undefined> {
  return {
    from: f.from,
    to: f.to,
    agency: f.agency,
    department: f.department,
    agent: f.agent,
    channel: f.channel,
    lang,
  };
}

function formatMetric(key: MetricKey, m: Metrics): string {
  const v = m[key];
  if (typeof v === 'number') return String(v);
  return definitionOf(key).kind === 'mean' ? formatMean(v.value) : formatPercent(v.value);
}

function header(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const other: ReportLang = view.lang === 'ar' ? 'en' : 'ar';
  const p = view.principal;
  return `<header class="top"><h1>${esc(t.dashboardTitle)}</h1><div class="who">
<span>${esc(t.signedInAs)}: <bdi>${esc(p.name)}</bdi> (${esc(t.role[p.role] ?? p.role)}${isScopedRole(p.role) ? ` · ${esc(t.scope)}: <bdi>${esc(describeScope(p.scope))}</bdi>` : ''})</span>
<a href="/dashboard${queryString({ ...filterParams(data.filter, other) })}" lang="${other}">${esc(t.otherLanguage)}</a>
<a href="/public${queryString({ lang: view.lang })}">${esc(t.publicLink)}</a>
${['admin', 'agency_admin', 'auditor'].includes(p.role) ? `<a href="/admin${queryString({ lang: view.lang })}">${esc(adminTexts(view.lang).title)}</a>` : ''}
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(view.csrf ?? '')}"><button type="submit">${esc(t.signOut)}</button></form></div></header>`;
}

function datalist(id: string, values: string[]): string {
  return `<datalist id="${id}">${values.map((v) => `<option value="${esc(v)}">`).join('')}</datalist>`;
}

function filtersForm(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const f = data.filter;
  const lockedAgency = isScopedRole(view.principal.role) && view.principal.scope.agency !== undefined;
  const lockedDepartment = isScopedRole(view.principal.role) && view.principal.scope.department !== undefined;
  const text = (name: 'agency' | 'department' | 'agent', locked: boolean) =>
    `<label>${esc(t[name])}<input name="${name}" value="${esc(f[name] ?? '')}" list="opt-${name}" dir="auto" placeholder="${esc(t.all)}"${locked ? ' readonly' : ''}></label>`;
  const channelOptions = [
    `<option value="">${esc(t.all)}</option>`,
    ...CHANNELS.map(
      (c) => `<option value="${c}"${f.channel === c ? ' selected' : ''}>${esc(t.channels[c] ?? c)}</option>`,
    ),
  ];
  return `<section aria-labelledby="h-filters"><h2 id="h-filters">${esc(t.filters)}</h2>
<form class="filters" method="get" action="/dashboard">
<input type="hidden" name="lang" value="${view.lang}">
<label>${esc(t.from)}<input type="date" name="from" value="${esc(f.from)}" required></label>
<label>${esc(t.to)}<input type="date" name="to" value="${esc(f.to)}" required></label>
${text('agency', lockedAgency)}${text('department', lockedDepartment)}${text('agent', false)}
<label>${esc(t.channel)}<select name="channel">${channelOptions.join('')}</select></label>
<button class="primary" type="submit">${esc(t.apply)}</button>
</form>${datalist('opt-agency', data.options.agencies)}${datalist('opt-department', data.options.departments)}${datalist('opt-agent', data.options.agents)}</section>`;
}

/** The interval beside a figure (formatPlusMinus); '' for counts and figures without an interval. */
function plusMinus(lang: ReportLang, key: MetricKey, m: Metrics): string {
  const v = m[key];
  const kind = definitionOf(key).kind;
  if (typeof v === 'number' || kind === 'count') return '';
  return formatPlusMinus(lang, kind, v.value, v.interval);
}

function card(t: ReportTexts, lang: ReportLang, key: MetricKey, m: Metrics, extra = ''): string {
  const def = definitionOf(key)[lang];
  const v = m[key];
  const pm = plusMinus(lang, key, m);
  const n =
    typeof v === 'number'
      ? ''
      : `<div class="n">${esc(t.n)} = ${v.n}${pm ? ` · <span class="pm">${esc(pm)}</span>` : ''}</div>`;
  return `<div class="card" data-metric="${key}" title="${esc(def.definition)}"><div class="label">${esc(def.name)}</div><div class="value">${esc(formatMetric(key, m))}</div>${n}${extra}</div>`;
}

function headline(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const m = data.overall.metrics;
  const meanNote = `<div class="n">${esc(definitionOf('meanRating')[view.lang].name)}: ${esc(formatMean(m.meanRating.value))}</div>`;
  const keys: MetricKey[] = [
    'closures',
    'answers',
    'verifiedResolutionRate',
    'falseClosureRate',
    'responseRate',
  ];
  return `<section aria-labelledby="h-headline"><h2 id="h-headline">${esc(t.headline)}${data.overall.lowN ? `<span class="badge">${esc(t.lowN)}</span>` : ''}</h2>
<div class="cards">${keys.map((k) => card(t, view.lang, k, m)).join('')}${card(t, view.lang, 'csat', m, meanNote)}${card(t, view.lang, 'postCallRatingMean', m)}${card(t, view.lang, 'brushOffGap', m)}</div></section>`;
}

function charts(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const rtl = view.lang === 'ar';
  const m = data.overall.metrics;
  const trend = lineChart({
    title: t.trendTitle,
    labels: data.trend.map((g) => g.key),
    series: [
      {
        name: t.legendResolved,
        color: COLORS.resolved,
        values: data.trend.map((g) => g.metrics.verifiedResolutionRate.value),
      },
      {
        name: t.legendFalse,
        color: COLORS.falseClosure,
        values: data.trend.map((g) => g.metrics.falseClosureRate.value),
      },
    ],
    emptyText: t.noData,
  });
  const ratings = columnChart({
    title: t.ratingsTitle,
    bars: m.ratingDistribution.map((r) => ({ label: `${r.rating}★`, value: r.count })),
    emptyText: t.noData,
  });
  const departments = barList({
    title: t.departmentsTitle,
    rtl,
    emptyText: t.noData,
    bars: data.departments.map((g) => ({
      label: data.names.department(g.agency, g.department ?? g.key),
      share: g.metrics.verifiedResolutionRate.value ?? 0,
      text: `${formatPercent(g.metrics.verifiedResolutionRate.value)} (${t.n}=${g.metrics.verifiedResolutionRate.n})${g.lowN ? ` · ${t.lowN}` : ''}`,
      muted: g.lowN,
      interval: g.metrics.verifiedResolutionRate.interval,
    })),
  });
  const funnelMax = Math.max(1, m.closures);
  const funnel = barList({
    title: t.funnelTitle,
    rtl,
    emptyText: t.noData,
    bars: CHAIN_STAGES.map((k) => ({
      label: t.chain[k],
      share: m.chain[k] / funnelMax,
      text: `${m.chain[k]}${k === 'closures' ? '' : ` (${formatPercent(m.closures > 0 ? m.chain[k] / m.closures : null)})`}`,
      color: COLORS.resolved,
    })),
  });
  const box = (id: string, title: string, svg: string) =>
    `<section aria-labelledby="${id}"><h2 id="${id}">${esc(title)}</h2>${svg}</section>`;
  return `<div class="charts">${box('h-trend', t.trendTitle, trend)}${box('h-funnel', t.funnelTitle, funnel + chainList(view.lang, m.chain))}${box('h-ratings', t.ratingsTitle, ratings)}${box('h-departments', t.departmentsTitle, departments + `<p class="note">${esc(t.intervalNote)}</p>`)}</div>`;
}

/** Sorted by the chosen column; low_n rows always come last so the top of any sort rests on enough answers. */
export function sortAgents(
  groups: ReportGroup[],
  sort: SortKey,
  dir: 'asc' | 'desc',
  nameOf: (id: string) => string,
): ReportGroup[] {
  const sign = dir === 'asc' ? 1 : -1;
  const value = (g: ReportGroup): number | string | null =>
    sort === 'rank' ? g.rank : sort === 'agent' ? nameOf(g.key) : metricValue(g.metrics, sort);
  return [...groups].sort((a, b) => {
    if (a.lowN !== b.lowN) return a.lowN ? 1 : -1;
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.key.localeCompare(b.key) : va === null ? 1 : -1;
    const c =
      typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb)) : va - vb;
    return sign * c || a.key.localeCompare(b.key);
  });
}

function agentTable(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const columns: SortKey[] = ['rank', 'agent', 'closures', 'answers', ...RATE_METRICS];
  const label = (k: SortKey) =>
    k === 'rank' ? t.rank : k === 'agent' ? t.agent : definitionOf(k)[view.lang].name;
  const head = columns
    .map((k) => {
      const active = view.sort === k;
      const nextDir = active && view.dir === 'desc' ? 'asc' : k === 'rank' || k === 'agent' ? 'asc' : 'desc';
      const href = `/dashboard${queryString({ ...filterParams(data.filter, view.lang), sort: k, dir: nextDir })}#agents`;
      const aria = active ? ` aria-sort="${view.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
      return `<th scope="col"${aria}><a href="${esc(href)}" data-sort="${k}">${esc(label(k))}${active ? (view.dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>`;
    })
    .join('');
  const rows = sortAgents(data.agents, view.sort, view.dir, data.names.agent)
    .map((g) => {
      const cells = columns.map((k) => {
        if (k === 'rank')
          return `<td data-rank="${g.rank ?? ''}" data-rank-low="${g.rankInterval?.low ?? ''}" data-rank-high="${g.rankInterval?.high ?? ''}">${formatRank(g.rank, g.rankInterval)}</td>`;
        if (k === 'agent')
          return `<td><bdi>${esc(data.names.agent(g.key))}</bdi>${g.lowN ? `<span class="badge">${esc(t.lowN)}</span>` : ''}</td>`;
        const v = g.metrics[k];
        const n = typeof v === 'number' ? '' : ` <span class="note">(${v.n})</span>`;
        const pm = plusMinus(view.lang, k, g.metrics);
        return `<td>${esc(formatMetric(k, g.metrics))}${pm ? ` <span class="pm">${esc(pm)}</span>` : ''}${n}</td>`;
      });
      if (data.integrity) cells.push(flagCell(view, data, g.key));
      return `<tr class="${g.lowN ? 'low-n' : ''}" data-agent="${esc(g.key)}" data-low-n="${g.lowN}">${cells.join('')}</tr>`;
    })
    .join('');
  const flagHead = data.integrity ? `<th scope="col">${esc(integrityTexts(view.lang).flagged)}</th>` : '';
  return `<section id="agents" aria-labelledby="h-agents"><h2 id="h-agents">${esc(t.agentsTitle)}</h2>
<div class="table-wrap"><table><thead><tr>${head}${flagHead}</tr></thead><tbody>${rows || `<tr><td colspan="${columns.length}">${esc(t.noData)}</td></tr>`}</tbody></table></div>
<p class="note">${esc(t.lowNNote(data.minN))} ${esc(t.tiedNote)}</p></section>`;
}

/** The agent's flagged integrity signals, linking to the auditors' page that defines them. */
function flagCell(view: DashboardView, data: DashboardData, agent: string): string {
  const flags = data.integrity?.flags.get(agent) ?? [];
  if (flags.length === 0) return `<td data-flags="">–</td>`;
  const names = (data.integrity?.definitions ?? [])
    .filter((d) => flags.includes(d.key))
    .map((d) => d[view.lang].name);
  const href = `/audit/integrity${queryString({ from: data.filter.from, to: data.filter.to, lang: view.lang })}`;
  return `<td data-flags="${esc(flags.join(' '))}"><a href="${esc(href)}" title="${esc(names.join(' · '))}">⚑ ${flags.length}</a></td>`;
}

function exportsBox(t: ReportTexts, view: DashboardView, data: DashboardData): string {
  const q = queryString(filterParams(data.filter, view.lang));
  const link = (ext: 'csv' | 'xlsx' | 'json', text: string) =>
    `<a class="button" href="/api/exports/scores.${ext}${esc(q)}" download data-export="${ext}">${esc(text)}</a>`;
  const summaryQ = queryString({ ...filterParams(data.filter, view.lang), groupBy: 'agent' });
  const summary = `<a class="button" href="/api/exports/summary.csv${esc(summaryQ)}" download data-export="summary-csv">${esc(t.exportSummary)}</a>`;
  return `<section aria-labelledby="h-export"><h2 id="h-export">${esc(t.exportTitle)}</h2><div class="exports">${link('csv', t.exportCsv)}${link('xlsx', t.exportXlsx)}${link('json', t.exportJson)}${summary}</div></section>`;
}

export function definitionsList(lang: ReportLang, title: string): string {
  const items = METRIC_DEFINITIONS.map(
    (d) => `<dt>${esc(d[lang].name)}</dt><dd>${esc(d[lang].definition)}</dd>`,
  ).join('');
  return `<section aria-labelledby="h-defs"><details><summary><h2 id="h-defs" style="display:inline">${esc(title)}</h2></summary><dl class="defs">${items}</dl></details></section>`;
}

export function renderDashboard(view: DashboardView, data: DashboardData): string {
  const t = reportTexts(view.lang);
  const body = [
    filtersForm(t, view, data),
    headline(t, view, data),
    charts(t, view, data),
    agentTable(t, view, data),
    exportsBox(t, view, data),
    definitionsList(view.lang, t.definitions),
  ].join('');
  return layout({
    lang: view.lang,
    title: `${t.dashboardTitle} · ${t.appName}`,
    header: header(t, view, data),
    body,
  });
}

export function renderDashboardError(
  lang: ReportLang,
  principal: Principal,
  status: number,
  message: string,
): string {
  const t = reportTexts(lang);
  const title = status === 403 ? t.forbidden : t.badFilter;
  return layout({
    lang,
    title: `${t.dashboardTitle} · ${t.appName}`,
    header: `<header class="top"><h1>${esc(t.dashboardTitle)}</h1><div class="who"><bdi>${esc(principal.name)}</bdi></div></header>`,
    body: `<section><p class="error" role="alert"><strong>${esc(title)}</strong><br><span dir="ltr">${esc(message)}</span></p><p><a class="button" href="/dashboard${queryString({ lang })}">${esc(t.back)}</a></p></section>`,
  });
}
