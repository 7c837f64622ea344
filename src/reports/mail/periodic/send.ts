import type { AppContext } from '../../../context.js';
import { enqueueMail, type MailScope } from '../../../mail/outbox.js';
import { recipientsFor, type Recipient } from '../../../mail/recipients.js';
import type { ReportLang } from '../../../i18n/reports.js';
import { reportFigures } from './figures.js';
import { loadPeriodicReport } from './report-data.js';
import { renderReportMailHtml, renderReportMailText } from './report-mail-body.js';
import { renderReportPage } from './report-page.js';
import { reportPeriod, type ReportKind, type ReportPeriod } from './period.js';
import { unsubscribeUrl as signedUnsubscribeUrl } from '../../../mail/unsubscribe.js';

/**
 * Sends the reports of one period: every subscribed scope's report, once per scope, period and
 * recipient. Each mail's key (`<kind>:<scope>:<period>:user=<id>`) is unique in `mails`, so its
 * insert is the claim: a second worker running the same period, or this one again after a restart,
 * finds the mails already recorded and sends nothing twice. A scope whose every mail is recorded
 * (and handed to the mail queue) is not even rendered again.
 */

export interface PeriodicSendReport {
  kind: ReportKind;
  period: string;
  scopes: number;
  /** Mails this run recorded; the others were already recorded by an earlier or concurrent run. */
  created: number;
  alreadyRecorded: number;
  /** PDFs printed (one per scope and language that still had a mail to record). */
  rendered: number;
}

/** `agency=MOH`, `agency=MOMAH,department=roads`, `all`: the scope part of a mail's key. */
export function scopeKey(s: MailScope): string {
  const parts = [
    s.agency ? `agency=${s.agency}` : '',
    s.department ? `department=${s.department}` : '',
    s.agentId ? `agent=${s.agentId}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(',') : 'all';
}

export function reportMailKey(kind: ReportKind, scope: MailScope, period: string, userId: string): string {
  return `${kind}:${scopeKey(scope)}:${period}:user=${userId}`;
}

function scopeOf(s: {
  agency?: string | null;
  department?: string | null;
  agentId?: string | null;
}): MailScope {
  return {
    ...(s.agency ? { agency: s.agency } : {}),
    ...(s.department ? { department: s.department } : {}),
    ...(s.agentId ? { agentId: s.agentId } : {}),
  };
}

/** The unsubscribe link's stand-in inside the rendered body, replaced per recipient. */
const UNSUBSCRIBE_MARK = 'https://unsubscribe.invalid/verisat-report';

interface Rendered {
  subject: string;
  html: string;
  text: string;
  pdf: Buffer;
}

// Why: docs/decisions/0025-report-pdf-from-the-dashboard-page.md — the PDF is Chromium's print of a
// page built from the dashboard's own components and loaders (report-page.tsx): Arabic is shaped and
// ordered by a browser's text engine, and every figure has one source, the dashboard's.
async function renderReport(
  ctx: AppContext,
  scope: MailScope,
  period: ReportPeriod,
  lang: ReportLang,
  now: Date,
): Promise<Rendered> {
  const report = await loadPeriodicReport(ctx.models, {
    scope,
    period,
    lang,
    minN: ctx.config.reports.minN,
    now,
  });
  const base = ctx.config.publicBaseUrl;
  const figures = reportFigures(report, base);
  const pdf = await ctx.browser.pdf(renderReportPage(report, figures, base));
  return {
    subject: figures.subject,
    html: renderReportMailHtml(report, figures, UNSUBSCRIBE_MARK),
    text: renderReportMailText(report, figures, UNSUBSCRIBE_MARK),
    pdf,
  };
}

export async function sendPeriodicReports(
  ctx: AppContext,
  kind: ReportKind,
  label: string,
  opts: {
    now?: Date;
    /**
     * Called after each scope's mails are recorded: where a process may die half-way (the tests stop
     * a worker there, so "a restart mid-way" does not depend on how fast the machine is).
     */
    afterScope?: (scopeKey: string) => Promise<void>;
  } = {},
): Promise<PeriodicSendReport> {
  const period = reportPeriod(kind, label);
  const now = opts.now ?? new Date();
  const subs = await ctx.models.Subscription.find(
    { kind },
    { userId: 1, agency: 1, department: 1, agentId: 1 },
  ).lean();
  // A report is about exactly the scope subscribed to: an agency's subscriber is not sent each of its
  // departments' reports because someone else subscribed to one of them.
  const exact = new Map<string, string>();
  const scopes = new Map<string, MailScope>();
  for (const s of subs) {
    const scope = scopeOf(s);
    const k = scopeKey(scope);
    scopes.set(k, scope);
    exact.set(`${s.userId}|${k}`, String(s._id));
  }
  const out: PeriodicSendReport = {
    kind,
    period: label,
    scopes: scopes.size,
    created: 0,
    alreadyRecorded: 0,
    rendered: 0,
  };
  for (const [k, scope] of [...scopes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const recipients = (await recipientsFor(ctx.models, kind, scope)).flatMap((r): Recipient[] => {
      const subscriptionId = exact.get(`${r.userId}|${k}`);
      return subscriptionId ? [{ ...r, subscriptionId }] : [];
    });
    if (recipients.length === 0) continue;
    const keyOf = (r: Recipient) => reportMailKey(kind, scope, label, r.userId);
    const recorded = new Set(
      (await ctx.models.Mail.find({ _id: { $in: recipients.map(keyOf) } }, { _id: 1 }).lean()).map(
        (m) => m._id,
      ),
    );
    await handOverQueued(ctx, [...recorded]);
    const todo = recipients.filter((r) => !recorded.has(keyOf(r)));
    let created = 0;
    if (todo.length > 0)
      created = await recordScope(ctx, { kind, label, scope, k, period, now, todo, keyOf, out });
    out.created += created;
    out.alreadyRecorded += recipients.length - created;
    await opts.afterScope?.(k);
  }
  return out;
}

/**
 * A mail recorded but still queued is handed to the mail queue again, from its own record (same job
 * id: a no-op when the first hand-over landed), which finishes the work of a process that died
 * between the insert and the queue add, without rendering the report again.
 */
async function handOverQueued(ctx: AppContext, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const queued = await ctx.models.Mail.find({ _id: { $in: keys }, state: 'queued' });
  for (const m of queued) {
    await enqueueMail(ctx, {
      key: m._id,
      kind: m.kind,
      to: m.to,
      lang: m.lang,
      subject: m.subject,
      html: m.html,
      text: m.text,
    });
  }
}

async function recordScope(
  ctx: AppContext,
  a: {
    kind: ReportKind;
    label: string;
    scope: MailScope;
    k: string;
    period: ReportPeriod;
    now: Date;
    todo: Recipient[];
    keyOf: (r: Recipient) => string;
    out: PeriodicSendReport;
  },
): Promise<number> {
  const { kind, label, scope, k, period, now, todo, keyOf, out } = a;
  let count = 0;
  const rendered = new Map<ReportLang, Rendered>();
  for (const lang of [...new Set(todo.map((r) => r.lang))].sort()) {
    rendered.set(lang, await renderReport(ctx, scope, period, lang, now));
    out.rendered++;
  }
  for (const r of todo) {
    const mail = rendered.get(r.lang);
    if (!mail) throw new Error(`no ${r.lang} rendering of ${kind} ${k} ${label}`);
    const unsubscribeUrl = signedUnsubscribeUrl(ctx.config, r.subscriptionId, r.lang);
    const { created } = await enqueueMail(ctx, {
      key: keyOf(r),
      kind,
      to: r.email,
      userId: r.userId,
      lang: r.lang,
      scope,
      subject: mail.subject,
      html: mail.html.replaceAll(UNSUBSCRIBE_MARK, unsubscribeUrl),
      text: mail.text.replaceAll(UNSUBSCRIBE_MARK, unsubscribeUrl),
      attachments: [
        {
          filename: `verisat-${kind.replace('_', '-')}-${k.replace(/[^A-Za-z0-9-]+/g, '-')}-${label}-${r.lang}.pdf`,
          contentType: 'application/pdf',
          content: mail.pdf,
        },
      ],
      unsubscribeUrl,
    });
    if (created) count++;
  }
  return count;
}
