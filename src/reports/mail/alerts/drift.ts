import { unsubscribeUrl as signedUnsubscribeUrl } from '../../../mail/unsubscribe.js';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../../context.js';
import { isDuplicateKey } from '../../../db/duplicate-key.js';
import type { DriftGroupKind } from '../../../db/models/alerts.js';
import { esc } from '../../../http/ui/html.js';
import { alertTexts } from '../../../i18n/alerts.js';
import type { Language } from '../../../i18n/languages.js';
import { enqueueMail } from '../../../mail/outbox.js';
import { recipientsFor, type Recipient } from '../../../mail/recipients.js';
import type { GroupedSums } from '../../../scores/sums/groups.js';
import { localToday } from '../../periods.js';
import { rangedGroupedSums } from '../../sums/ranged-sums.js';
import { chartPage, CHART_WIDTH, driftFunnelSvg } from './chart.js';
import {
  compareForDrift,
  driftWindow,
  episodeStep,
  type DriftComparison,
  type DriftVerdict,
} from './drift-rule.js';
import {
  documentHtml,
  documentText,
  linkHtml,
  namedHtml,
  namedText,
  rowsHtml,
  rowsText,
  type MailRow,
} from './layout.js';
import { groupUrl } from './links.js';
import { loadAlertNames } from './names.js';

/**
 * The daily drift check (issue 28, item 2; the rule: drift-rule.ts, docs/methodology.md "Drift
 * alerts"). Each agent and each department is compared with its agency over the rolling window;
 * one outside opens an episode (one document per group and kind, opened by a conditional write, so
 * of two workers or a replayed check exactly one opens it), whose managers are mailed once; the
 * episode closes after DRIFT_CLEAR_DAYS inside, and a departure after that is a new episode.
 *
 * A manager gets one mail per check, naming every episode in their scope opened by it (a gaming
 * agent usually takes their department out of its limit too: that is one mail, not two).
 */

export interface DriftGroup {
  kind: DriftGroupKind;
  /** `agent:<id>` or `department:<agency>/<code>`: the episode document's id. */
  id: string;
  agency: string;
  department?: string;
  agentId?: string;
  verdict: DriftVerdict;
  comparison: DriftComparison;
}

export interface DriftReport {
  day: string;
  window: { from: string; to: string };
  checked: number;
  outside: string[];
  opened: string[];
  closed: string[];
  mails: number;
}

const rates = (sums: GroupedSums) =>
  [...sums.values()].map(({ fields, sums: s }) => ({ fields, count: s.solvedNo, n: s.solvedAnswered }));

/** Every agent and department of every agency on its agency's funnel over the window. */
export async function driftGroups(
  ctx: AppContext,
  window: { from: string; to: string },
): Promise<DriftGroup[]> {
  const minN = ctx.config.reports.minN;
  const departments = rates(await rangedGroupedSums(ctx.models, window, 'department'));
  const agencies = [
    ...new Set(departments.map((d) => d.fields.agency).filter((a): a is string => !!a)),
  ].sort();
  const out: DriftGroup[] = [];
  for (const agency of agencies) {
    const own = departments.filter((d) => d.fields.agency === agency);
    const count = own.reduce((s, d) => s + d.count, 0);
    const n = own.reduce((s, d) => s + d.n, 0);
    if (n === 0) continue;
    const expected = count / n;
    const byDepartment = compareForDrift(
      own.map((d) => ({ key: d.fields.department ?? '', count: d.count, n: d.n })),
      expected,
      minN,
    );
    for (const v of byDepartment.verdicts)
      out.push({
        kind: 'department',
        id: `department:${agency}/${v.key}`,
        agency,
        department: v.key,
        verdict: v,
        comparison: byDepartment,
      });
    const agents = rates(await rangedGroupedSums(ctx.models, { ...window, agency }, 'agent'));
    const byAgent = compareForDrift(
      agents.map((a) => ({ key: a.fields.agent ?? '', count: a.count, n: a.n })),
      expected,
      minN,
    );
    const homes = await agentDepartments(
      ctx,
      agency,
      byAgent.verdicts.map((v) => v.key),
    );
    for (const v of byAgent.verdicts)
      out.push({
        kind: 'agent',
        id: `agent:${v.key}`,
        agency,
        ...(homes.get(v.key) ? { department: homes.get(v.key) } : {}),
        agentId: v.key,
        verdict: v,
        comparison: byAgent,
      });
  }
  return out;
}

/** Each agent's department, from the directory, else from the agent's latest score in the agency. */
async function agentDepartments(
  ctx: AppContext,
  agency: string,
  ids: string[],
): Promise<Map<string, string>> {
  const known = await ctx.models.Agent.find(
    { agentId: { $in: ids }, agency },
    { agentId: 1, department: 1 },
  ).lean();
  const out = new Map(known.map((a) => [a.agentId, a.department]));
  for (const id of ids.filter((i) => !out.has(i))) {
    const latest = await ctx.models.VerifiedScore.findOne({ agentId: id, agency }, { department: 1 })
      .sort({ closedAt: -1 })
      .lean<{ department?: string }>();
    if (latest?.department) out.set(id, latest.department);
  }
  return out;
}

interface EpisodeDoc {
  _id: string;
  kind: DriftGroupKind;
  agency: string;
  department?: string;
  agentId?: string;
  open: boolean;
  episode: number;
  openedDay: string;
  lastOutsideDay: string;
  figures?: {
    from?: string;
    to?: string;
    count?: number;
    n?: number;
    rate?: number;
    expected?: number;
    limit?: number;
    low?: number;
    high?: number;
  };
  mailedEpisode?: number;
}

/** The check of one local day; what the scheduled job runs, and what tests call. */
export async function runDriftCheck(ctx: AppContext, opts: { now?: Date } = {}): Promise<DriftReport> {
  const now = opts.now ?? new Date();
  const day = localToday(ctx.config.timeZone, now);
  const window = driftWindow(day, ctx.config.alerts.driftWindowDays);
  const groups = await driftGroups(ctx, window);
  const report: DriftReport = {
    day,
    window,
    checked: groups.length,
    outside: [],
    opened: [],
    closed: [],
    mails: 0,
  };
  const { DriftEpisode } = ctx.models;
  const clearDays = ctx.config.alerts.driftClearDays;
  const close = async (prev: EpisodeDoc) => {
    const res = await DriftEpisode.updateOne(
      { _id: prev._id, open: true, episode: prev.episode, lastOutsideDay: prev.lastOutsideDay },
      { $set: { open: false, closedDay: day } },
    );
    if (res.modifiedCount === 1) report.closed.push(prev._id);
  };
  for (const g of groups) {
    if (g.verdict.outside) report.outside.push(g.id);
    const prev = await DriftEpisode.findById(g.id).lean<EpisodeDoc>();
    const step = episodeStep(prev, g.verdict.outside, day, clearDays);
    if (step === 'open' && (await openEpisode(ctx, g, day, window))) report.opened.push(g.id);
    if (step === 'extend' || step === 'open')
      await DriftEpisode.updateOne(
        { _id: g.id, open: true, lastOutsideDay: { $lt: day } },
        { $set: { lastOutsideDay: day } },
      );
    if (step === 'close' && prev) await close(prev);
  }
  // A group with no answers in the window is not outside it: its episode ends like any other.
  const checked = new Set(groups.map((g) => g.id));
  for (const prev of await DriftEpisode.find({ open: true }).lean<EpisodeDoc[]>())
    if (!checked.has(prev._id) && episodeStep(prev, false, day, clearDays) === 'close') await close(prev);
  report.mails = await mailOpenEpisodes(ctx, groups, window);
  ctx.log.info(
    {
      day,
      checked: report.checked,
      outside: report.outside.length,
      opened: report.opened,
      closed: report.closed,
      mails: report.mails,
    },
    'drift check',
  );
  return report;
}

/** Opens the group's episode unless it is open already: one conditional write decides. */
async function openEpisode(
  ctx: AppContext,
  g: DriftGroup,
  day: string,
  window: { from: string; to: string },
): Promise<boolean> {
  const v = g.verdict;
  const fields = {
    kind: g.kind,
    agency: g.agency,
    ...(g.department ? { department: g.department } : {}),
    ...(g.agentId ? { agentId: g.agentId } : {}),
    open: true,
    openedDay: day,
    lastOutsideDay: day,
    figures: {
      ...window,
      count: v.count,
      n: v.n,
      rate: v.rate,
      expected: v.expected,
      limit: v.limit,
      low: v.interval?.low ?? null,
      high: v.interval?.high ?? null,
    },
  };
  const reopened = await ctx.models.DriftEpisode.updateOne(
    { _id: g.id, open: false },
    { $set: fields, $inc: { episode: 1 }, $unset: { closedDay: 1 } },
  );
  if (reopened.modifiedCount === 1) return true;
  try {
    await ctx.models.DriftEpisode.create({ _id: g.id, ...fields, episode: 1, mailedEpisode: 0 });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false; // open already, by this check run twice or another worker
    throw err;
  }
}

/**
 * Mails every open episode whose managers were not told yet (opened by this check, or by one that
 * stopped before its mails were queued): one mail per manager, keyed by the manager and the
 * episodes it names, then each episode marked told.
 */
async function mailOpenEpisodes(
  ctx: AppContext,
  groups: DriftGroup[],
  window: { from: string; to: string },
): Promise<number> {
  const pending = (await ctx.models.DriftEpisode.find({ open: true }).lean<EpisodeDoc[]>()).filter(
    (e) => (e.mailedEpisode ?? 0) < e.episode,
  );
  if (pending.length === 0) return 0;
  const byId = new Map(groups.map((g) => [g.id, g]));
  const perUser = new Map<string, { r: Recipient; episodes: EpisodeDoc[] }>();
  for (const e of pending) {
    const about = {
      agency: e.agency,
      ...(e.department ? { department: e.department } : {}),
      ...(e.agentId ? { agentId: e.agentId } : {}),
    };
    for (const r of await recipientsFor(ctx.models, 'drift_alert', about)) {
      const entry = perUser.get(r.userId) ?? { r, episodes: [] };
      entry.episodes.push(e);
      perUser.set(r.userId, entry);
    }
  }
  const charts = new Map<string, Buffer>();
  let mails = 0;
  for (const { r, episodes } of perUser.values()) {
    episodes.sort((a, b) => (a.kind === b.kind ? a._id.localeCompare(b._id) : a.kind === 'agent' ? -1 : 1));
    const mail = await composeDrift(ctx, r, episodes, byId, window, charts);
    const names = episodes.map((e) => `${e._id}#${e.episode}`).join(',');
    const { created } = await enqueueMail(ctx, {
      key: `drift_alert:user=${r.userId}:episodes=${createHash('sha256').update(names).digest('hex').slice(0, 24)}`,
      kind: 'drift_alert',
      to: r.email,
      userId: r.userId,
      lang: r.lang,
      scope: {
        agency: episodes[0]?.agency ?? '',
        ...(episodes.length === 1 && episodes[0]?.department ? { department: episodes[0].department } : {}),
        ...(episodes.length === 1 && episodes[0]?.agentId ? { agentId: episodes[0].agentId } : {}),
      },
      ...mail,
    });
    if (created) mails += 1;
  }
  for (const e of pending)
    await ctx.models.DriftEpisode.updateOne(
      { _id: e._id, episode: e.episode, mailedEpisode: { $lt: e.episode } },
      { $set: { mailedEpisode: e.episode } },
    );
  return mails;
}

const pct = (x: number | null | undefined) => (x == null ? '–' : `${(x * 100).toFixed(1)}%`);

async function composeDrift(
  ctx: AppContext,
  r: Recipient,
  episodes: EpisodeDoc[],
  groups: Map<string, DriftGroup>,
  window: { from: string; to: string },
  charts: Map<string, Buffer>,
): Promise<{
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
  attachments: { filename: string; contentType: string; content: Buffer; cid: string }[];
}> {
  const lang: Language = r.lang;
  const t = alertTexts(lang);
  const names = await loadAlertNames(ctx.models, lang, {
    agencies: episodes.map((e) => e.agency),
    agentIds: episodes.flatMap((e) => (e.agentId ? [e.agentId] : [])),
  });
  const nameOf = (e: EpisodeDoc) =>
    e.kind === 'agent'
      ? names.agent(e.agentId ?? '')
      : `${names.department(e.agency, e.department ?? '')} – ${names.agency(e.agency)}`;
  const codeOf = (e: EpisodeDoc) => (e.kind === 'agent' ? e.agentId : undefined);
  const subject = t.driftSubject(
    episodes.map((e) =>
      e.kind === 'agent' ? names.agent(e.agentId ?? '') : names.department(e.agency, e.department ?? ''),
    ),
  );
  const attachments: { filename: string; contentType: string; content: Buffer; cid: string }[] = [];
  const blocksHtml: string[] = [];
  const blocksText: string[] = [];
  for (const e of episodes) {
    const f = e.figures ?? {};
    const heading = t.driftGroup(e.kind, nameOf(e));
    const headingHtml = namedHtml(heading, codeOf(e));
    const headingText = namedText(heading, codeOf(e));
    const rows: MailRow[] = [
      { label: t.falseClosureRate, value: pct(f.rate) },
      { label: t.interval, value: `${pct(f.low)} – ${pct(f.high)}` },
      { label: t.answers, value: String(f.n ?? '–') },
      { label: t.disputed, value: String(f.count ?? '–') },
      { label: t.expected, value: pct(f.expected) },
      { label: t.limit, value: pct(f.limit) },
      { label: t.period, value: `${f.from ?? window.from} – ${f.to ?? window.to}`, ltr: true },
    ];
    const href = groupUrl(
      ctx.config,
      {
        kind: e.kind,
        agency: e.agency,
        ...(e.department ? { department: e.department } : {}),
        ...(e.agentId ? { agentId: e.agentId } : {}),
      },
      { from: f.from ?? window.from, to: f.to ?? window.to },
      lang,
    );
    const g = groups.get(e._id);
    let img = '';
    if (g) {
      const cid = `drift-${attachments.length + 1}@verisat`;
      const chartKey = `${lang}:${e._id}:${e.episode}`;
      let png = charts.get(chartKey);
      if (!png) {
        const svg = driftFunnelSvg(g.comparison, g.verdict.key, { n: t.answers });
        png = await ctx.browser.png(
          chartPage(svg, lang, {
            title: t.chartTitle(e.kind),
            group: nameOf(e),
            peers: t.chartPeers,
            limit: t.limit,
            expected: t.expected,
          }),
          CHART_WIDTH,
        );
        charts.set(chartKey, png);
      }
      attachments.push({
        filename: `drift-${attachments.length + 1}.png`,
        contentType: 'image/png',
        content: png,
        cid,
      });
      img = `<p style="margin:8px 0"><img src="cid:${cid}" width="${CHART_WIDTH}" alt="${esc(
        `${t.chartTitle(e.kind)}: ${nameOf(e)} ${pct(f.rate)}, ${t.limit} ${pct(f.limit)}, ${t.expected} ${pct(f.expected)}`,
      )}" style="max-width:100%;height:auto;border:1px solid #dde3df"></p>`;
    }
    blocksHtml.push(
      `<h2 style="font-size:17px;margin:16px 0 4px">${headingHtml}</h2><p style="margin:0 0 6px">${esc(
        t.driftWhy(pct(f.rate), pct(f.limit), pct(f.expected)),
      )}</p>${rowsHtml(rows)}${img}${linkHtml(href, t.openPage)}`,
    );
    blocksText.push(
      `${headingText}\n${t.driftWhy(pct(f.rate), pct(f.limit), pct(f.expected))}\n${rowsText(rows)}\n${t.openPage}: ${href}`,
    );
  }
  const rule = t.rule(ctx.config.alerts.driftWindowDays, ctx.config.alerts.driftClearDays);
  const unsubscribeUrl = signedUnsubscribeUrl(ctx.config, r.subscriptionId, r.lang);
  const html = documentHtml(
    lang,
    subject,
    `<h1 style="font-size:19px;margin:0 0 8px">${esc(subject)}</h1><p>${esc(t.driftIntro)}</p>${blocksHtml.join(
      '',
    )}<p style="font-size:13px;color:#44524a">${esc(rule)}</p>`,
    { text: t.footer, unsubscribe: { href: unsubscribeUrl, label: t.unsubscribe } },
  );
  const text = documentText([subject, t.driftIntro, ...blocksText, rule], {
    text: t.footer,
    unsubscribe: `${t.unsubscribe}: ${unsubscribeUrl}`,
  });
  return { subject, html, text, unsubscribeUrl, attachments };
}
