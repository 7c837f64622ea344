import type { Principal } from '../../auth/api-tokens.js';
import type { HttpError } from '../../http/errors.js';
import { queryString, renderDocument } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { connectorTexts } from '../../i18n/connectors.js';
import type { Mapping } from '../../tickets/connectors/mapping.js';
import type { ReceiveResult } from '../../tickets/connectors/receive.js';
import type { ConnectorLogEntry, ConnectorView } from './service.js';

/**
 * The connectors page of one agency: per ticket system, the URL and secret to paste at the other
 * end, the mapping, a test event, and the log of what arrived. Plain forms (the pages' policy allows
 * no script); a secret generated here is shown once, in the answer to the request that made it.
 */

type Lang = 'ar' | 'en';

export interface ConnectorPageState {
  notice?: string;
  error?: HttpError;
  once?: { system: string; secret: string };
  test?: { system: string; result: ReceiveResult };
}

interface Ctx {
  lang: Lang;
  p: Principal;
  csrf: string;
}

const canWrite = (p: Principal) => p.role === 'admin' || p.role === 'agency_admin';

function Hidden({ c }: { c: Ctx }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={c.csrf} />
      <input type="hidden" name="lang" value={c.lang} />
    </>
  );
}

function ErrorBlock({ error }: { error: HttpError }) {
  const fields =
    (error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  return (
    <div class="error" role="alert">
      {fields.length ? (
        <ul>
          {fields.map((f) => (
            <li>
              <bdi>{f.field}</bdi>: <bdi dir="ltr">{f.message}</bdi>
            </li>
          ))}
        </ul>
      ) : (
        <bdi dir="ltr">{error.message}</bdi>
      )}
    </div>
  );
}

const FIELDS: (keyof Mapping)[] = [
  'status',
  'closed',
  'reopened',
  'ticketId',
  'ref',
  'refPrefix',
  'updatedAt',
  'zone',
  'phone',
  'agent',
  'department',
  'language',
];

function shown(v: Mapping[keyof Mapping] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

function Connector({
  c,
  agency,
  v,
  state,
}: {
  c: Ctx;
  agency: string;
  v: ConnectorView;
  state: ConnectorPageState;
}) {
  const t = connectorTexts(c.lang);
  const base = `/admin/agencies/${encodeURIComponent(agency)}/connectors/${v.system}`;
  const write = canWrite(c.p);
  const secretField = v.secretFromSystem && (
    <label>
      {t.pastedSecret}
      <input name="secret" type="password" autocomplete="off" required minLength={16} dir="ltr" />
      <span class="note">{t.pastedSecretHint}</span>
    </label>
  );
  return (
    <section id={`connector-${v.system}`} aria-labelledby={`h-${v.system}`} data-system={v.system}>
      <h2 id={`h-${v.system}`}>
        {v.name} <span class="badge">{v.setUp ? t.setUpState : t.notSetUp}</span>
      </h2>
      <p>{t.url}:</p>
      <pre>
        <code class="url">{v.url}</code>
      </pre>
      {state.once?.system === v.system && (
        <div class="once" role="status">
          <strong>{t.secretOnce}</strong>
          <code id="once">{state.once.secret}</code>
        </div>
      )}
      {!v.setUp && write && (
        <form class="stack" method="post" action={`${base}/set-up`}>
          <Hidden c={c} />
          {secretField}
          <div>
            <button class="primary" type="submit">
              {t.setUp}
            </button>
          </div>
        </form>
      )}
      {v.setUp && (
        <>
          <p>
            {t.secrets}:{' '}
            {v.secrets.map((s, i) => (
              <>
                {i > 0 && ' · '}
                <bdi dir="ltr">{s.id}</bdi> ({t.secretCreated}{' '}
                <bdi dir="ltr">{s.createdAt.slice(0, 16).replace('T', ' ')}</bdi>
                {s.retiresAt && (
                  <>
                    , {t.secretRetires} <bdi dir="ltr">{s.retiresAt.slice(0, 16).replace('T', ' ')}</bdi>
                  </>
                )}
                )
              </>
            ))}
          </p>
          {write && (
            <div class="exports">
              <form class="inline" method="post" action={`${base}/test`}>
                <Hidden c={c} />
                <button class="primary" type="submit" name="test" value={v.system}>
                  {t.testEvent}
                </button>
              </form>
              <form class="stack" method="post" action={`${base}/rotate`}>
                <Hidden c={c} />
                {secretField}
                <div>
                  <button class="small" type="submit">
                    {t.rotate}
                  </button>
                </div>
              </form>
            </div>
          )}
          <p class="note">{t.testNote}</p>
          {state.test?.system === v.system && (
            <div class={state.test.result.status < 300 ? 'ok' : 'error'} role="status" id="test-result">
              <strong>
                {t.testResult}: HTTP {state.test.result.status}
              </strong>
              <pre>{JSON.stringify(state.test.result.body, null, 2)}</pre>
            </div>
          )}
          <div class="mapping">
            <h3>{t.mapping}</h3>
            <p class="note">{t.mappingNote}</p>
            <form class="grid" method="post" action={`${base}/mapping`}>
              <Hidden c={c} />
              <input type="hidden" name="revision" value={String(v.revision)} />
              {FIELDS.map((f) =>
                f === 'zone' ? (
                  <label>
                    {t.fields.zone}
                    <select name="zone" disabled={!write}>
                      <option value="">
                        {v.defaults.zone === 'utc' ? t.zoneUtc : t.zoneLocal} ({t.byDefault})
                      </option>
                      <option value="utc" selected={v.override.zone === 'utc'}>
                        {t.zoneUtc}
                      </option>
                      <option value="local" selected={v.override.zone === 'local'}>
                        {t.zoneLocal}
                      </option>
                    </select>
                  </label>
                ) : (
                  <label>
                    {t.fields[f]}
                    <input
                      name={f}
                      dir="ltr"
                      value={shown(v.override[f])}
                      placeholder={shown(v.defaults[f])}
                      title={shown(v.defaults[f])}
                      readOnly={!write}
                    />
                  </label>
                ),
              )}
              {write && (
                <div>
                  <button class="primary" type="submit">
                    {t.save}
                  </button>
                </div>
              )}
            </form>
          </div>
        </>
      )}
    </section>
  );
}

export function renderConnectorsPage(
  c: Ctx,
  agency: string,
  connectors: ConnectorView[],
  log: ConnectorLogEntry[],
  state: ConnectorPageState = {},
): string {
  const t = connectorTexts(c.lang);
  const path = `/admin/agencies/${encodeURIComponent(agency)}/connectors`;
  return renderDocument(
    <Page
      lang={c.lang}
      title={t.title}
      heading={`${t.title} · ${agency}`}
      principal={c.p}
      csrf={c.csrf}
      path={path}
    >
      {state.error && <ErrorBlock error={state.error} />}
      {state.notice && (
        <p class="ok" role="status">
          {state.notice}
        </p>
      )}
      <p class="note">{t.intro}</p>
      {!canWrite(c.p) && <p class="note">{t.readOnly}</p>}
      {connectors.map((v) => (
        <Connector c={c} agency={agency} v={v} state={state} />
      ))}
      <section aria-labelledby="h-log" id="log">
        <h2 id="h-log">{t.log}</h2>
        <p class="note">{t.logNote}</p>
        {log.length === 0 ? (
          <p class="note">{t.logEmpty}</p>
        ) : (
          <div class="table-wrap" tabindex={0} role="region" aria-label={t.log}>
            <table>
              <thead>
                <tr>
                  <th>{t.time}</th>
                  <th>{t.system}</th>
                  <th>{t.status}</th>
                  <th>{t.outcome}</th>
                  <th>{t.http}</th>
                  <th>{t.ticket}</th>
                  <th>{t.reason}</th>
                </tr>
              </thead>
              <tbody>
                {log.map((e) => (
                  <tr data-outcome={e.outcome}>
                    <td>
                      <bdi dir="ltr">{e.at.slice(0, 19).replace('T', ' ')}</bdi>
                    </td>
                    <td>{e.system}</td>
                    <td>
                      <bdi>{e.status ?? '–'}</bdi>
                    </td>
                    <td>{t.outcomes[e.outcome] ?? e.outcome}</td>
                    <td>{e.httpStatus}</td>
                    <td>
                      <bdi dir="ltr">{e.ticketRef ?? '–'}</bdi>
                    </td>
                    <td class="wrap">
                      <bdi dir="ltr">{e.reason ?? ''}</bdi>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Page>,
  );
}

/** The menu's entry: the agencies the reader may see, each linking to its connectors. */
export function renderAgencyChooser(
  c: Ctx,
  agencies: { code: string; name: string }[],
  error?: HttpError,
): string {
  const t = connectorTexts(c.lang);
  return renderDocument(
    <Page
      lang={c.lang}
      title={t.title}
      heading={t.title}
      principal={c.p}
      csrf={c.csrf}
      path="/admin/connectors"
    >
      {error && <ErrorBlock error={error} />}
      <section>
        <p>{t.chooseAgency}</p>
        {agencies.length === 0 ? (
          <p class="note">{t.noAgencies}</p>
        ) : (
          <ul>
            {agencies.map((a) => (
              <li>
                <a
                  href={`/admin/agencies/${encodeURIComponent(a.code)}/connectors${queryString({ lang: c.lang })}`}
                >
                  <bdi dir="ltr">{a.code}</bdi>
                </a>{' '}
                <bdi>{a.name}</bdi>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>,
  );
}
