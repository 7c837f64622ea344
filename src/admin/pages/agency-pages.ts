import { REASONS } from '../../followup/conversation/reply-parser.js';
import { adminTexts } from '../../i18n/admin.js';
import { esc, queryString } from '../../http/ui/html.js';
import type { ImportReport } from '../csv-directory.js';
import type { AgencyView, agentView, departmentView } from '../directory.js';
import { CHANNELS } from '../schemas.js';
import { adminPage, field, hidden, postButton, table, when, type PageCtx, type PageState } from './render.js';

type Department = ReturnType<typeof departmentView>;
type Agent = ReturnType<typeof agentView>;
export interface Delivery {
  id: string;
  kind: string;
  at: string;
  ticketRef: string | null;
  ok: boolean;
  status: number | null;
  error: string | null;
  latencyMs: number | null;
  resentAt: string | null;
}

/** The agency form's fields; the same names are read back by formToAgency in the routes. */
export function agencyFields(c: PageCtx, a?: AgencyView, withCode = false): string {
  const t = adminTexts(c.lang);
  const [start, end] = (a?.sendWindow ?? '').split('-');
  const reasonText = (code: string, lang: 'ar' | 'en') =>
    a?.reasons?.find((r) => r.code === code)?.[lang] ?? '';
  return `${withCode ? field(t.code, 'code', '', 'required dir="ltr"') : ''}
${field(t.nameAr, 'name_ar', a?.name.ar ?? '', 'required dir="rtl" lang="ar"')}
${field(t.nameEn, 'name_en', a?.name.en ?? '', 'required dir="ltr" lang="en"')}
${field(t.publicNameAr, 'public_ar', a?.publicName.ar ?? '', 'dir="rtl" lang="ar"')}
${field(t.publicNameEn, 'public_en', a?.publicName.en ?? '', 'dir="ltr" lang="en"')}
<fieldset><legend>${esc(t.channels)}</legend><p class="note">${esc(t.channelsHint)}</p>${[0, 1, 2]
    .map((i) => {
      const current = (a?.channels ?? ['sms'])[i] ?? '';
      const label = {
        '': t.channelNone,
        sms: t.channel_sms,
        whatsapp: t.channel_whatsapp,
        voice: t.channel_voice,
      };
      const options = (['', ...CHANNELS] as const)
        .map((ch) => `<option value="${ch}"${ch === current ? ' selected' : ''}>${esc(label[ch])}</option>`)
        .join('');
      return `<label>${esc(t.channelPosition(i + 1))} <select name="channel_${i + 1}">${options}</select></label>`;
    })
    .join(' ')}
${field(t.channelWaitHours, 'channel_wait_hours', a?.channelWaitHours != null ? String(a.channelWaitHours) : '', 'inputmode="decimal" dir="ltr"')}</fieldset>
${field(t.senderSms, 'sender_sms', a?.sender.sms ?? '', 'dir="ltr"')}
${field(t.senderWhatsapp, 'sender_whatsapp', a?.sender.whatsapp ?? '', 'dir="ltr"')}
${field(t.whatsappTemplateAr, 'wa_template_ar', a?.whatsappTemplates.ar ?? '', 'dir="ltr" placeholder="HX…"')}
${field(t.whatsappTemplateEn, 'wa_template_en', a?.whatsappTemplates.en ?? '', 'dir="ltr" placeholder="HX…"')}
${field(t.delayHours, 'delay_hours', a?.followUpDelayHours != null ? String(a.followUpDelayHours) : '', 'inputmode="decimal" dir="ltr"')}
${field(t.maxAgeHours, 'max_age_hours', a?.followUpMaxAgeHours != null ? String(a.followUpMaxAgeHours) : '', 'inputmode="decimal" dir="ltr"')}
${field(t.windowStart, 'window_start', start ?? '', 'placeholder="09:00" dir="ltr"')}
${field(t.windowEnd, 'window_end', end ?? '', 'placeholder="21:00" dir="ltr"')}
${field(t.sendDays, 'send_days', a?.sendDays ?? '', 'dir="ltr"')}
${field(t.webhookUrl, 'webhook_url', a?.disputeWebhookUrl ?? '', 'type="url" dir="ltr"')}
<fieldset><legend>${esc(t.reasons)}</legend>${REASONS.map(
    (r) =>
      `<div><bdi>${r}</bdi> ${field('ar', `reason_${r}_ar`, reasonText(r, 'ar'), 'dir="rtl" lang="ar"')} ${field('en', `reason_${r}_en`, reasonText(r, 'en'), 'dir="ltr" lang="en"')}</div>`,
  ).join('')}</fieldset>
${a ? `<input type="hidden" name="revision" value="${a.revision}">` : ''}${hidden(c)}`;
}

export function renderAgencyList(c: PageCtx, agencies: AgencyView[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  const list = agencies.length
    ? table(
        [t.code, t.nameAr, t.nameEn, t.webhookUrl],
        agencies.map((a) => [
          `<a href="/admin/agencies/${encodeURIComponent(a.code)}${queryString({ lang: c.lang })}"><bdi>${esc(a.code)}</bdi></a>`,
          esc(a.name.ar),
          esc(a.name.en),
          a.disputeWebhookUrl ? `<bdi>${esc(a.disputeWebhookUrl)}</bdi>` : '–',
        ]),
      )
    : `<p class="note">${esc(t.none)}</p>`;
  const create =
    c.p.role === 'admin'
      ? `<section><h2>${esc(t.newAgency)}</h2><form class="grid" method="post" action="/admin/agencies" id="new-agency">${agencyFields(c, undefined, true)}<button class="primary" type="submit">${esc(t.create)}</button></form></section>`
      : '';
  return adminPage(c, t.agencies, `<section>${list}</section>${create}`, state);
}

export function renderImportReport(c: PageCtx, r: ImportReport): string {
  const t = adminTexts(c.lang);
  if (r.problems.length)
    return `<div class="error" role="alert" id="import-report"><strong>${esc(t.badRows)}</strong>${table(
      [t.line, t.field, t.problem],
      r.problems.map((p) => [String(p.line), `<bdi>${esc(p.field)}</bdi>`, esc(p.message)]),
    )}</div>`;
  return `<p class="ok" role="status" id="import-report">${esc(r.dryRun ? t.dryRunOk : `${t.imported}:`)} ${r.created} / ${r.updated}</p>`;
}

export function renderAgency(
  c: PageCtx,
  a: AgencyView,
  departments: Department[],
  agents: Agent[],
  deliveries: Delivery[],
  state: PageState = {},
): string {
  const t = adminTexts(c.lang);
  const base = `/admin/agencies/${encodeURIComponent(a.code)}`;
  const writer = c.p.role === 'admin' || c.p.role === 'agency_admin';
  const details = `<section><h2>${esc(t.edit)}</h2><form class="grid" method="post" action="${base}" id="agency-form">${agencyFields(c, a)}${writer ? `<button class="primary" type="submit">${esc(t.save)}</button>` : ''}</form></section>`;
  const secrets = a.webhookSecrets.length
    ? table(
        ['id', t.status],
        a.webhookSecrets.map((s) => [
          `<code>${esc(s.id)}</code>`,
          s.signing
            ? `${esc(t.secretSigning)}${s.retiresAt ? ` · ${esc(t.secretRetires)} ${when(s.retiresAt, t)}` : ''}`
            : esc(t.secretRetired),
        ]),
      )
    : `<p class="note">${esc(t.none)}</p>`;
  const webhook = `<section id="webhook"><h2>${esc(t.webhook)}</h2><p><bdi>${esc(a.disputeWebhookUrl ?? '–')}</bdi></p>
<h3>${esc(t.secrets)}</h3>${secrets}
${
  writer
    ? `<form class="grid" method="post" action="${base}/webhook/rotate">${hidden(c)}${field(t.overlapHours, 'overlap_hours', '24', 'inputmode="decimal" dir="ltr"')}<button class="primary" type="submit" id="rotate">${esc(t.rotate)}</button></form>
<p>${postButton(c, `${base}/webhook/retire`, t.retirePrevious, { id: 'retire' })} ${postButton(c, `${base}/webhook/test`, t.sendTest, { id: 'send-test' })}</p>`
    : ''
}
<h3>${esc(t.deliveries)}</h3><div id="deliveries">${
    deliveries.length
      ? table(
          [t.when, t.kind, t.ticket, t.status, t.latency, ''],
          deliveries.map((d) => [
            when(d.at, t),
            esc(d.kind),
            d.ticketRef ? `<bdi>${esc(d.ticketRef)}</bdi>` : '–',
            `${esc(d.ok ? t.ok : t.failed)} ${d.status ?? ''} ${d.error ? `<small>${esc(d.error.slice(0, 120))}</small>` : ''}`,
            d.latencyMs != null ? `${d.latencyMs} ms` : '–',
            !d.ok && !d.resentAt && writer
              ? postButton(c, `${base}/webhook/deliveries/${d.id}/resend`, t.resend)
              : d.resentAt
                ? esc(t.resent)
                : '',
          ]),
        )
      : `<p class="note">${esc(t.none)}</p>`
  }</div></section>`;
  const deptTable = departments.length
    ? table(
        [t.code, t.nameAr, t.nameEn],
        departments.map((d) => [`<bdi>${esc(d.code)}</bdi>`, esc(d.name.ar), esc(d.name.en)]),
      )
    : `<p class="note">${esc(t.none)}</p>`;
  const deptForm = writer
    ? `<form class="grid" method="post" action="${base}/departments">${hidden(c)}${field(t.code, 'code', '', 'required dir="ltr"')}${field(t.nameAr, 'name_ar', '', 'required dir="rtl"')}${field(t.nameEn, 'name_en', '', 'required dir="ltr"')}<button class="primary" type="submit">${esc(t.addDepartment)}</button></form>`
    : '';
  const agentTable = agents.length
    ? table(
        [t.agentId, t.department, t.displayName, t.dialTarget, t.staffPhones],
        agents.map((g) => [
          `<bdi>${esc(g.agentId)}</bdi>`,
          `<bdi>${esc(g.department)}</bdi>`,
          esc(g.displayName),
          g.dialTarget ? `<bdi>${esc(g.dialTarget)}</bdi>` : '–',
          // Staff numbers are personal data: the page shows how many, the CSV export the numbers.
          String(g.staffPhones.length),
        ]),
      )
    : `<p class="note">${esc(t.none)}</p>`;
  const agentForm = writer
    ? `<form class="grid" method="post" action="${base}/agents">${hidden(c)}${field(t.agentId, 'agent_id', '', 'required dir="ltr"')}<label>${esc(t.department)}<select name="department">${departments.map((d) => `<option value="${esc(d.code)}">${esc(d.code)}</option>`).join('')}</select></label>${field(t.displayName, 'display_name', '', 'required')}${field(t.dialTarget, 'dial_target', '', 'dir="ltr"')}${field(t.staffPhones, 'staff_phones', '', 'dir="ltr"')}<button class="primary" type="submit">${esc(t.addAgent)}</button></form>`
    : '';
  const csv = `<section id="csv"><h2>${esc(t.importCsv)}</h2>${
    writer
      ? `<form class="stack" method="post" action="${base}/import">${hidden(c)}<label>${esc(t.importKind)}<select name="kind"><option value="agents"${state.form?.kind === 'departments' ? '' : ' selected'}>${esc(t.agents)} (agent_id,department,display_name,dial_target,staff_phones)</option><option value="departments"${state.form?.kind === 'departments' ? ' selected' : ''}>${esc(t.departments)} (code,name_ar,name_en)</option></select></label><label>${esc(t.csvText)}<textarea name="csv" required>${esc(state.form?.csv ?? '')}</textarea></label><div><button class="small" type="submit" name="mode" value="dry" id="dry-run">${esc(t.dryRun)}</button> <button class="primary" type="submit" name="mode" value="import" id="import">${esc(t.importNow)}</button></div></form>`
      : ''
  }<p class="exports"><a class="button" href="${base}/export.csv?kind=departments">${esc(t.exportCsv)}: ${esc(t.departments)}</a> <a class="button" href="${base}/export.csv?kind=agents">${esc(t.exportCsv)}: ${esc(t.agents)}</a></p></section>`;
  return adminPage(
    c,
    `${a.name[c.lang] || a.code} (${a.code})`,
    `${details}${webhook}<section id="departments"><h2>${esc(t.departments)}</h2>${deptTable}${deptForm}</section><section id="agents"><h2>${esc(t.agents)}</h2>${agentTable}${agentForm}</section>${csv}`,
    state,
  );
}
