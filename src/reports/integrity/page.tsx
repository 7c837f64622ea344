import { integrityTexts } from '../../i18n/integrity.js';
import { formatPercent, reportTexts, type ReportLang } from '../../i18n/reports.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import type { Principal } from '../../auth/api-tokens.js';
import type { IntegrityReport, IntegrityRow, SignalValue } from './signals.js';

/** The auditors' page: every signal per agent and department, with its n, its threshold and a flag. */
export function renderIntegrityPage(
  lang: ReportLang,
  report: IntegrityReport,
  names: { agent: (id: string) => string },
  who: { principal?: Principal; csrf?: string; sandbox?: boolean } = {},
): string {
  const t = integrityTexts(lang);
  const rt = reportTexts(lang);
  const defs = report.definitions;
  const Cell = ({ s }: { s: SignalValue }) => {
    const def = defs.find((d) => d.key === s.key);
    const shown = def?.kind === 'rate' ? formatPercent(s.value) : String(s.count);
    return (
      <td data-signal={s.key} data-flagged={String(s.flagged)}>
        {s.flagged ? '⚑ ' : ''}
        {shown}{' '}
        <span class="note">
          ({rt.n}={s.n})
        </span>
      </td>
    );
  };
  const Signals = (p: {
    rows: IntegrityRow[];
    label: string;
    nameOf: (r: IntegrityRow) => string;
    id: string;
  }) => (
    <section aria-labelledby={`h-${p.id}`} id={p.id}>
      <h2 id={`h-${p.id}`}>{p.label}</h2>
      <div class="table-wrap" tabindex={0} role="region" aria-labelledby={`h-${p.id}`}>
        <table>
          <thead>
            <tr>
              <th scope="col" class="id">
                {p.label}
              </th>
              {defs.map((d) => (
                <th scope="col">
                  {d[lang].name}
                  <br />
                  <span class="note">
                    {t.threshold} {d.kind === 'rate' ? formatPercent(d.threshold) : d.threshold}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.length ? (
              p.rows.map((r) => (
                <tr data-key={r.key} data-flags={r.flagged.join(' ')}>
                  <td class="id">
                    <bdi>{p.nameOf(r)}</bdi>
                    {r.flagged.length > 0 && (
                      <span class="badge">
                        {t.flagged} {r.flagged.length}
                      </span>
                    )}
                  </td>
                  {r.signals.map((s) => (
                    <Cell s={s} />
                  ))}
                </tr>
              ))
            ) : (
              <tr>
                <td colSpan={defs.length + 1}>{rt.noData}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
  const q = { from: report.filter.from, to: report.filter.to };
  return renderDocument(
    <Page
      lang={lang}
      title={t.title}
      heading={t.title}
      path="/audit/integrity"
      query={q}
      sandbox={who.sandbox === true}
      {...(who.principal ? { principal: who.principal } : {})}
      {...(who.csrf ? { csrf: who.csrf } : {})}
    >
      <p>
        <a href={`/dashboard${queryString({ ...q, lang })}`}>{t.back}</a>
      </p>
      <section>
        <p>{t.intro(report.filter.from, report.filter.to)}</p>
      </section>
      <Signals rows={report.agents} label={t.agents} nameOf={(r) => names.agent(r.key)} id="agents" />
      <Signals rows={report.departments} label={t.departments} nameOf={(r) => r.key} id="departments" />
      <section aria-labelledby="h-signal-defs">
        <h2 id="h-signal-defs">{t.definitions}</h2>
        <dl class="defs">
          {defs.map((d) => (
            <>
              <dt data-definition={d.key}>{d[lang].name}</dt>
              <dd>{d[lang].definition}</dd>
            </>
          ))}
        </dl>
      </section>
    </Page>,
  );
}
