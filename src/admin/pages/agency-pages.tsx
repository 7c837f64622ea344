import { DEFAULT_DISPUTE_ACT_DAYS } from '../../followup/agency-rules.js';
import { REASONS } from '../../followup/conversation/reply-parser.js';
import { adminTexts } from '../../i18n/admin.js';
import { queryString } from '../../http/ui/html.js';
import type { ImportReport } from '../csv-directory.js';
import type { AgencyView, agentView, departmentView } from '../directory.js';
import { CHANNELS } from '../schemas.js';
import { adminPage, Field, Hidden, PostButton, Table, When, type PageCtx, type PageState } from './render.js';

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

const numberText = (n: number | null | undefined) => (n != null ? String(n) : '');

/** The agency form's fields; the same names are read back by formToAgency in the routes. */
export function AgencyFields({ c, a, withCode = false }: { c: PageCtx; a?: AgencyView; withCode?: boolean }) {
  const t = adminTexts(c.lang);
  const [start, end] = (a?.sendWindow ?? '').split('-');
  const reasonText = (code: string, lang: 'ar' | 'en') =>
    a?.reasons?.find((r) => r.code === code)?.[lang] ?? '';
  const channelLabel = {
    '': t.channelNone,
    sms: t.channel_sms,
    whatsapp: t.channel_whatsapp,
    voice: t.channel_voice,
  };
  return (
    <>
      {withCode && <Field label={t.code} name="code" required dir="ltr" />}
      <Field label={t.nameAr} name="name_ar" value={a?.name.ar ?? ''} required dir="rtl" lang="ar" />
      <Field label={t.nameEn} name="name_en" value={a?.name.en ?? ''} required dir="ltr" lang="en" />
      <Field label={t.publicNameAr} name="public_ar" value={a?.publicName.ar ?? ''} dir="rtl" lang="ar" />
      <Field label={t.publicNameEn} name="public_en" value={a?.publicName.en ?? ''} dir="ltr" lang="en" />
      <fieldset>
        <legend>{t.channels}</legend>
        <p class="note">{t.channelsHint}</p>
        {[0, 1, 2].map((i) => {
          const current = (a?.channels ?? ['sms'])[i] ?? '';
          return (
            <label>
              {t.channelPosition(i + 1)}{' '}
              <select name={`channel_${i + 1}`}>
                {(['', ...CHANNELS] as const).map((ch) => (
                  <option value={ch} selected={ch === current}>
                    {channelLabel[ch]}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
        <Field
          label={t.channelWaitHours}
          name="channel_wait_hours"
          value={numberText(a?.channelWaitHours)}
          inputmode="decimal"
          dir="ltr"
        />
      </fieldset>
      <Field label={t.senderSms} name="sender_sms" value={a?.sender.sms ?? ''} dir="ltr" />
      <Field label={t.senderWhatsapp} name="sender_whatsapp" value={a?.sender.whatsapp ?? ''} dir="ltr" />
      <Field
        label={t.whatsappTemplateAr}
        name="wa_template_ar"
        value={a?.whatsappTemplates.ar ?? ''}
        dir="ltr"
        placeholder="HX…"
      />
      <Field
        label={t.whatsappTemplateEn}
        name="wa_template_en"
        value={a?.whatsappTemplates.en ?? ''}
        dir="ltr"
        placeholder="HX…"
      />
      <Field
        label={t.delayHours}
        name="delay_hours"
        value={numberText(a?.followUpDelayHours)}
        inputmode="decimal"
        dir="ltr"
      />
      <Field
        label={t.maxAgeHours}
        name="max_age_hours"
        value={numberText(a?.followUpMaxAgeHours)}
        inputmode="decimal"
        dir="ltr"
      />
      <Field label={t.windowStart} name="window_start" value={start ?? ''} placeholder="09:00" dir="ltr" />
      <Field label={t.windowEnd} name="window_end" value={end ?? ''} placeholder="21:00" dir="ltr" />
      <Field label={t.sendDays} name="send_days" value={a?.sendDays ?? ''} dir="ltr" />
      <Field
        label={t.webhookUrl}
        name="webhook_url"
        value={a?.disputeWebhookUrl ?? ''}
        type="url"
        dir="ltr"
      />
      <Field
        label={t.answerWebhookUrl}
        name="answer_webhook_url"
        value={a?.answerWebhookUrl ?? ''}
        type="url"
        dir="ltr"
      />
      <Field
        label={t.disputeActDays}
        name="dispute_act_days"
        value={numberText(a?.disputeActDays)}
        type="number"
        min={1}
        max={90}
        step={1}
        placeholder={String(DEFAULT_DISPUTE_ACT_DAYS)}
        dir="ltr"
      />
      <fieldset>
        <legend>{t.reasons}</legend>
        {REASONS.map((r) => (
          <div>
            <bdi>{r}</bdi>{' '}
            <Field label="ar" name={`reason_${r}_ar`} value={reasonText(r, 'ar')} dir="rtl" lang="ar" />{' '}
            <Field label="en" name={`reason_${r}_en`} value={reasonText(r, 'en')} dir="ltr" lang="en" />
          </div>
        ))}
      </fieldset>
      {a && <input type="hidden" name="revision" value={String(a.revision)} />}
      <Hidden c={c} />
    </>
  );
}

export function renderAgencyList(c: PageCtx, agencies: AgencyView[], state: PageState = {}): string {
  const t = adminTexts(c.lang);
  return adminPage(
    c,
    t.agencies,
    <>
      <section>
        {agencies.length ? (
          <Table
            headers={[t.code, t.nameAr, t.nameEn, t.webhookUrl]}
            rows={agencies.map((a) => [
              <a href={`/admin/agencies/${encodeURIComponent(a.code)}${queryString({ lang: c.lang })}`}>
                <bdi>{a.code}</bdi>
              </a>,
              a.name.ar,
              a.name.en,
              a.disputeWebhookUrl ? <bdi>{a.disputeWebhookUrl}</bdi> : '–',
            ])}
          />
        ) : (
          <p class="note">{t.none}</p>
        )}
      </section>
      {c.p.role === 'admin' && (
        <section>
          <h2>{t.newAgency}</h2>
          <form class="grid" method="post" action="/admin/agencies" id="new-agency">
            <AgencyFields c={c} withCode />
            <button class="primary" type="submit">
              {t.create}
            </button>
          </form>
        </section>
      )}
    </>,
    state,
  );
}

export function ImportReportView({ c, r }: { c: PageCtx; r: ImportReport }) {
  const t = adminTexts(c.lang);
  if (r.problems.length)
    return (
      <div class="error" role="alert" id="import-report">
        <strong>{t.badRows}</strong>
        <Table
          headers={[t.line, t.field, t.problem]}
          rows={r.problems.map((p) => [String(p.line), <bdi>{p.field}</bdi>, p.message])}
        />
      </div>
    );
  return (
    <p class="ok" role="status" id="import-report">
      {r.dryRun ? t.dryRunOk : `${t.imported}:`} {r.created} / {r.updated}
    </p>
  );
}

/** What the receiver answered to a test or a resend. */
export function DeliveryResult(p: {
  c: PageCtx;
  r: { ok: boolean; status?: number; error?: string; latencyMs: number; response?: string };
}) {
  const t = adminTexts(p.c.lang);
  const { r } = p;
  return (
    <div class={r.ok ? 'ok' : 'error'} role="status" id="test-result">
      <strong>{t.receiverAnswered}</strong>: {r.status ?? ''} {r.ok ? t.ok : t.failed} · {r.latencyMs} ms
      {r.error && <pre>{r.error}</pre>}
      {r.response && <pre>{r.response}</pre>}
    </div>
  );
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
  const none = <p class="note">{t.none}</p>;
  return adminPage(
    c,
    `${a.name[c.lang] || a.code} (${a.code})`,
    <>
      <section>
        <h2>{t.edit}</h2>
        <form class="grid" method="post" action={base} id="agency-form">
          <AgencyFields c={c} a={a} />
          {writer && (
            <button class="primary" type="submit">
              {t.save}
            </button>
          )}
        </form>
      </section>
      <section id="webhook">
        <h2>{t.webhook}</h2>
        <p>
          <bdi>{a.disputeWebhookUrl ?? '–'}</bdi>
        </p>
        <h3>{t.secrets}</h3>
        {a.webhookSecrets.length ? (
          <Table
            headers={['id', t.status]}
            rows={a.webhookSecrets.map((s) => [
              <code>{s.id}</code>,
              s.signing ? (
                <>
                  {t.secretSigning}
                  {s.retiresAt && (
                    <>
                      {' · '}
                      {t.secretRetires} <When iso={s.retiresAt} t={t} />
                    </>
                  )}
                </>
              ) : (
                t.secretRetired
              ),
            ])}
          />
        ) : (
          none
        )}
        {writer && (
          <>
            <form class="grid" method="post" action={`${base}/webhook/rotate`}>
              <Hidden c={c} />
              <Field label={t.overlapHours} name="overlap_hours" value="24" inputmode="decimal" dir="ltr" />
              <button class="primary" type="submit" id="rotate">
                {t.rotate}
              </button>
            </form>
            <p>
              <PostButton c={c} action={`${base}/webhook/retire`} label={t.retirePrevious} id="retire" />{' '}
              <PostButton c={c} action={`${base}/webhook/test`} label={t.sendTest} id="send-test" />
            </p>
          </>
        )}
        <h3>{t.deliveries}</h3>
        <div id="deliveries">
          {deliveries.length ? (
            <Table
              headers={['', t.when, t.kind, t.ticket, t.status, t.latency]}
              rows={deliveries.map((d) => [
                // The action first: in reach without scrolling the table sideways on a phone.
                !d.ok && !d.resentAt && writer ? (
                  <PostButton c={c} action={`${base}/webhook/deliveries/${d.id}/resend`} label={t.resend} />
                ) : d.resentAt ? (
                  t.resent
                ) : (
                  ''
                ),
                <When iso={d.at} t={t} />,
                d.kind,
                d.ticketRef ? <bdi>{d.ticketRef}</bdi> : '–',
                <>
                  {d.ok ? t.ok : t.failed} {d.status ?? ''}{' '}
                  {d.error && <small>{d.error.slice(0, 120)}</small>}
                </>,
                d.latencyMs != null ? `${d.latencyMs} ms` : '–',
              ])}
            />
          ) : (
            none
          )}
        </div>
      </section>
      <section id="departments">
        <h2>{t.departments}</h2>
        {departments.length ? (
          <Table
            headers={[t.code, t.nameAr, t.nameEn]}
            rows={departments.map((d) => [<bdi>{d.code}</bdi>, d.name.ar, d.name.en])}
          />
        ) : (
          none
        )}
        {writer && (
          <form class="grid" method="post" action={`${base}/departments`}>
            <Hidden c={c} />
            <Field label={t.code} name="code" required dir="ltr" />
            <Field label={t.nameAr} name="name_ar" required dir="rtl" />
            <Field label={t.nameEn} name="name_en" required dir="ltr" />
            <button class="primary" type="submit">
              {t.addDepartment}
            </button>
          </form>
        )}
      </section>
      <section id="agents">
        <h2>{t.agents}</h2>
        {agents.length ? (
          <Table
            headers={[t.agentId, t.department, t.displayName, t.dialTarget, t.staffPhones]}
            rows={agents.map((g) => [
              <bdi>{g.agentId}</bdi>,
              <bdi>{g.department}</bdi>,
              g.displayName,
              g.dialTarget ? <bdi>{g.dialTarget}</bdi> : '–',
              // Staff numbers are personal data: the page shows how many, the CSV export the numbers.
              String(g.staffPhones.length),
            ])}
          />
        ) : (
          none
        )}
        {writer && (
          <form class="grid" method="post" action={`${base}/agents`}>
            <Hidden c={c} />
            <Field label={t.agentId} name="agent_id" required dir="ltr" />
            <label>
              {t.department}
              <select name="department">
                {departments.map((d) => (
                  <option value={d.code}>{d.code}</option>
                ))}
              </select>
            </label>
            <Field label={t.displayName} name="display_name" required />
            <Field label={t.dialTarget} name="dial_target" dir="ltr" />
            <Field label={t.staffPhones} name="staff_phones" dir="ltr" />
            <button class="primary" type="submit">
              {t.addAgent}
            </button>
          </form>
        )}
      </section>
      <section id="csv">
        <h2>{t.importCsv}</h2>
        {writer && (
          <form class="stack" method="post" action={`${base}/import`}>
            <Hidden c={c} />
            <label>
              {t.importKind}
              <select name="kind">
                <option value="agents" selected={state.form?.kind !== 'departments'}>
                  {t.agents} (agent_id,department,display_name,dial_target,staff_phones)
                </option>
                <option value="departments" selected={state.form?.kind === 'departments'}>
                  {t.departments} (code,name_ar,name_en)
                </option>
              </select>
            </label>
            <label>
              {t.csvText}
              <textarea name="csv" required>
                {state.form?.csv ?? ''}
              </textarea>
            </label>
            <div>
              <button class="small" type="submit" name="mode" value="dry" id="dry-run">
                {t.dryRun}
              </button>{' '}
              <button class="primary" type="submit" name="mode" value="import" id="import">
                {t.importNow}
              </button>
            </div>
          </form>
        )}
        <p class="exports">
          <a class="button" href={`${base}/export.csv?kind=departments`}>
            {t.exportCsv}: {t.departments}
          </a>{' '}
          <a class="button" href={`${base}/export.csv?kind=agents`}>
            {t.exportCsv}: {t.agents}
          </a>
        </p>
      </section>
    </>,
    state,
  );
}
