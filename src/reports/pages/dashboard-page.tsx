import type { Principal } from '../../auth/api-tokens.js';
import { isScopedRole } from '../../auth/roles.js';
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
import { integrityTexts } from '../../i18n/integrity.js';
import {
  Chart,
  COLORS,
  countColumns,
  FunnelLegend,
  funnelPlot,
  intervalBars,
  rateLines,
} from '../../http/ui/charts.js';
import { uiTexts } from '../../i18n/ui.js';
import type { ComparisonSummary } from '../stats/comparison.js';
import { funnelLimitsAt } from '../stats/funnel.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import type { ReportGroup } from '../sums/aggregate.js';
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
import type { ReportFilter } from '../filters.js';
import { ChainList } from './chain-view.js';
import type { DashboardData } from './dashboard-data.js';
import { FilterForm, type FilterProblem } from './filter-form.js';
import { entityHref } from './entity-links.js';
import { DisputesSection, type DisputesView } from './disputes-view.js';
import { periodWithHijri } from './times.js';

export { entityHref };

export const SORT_KEYS = ['rank', 'agent', ...COUNT_METRICS, ...RATE_METRICS] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DashboardView {
  lang: ReportLang;
  principal: Principal;
  sort: SortKey;
  dir: 'asc' | 'desc';
  /** The session's CSRF token, for the sign-out form. */
  csrf?: string;
  /** Filters that named nothing known: shown above the figures, which then leave them out. */
  problems?: FilterProblem[];
  sandbox?: boolean;
  /** Today in the reports' time zone, for the date presets. */
  today: string;
  /** The period's disputed closures and what the agencies did after them. */
  disputes?: DisputesView;
}

export function filterParams(f: ReportFilter, lang?: ReportLang): Record<string, string | undefined> {
  return {
    from: f.from,
    to: f.to,
    agency: f.agency,
    department: f.department,
    agent: f.agent,
    channel: f.channel,
    ...(lang ? { lang } : {}),
  };
}

function formatMetric(key: MetricKey, m: Metrics): string {
  const v = m[key];
  if (typeof v === 'number') return String(v);
  return definitionOf(key).kind === 'mean' ? formatMean(v.value) : formatPercent(v.value);
}

/** The interval beside a figure (formatPlusMinus); '' for counts and figures without an interval. */
function plusMinus(lang: ReportLang, key: MetricKey, m: Metrics): string {
  const v = m[key];
  const kind = definitionOf(key).kind;
  if (typeof v === 'number' || kind === 'count') return '';
  return formatPlusMinus(lang, kind, v.value, v.interval);
}

function Card({
  t,
  lang,
  k,
  m,
  extra,
}: {
  t: ReportTexts;
  lang: ReportLang;
  k: MetricKey;
  m: Metrics;
  extra?: string;
}) {
  const def = definitionOf(k)[lang];
  const v = m[k];
  const pm = plusMinus(lang, k, m);
  return (
    <div class="card" data-metric={k} title={def.definition}>
      <div class="label">{def.name}</div>
      <div class="value">{formatMetric(k, m)}</div>
      {typeof v !== 'number' && (
        <div class="n">
          {t.n} = {v.n}
          {pm && (
            <>
              {' · '}
              <span class="pm">{pm}</span>
            </>
          )}
        </div>
      )}
      {extra && <div class="n">{extra}</div>}
    </div>
  );
}

export function Headline({ lang, metrics, lowN }: { lang: ReportLang; metrics: Metrics; lowN: boolean }) {
  const t = reportTexts(lang);
  const keys: MetricKey[] = [
    'closures',
    'answers',
    'verifiedResolutionRate',
    'falseClosureRate',
    'responseRate',
  ];
  return (
    <section aria-labelledby="h-headline">
      <h2 id="h-headline">
        {t.headline}
        {lowN && <span class="badge">{t.lowN}</span>}
      </h2>
      <div class="cards">
        {keys.map((k) => (
          <Card t={t} lang={lang} k={k} m={metrics} />
        ))}
        <Card
          t={t}
          lang={lang}
          k="csat"
          m={metrics}
          extra={`${definitionOf('meanRating')[lang].name}: ${formatMean(metrics.meanRating.value)}`}
        />
        <Card t={t} lang={lang} k="postCallRatingMean" m={metrics} />
        <Card t={t} lang={lang} k="brushOffGap" m={metrics} />
      </div>
    </section>
  );
}

export function TrendChart({
  lang,
  groups,
  title,
}: {
  lang: ReportLang;
  groups: ReportGroup[];
  title: string;
}) {
  const t = reportTexts(lang);
  const labels = groups.map((g) => g.key);
  const resolved = groups.map((g) => g.metrics.verifiedResolutionRate);
  const falses = groups.map((g) => g.metrics.falseClosureRate);
  return (
    <Chart
      id={`trend-${groups.length}`}
      title={title}
      columns={[t.period, t.legendResolved, t.legendFalse, t.n]}
      rows={groups.map((g, i) => [
        g.key,
        `${formatPercent(resolved[i]?.value ?? null)} ${formatPlusMinus(lang, 'rate', resolved[i]?.value ?? null, resolved[i]?.interval ?? null)}`,
        formatPercent(falses[i]?.value ?? null),
        resolved[i]?.n ?? 0,
      ])}
      draw={rateLines(
        labels.map((l) => (l.length === 10 ? l.slice(5) : l)),
        [
          { name: t.legendResolved, color: COLORS.resolved, values: resolved.map((r) => r.value) },
          { name: t.legendFalse, color: COLORS.falseClosure, values: falses.map((r) => r.value) },
        ],
      )}
    />
  );
}

function Charts({ view, data }: { view: DashboardView; data: DashboardData }) {
  const t = reportTexts(view.lang);
  const rtl = view.lang === 'ar';
  const m = data.overall.metrics;
  const rate = (g: ReportGroup) => g.metrics.verifiedResolutionRate;
  const deptRows = data.departments.map((g) => ({
    g,
    name: data.names.department(g.agency, g.department ?? g.key),
  }));
  const funnelMax = Math.max(1, m.closures);
  return (
    <div class="charts">
      <section aria-labelledby="h-trend">
        <h2 id="h-trend">{t.trendTitle}</h2>
        <TrendChart lang={view.lang} groups={data.trend} title={t.trendTitle} />
      </section>
      <section aria-labelledby="h-funnel">
        <h2 id="h-funnel">{t.funnelTitle}</h2>
        <Chart
          id="funnel"
          title={t.funnelTitle}
          columns={[t.funnelTitle, t.n]}
          rows={CHAIN_STAGES.map((k) => [t.chain[k], m.chain[k]])}
          draw={intervalBars(
            CHAIN_STAGES.map((k) => ({
              label: t.chain[k],
              value: m.chain[k] / funnelMax,
              text: `${m.chain[k]}${k === 'closures' ? '' : ` (${formatPercent(m.closures > 0 ? m.chain[k] / m.closures : null)})`}`,
            })),
            { rtl, color: COLORS.resolved },
          )}
        />
        <ChainList lang={view.lang} chain={m.chain} />
      </section>
      <section aria-labelledby="h-ratings">
        <h2 id="h-ratings">{t.ratingsTitle}</h2>
        <Chart
          id="ratings"
          title={t.ratingsTitle}
          columns={[t.ratingsTitle, t.n]}
          rows={m.ratingDistribution.map((r) => [`${r.rating}★`, r.count])}
          draw={countColumns(m.ratingDistribution.map((r) => ({ label: `${r.rating}★`, value: r.count })))}
        />
      </section>
      <section aria-labelledby="h-departments">
        <h2 id="h-departments">{t.departmentsTitle}</h2>
        <Chart
          id="departments"
          title={t.departmentsTitle}
          columns={[t.department, t.legendResolved, t.n]}
          rows={deptRows.map(({ g, name }) => [
            name,
            `${formatPercent(rate(g).value)} ${formatPlusMinus(view.lang, 'rate', rate(g).value, rate(g).interval)}`,
            rate(g).n,
          ])}
          draw={intervalBars(
            deptRows.map(({ g, name }) => ({
              label: name,
              value: rate(g).value,
              interval: rate(g).interval,
              text: `${formatPercent(rate(g).value)} (${t.n}=${rate(g).n})${g.lowN ? ` · ${t.lowN}` : ''}`,
              muted: g.lowN,
            })),
            { rtl },
          )}
        />
        <ul class="note">
          {deptRows.map(({ g, name }) => (
            <li>
              <a href={entityHref.department(g.agency ?? '', g.department ?? g.key, data.filter, view.lang)}>
                <bdi>{name}</bdi>
              </a>{' '}
              ·{' '}
              <a href={entityHref.agency(g.agency ?? '', data.filter, view.lang)}>
                <bdi>{data.names.agency(g.agency ?? '')}</bdi>
              </a>
            </li>
          ))}
        </ul>
        <p class="note">{t.intervalNote}</p>
      </section>
    </div>
  );
}

/** The groups on the funnel plot, with a sentence on whether the limits were widened. */
export function FunnelSection({
  lang,
  groups,
  comparison,
  nameOf,
  id,
}: {
  lang: ReportLang;
  groups: ReportGroup[];
  comparison: ComparisonSummary | null;
  nameOf: (g: ReportGroup) => string;
  id: string;
}) {
  const u = uiTexts(lang);
  const t = reportTexts(lang);
  const target = comparison?.target ?? null;
  const on = groups.filter((g) => g.funnel && g.metrics.verifiedResolutionRate.value !== null);
  if (target === null || on.length === 0) return null;
  const maxN = Math.max(...on.map((g) => g.metrics.verifiedResolutionRate.n));
  const tau2 = comparison?.overdispersion.applied ? comparison.overdispersion.tau2 : 0;
  const steps = 40;
  const curve = Array.from({ length: steps }, (_, i) => {
    const n = Math.max(2, Math.round(((i + 1) / steps) * maxN * 1.05));
    return { n, ...funnelLimitsAt(n, target, tau2) };
  });
  return (
    <section aria-labelledby={`h-${id}`}>
      <h2 id={`h-${id}`}>{u.funnelPlot}</h2>
      <Chart
        id={id}
        title={u.funnelPlot}
        columns={[t.agent, t.legendResolved, t.n, u.bandHead]}
        rows={on.map((g) => [
          nameOf(g),
          formatPercent(g.metrics.verifiedResolutionRate.value),
          g.metrics.verifiedResolutionRate.n,
          g.funnel ? u.band[g.funnel.band] : '–',
        ])}
        draw={funnelPlot(
          on.map((g) => ({
            label: nameOf(g),
            n: g.metrics.verifiedResolutionRate.n,
            rate: g.metrics.verifiedResolutionRate.value ?? 0,
            band: g.funnel?.band ?? 'within',
          })),
          curve,
          target,
          { ...u.band, limit95: u.limit95, limit998: u.limit998, target: u.target, n: u.answers },
        )}
      />
      <FunnelLegend {...u.band} limit95={u.limit95} limit998={u.limit998} target={u.target} />
      <p class="note" data-overdispersion={String(comparison?.overdispersion.applied ?? false)}>
        {comparison?.overdispersion.applied ? u.overdispersed : u.notOverdispersed} {u.target}:{' '}
        {formatPercent(target)}.
      </p>
    </section>
  );
}

/** A group's place against the funnel's limits, in words. */
export function BandCell({ lang, g }: { lang: ReportLang; g: ReportGroup }) {
  const band = g.funnel?.band;
  return (
    <td data-band={band ?? ''} class={band ? `band-${band}` : undefined}>
      {band ? uiTexts(lang).band[band] : '–'}
      {g.funnel?.beyond998 ? ' ‼' : ''}
    </td>
  );
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

/** A figure, its interval and its n in one cell, on two short lines so the table fits at 1280 px. */
function MetricCell({ lang, k, m }: { lang: ReportLang; k: MetricKey; m: Metrics }) {
  const v = m[k];
  const pm = plusMinus(lang, k, m);
  return (
    <td data-metric={k}>
      {formatMetric(k, m)}
      {(pm || typeof v !== 'number') && <br />}
      {pm && <span class="pm">{pm}</span>}
      {typeof v !== 'number' && <span class="note"> ({v.n})</span>}
    </td>
  );
}

function AgentTable({ view, data }: { view: DashboardView; data: DashboardData }) {
  const t = reportTexts(view.lang);
  const columns: SortKey[] = ['rank', 'agent', 'closures', 'answers', ...RATE_METRICS];
  const label = (k: SortKey) =>
    k === 'rank' ? t.rank : k === 'agent' ? t.agent : definitionOf(k)[view.lang].name;
  const rows = sortAgents(data.agents, view.sort, view.dir, data.names.agent);
  const it = integrityTexts(view.lang);
  return (
    <section id="agents" aria-labelledby="h-agents">
      <h2 id="h-agents">{t.agentsTitle}</h2>
      <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-agents">
        <table>
          <thead>
            <tr>
              {columns.map((k) => {
                const active = view.sort === k;
                const nextDir =
                  active && view.dir === 'desc' ? 'asc' : k === 'rank' || k === 'agent' ? 'asc' : 'desc';
                const href = `/dashboard${queryString({ ...filterParams(data.filter, view.lang), sort: k, dir: nextDir })}#agents`;
                const cell = (
                  <th
                    scope="col"
                    class={k === 'agent' ? 'id' : undefined}
                    aria-sort={active ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    style={
                      k === 'agent' || k === 'rank' ? undefined : { whiteSpace: 'normal', minWidth: '5.5rem' }
                    }
                  >
                    <a href={href} data-sort={k}>
                      {label(k)}
                      {active ? (view.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </a>
                  </th>
                );
                // The place against expected and the flags come right after the name: in view without scrolling.
                return k !== 'agent' ? (
                  cell
                ) : (
                  <>
                    {cell}
                    <th scope="col">{uiTexts(view.lang).bandHead}</th>
                    {data.integrity && <th scope="col">{it.flagged}</th>}
                  </>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length}>{t.noData}</td>
              </tr>
            )}
            {rows.map((g) => (
              <tr class={g.lowN ? 'low-n' : ''} data-agent={g.key} data-low-n={String(g.lowN)}>
                <td
                  data-rank={g.rank ?? ''}
                  data-rank-low={g.rankInterval?.low ?? ''}
                  data-rank-high={g.rankInterval?.high ?? ''}
                >
                  {formatRank(g.rank, g.rankInterval)}
                </td>
                <td class="id">
                  <a href={entityHref.agent(g.key, data.filter, view.lang)}>
                    <bdi>{data.names.agent(g.key)}</bdi>
                  </a>
                  {g.lowN && <span class="badge">{t.lowN}</span>}
                </td>
                <BandCell lang={view.lang} g={g} />
                {data.integrity && <FlagCell view={view} data={data} agent={g.key} />}
                {columns.slice(2).map((k) => (
                  <MetricCell lang={view.lang} k={k as MetricKey} m={g.metrics} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="note">
        {t.lowNNote(data.minN)} {t.tiedNote}
      </p>
    </section>
  );
}

/** The agent's flagged integrity signals, linking to the auditors' page that defines them. */
function FlagCell({ view, data, agent }: { view: DashboardView; data: DashboardData; agent: string }) {
  const flags = data.integrity?.flags.get(agent) ?? [];
  if (flags.length === 0) return <td data-flags="">–</td>;
  const names = (data.integrity?.definitions ?? [])
    .filter((d) => flags.includes(d.key))
    .map((d) => d[view.lang].name);
  const href = `/audit/integrity${queryString({ from: data.filter.from, to: data.filter.to, lang: view.lang })}`;
  return (
    <td data-flags={flags.join(' ')}>
      <a href={href} title={names.join(' · ')}>
        ⚑ {flags.length}
      </a>
    </td>
  );
}

function Exports({ view, data }: { view: DashboardView; data: DashboardData }) {
  const t = reportTexts(view.lang);
  const q = queryString(filterParams(data.filter, view.lang));
  const summaryQ = queryString({ ...filterParams(data.filter, view.lang), groupBy: 'agent' });
  return (
    <section aria-labelledby="h-export">
      <h2 id="h-export">{t.exportTitle}</h2>
      <div class="exports">
        <a class="button" href={`/api/exports/scores.csv${q}`} download data-export="csv">
          {t.exportCsv}
        </a>
        <a class="button" href={`/api/exports/scores.xlsx${q}`} download data-export="xlsx">
          {t.exportXlsx}
        </a>
        <a class="button" href={`/api/exports/scores.json${q}`} download data-export="json">
          {t.exportJson}
        </a>
        <a class="button" href={`/api/exports/summary.csv${summaryQ}`} download data-export="summary-csv">
          {t.exportSummary}
        </a>
      </div>
    </section>
  );
}

export function Definitions({ lang, title }: { lang: ReportLang; title: string }) {
  return (
    <section aria-labelledby="h-defs">
      <details>
        <summary>
          <h2 id="h-defs" style={{ display: 'inline' }}>
            {title}
          </h2>
        </summary>
        <dl class="defs">
          {METRIC_DEFINITIONS.map((d) => (
            <>
              <dt>{d[lang].name}</dt>
              <dd>{d[lang].definition}</dd>
            </>
          ))}
        </dl>
      </details>
    </section>
  );
}

export function renderDashboard(view: DashboardView, data: DashboardData): string {
  const t = reportTexts(view.lang);
  const p = view.principal;
  return renderDocument(
    <Page
      lang={view.lang}
      title={t.dashboardTitle}
      heading={t.dashboardTitle}
      principal={p}
      csrf={view.csrf ?? ''}
      path="/dashboard"
      query={filterParams(data.filter)}
      {...(view.sandbox === undefined ? {} : { sandbox: view.sandbox })}
    >
      <FilterForm
        lang={view.lang}
        action="/dashboard"
        filter={data.filter}
        options={data.options}
        lockedAgency={isScopedRole(p.role) && p.scope.agency !== undefined}
        lockedDepartment={isScopedRole(p.role) && p.scope.department !== undefined}
        channels={CHANNELS}
        problems={view.problems ?? []}
        today={view.today}
      />
      <p class="note" data-period>
        {t.period}: {periodWithHijri(data.filter.from, data.filter.to, view.lang)}
      </p>
      <Headline lang={view.lang} metrics={data.overall.metrics} lowN={data.overall.lowN} />
      <Charts view={view} data={data} />
      <FunnelSection
        lang={view.lang}
        groups={data.agents}
        comparison={data.comparison.agents}
        nameOf={(g) => data.names.agent(g.key)}
        id="funnel-agents"
      />
      <AgentTable view={view} data={data} />
      {view.disputes && (
        <DisputesSection
          lang={view.lang}
          view={view.disputes}
          names={data.names}
          filter={data.filter}
          levels={[
            ...(data.filter.agency === undefined ? (['agency'] as const) : []),
            ...(data.filter.department === undefined ? (['department'] as const) : []),
            'agent' as const,
          ]}
        />
      )}
      <Exports view={view} data={data} />
      <Definitions lang={view.lang} title={t.definitions} />
    </Page>,
  );
}

export function renderDashboardError(
  lang: ReportLang,
  principal: Principal,
  status: number,
  message: string,
): string {
  const t = reportTexts(lang);
  const title = status === 403 ? t.forbidden : t.badFilter;
  return renderDocument(
    <Page
      lang={lang}
      title={t.dashboardTitle}
      heading={t.dashboardTitle}
      principal={principal}
      path="/dashboard"
    >
      <section>
        <p class="error" role="alert">
          <strong>{title}</strong>
          <br />
          <span dir="ltr">{message}</span>
        </p>
        <p>
          <a class="button" href={`/dashboard${queryString({ lang })}`}>
            {t.back}
          </a>
        </p>
      </section>
    </Page>,
  );
}
