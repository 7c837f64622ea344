import type { Principal } from '../auth/api-tokens.js';
import { renderDocument } from '../http/ui/html.js';
import { Page } from '../http/ui/layout.js';
import { sandboxTexts, type SandboxTexts } from '../i18n/sandbox.js';
import { MAGIC_NUMBERS } from '../twilio/stand-in/magic-numbers.js';

/**
 * The sandbox phone page, rendered on the server in the page's language with every control in
 * place, in the one layout and stylesheet; /sandbox/phone.js brings it to life. Each channel is a
 * view: a tab and a panel here, and a view object in the script; WhatsApp and outbound calls are
 * added as views, not as pages.
 */

export type PageLang = 'ar' | 'en';

const SUGGESTED = ['+966501234567', '+966551112233', '+966561234000'];
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function MagicRows({ t }: { t: SandboxTexts }) {
  return (
    <>
      {Object.entries(MAGIC_NUMBERS).map(([number, m]) => {
        const what =
          m.kind === 'sync'
            ? m.failFirst === undefined
              ? t.sync
              : t.syncFirst
            : `${t.async} (${t[`status_${m.finalStatus}`]})`;
        return (
          <tr>
            {/* The button first: in reach without scrolling the table sideways on a phone. */}
            <td>
              <button type="button" data-use-number={number}>
                {t.use}
              </button>
            </td>
            <td dir="ltr">{number}</td>
            <td>{what}</td>
            <td>{m.code}</td>
          </tr>
        );
      })}
    </>
  );
}

/**
 * Mail the service sent to staff, as the embedded SMTP catcher received it: a list, newest first,
 * and the chosen mail read back as its recipient sees it (the HTML in a frame that runs nothing).
 */
function MailView({ t }: { t: SandboxTexts }) {
  return (
    <div data-view="mail" role="tabpanel" hidden>
      <h2>{t.mailInbox}</h2>
      <p class="note" id="mail-hint">
        {t.mailHint}
      </p>
      <ol class="mails" id="mails"></ol>
      <p class="note" id="mails-empty">
        {t.noMail}
      </p>
      <article id="mail-open" class="mail-open" hidden>
        <h3 id="mail-subject" dir="auto"></h3>
        <dl class="mail-headers">
          <dt>{t.mailFrom}</dt>
          <dd id="mail-from" dir="ltr"></dd>
          <dt>{t.mailTo}</dt>
          <dd id="mail-to" dir="ltr"></dd>
          <dt>{t.mailReceived}</dt>
          <dd id="mail-date"></dd>
          <dt>{t.mailKind}</dt>
          <dd id="mail-kind"></dd>
          <dt>{t.mailUnsubscribe}</dt>
          <dd id="mail-unsubscribe" dir="ltr"></dd>
        </dl>
        <h4>{t.mailRendered}</h4>
        {/* No allow-scripts, no allow-same-origin: the mail's HTML is shown, never run. */}
        <iframe id="mail-html" class="mail-html" sandbox="" title={t.mailRendered}></iframe>
        <h4>{t.mailText}</h4>
        <pre id="mail-text" class="mail-text" dir="auto" tabindex={0}></pre>
        <h4>{t.mailAttachments}</h4>
        <ul id="mail-attachments" class="mail-attachments"></ul>
      </article>
    </div>
  );
}

export function renderSandboxPage(
  lang: PageLang,
  csrf: string,
  principal?: Pick<Principal, 'role' | 'name' | 'scope'>,
): string {
  const t = sandboxTexts[lang];
  // The script's texts travel as a JSON data block: not executable, so the policy allows it.
  const texts = JSON.stringify(t).replace(/</g, '\\u003c');
  return renderDocument(
    <Page
      lang={lang}
      title={t.title}
      heading={t.title}
      path="/sandbox"
      sandbox
      {...(principal ? { principal, csrf } : {})}
      head={
        <>
          <meta name="csrf-token" content={csrf} />
          <script type="application/json" id="texts" dangerouslySetInnerHTML={{ __html: texts }} />
          <script src="/sandbox/phone.js" defer />
        </>
      }
    >
      <p class="note">{t.subtitle}</p>
      <noscript>
        <p class="noscript">{t.noscript}</p>
      </noscript>
      <div class="sandbox" data-lang={lang}>
        <section id="citizen">
          <h2>{t.citizen}</h2>
          <label>
            {t.citizenHint}
            <input
              id="phone-number"
              type="tel"
              dir="ltr"
              list="suggested-numbers"
              value={SUGGESTED[0] ?? ''}
              autocomplete="off"
            />
          </label>
          <datalist id="suggested-numbers">
            {SUGGESTED.map((n) => (
              <option value={n} />
            ))}
          </datalist>
          <label>
            {t.language}
            <select id="citizen-language">
              <option value="ar" selected={lang === 'ar'}>
                العربية
              </option>
              <option value="en" selected={lang === 'en'}>
                English
              </option>
            </select>
          </label>
        </section>
        <div id="phone">
          <div class="phone">
            <div class="tabs" role="tablist">
              <button type="button" role="tab" data-view-tab="call" aria-selected="true">
                {t.viewCall}
              </button>
              <button type="button" role="tab" data-view-tab="messages" aria-selected="false">
                {t.viewMessages}
              </button>
              <button type="button" role="tab" data-view-tab="whatsapp" aria-selected="false">
                {t.viewWhatsApp}
              </button>
              <button type="button" role="tab" data-view-tab="mail" aria-selected="false">
                {t.viewMail}
              </button>
            </div>
            <div data-view="call" role="tabpanel">
              <div class="row">
                <button type="button" class="primary" id="call-start">
                  {t.call}
                </button>
                <button type="button" class="danger" id="call-hangup" disabled>
                  {t.hangUp}
                </button>
              </div>
              <p class="awaiting" id="call-awaiting" aria-live="polite">
                {t.noCall}
              </p>
              <div class="keypad" id="keypad" dir="ltr">
                {KEYS.map((k) => (
                  <button type="button" data-key={k} disabled>
                    {k}
                  </button>
                ))}
              </div>
              <div class="row">
                <button type="button" id="call-silence" disabled>
                  {t.silence}
                </button>
              </div>
              <div class="row" id="record-controls" hidden>
                <label>
                  {t.recordSeconds}
                  <input id="record-seconds" type="number" min={1} max={120} value="8" />
                </label>
                <button type="button" class="primary" id="record-stop">
                  {t.stopRecording}
                </button>
              </div>
              <div id="agent-controls" hidden>
                <h2>{t.agentLeg}</h2>
                <div class="row">
                  <button type="button" class="primary" id="agent-answer">
                    {t.agentAnswer}
                  </button>
                  <button type="button" id="agent-hangup">
                    {t.agentHangUp}
                  </button>
                  <button type="button" data-agent="busy">
                    {t.agentBusy}
                  </button>
                  <button type="button" data-agent="no-answer">
                    {t.agentNoAnswer}
                  </button>
                  <button type="button" data-agent="failed">
                    {t.agentFailed}
                  </button>
                </div>
              </div>
              <h2>{t.transcript}</h2>
              <ol class="transcript" id="transcript"></ol>
              <section id="incoming">
                <h2>{t.incomingCall}</h2>
                <p class="note" id="incoming-none">
                  {t.incomingNone}
                </p>
                <div id="incoming-ringing" hidden>
                  <div class="row">
                    <button type="button" class="primary" data-incoming="answer">
                      {t.answerHuman}
                    </button>
                    <button type="button" data-incoming="machine">
                      {t.answerMachine}
                    </button>
                    <button type="button" data-incoming="busy">
                      {t.declineBusy}
                    </button>
                    <button type="button" data-incoming="no-answer">
                      {t.letRing}
                    </button>
                  </div>
                </div>
                <div id="incoming-live" hidden>
                  <div class="keypad" dir="ltr">
                    {KEYS.map((k) => (
                      <button type="button" data-incoming-key={k}>
                        {k}
                      </button>
                    ))}
                  </div>
                  <div class="row">
                    <button type="button" class="danger" data-incoming="hangup">
                      {t.hangUp}
                    </button>
                  </div>
                </div>
                <h3>{t.incomingHeard}</h3>
                <ol class="transcript" id="incoming-heard"></ol>
              </section>
            </div>
            <div data-view="messages" role="tabpanel" hidden>
              <h2>{t.inbox}</h2>
              <ol class="messages" id="messages"></ol>
              <p class="note" id="messages-empty">
                {t.noMessages}
              </p>
              <form id="reply-form">
                <label>
                  {t.reply}
                  <textarea id="reply-body" rows={2}></textarea>
                </label>
                <button type="submit" class="primary" id="reply-send">
                  {t.send}
                </button>
              </form>
            </div>
            <div data-view="whatsapp" role="tabpanel" hidden>
              <h2>{t.whatsappInbox}</h2>
              <ol class="messages" id="wa-messages"></ol>
              <p class="note" id="wa-empty">
                {t.noWhatsApp}
              </p>
              <form id="wa-form">
                <label>
                  {t.reply}
                  <textarea id="wa-body" rows={2}></textarea>
                </label>
                <button type="submit" class="primary">
                  {t.send}
                </button>
              </form>
            </div>
            <MailView t={t} />
          </div>
        </div>
        <section id="ticket">
          <h2>{t.ticket}</h2>
          <label>
            {t.ticketRef}
            <input id="ticket-ref" dir="ltr" value="" pattern="[A-Za-z0-9._-]{1,64}" />
          </label>
          <label>
            {t.agency}
            <input id="ticket-agency" dir="ltr" value="MOMAH" />
          </label>
          <label>
            {t.department}
            <input id="ticket-department" dir="ltr" value="roads" />
          </label>
          <label>
            {t.agent}
            <input id="ticket-agent" dir="ltr" value="agent-17" />
          </label>
          <div class="row">
            <button type="button" class="primary" id="ticket-close">
              {t.closeTicket}
            </button>
            <button type="button" id="ticket-reopen">
              {t.reopenTicket}
            </button>
          </div>
          <h2>{t.dueWork}</h2>
          <p class="note">{t.dueWorkHint}</p>
          <div class="row">
            <button type="button" class="primary" id="due-run">
              {t.runDue}
            </button>
          </div>
          <ul class="jobs" id="due-jobs"></ul>
          <ul class="jobs" id="due-closures" aria-live="polite"></ul>
          <p class="flash" id="flash" role="status" aria-live="polite"></p>
        </section>
        <section id="magic">
          <h2>{t.magicNumbers}</h2>
          <p class="note">{t.magicHint}</p>
          <div class="table-wrap" tabindex={0} role="region" aria-label={t.magicNumbers}>
            <table>
              <thead>
                <tr>
                  <th>
                    <span class="visually-hidden">{t.use}</span>
                  </th>
                  <th>{t.number}</th>
                  <th>{t.behaviour}</th>
                  <th>{t.errorCode}</th>
                </tr>
              </thead>
              <tbody>
                <MagicRows t={t} />
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </Page>,
  );
}
