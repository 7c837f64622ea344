import type { Principal } from '../../auth/api-tokens.js';
import type { Models } from '../../db/models/index.js';
import { answerPageTexts } from '../../i18n/followup.js';
import { formatPercent, reportTexts, type ReportLang } from '../../i18n/reports.js';
import { Chart, COLORS, intervalBars } from '../../http/ui/charts.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { REASONS } from '../../followup/conversation/reply-parser.js';
import { groupedSums, summarise, type ReportGroup } from '../sums/aggregate.js';
import type { ReportFilter } from '../filters.js';
import { addDays, daysBetween } from '../periods.js';
import { wilsonInterval } from '../stats/intervals.js';
import type { DashboardData } from './dashboard-data.js';
import { entityHref, Headline, TrendChart } from './dashboard-page.js';
import { FilterForm, type FilterProblem } from './filter-form.js';
import {
  afterText,
  DisputeCards,
  DisputeTable,
  disputeTexts,
  WaitingTable,
  type DisputesView,
} from './disputes-view.js';
import { periodWithHijri, riyadhTime } from './times.js';
import { VoiceComments, type VoiceComment } from './voice-comments.js';

/**
 * The page of one agency, department or agent: its figures against the same period before, its
 * trend by week and by month, why citizens said "not solved" and in their own words, the disputed
 * closures by ticket, and its integrity flags.
 */

export type EntityKind = 'agency' | 'department' | 'agent';

export interface EntityExtra {
  byWeek: ReportGroup[];
  byMonth: ReportGroup[];
  previous: { from: string; to: string; metrics: ReportGroup['metrics'] };
  reasons: { reason: string; count: number }[];
  words: { ticketRef: string; day: string; reason?: string; comment: string }[];
  search: string;
}

function scoreMatch(f: ReportFilter): Record<string, unknown> {
  return {
    day: { $gte: f.from, $lte: f.to },
    ...(f.agency ? { agency: f.agency } : {}),
    ...(f.department ? { department: f.department } : {}),
    ...(f.agent ? { agentId: f.agent } : {}),
  };
}

export async function loadEntityExtra(
  models: Models,
  filter: ReportFilter,
  minN: number,
  search: string,
): Promise<EntityExtra> {
  const len = daysBetween(filter.from, filter.to) + 1;
  const prev = { ...filter, from: addDays(filter.from, -len), to: addDays(filter.from, -1) };
  const match = scoreMatch(filter);
  const literal = search ? new RegExp(search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : undefined;
  const [byDay, prevByDay, reasons, words] = await Promise.all([
    groupedSums(models, filter, 'day'),
    groupedSums(models, prev, 'day'),
    models.VerifiedScore.aggregate<{ _id: string | null; count: number }>([
      { $match: { ...match, solved: false } },
      { $group: { _id: '$reason', count: { $sum: 1 } } },
    ]),
    models.VerifiedScore.find(
      { ...match, comment: literal ?? { $exists: true, $ne: '' } },
      { ticketRef: 1, day: 1, reason: 1, comment: 1 },
    )
      .sort({ closedAt: -1 })
      .limit(50)
      .lean(),
  ]);
  return {
    byWeek: summarise(filter, 'week', minN, byDay).groups,
    byMonth: summarise(filter, 'month', minN, byDay).groups,
    previous: {
      from: prev.from,
      to: prev.to,
      metrics: summarise(prev, null, minN, prevByDay).overall.metrics,
    },
    reasons: reasons.map((r) => ({ reason: r._id ?? 'other', count: r.count })),
    words: words.map((w) => ({
      ticketRef: w.ticketRef,
      day: w.day,
      comment: w.comment ?? '',
      ...(w.reason ? { reason: w.reason } : {}),
    })),
    search,
  };
}

/** The reason each listed dispute's citizen gave, by `ticketRef#closure`. */
export async function loadDisputeReasons(
  models: Models,
  disputes: readonly { ticketRef: string; closureNumber: number }[],
): Promise<Map<string, string>> {
  if (disputes.length === 0) return new Map();
  const rows = await models.VerifiedScore.find(
    { ticketRef: { $in: [...new Set(disputes.map((d) => d.ticketRef))] } },
    { ticketRef: 1, closureNumber: 1, reason: 1 },
  ).lean();
  return new Map(
    rows.filter((r) => r.reason).map((r) => [`${r.ticketRef}#${r.closureNumber}`, String(r.reason)]),
  );
}

export function renderEntityPage(v: {
  lang: ReportLang;
  principal: Principal;
  csrf: string;
  kind: EntityKind;
  code: string;
  name: string;
  path: string;
  data: DashboardData;
  extra: EntityExtra;
  disputes: DisputesView;
  /** The agency and department the entity sits in, for the breadcrumbs. */
  place: { agency: string | undefined; department: string | undefined };
  /** Reasons and words of the disputed closures listed, by `ticketRef#closure`. */
  disputeReasons: Map<string, string>;
  voice: { comments: VoiceComment[]; mayHear: boolean };
  problems: FilterProblem[];
  today: string;
  sandbox: boolean;
}): string {
  const { lang, data, extra } = v;
  const t = reportTexts(lang);
  const reasonText = (r: string | undefined) =>
    r ? ((answerPageTexts[lang].reasons as Record<string, string>)[r] ?? r) : '–';
  const m = data.overall.metrics;
  const prev = extra.previous.metrics;
  const solvedTotal = extra.reasons.reduce((a, r) => a + r.count, 0);
  const flags = v.kind === 'agent' ? (data.integrity?.flags.get(v.code) ?? []) : [];
  const flagNames = (data.integrity?.definitions ?? [])
    .filter((d) => flags.includes(d.key))
    .map((d) => d[lang].name);
  const words = lang === 'ar' ? ENTITY_AR : ENTITY_EN;
  const dt = disputeTexts(lang);
  return renderDocument(
    <Page
      lang={lang}
      title={v.name}
      heading={`${words.kind[v.kind]}: ${v.name}`}
      principal={v.principal}
      csrf={v.csrf}
      path={v.path}
      query={{ from: data.filter.from, to: data.filter.to }}
      sandbox={v.sandbox}
    >
      <Breadcrumbs lang={lang} kind={v.kind} code={v.code} name={v.name} data={data} place={v.place} />
      <FilterForm
        lang={lang}
        action={v.path}
        filter={data.filter}
        options={data.options}
        lockedAgency
        lockedDepartment
        problems={v.problems}
        today={v.today}
        hide={['agency', 'department', 'agent']}
      />
      <Headline lang={lang} metrics={m} lowN={data.overall.lowN} />
      <section aria-labelledby="h-before">
        <h2 id="h-before">{words.before}</h2>
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-before">
          <table>
            <thead>
              <tr>
                <th scope="col" class="id">
                  {t.period}
                </th>
                <th scope="col">{words.resolved}</th>
                <th scope="col">{words.postCall}</th>
                <th scope="col">{t.n}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td class="id" data-period="current">
                  {periodWithHijri(data.filter.from, data.filter.to, lang)}
                </td>
                <td>{formatPercent(m.verifiedResolutionRate.value)}</td>
                <td>{m.postCallRatingMean.value?.toFixed(2) ?? '–'}</td>
                <td>{m.verifiedResolutionRate.n}</td>
              </tr>
              <tr>
                <td class="id" data-period="previous">
                  {periodWithHijri(extra.previous.from, extra.previous.to, lang)}
                </td>
                <td>{formatPercent(prev.verifiedResolutionRate.value)}</td>
                <td>{prev.postCallRatingMean.value?.toFixed(2) ?? '–'}</td>
                <td>{prev.verifiedResolutionRate.n}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      <div class="charts">
        <section aria-labelledby="h-week">
          <h2 id="h-week">{words.byWeek}</h2>
          <TrendChart lang={lang} groups={extra.byWeek} title={words.byWeek} />
        </section>
        <section aria-labelledby="h-month">
          <h2 id="h-month">{words.byMonth}</h2>
          <TrendChart lang={lang} groups={extra.byMonth} title={words.byMonth} />
        </section>
        <section aria-labelledby="h-reasons">
          <h2 id="h-reasons">{words.reasons}</h2>
          <Chart
            id="reasons"
            title={words.reasons}
            columns={[words.reason, t.n]}
            rows={extra.reasons.map((r) => [reasonText(r.reason), r.count])}
            draw={intervalBars(
              REASONS.map((r) => {
                const count = extra.reasons.find((x) => x.reason === r)?.count ?? 0;
                const share = solvedTotal > 0 ? count / solvedTotal : null;
                return {
                  label: reasonText(r),
                  value: share,
                  interval: solvedTotal > 0 ? wilsonInterval(count, solvedTotal) : null,
                  text: `${count} (${formatPercent(share)})`,
                };
              }),
              { rtl: lang === 'ar', color: COLORS.falseClosure },
            )}
          />
        </section>
      </div>
      <section aria-labelledby="h-words" id="words">
        <h2 id="h-words">{words.words}</h2>
        <form method="get" action={`${v.path}#words`} class="filters" role="search">
          <input type="hidden" name="lang" value={lang} />
          <input type="hidden" name="from" value={data.filter.from} />
          <input type="hidden" name="to" value={data.filter.to} />
          <label>
            {words.search}
            <input type="search" name="q" value={extra.search} dir="auto" />
          </label>
          <button class="primary" type="submit">
            {words.search}
          </button>
        </form>
        {extra.words.length === 0 ? (
          <p class="note">{t.noData}</p>
        ) : (
          <ul class="words">
            {extra.words.map((w) => (
              <li data-ticket={w.ticketRef}>
                <blockquote dir="auto">{w.comment}</blockquote>
                <span class="note">
                  <bdi dir="ltr">{w.ticketRef}</bdi> · {w.day} · {reasonText(w.reason)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <VoiceComments lang={lang} comments={v.voice.comments} mayHear={v.voice.mayHear} />
      <section aria-labelledby="h-disputed" id="disputes">
        <h2 id="h-disputed">{dt.title}</h2>
        <DisputeCards lang={lang} f={v.disputes.overall} />
        {v.kind === 'agency' && (
          <DisputeTable
            lang={lang}
            level="department"
            groups={v.disputes.byDepartment}
            names={data.names}
            filter={data.filter}
            id="cap-disputes-department"
          />
        )}
        {v.kind !== 'agent' && (
          <DisputeTable
            lang={lang}
            level="agent"
            groups={v.disputes.byAgent}
            names={data.names}
            filter={data.filter}
            id="cap-disputes-agent"
          />
        )}
        <WaitingTable
          lang={lang}
          view={v.disputes}
          names={data.names}
          filter={data.filter}
          showAgent={v.kind !== 'agent'}
        />
        <h3 id="h-recent">{words.disputed}</h3>
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-recent">
          <table data-recent-disputes>
            <thead>
              <tr>
                <th scope="col" class="id">
                  {words.ticket}
                </th>
                <th scope="col">{dt.disputedAt}</th>
                <th scope="col">{words.reason}</th>
                {v.kind !== 'agent' && <th scope="col">{t.agent}</th>}
                <th scope="col">{dt.after}</th>
              </tr>
            </thead>
            <tbody>
              {v.disputes.recent.map((d) => (
                <tr data-ticket={d.ticketRef} data-state={d.state}>
                  <td class="id">
                    <bdi dir="ltr">{d.ticketRef}</bdi>
                  </td>
                  <td class="wrap">{riyadhTime(d.disputedAt, lang)}</td>
                  <td>{reasonText(v.disputeReasons.get(`${d.ticketRef}#${d.closureNumber}`))}</td>
                  {v.kind !== 'agent' && (
                    <td>
                      <a href={entityHref.agent(d.agentId, data.filter, lang)}>
                        <bdi>{data.names.agent(d.agentId)}</bdi>
                      </a>
                    </td>
                  )}
                  <td class="wrap">{afterText(d, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="note">{words.disputedNote}</p>
      </section>
      {v.kind === 'agent' && data.integrity && (
        <section aria-labelledby="h-flags">
          <h2 id="h-flags">{words.flags}</h2>
          {flagNames.length === 0 ? (
            <p>–</p>
          ) : (
            <ul>
              {flagNames.map((n) => (
                <li>⚑ {n}</li>
              ))}
            </ul>
          )}
        </section>
      )}
      {v.kind !== 'agent' && (
        <section aria-labelledby="h-people">
          <h2 id="h-people">{t.agentsTitle}</h2>
          <ul>
            {data.agents.map((g) => (
              <li>
                <a href={entityHref.agent(g.key, data.filter, lang)}>
                  <bdi>{data.names.agent(g.key)}</bdi>
                </a>{' '}
                <span class="note">
                  {formatPercent(g.metrics.verifiedResolutionRate.value)} ({t.n}=
                  {g.metrics.verifiedResolutionRate.n})
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Page>,
  );
}

const ENTITY_AR = {
  kind: { agency: 'الجهة', department: 'الإدارة', agent: 'الموظف' } as Record<EntityKind, string>,
  before: 'مقارنة بالفترة السابقة',
  resolved: 'نسبة الحل المؤكد',
  postCall: 'متوسط تقييم ما بعد المكالمة',
  byWeek: 'حسب الأسبوع',
  byMonth: 'حسب الشهر',
  reasons: 'أسباب "لم تُحل"',
  reason: 'السبب',
  words: 'كلمات المواطنين',
  search: 'بحث',
  disputed: 'الإغلاقات المعترض عليها',
  ticket: 'البلاغ',
  disputedNote: 'آخر 30 إغلاقًا قال فيه المواطن إن المشكلة لم تُحل، وما فعلته الجهة بعد كل منها.',
  home: 'لوحة المتابعة',
  flags: 'مؤشرات النزاهة',
};
const ENTITY_EN: typeof ENTITY_AR = {
  kind: { agency: 'Agency', department: 'Department', agent: 'Agent' },
  before: 'Against the period before',
  resolved: 'Verified resolution rate',
  postCall: 'Post-call rating (mean)',
  byWeek: 'By week',
  byMonth: 'By month',
  reasons: 'Why citizens said "not solved"',
  reason: 'Reason',
  words: 'The citizens’ own words',
  search: 'Search',
  disputed: 'Disputed closures',
  ticket: 'Ticket',
  disputedNote: 'The last 30 closures the citizen said were not solved, and what the agency did after each.',
  home: 'Dashboard',
  flags: 'Integrity flags',
};

/** Where the page sits: the dashboard, then the agency and department above it, each a link. */
function Breadcrumbs({
  lang,
  kind,
  code,
  name,
  data,
  place,
}: {
  lang: ReportLang;
  kind: EntityKind;
  code: string;
  name: string;
  data: DashboardData;
  place: { agency: string | undefined; department: string | undefined };
}) {
  const words = lang === 'ar' ? ENTITY_AR : ENTITY_EN;
  const f = data.filter;
  const agency = kind === 'agency' ? undefined : place.agency;
  const department = kind === 'agent' ? place.department : undefined;
  const sep = lang === 'ar' ? ' ‹ ' : ' › ';
  return (
    <nav aria-label={lang === 'ar' ? 'مسار الصفحة' : 'Breadcrumb'} class="note" data-breadcrumbs>
      <a href={`/dashboard${queryString({ from: f.from, to: f.to, lang })}`}>{words.home}</a>
      {agency !== undefined && (
        <>
          {sep}
          <a href={entityHref.agency(agency, f, lang)} data-crumb="agency">
            <bdi>{data.names.agency(agency)}</bdi>
          </a>
        </>
      )}
      {agency !== undefined && department !== undefined && (
        <>
          {sep}
          <a href={entityHref.department(agency, department, f, lang)} data-crumb="department">
            <bdi>{data.names.department(agency, department)}</bdi>
          </a>
        </>
      )}
      {sep}
      <span aria-current="page">
        <bdi>{name}</bdi>
        {name !== code && (
          <>
            {' · '}
            <bdi dir="ltr">{code}</bdi>
          </>
        )}
      </span>
    </nav>
  );
}
