import { periodWithHijri, riyadhTime } from './times.js';
import { loadPublicDisputeCounts, type PublicDisputeRow } from '../open-data/dispute-counts.js';
import { disputeTexts } from './disputes-view.js';
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
import { Chart, COLORS, intervalBars } from '../../http/ui/charts.js';
import { BandCell, Definitions, FunnelSection } from './dashboard-page.js';
import { uiTexts } from '../../i18n/ui.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { ChainList } from './chain-view.js';
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
  /** Disputes of the board's days per agency and what each agency did after them (counts only). */
  disputes: PublicDisputeRow[];
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
    const [summary, agencies, awards, disputes] = await Promise.all([
      buildSummary(models, { from, to }, 'agency', opts.minN),
      models.Agency.find({}, { code: 1, name: 1, publicName: 1 }).limit(500).lean(),
      Promise.all(AWARD_UNITS.map((unit) => loadAward(models, unit, to, opts.minN))),
      loadPublicDisputeCounts(models, from, to),
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
      disputes,
    };
  };
  return cachedLoader(load);
}

/** A period's label in the reader's language: "2026-Q3" becomes "the third quarter of 2026". */
export function periodName(label: string, lang: ReportLang): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(label);
  if (!q) return label;
  const ordinal =
    lang === 'ar' ? ['الأول', 'الثاني', 'الثالث', 'الرابع'] : ['first', 'second', 'third', 'fourth'];
  const n = ordinal[Number(q[2]) - 1] ?? q[2];
  return lang === 'ar' ? `الربع ${n} من ${q[1]}` : `the ${n} quarter of ${q[1]}`;
}

export { riyadhTime };

export function renderPublicBoard(lang: ReportLang, board: PublicBoard): string {
  const t = reportTexts(lang);
  const vrr = definitionOf('verifiedResolutionRate')[lang].name;
  const fcr = definitionOf('falseClosureRate')[lang].name;
  const rate = (g: ReportGroup) => g.metrics.verifiedResolutionRate;
  return renderDocument(
    <Page lang={lang} title={t.publicTitle} heading={t.publicTitle} path="/public" anonymous>
      <section>
        <p>{t.publicIntro(board.from, board.to)}</p>
        <p class="note" data-period>
          {t.period}: {periodWithHijri(board.from, board.to, lang)}
        </p>
        <p class="note">{t.publicNoPersonal}</p>
        <p class="note" data-updated={board.computedAt}>
          {lang === 'ar' ? 'آخر تحديث: ' : 'Last updated: '}
          {riyadhTime(board.computedAt, lang)}
        </p>
      </section>
      <section aria-labelledby="h-board">
        <h2 id="h-board">{vrr}</h2>
        <Chart
          id="public-board"
          title={vrr}
          columns={[t.agency, vrr, t.n]}
          rows={board.agencies.map(({ name, group: g }) => [
            name[lang],
            `${formatPercent(rate(g).value)} ${formatPlusMinus(lang, 'rate', rate(g).value, rate(g).interval)}`,
            rate(g).n,
          ])}
          draw={intervalBars(
            board.agencies.map(({ name, group: g }) => ({
              label: name[lang],
              value: rate(g).value,
              interval: rate(g).interval,
              text: `${formatPercent(rate(g).value)}${g.lowN ? ` · ${t.lowN}` : ''}`,
              muted: g.lowN,
            })),
            { rtl: lang === 'ar', color: COLORS.resolved },
          )}
        />
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-board">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.rank}</th>
                <th scope="col" class="id">
                  {t.agency}
                </th>
                <th scope="col">{vrr}</th>
                <th scope="col">{fcr}</th>
                <th scope="col">{t.responses}</th>
                <th scope="col">{uiTexts(lang).bandHead}</th>
              </tr>
            </thead>
            <tbody>
              {board.agencies.length === 0 && (
                <tr>
                  <td colSpan={6}>{t.noData}</td>
                </tr>
              )}
              {board.agencies.map(({ code, name, group: g }) => {
                const m = g.metrics;
                const cell = (metric: 'verifiedResolutionRate' | 'falseClosureRate') => {
                  const pm = formatPlusMinus(lang, 'rate', m[metric].value, m[metric].interval);
                  return (
                    <td data-metric={metric}>
                      {formatPercent(m[metric].value)}
                      {pm && (
                        <>
                          {' '}
                          <span class="pm">{pm}</span>
                        </>
                      )}{' '}
                      <span class="note">
                        ({t.n}={m[metric].n})
                      </span>
                    </td>
                  );
                };
                return (
                  <tr
                    class={g.lowN ? 'low-n' : ''}
                    data-agency={code}
                    data-rank={g.rank ?? ''}
                    data-rank-low={g.rankInterval?.low ?? ''}
                    data-rank-high={g.rankInterval?.high ?? ''}
                  >
                    <td>{formatRank(g.rank, g.rankInterval)}</td>
                    <td class="id">
                      <bdi>{name[lang]}</bdi>
                      {g.lowN && <span class="badge">{t.lowN}</span>}
                    </td>
                    {cell('verifiedResolutionRate')}
                    {cell('falseClosureRate')}
                    <td>{m.answers}</td>
                    <BandCell lang={lang} g={g} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p class="note">
          {t.lowNNote(board.minN)} {t.tiedNote} {t.intervalNote}
        </p>
      </section>
      <FunnelSection
        lang={lang}
        groups={board.agencies.map((a) => a.group)}
        comparison={board.comparison}
        nameOf={(g) => board.names.get(g.key)?.[lang] ?? g.key}
        id="funnel-agencies"
      />
      <p>
        <a href={`/public/methodology${queryString({ lang })}`} data-link="methodology">
          {t.methodologyLink}
        </a>
      </p>
      <PublicDisputes lang={lang} board={board} />
      <section aria-labelledby="h-chain">
        <h2 id="h-chain">{t.chainTitle}</h2>
        <ChainList lang={lang} chain={board.overall.chain} id="public-chain" />
      </section>
      {board.awards.map((a) => (
        <Award lang={lang} a={a} names={board.names} />
      ))}
      <Definitions lang={lang} title={t.definitions} />
    </Page>,
  );
}

/** A year's or quarter's best three, as a list (the board's table stays the only table). */
function Award({
  lang,
  a,
  names,
}: {
  lang: ReportLang;
  a: BestThree;
  names: Map<string, { ar: string; en: string }>;
}) {
  const t = reportTexts(lang);
  const id = `h-award-${a.period.unit}`;
  return (
    <section aria-labelledby={id} class="award" data-award={a.period.unit} data-period={a.period.label}>
      <h2 id={id}>{t.bestThreeTitle(a.period.unit, periodName(a.period.label, lang))}</h2>
      <p class="note">{t.bestThreeRule(periodName(a.period.previous.label, lang))}</p>
      {a.winners.length > 0 && (
        <ol>
          {a.winners.map((w) => (
            <li data-agency={w.agency}>
              <bdi>{names.get(w.agency)?.[lang] ?? w.agency}</bdi>{' '}
              <span class="note">
                {t.bestThreeLine(
                  formatPercent(w.previous.yes / w.previous.n),
                  formatPercent(w.current.yes / w.current.n),
                  (w.test.difference * 100).toFixed(1),
                  (w.test.interval.low * 100).toFixed(1),
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
      {a.fewerThanThree && (
        <p class="note" data-fewer-than-three="true">
          {t.bestThreeFewer(a.winners.length, a.tested)}
        </p>
      )}
    </section>
  );
}

/**
 * Disputed closures per agency, as counts anyone can check (the same as /public/disputes.json): no
 * department, agent or ticket. Agency names are not links: the report pages behind them name agents
 * and tickets and quote citizens, which only signed-in readers may see.
 */
function PublicDisputes({ lang, board }: { lang: ReportLang; board: PublicBoard }) {
  const t = reportTexts(lang);
  const w = disputeTexts(lang);
  return (
    <section aria-labelledby="h-public-disputes" id="disputes">
      <h2 id="h-public-disputes">{w.title}</h2>
      {board.disputes.length === 0 ? (
        <p class="note">{t.noData}</p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-labelledby="h-public-disputes">
          <table data-public-disputes>
            <thead>
              <tr>
                <th scope="col" class="id">
                  {t.agency}
                </th>
                <th scope="col">{w.disputes}</th>
                <th scope="col">{w.inTime}</th>
                <th scope="col">{w.late}</th>
                <th scope="col">{w.waiting}</th>
                <th scope="col">{w.solved}</th>
              </tr>
            </thead>
            <tbody>
              {board.disputes.map((d) => (
                <tr data-agency={d.agency}>
                  <td class="id">
                    <bdi>{board.names.get(d.agency)?.[lang] ?? d.agency}</bdi>
                  </td>
                  <td>{d.disputes}</td>
                  <td class="wrap" style={{ minWidth: '7rem' }}>
                    {formatPercent(d.acted_in_time_share)}{' '}
                    <span class="note">
                      ({d.acted_in_time}/{d.decided})
                    </span>
                  </td>
                  <td>{d.acted_late}</td>
                  <td>{d.waiting}</td>
                  <td>{d.later_verified_solved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="note">{w.note}</p>
      <p class="note">
        <a href="/public/disputes.json" download>
          {lang === 'ar' ? 'الأعداد بصيغة JSON' : 'These counts as JSON'}
        </a>
      </p>
    </section>
  );
}
