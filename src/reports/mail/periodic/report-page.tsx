import { reportMailTexts } from '../../../i18n/report-mail.js';
import { reportTexts } from '../../../i18n/reports.js';
import { renderDocument } from '../../../http/ui/html.js';
import { STYLE } from '../../../http/ui/style.js';
import { FunnelSection, Headline, TrendChart } from '../../pages/dashboard-page.js';
import { DisputeCards, WaitingTable } from '../../pages/disputes-view.js';
import { riyadhTime } from '../../pages/times.js';
import type { MoverLine, ReportFigures } from './figures.js';
import type { PeriodicReport } from './report-data.js';

// The PDF is printed from this page, not laid out by a PDF library: see the Why in send.ts.

/**
 * The print stylesheet: A4, white, the wide drawing of each chart (the phone drawing is for screens
 * under 40rem), and no section split across two pages when it fits on one.
 */
const PRINT = `
@page{size:A4}
body{background:#fff;display:block;min-height:0}
main{max-width:none;padding:0}
.chart .wide{display:block!important}.chart .narrow{display:none!important}
.chart svg{max-width:100%;height:auto}
section{break-inside:avoid;margin-bottom:1rem}
h1{margin:0 0 .3rem;font-size:1.5rem}
.meta{margin:0 0 1rem;color:#4a5a51}
table.report{border-collapse:collapse;width:100%}
table.report th,table.report td{border:1px solid #d5dcd8;padding:.3rem .45rem;text-align:start;vertical-align:top;white-space:normal}
table.report td.fig{white-space:nowrap}
.beyond{font-weight:700}
.table-wrap{overflow:visible}
`;

export function renderReportPage(r: PeriodicReport, f: ReportFigures, baseUrl: string): string {
  const t = reportTexts(r.lang);
  const w = reportMailTexts(r.lang);
  const data = r.data;
  const movers = (id: 'worst' | 'best', title: string, rows: MoverLine[]) =>
    rows.length > 0 && (
      <>
        <h3 id={`h-${id}`}>{title}</h3>
        <table class="report" data-movers={id}>
          <thead>
            <tr>
              <th scope="col">{w.who}</th>
              <th scope="col">{w.thisPeriod}</th>
              <th scope="col">{w.previous}</th>
              <th scope="col">{w.change}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr>
                <td>
                  {m.level}: <bdi>{m.name}</bdi>
                </td>
                <td class="fig">{m.current}</td>
                <td class="fig">{m.previous}</td>
                <td>{m.change}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    );
  return renderDocument(
    <html lang={r.lang} dir={r.lang === 'ar' ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <title>{f.title}</title>
        {/* Relative links (agents, departments) open on the dashboard the report came from. */}
        <base href={`${baseUrl.replace(/\/+$/, '')}/`} />
        <style dangerouslySetInnerHTML={{ __html: STYLE + PRINT }} />
      </head>
      <body>
        <main id="content">
          <h1 data-report-title>{f.title}</h1>
          <p class="meta" data-period={`${r.period.from}..${r.period.to}`}>
            {t.period}: {f.period}
            <br />
            {w.generated}: {riyadhTime(r.now, r.lang)}
          </p>
          <Headline lang={r.lang} metrics={data.overall.metrics} lowN={data.overall.lowN} />
          <section aria-labelledby="h-compare" data-section="comparison">
            <h2 id="h-compare">{w.comparisonTitle}</h2>
            <p class="note">
              {w.previous}: {f.previousPeriod}
            </p>
            <table class="report">
              <thead>
                <tr>
                  <th scope="col">{w.metric}</th>
                  <th scope="col">{w.thisPeriod}</th>
                  <th scope="col">{w.previous}</th>
                  <th scope="col">{w.change}</th>
                  <th scope="col">{w.chance}</th>
                </tr>
              </thead>
              <tbody>
                {f.changes.map((c) => (
                  <tr data-metric={c.key}>
                    <td>{c.name}</td>
                    <td class="fig">{c.current}</td>
                    <td class="fig">{c.previous}</td>
                    <td>{c.change}</td>
                    <td class={c.beyond ? 'beyond' : undefined}>{c.chance}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="h-movers" data-section="movers">
            <h2 id="h-movers">{w.moversTitle}</h2>
            <p class="note">{w.moversRule}</p>
            {f.worst.length === 0 && f.best.length === 0 ? (
              <p data-movers-none>{w.noMovers}</p>
            ) : (
              <>
                {movers('worst', w.worst, f.worst)}
                {movers('best', w.best, f.best)}
              </>
            )}
          </section>
          <FunnelSection
            lang={r.lang}
            groups={data.agents}
            comparison={data.comparison.agents}
            nameOf={(g) => data.names.agent(g.key)}
            id="funnel-agents"
          />
          <section aria-labelledby="h-trend">
            <h2 id="h-trend">{t.trendTitle}</h2>
            <TrendChart lang={r.lang} groups={data.trend} title={t.trendTitle} />
          </section>
          <section aria-labelledby="h-waiting-disputes" data-section="disputes">
            <h2 id="h-waiting-disputes">{w.disputesTitle}</h2>
            <p>{f.waiting.count}</p>
            <DisputeCards lang={r.lang} f={r.disputes.overall} />
            <WaitingTable
              lang={r.lang}
              view={r.disputes}
              names={data.names}
              filter={data.filter}
              showAgent={!r.scope.agentId}
            />
          </section>
          <p class="note">
            {w.openDashboard}: <bdi dir="ltr">{f.dashboardUrl}</bdi>
          </p>
        </main>
      </body>
    </html>,
  );
}
