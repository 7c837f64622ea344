import { reportTexts, type ReportLang } from '../../i18n/reports.js';
import { uiTexts } from '../../i18n/ui.js';
import { queryString } from '../../http/ui/html.js';
import type { ReportFilter } from '../filters.js';
import { addDays } from '../periods.js';

/** One choice in a filter's suggestions: typed as its code or its name, shown as both. */
export interface NamedOption {
  code: string;
  name: string;
}

/** A filter the reader typed that names nothing known: said on the page, beside the figures. */
export interface FilterProblem {
  field: 'agency' | 'department' | 'agent' | 'from' | 'to' | 'channel' | 'other';
  typed: string;
  message: string;
  /** What the reader may have meant, each shown as its name and code and linked. */
  suggestions?: NamedOption[];
}

/** The date presets: this week (from Sunday), last month, this quarter, this year. */
export function datePresets(
  today: string,
): { key: 'week' | 'lastMonth' | 'quarter' | 'year'; from: string; to: string }[] {
  const d = new Date(`${today}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  const weekStart = addDays(today, -d.getUTCDay());
  const lastMonthStart = iso(new Date(Date.UTC(y, m - 1, 1)));
  const lastMonthEnd = iso(new Date(Date.UTC(y, m, 0)));
  const quarterStart = iso(new Date(Date.UTC(y, Math.floor(m / 3) * 3, 1)));
  return [
    { key: 'week', from: weekStart, to: today },
    { key: 'lastMonth', from: lastMonthStart, to: lastMonthEnd },
    { key: 'quarter', from: quarterStart, to: today },
    { key: 'year', from: `${y}-01-01`, to: today },
  ];
}

export function FilterForm(p: {
  lang: ReportLang;
  action: string;
  filter: ReportFilter;
  options: { agencies: NamedOption[]; departments: NamedOption[]; agents: NamedOption[] };
  lockedAgency: boolean;
  lockedDepartment: boolean;
  channels?: readonly string[];
  problems: FilterProblem[];
  today: string;
  /** Fields not to show (an entity page fixes its own). */
  hide?: ('agency' | 'department' | 'agent')[];
}) {
  const t = reportTexts(p.lang);
  const f = p.filter;
  const hidden = new Set(p.hide ?? []);
  const text = (name: 'agency' | 'department' | 'agent', locked: boolean, list: NamedOption[]) =>
    hidden.has(name) ? null : (
      <label>
        {t[name]}
        <input
          name={name}
          value={p.problems.find((x) => x.field === name)?.typed ?? f[name] ?? ''}
          list={`opt-${name}`}
          dir="auto"
          placeholder={t.all}
          readOnly={locked}
          aria-invalid={p.problems.some((x) => x.field === name) ? 'true' : undefined}
        />
        <datalist id={`opt-${name}`}>
          {list.map((o) => (
            <option value={o.code} label={o.name === o.code ? o.code : `${o.name} (${o.code})`} />
          ))}
        </datalist>
      </label>
    );
  const base = {
    agency: f.agency,
    department: f.department,
    agent: f.agent,
    channel: f.channel,
    lang: p.lang,
  };
  return (
    <section aria-labelledby="h-filters">
      <h2 id="h-filters">{t.filters}</h2>
      {p.problems.length > 0 && (
        <div class="error" role="alert" data-filter-problems="">
          <strong>{t.badFilter}</strong>
          <ul>
            {p.problems.map((x) => (
              <li data-field={x.field}>
                <bdi>{x.typed}</bdi>: {x.message}
                {x.suggestions && x.suggestions.length > 0 && x.field !== 'other' && (
                  <>
                    {' '}
                    {p.lang === 'ar' ? 'هل تقصد: ' : 'Did you mean: '}
                    <span data-suggestions={x.field}>
                      {x.suggestions.map((o, i) => (
                        <>
                          {i > 0 && ' · '}
                          <a
                            href={`${p.action}${queryString({ ...base, from: f.from, to: f.to, [x.field]: o.code })}`}
                            data-suggestion={o.code}
                          >
                            <bdi>{o.name}</bdi> (<bdi dir="ltr">{o.code}</bdi>)
                          </a>
                        </>
                      ))}
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form class="filters" method="get" action={p.action}>
        <input type="hidden" name="lang" value={p.lang} />
        <label>
          {t.from}
          <input type="date" name="from" value={f.from} required />
        </label>
        <label>
          {t.to}
          <input type="date" name="to" value={f.to} required />
        </label>
        {text('agency', p.lockedAgency, p.options.agencies)}
        {text('department', p.lockedDepartment, p.options.departments)}
        {text('agent', false, p.options.agents)}
        {p.channels && (
          <label>
            {t.channel}
            <select name="channel">
              <option value="">{t.all}</option>
              {p.channels.map((c) => (
                <option value={c} selected={f.channel === c}>
                  {t.channels[c] ?? c}
                </option>
              ))}
            </select>
          </label>
        )}
        <button class="primary" type="submit">
          {t.apply}
        </button>
      </form>
      <p class="presets">
        {datePresets(p.today).map((r) => (
          <a href={`${p.action}${queryString({ ...base, from: r.from, to: r.to })}`} data-preset={r.key}>
            {uiTexts(p.lang).presets[r.key]}
          </a>
        ))}
      </p>
    </section>
  );
}
