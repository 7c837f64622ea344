import { sandboxTexts, type SandboxTexts } from '../i18n/sandbox.js';
import { MAGIC_NUMBERS } from '../twilio/stand-in/magic-numbers.js';
import { esc } from '../http/ui/html.js';

/**
 * The sandbox phone page, rendered on the server in the page's language with every control in
 * place; /sandbox/phone.js brings it to life. Each channel is a view: a tab and a panel here, and a
 * view object in the script; WhatsApp and outbound calls are added as views, not as pages.
 */

export type PageLang = 'ar' | 'en';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans Arabic","DejaVu Sans",sans-serif;background:#f3f5f4;color:#18251e;line-height:1.45}
header.top{background:#0b5d34;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top h1{font-size:1.15rem;margin:0}header.top a{color:#fff}header.top nav{display:flex;gap:.8rem;flex-wrap:wrap;font-size:.9rem}
main{max-width:72rem;margin:0 auto;padding:1rem;display:grid;gap:1rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:60rem){main{grid-template-columns:minmax(0,22rem) minmax(0,1fr);align-items:start}
#citizen{grid-column:1;grid-row:1}#ticket{grid-column:1;grid-row:2}#phone{grid-column:2;grid-row:1/span 2}#magic{grid-column:1/-1;grid-row:3}}
section{background:#fff;border-radius:.75rem;padding:1rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:1.05rem;margin:0 0 .6rem;color:#0b5d34}
label{display:grid;gap:.2rem;font-size:.85rem;color:#44554b;margin-bottom:.5rem}
input,select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #9fb0a6;border-radius:.4rem;background:#fff;min-height:2.4rem;width:100%}
button{font:inherit;border-radius:.45rem;padding:.5rem .8rem;min-height:2.4rem;cursor:pointer;border:1px solid #0b5d34;background:#fff;color:#0b5d34}
button.primary{background:#0b5d34;color:#fff}button.danger{background:#a12828;border-color:#a12828;color:#fff}
button:disabled{opacity:.45;cursor:default}
.row{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
.note{color:#5b6b62;font-size:.85rem}.subtitle{margin:0;font-size:.85rem;opacity:.95}
.noscript{background:#fdecec;color:#8a1f1f;border:1px solid #f2b8b8;border-radius:.5rem;padding:.8rem 1rem;margin:1rem;font-weight:600}
.phone{max-width:26rem;margin-inline:auto;border:10px solid #1d2a23;border-radius:2rem;padding:.75rem;background:#fafcfb;min-height:36rem}
.tabs{display:flex;gap:.25rem;margin-bottom:.75rem}.tabs button{flex:1}.tabs button[aria-selected=true]{background:#0b5d34;color:#fff}
.keypad{display:grid;grid-template-columns:repeat(3,1fr);gap:.4rem;margin:.6rem 0}.keypad button{font-size:1.3rem;min-height:3rem}
.awaiting{font-weight:600;color:#0b5d34;min-height:1.5rem}
ol.transcript{list-style:none;margin:0;padding:0;max-height:18rem;overflow-y:auto;border:1px solid #dde5e0;border-radius:.5rem}
ol.transcript li{padding:.35rem .5rem;border-bottom:1px solid #eef2ef;font-size:.9rem}
ol.transcript li.service{background:#eef6f1}ol.transcript li.network{color:#5b6b62;font-size:.8rem}
ol.transcript .meta{display:block;font-size:.75rem;color:#5b6b62}
ol.messages{list-style:none;margin:0;padding:0;display:grid;gap:.5rem;max-height:22rem;overflow-y:auto}
ol.messages li{padding:.5rem .7rem;border-radius:.8rem;max-width:85%;white-space:pre-wrap;word-break:break-word}
ol.messages li.out{background:#e6efe9;justify-self:start}ol.messages li.in{background:#0b5d34;color:#fff;justify-self:end}
ol.messages .meta{display:block;font-size:.75rem;opacity:.8;margin-top:.2rem}
ol.messages a{color:inherit;font-weight:600}
[hidden]{display:none!important}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{padding:.3rem .4rem;border-bottom:1px solid #e3e9e5;text-align:start}
.flash{min-height:1.4rem;font-size:.9rem}.flash.error{color:#8a1f1f}
ul.jobs{margin:.4rem 0;padding-inline-start:1.2rem;font-size:.9rem}
`;

const SUGGESTED = ['+966501234567', '+966551112233', '+966561234000'];

function magicRows(t: SandboxTexts): string {
  return Object.entries(MAGIC_NUMBERS)
    .map(([number, m]) => {
      const what =
        m.kind === 'sync'
          ? m.failFirst === undefined
            ? t.sync
            : t.syncFirst
          : `${t.async} (${t[`status_${m.finalStatus}`]})`;
      return `<tr><td dir="ltr">${esc(number)}</td><td>${esc(what)}</td><td>${esc(m.code)}</td><td><button type="button" data-use-number="${esc(number)}">${esc(t.use)}</button></td></tr>`;
    })
    .join('');
}

export function renderSandboxPage(lang: PageLang, csrf: string): string {
  const t = sandboxTexts[lang];
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const other: PageLang = lang === 'ar' ? 'en' : 'ar';
  // The script's texts travel as a JSON data block: not executable, so the policy allows it.
  const texts = JSON.stringify(t).replace(/</g, '\\u003c');
  const options = SUGGESTED.map((n) => `<option value="${esc(n)}"></option>`).join('');
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.title)}</title><meta name="csrf-token" content="${esc(csrf)}"><style>${STYLE}</style><script type="application/json" id="texts">${texts}</script><script src="/sandbox/phone.js" defer></script></head><body>
<header class="top"><div><h1>${esc(t.title)}</h1><p class="subtitle">${esc(t.subtitle)}</p></div><nav><a href="/dashboard?lang=${lang}">${esc(t.dashboard)}</a><a href="/public?lang=${lang}">${esc(t.publicBoard)}</a><a href="/sandbox?lang=${other}" lang="${other}">${esc(t.other)}</a></nav></header>
<noscript><p class="noscript">${esc(t.noscript)}</p></noscript>
<main data-lang="${lang}">
<section id="citizen"><h2>${esc(t.citizen)}</h2>
<label>${esc(t.citizenHint)}<input id="phone-number" type="tel" dir="ltr" list="suggested-numbers" value="${esc(SUGGESTED[0] ?? '')}" autocomplete="off"></label><datalist id="suggested-numbers">${options}</datalist>
<label>${esc(t.language)}<select id="citizen-language"><option value="ar"${lang === 'ar' ? ' selected' : ''}>العربية</option><option value="en"${lang === 'en' ? ' selected' : ''}>English</option></select></label>
</section>
<div id="phone">
<div class="phone">
<div class="tabs" role="tablist"><button type="button" role="tab" data-view-tab="call" aria-selected="true">${esc(t.viewCall)}</button><button type="button" role="tab" data-view-tab="messages" aria-selected="false">${esc(t.viewMessages)}</button><button type="button" role="tab" data-view-tab="whatsapp" aria-selected="false">${esc(t.viewWhatsApp)}</button></div>
<div data-view="call" role="tabpanel">
<div class="row"><button type="button" class="primary" id="call-start">${esc(t.call)}</button><button type="button" class="danger" id="call-hangup" disabled>${esc(t.hangUp)}</button></div>
<p class="awaiting" id="call-awaiting" aria-live="polite">${esc(t.noCall)}</p>
<div class="keypad" id="keypad" dir="ltr">${['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((k) => `<button type="button" data-key="${k}" disabled>${k}</button>`).join('')}</div>
<div class="row"><button type="button" id="call-silence" disabled>${esc(t.silence)}</button></div>
<div class="row" id="record-controls" hidden><label>${esc(t.recordSeconds)}<input id="record-seconds" type="number" min="1" max="120" value="8"></label><button type="button" class="primary" id="record-stop">${esc(t.stopRecording)}</button></div>
<div id="agent-controls" hidden><h2>${esc(t.agentLeg)}</h2><div class="row"><button type="button" class="primary" id="agent-answer">${esc(t.agentAnswer)}</button><button type="button" id="agent-hangup">${esc(t.agentHangUp)}</button><button type="button" data-agent="busy">${esc(t.agentBusy)}</button><button type="button" data-agent="no-answer">${esc(t.agentNoAnswer)}</button><button type="button" data-agent="failed">${esc(t.agentFailed)}</button></div></div>
<h2>${esc(t.transcript)}</h2><ol class="transcript" id="transcript"></ol>
<section id="incoming"><h2>${esc(t.incomingCall)}</h2><p class="note" id="incoming-none">${esc(t.incomingNone)}</p>
<div id="incoming-ringing" hidden><div class="row"><button type="button" class="primary" data-incoming="answer">${esc(t.answerHuman)}</button><button type="button" data-incoming="machine">${esc(t.answerMachine)}</button><button type="button" data-incoming="busy">${esc(t.declineBusy)}</button><button type="button" data-incoming="no-answer">${esc(t.letRing)}</button></div></div>
<div id="incoming-live" hidden><div class="keypad" dir="ltr">${['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((k) => `<button type="button" data-incoming-key="${k}">${k}</button>`).join('')}</div><div class="row"><button type="button" class="danger" data-incoming="hangup">${esc(t.hangUp)}</button></div></div>
<h3>${esc(t.incomingHeard)}</h3><ol class="transcript" id="incoming-heard"></ol></section>
</div>
<div data-view="messages" role="tabpanel" hidden>
<h2>${esc(t.inbox)}</h2><ol class="messages" id="messages"></ol><p class="note" id="messages-empty">${esc(t.noMessages)}</p>
<form id="reply-form"><label>${esc(t.reply)}<textarea id="reply-body" rows="2"></textarea></label><button type="submit" class="primary" id="reply-send">${esc(t.send)}</button></form>
</div>
<div data-view="whatsapp" role="tabpanel" hidden>
<h2>${esc(t.whatsappInbox)}</h2><ol class="messages" id="wa-messages"></ol><p class="note" id="wa-empty">${esc(t.noWhatsApp)}</p>
<form id="wa-form"><label>${esc(t.reply)}<textarea id="wa-body" rows="2"></textarea></label><button type="submit" class="primary">${esc(t.send)}</button></form>
</div>
</div>
</div>
<section id="ticket"><h2>${esc(t.ticket)}</h2>
<label>${esc(t.ticketRef)}<input id="ticket-ref" dir="ltr" value="" pattern="[A-Za-z0-9._-]{1,64}"></label>
<label>${esc(t.agency)}<input id="ticket-agency" dir="ltr" value="MOMAH"></label>
<label>${esc(t.department)}<input id="ticket-department" dir="ltr" value="roads"></label>
<label>${esc(t.agent)}<input id="ticket-agent" dir="ltr" value="agent-17"></label>
<div class="row"><button type="button" class="primary" id="ticket-close">${esc(t.closeTicket)}</button><button type="button" id="ticket-reopen">${esc(t.reopenTicket)}</button></div>
<h2>${esc(t.dueWork)}</h2><p class="note">${esc(t.dueWorkHint)}</p>
<div class="row"><button type="button" class="primary" id="due-run">${esc(t.runDue)}</button></div>
<ul class="jobs" id="due-jobs"></ul>
<p class="flash" id="flash" role="status" aria-live="polite"></p>
</section>
<section id="magic"><h2>${esc(t.magicNumbers)}</h2><p class="note">${esc(t.magicHint)}</p><div style="overflow-x:auto"><table><thead><tr><th>${esc(t.number)}</th><th>${esc(t.behaviour)}</th><th>${esc(t.errorCode)}</th><th></th></tr></thead><tbody>${magicRows(t)}</tbody></table></div></section>
</main></body></html>`;
}
