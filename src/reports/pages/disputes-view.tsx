import type { Models } from '../../db/models/index.js';
import { formatPercent, formatPlusMinus, reportTexts, type ReportLang } from '../../i18n/reports.js';
import type { ReportFilter } from '../filters.js';
import type { DisputeFigures, DisputeRow, Share } from '../disputes/figures.js';
import { groupDisputes, loadDisputeRows, type DisputeGroup } from '../disputes/summary.js';
import type { Names } from './dashboard-data.js';
import { entityHref } from './entity-links.js';
import { riyadhDay, riyadhTime } from './times.js';

/**
 * Disputed closures on screen (issue 25, item 3): per agency, department and agent, how many were
 * disputed, the share acted on in time, the share later verified solved, the median days to act,
 * and the oldest still waiting, by ticket, with what happened after each. One read of the dispute
 * records (disputes/summary.ts), grouped three ways.
 */

const DAY_MS = 86_400_000;

export interface WaitingRow {
  ticketRef: string;
  agency: string;
  department: string;
  agentId: string;
  disputedAt: Date;
  daysWaiting: number;
  overdue: boolean;
}

export interface DisputesView {
  overall: DisputeFigures;
  byAgency: DisputeGroup[];
  byDepartment: DisputeGroup[];
  byAgent: DisputeGroup[];
  oldestWaiting: WaitingRow[];
  /** The latest disputes of the scope, newest first, with what happened after each. */
  recent: DisputeRow[];
}

export async function loadDisputesView(
  models: Models,
  filter: ReportFilter,
  now: Date = new Date(),
  limit = 10,
): Promise<DisputesView> {
  const rows = await loadDisputeRows(models, filter);
  const by = (level: 'agency' | 'department' | 'agent') => groupDisputes(rows, level, now);
  const agency = by('agency');
  return {
    overall: agency.overall,
    byAgency: agency.groups,
    byDepartment: by('department').groups,
    byAgent: by('agent').groups,
    oldestWaiting: rows
      .filter((r) => r.state === 'waiting')
      .sort(
        (a, b) => a.disputedAt.getTime() - b.disputedAt.getTime() || a.ticketRef.localeCompare(b.ticketRef),
      )
      .slice(0, limit)
      .map((r) => ({
        ticketRef: r.ticketRef,
        agency: r.agency,
        department: r.department,
        agentId: r.agentId,
        disputedAt: r.disputedAt,
        daysWaiting: Math.floor((now.getTime() - r.disputedAt.getTime()) / DAY_MS),
        overdue: now.getTime() > r.deadlineAt.getTime(),
      })),
    recent: [...rows]
      .sort(
        (a, b) => b.disputedAt.getTime() - a.disputedAt.getTime() || a.ticketRef.localeCompare(b.ticketRef),
      )
      .slice(0, 30),
  };
}

function ShareText({ lang, s }: { lang: ReportLang; s: Share }) {
  const pm = formatPlusMinus(lang, 'rate', s.share, s.interval);
  return (
    <>
      {formatPercent(s.share)}
      {pm && (
        <>
          {' '}
          <span class="pm">{pm}</span>
        </>
      )}{' '}
      <span class="note">
        ({s.x}/{s.n})
      </span>
    </>
  );
}

const days = (d: number | null) => (d === null ? '–' : d.toFixed(1));

/** What happened after a dispute, in words: the state and when it moved. */
export function afterText(r: DisputeRow, lang: ReportLang): string {
  const w = TEXTS[lang];
  const when = (d: Date | null | undefined) => (d ? riyadhDay(d, lang) : '');
  switch (r.state) {
    case 'waiting':
      return w.state.waiting;
    case 'reopened':
      return `${r.inTime === false ? w.reopenedLate : w.reopenedInTime} ${when(r.reopenedAt)}`;
    case 'closed_again':
      return `${r.inTime === false ? w.reopenedLate : w.reopenedInTime} ${when(r.reopenedAt)} · ${w.state.closed_again} ${when(r.nextClosedAt)}`;
    case 'verified_solved':
      return `${w.state.closed_again} ${when(r.nextClosedAt)} · ${w.state.verified_solved}`;
    case 'disputed_again':
      return `${w.state.closed_again} ${when(r.nextClosedAt)} · ${w.state.disputed_again}`;
    default:
      return r.state;
  }
}

/** The headline figures of the disputes of a scope. */
export function DisputeCards({ lang, f }: { lang: ReportLang; f: DisputeFigures }) {
  const w = TEXTS[lang];
  return (
    <div class="cards" data-disputes={f.disputes}>
      <div class="card" data-dispute="disputes">
        <div class="label">{w.disputes}</div>
        <div class="value">{f.disputes}</div>
      </div>
      <div class="card" data-dispute="in-time" title={w.inTimeDef}>
        <div class="label">{w.inTime}</div>
        <div class="value">{formatPercent(f.actedInTime.share)}</div>
        <div class="n">
          {f.actedInTime.x}/{f.actedInTime.n}{' '}
          <span class="pm">{formatPlusMinus(lang, 'rate', f.actedInTime.share, f.actedInTime.interval)}</span>
        </div>
      </div>
      <div class="card" data-dispute="solved" title={w.solvedDef}>
        <div class="label">{w.solved}</div>
        <div class="value">{formatPercent(f.laterVerifiedSolved.share)}</div>
        <div class="n">
          {f.laterVerifiedSolved.x}/{f.laterVerifiedSolved.n}
        </div>
      </div>
      <div class="card" data-dispute="median-days">
        <div class="label">{w.medianDays}</div>
        <div class="value">{days(f.medianDaysToAct)}</div>
      </div>
      <div class="card" data-dispute="waiting">
        <div class="label">{w.waiting}</div>
        <div class="value">{f.waiting}</div>
        <div class="n">
          {w.late}: {f.actedLate} · {w.again}: {f.disputedAgain}
        </div>
      </div>
    </div>
  );
}

/** One row per agency, department or agent, each name a link to its page. */
export function DisputeTable({
  lang,
  level,
  groups,
  names,
  filter,
  id,
}: {
  lang: ReportLang;
  level: 'agency' | 'department' | 'agent';
  groups: DisputeGroup[];
  names: Names;
  filter: ReportFilter;
  id: string;
}) {
  const t = reportTexts(lang);
  const w = TEXTS[lang];
  if (groups.length === 0) return null;
  // The most disputes still waiting first: the ones a manager should chase.
  const rows = [...groups].sort((a, b) => b.waiting - a.waiting || b.disputes - a.disputes);
  const head = level === 'agency' ? t.agency : level === 'department' ? t.department : t.agent;
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-labelledby={id} data-disputes-by={level}>
      <table>
        <caption id={id} class="visually-hidden">
          {w.byLevel[level]}
        </caption>
        <thead>
          <tr>
            <th scope="col" class="id">
              {head}
            </th>
            <th scope="col">{w.disputes}</th>
            <th scope="col">{w.inTime}</th>
            <th scope="col">{w.solved}</th>
            <th scope="col">{w.medianDays}</th>
            <th scope="col">{w.waiting}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => {
            const href =
              level === 'agency'
                ? entityHref.agency(g.agency, filter, lang)
                : level === 'department'
                  ? entityHref.department(g.agency, g.department ?? '', filter, lang)
                  : entityHref.agent(g.agent ?? '', filter, lang);
            const name =
              level === 'agency'
                ? names.agency(g.agency)
                : level === 'department'
                  ? names.department(g.agency, g.department ?? '')
                  : names.agent(g.agent ?? '');
            return (
              <tr data-key={g.key}>
                <td class="id">
                  <a href={href}>
                    <bdi>{name}</bdi>
                  </a>
                </td>
                <td>{g.disputes}</td>
                <td class="wrap" style={{ minWidth: '7rem' }}>
                  <ShareText lang={lang} s={g.actedInTime} />
                </td>
                <td class="wrap" style={{ minWidth: '7rem' }}>
                  <ShareText lang={lang} s={g.laterVerifiedSolved} />
                </td>
                <td>{days(g.medianDaysToAct)}</td>
                <td data-waiting={g.waiting}>{g.waiting}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The oldest disputes nobody has acted on, by ticket. */
export function WaitingTable({
  lang,
  view,
  names,
  filter,
  showAgent,
}: {
  lang: ReportLang;
  view: DisputesView;
  names: Names;
  filter: ReportFilter;
  showAgent: boolean;
}) {
  const t = reportTexts(lang);
  const w = TEXTS[lang];
  return (
    <>
      <h3 id="h-waiting">{w.oldestTitle}</h3>
      {view.oldestWaiting.length === 0 ? (
        <p class="note" data-waiting-none>
          {w.noneWaiting}
        </p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-waiting">
          <table data-waiting-table>
            <thead>
              <tr>
                <th scope="col" class="id">
                  {w.ticket}
                </th>
                {showAgent && <th scope="col">{t.agent}</th>}
                <th scope="col">{w.disputedAt}</th>
                <th scope="col">{w.daysWaiting}</th>
                <th scope="col">{w.after}</th>
              </tr>
            </thead>
            <tbody>
              {view.oldestWaiting.map((r) => (
                <tr data-ticket={r.ticketRef}>
                  <td class="id">
                    <bdi dir="ltr">{r.ticketRef}</bdi>
                  </td>
                  {showAgent && (
                    <td>
                      <a href={entityHref.agent(r.agentId, filter, lang)}>
                        <bdi>{names.agent(r.agentId)}</bdi>
                      </a>
                    </td>
                  )}
                  <td class="wrap">{riyadhTime(r.disputedAt, lang)}</td>
                  <td>
                    {r.daysWaiting}
                    {r.overdue && <span class="badge">{w.overdue}</span>}
                  </td>
                  <td class="wrap">{w.state.waiting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The dashboard's disputes: the figures, per agency (when more than one), department and agent, and the oldest waiting. */
export function DisputesSection({
  lang,
  view,
  names,
  filter,
  levels,
}: {
  lang: ReportLang;
  view: DisputesView;
  names: Names;
  filter: ReportFilter;
  levels: ('agency' | 'department' | 'agent')[];
}) {
  const w = TEXTS[lang];
  const groupsOf = { agency: view.byAgency, department: view.byDepartment, agent: view.byAgent };
  return (
    <section aria-labelledby="h-disputes" id="disputes">
      <h2 id="h-disputes">{w.title}</h2>
      <DisputeCards lang={lang} f={view.overall} />
      <p class="note">{w.note}</p>
      {levels.map((level) => (
        <details open={level !== 'agent'} data-level={level}>
          <summary>{w.byLevel[level]}</summary>
          <DisputeTable
            lang={lang}
            level={level}
            groups={groupsOf[level]}
            names={names}
            filter={filter}
            id={`cap-disputes-${level}`}
          />
        </details>
      ))}
      <WaitingTable lang={lang} view={view} names={names} filter={filter} showAgent />
    </section>
  );
}

const AR = {
  title: 'الإغلاقات المعترض عليها: ماذا فعلت الجهة بعدها',
  disputes: 'اعتراضات',
  inTime: 'أعيد فتحها في الموعد',
  inTimeDef: 'ما أعيد فتحه خلال مهلة الجهة، من الاعتراضات التي انقضت مهلتها أو أعيد فتحها.',
  solved: 'تأكد حلها لاحقًا',
  solvedDef: 'الاعتراضات التي أكد المواطن حل الإغلاق التالي لها.',
  medianDays: 'الوسيط بالأيام حتى الإجراء',
  waiting: 'ما زالت تنتظر',
  late: 'متأخرة',
  again: 'اعتُرض عليها مجددًا',
  note: 'يُحسب الاعتراض في يوم قول المواطن إن المشكلة لم تُحل، والمهلة لكل جهة (7 أيام ما لم تحدد غيرها).',
  byLevel: { agency: 'حسب الجهة', department: 'حسب الإدارة', agent: 'حسب الموظف' },
  oldestTitle: 'أقدم الاعتراضات التي لم يُتخذ فيها إجراء',
  noneWaiting: 'لا اعتراض ينتظر.',
  ticket: 'البلاغ',
  disputedAt: 'وقت الاعتراض',
  daysWaiting: 'أيام الانتظار',
  after: 'ما حدث بعده',
  overdue: 'تجاوز المهلة',
  reopenedInTime: 'أعيد فتحه في الموعد',
  reopenedLate: 'أعيد فتحه متأخرًا',
  state: {
    waiting: 'لا شيء بعد: لم يُعد فتحه',
    reopened: 'أعيد فتحه',
    closed_again: 'أغلق مجددًا',
    verified_solved: 'أكد المواطن الحل',
    disputed_again: 'اعترض المواطن مجددًا',
  },
};
const EN: typeof AR = {
  title: 'Disputed closures: what the agency did next',
  disputes: 'Disputes',
  inTime: 'Reopened in time',
  inTimeDef:
    "Reopened within the agency's deadline, of the disputes whose deadline has passed or that were reopened.",
  solved: 'Later verified solved',
  solvedDef: 'Disputes whose next closure the citizen confirmed as solved.',
  medianDays: 'Median days to act',
  waiting: 'Still waiting',
  late: 'Late',
  again: 'Disputed again',
  note: 'A dispute counts on the day the citizen said "not solved"; each agency has its own deadline (7 days unless it sets another).',
  byLevel: { agency: 'By agency', department: 'By department', agent: 'By agent' },
  oldestTitle: 'The oldest disputes nobody has acted on',
  noneWaiting: 'No dispute is waiting.',
  ticket: 'Ticket',
  disputedAt: 'Disputed',
  daysWaiting: 'Days waiting',
  after: 'What happened after',
  overdue: 'overdue',
  reopenedInTime: 'Reopened in time',
  reopenedLate: 'Reopened late',
  state: {
    waiting: 'Nothing yet: not reopened',
    reopened: 'Reopened',
    closed_again: 'Closed again',
    verified_solved: 'citizen confirmed solved',
    disputed_again: 'citizen disputed again',
  },
};
const TEXTS: Record<ReportLang, typeof AR> = { ar: AR, en: EN };
export const disputeTexts = (lang: ReportLang) => TEXTS[lang];
