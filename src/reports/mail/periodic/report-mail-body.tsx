import { render } from 'preact-render-to-string';
import { reportMailTexts } from '../../../i18n/report-mail.js';
import { reportTexts } from '../../../i18n/reports.js';
import type { FigureLine, MoverLine, ReportFigures } from './figures.js';
import type { PeriodicReport } from './report-data.js';

/**
 * The mail's own body: the report's figures as mail clients show them (tables and inline styles; no
 * stylesheet, script or SVG, which most clients drop), a link to the dashboard for the same scope and
 * period, and the plain-text part with the same figures. The charts are in the attached PDF.
 */

const CELL = 'border:1px solid #d5dcd8;padding:6px 8px;vertical-align:top;text-align:start';
const HEAD = `${CELL};background:#eef3f0;font-weight:bold`;
const TABLE = 'border-collapse:collapse;margin:0 0 16px;font-size:14px';
const H2 = 'font-size:17px;margin:20px 0 8px;color:#0b4d2c';

function Table({ head, rows }: { head: string[]; rows: (string | number)[][] }) {
  return (
    <table role="presentation" cellPadding="0" cellSpacing="0" style={TABLE}>
      <tr>
        {head.map((h) => (
          <th style={HEAD}>{h}</th>
        ))}
      </tr>
      {rows.map((r) => (
        <tr>
          {r.map((c) => (
            <td style={CELL}>{c}</td>
          ))}
        </tr>
      ))}
    </table>
  );
}

const headlineRow = (l: FigureLine) => [l.name, l.value, l.interval || '–', l.n || '–'];
const moverRow = (m: MoverLine) => [`${m.level}: ${m.name}`, m.current, m.previous, m.change];

export function renderReportMailHtml(
  r: PeriodicReport,
  f: ReportFigures,
  unsubscribeUrl: string | undefined,
): string {
  const t = reportTexts(r.lang);
  const w = reportMailTexts(r.lang);
  const dir = r.lang === 'ar' ? 'rtl' : 'ltr';
  const font = 'font-family:Tahoma,Arial,sans-serif;color:#18251e;line-height:1.5';
  const body = (
    <html lang={r.lang} dir={dir}>
      <head>
        <meta charset="utf-8" />
        <title>{f.subject}</title>
      </head>
      <body dir={dir} style={`margin:0;padding:16px;${font}`}>
        <div dir={dir} style={`max-width:720px;${font}`}>
          <h1 style="font-size:21px;margin:0 0 4px">{f.title}</h1>
          <p style="margin:0 0 12px;color:#4a5a51">
            {t.period}: {f.period}
          </p>
          <h2 style={H2}>{t.headline}</h2>
          <Table head={[w.metric, w.thisPeriod, '95%', t.n]} rows={f.headline.map(headlineRow)} />
          <h2 style={H2}>{w.comparisonTitle}</h2>
          <p style="margin:0 0 8px;font-size:13px;color:#4a5a51">
            {w.previous}: {f.previousPeriod}
          </p>
          <Table
            head={[w.metric, w.thisPeriod, w.previous, w.change, w.chance]}
            rows={f.changes.map((c) => [c.name, c.current, c.previous, c.change, c.chance])}
          />
          <h2 style={H2}>{w.moversTitle}</h2>
          <p style="margin:0 0 8px;font-size:13px;color:#4a5a51">{w.moversRule}</p>
          {f.worst.length === 0 && f.best.length === 0 ? (
            <p>{w.noMovers}</p>
          ) : (
            <>
              {f.worst.length > 0 && (
                <Table head={[w.worst, w.thisPeriod, w.previous, w.change]} rows={f.worst.map(moverRow)} />
              )}
              {f.best.length > 0 && (
                <Table head={[w.best, w.thisPeriod, w.previous, w.change]} rows={f.best.map(moverRow)} />
              )}
            </>
          )}
          <h2 style={H2}>{w.disputesTitle}</h2>
          <p>{f.waiting.count}</p>
          {f.waiting.rows.length > 0 && (
            <Table
              head={[t.agent, w.ticket, w.daysWaiting]}
              rows={f.waiting.rows.map((x) => [x.agent, x.ticket, String(x.days)])}
            />
          )}
          <p style="margin:20px 0">
            <a
              href={f.dashboardUrl}
              style="background:#0b7a43;color:#ffffff;padding:10px 16px;text-decoration:none;border-radius:4px;display:inline-block"
            >
              {w.openDashboard}
            </a>
          </p>
          <p style="font-size:13px;color:#4a5a51">{w.attached}</p>
          <p style="font-size:12px;color:#6b7a71">
            {w.why}
            {unsubscribeUrl && (
              <>
                {' '}
                <a href={unsubscribeUrl} style="color:#2f6f8a">
                  {w.unsubscribe}
                </a>
              </>
            )}
          </p>
        </div>
      </body>
    </html>
  );
  return `<!doctype html>${render(body)}`;
}

export function renderReportMailText(
  r: PeriodicReport,
  f: ReportFigures,
  unsubscribeUrl: string | undefined,
): string {
  const t = reportTexts(r.lang);
  const w = reportMailTexts(r.lang);
  const lines: string[] = [f.title, `${t.period}: ${f.period}`, '', `## ${t.headline}`];
  for (const l of f.headline)
    lines.push(
      `- ${l.name}: ${l.value}${l.interval ? ` (${l.interval})` : ''}${l.n ? ` · ${t.n} = ${l.n}` : ''}`,
    );
  lines.push('', `## ${w.comparisonTitle}`, `${w.previous}: ${f.previousPeriod}`);
  for (const c of f.changes)
    lines.push(
      `- ${c.name}: ${c.current} · ${w.previous}: ${c.previous} · ${w.change}: ${c.change} · ${c.chance}`,
    );
  lines.push('', `## ${w.moversTitle}`);
  if (f.worst.length === 0 && f.best.length === 0) lines.push(w.noMovers);
  for (const [title, rows] of [
    [w.worst, f.worst],
    [w.best, f.best],
  ] as const) {
    if (rows.length === 0) continue;
    lines.push(`${title}:`);
    for (const m of rows)
      lines.push(
        `- ${m.level}: ${m.name}: ${w.thisPeriod} ${m.current} · ${w.previous} ${m.previous} · ${w.change}: ${m.change}`,
      );
  }
  lines.push('', `## ${w.disputesTitle}`, f.waiting.count);
  for (const x of f.waiting.rows) lines.push(`- ${x.ticket} · ${x.agent} · ${x.days}`);
  lines.push('', `${w.openDashboard}: ${f.dashboardUrl}`, w.attached);
  if (unsubscribeUrl) lines.push('', `${w.unsubscribe}: ${unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}
