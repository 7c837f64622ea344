// The sandbox phone in the browser. Served as /sandbox/phone.js (same origin, no inline script).
// Every action is a JSON call to /sandbox/api/..., where the server-side call driver and inbox
// post the signed webhooks Twilio would. Each channel is a view: { id, refresh() }.
(function () {
  'use strict';
  const texts = JSON.parse(document.getElementById('texts').textContent);
  const $ = (id) => document.getElementById(id);
  const state = { call: null, view: 'call', busy: false };

  function flash(message, isError) {
    const el = $('flash');
    el.textContent = message;
    el.className = isError ? 'flash error' : 'flash';
  }

  // The signed-in session's CSRF token, sent with every request the page makes.
  const csrf = document.querySelector('meta[name=csrf-token]')?.getAttribute('content') ?? '';

  async function api(method, path, body) {
    const res = await fetch(`/sandbox/api${path}`, {
      method,
      headers: {
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || `${res.status}`);
    return data;
  }

  function phone() {
    return $('phone-number').value.trim();
  }
  function ticket() {
    return {
      ref: $('ticket-ref').value.trim(),
      agency: $('ticket-agency').value.trim(),
      department: $('ticket-department').value.trim(),
      agentId: $('ticket-agent').value.trim(),
      citizenPhone: phone(),
      language: $('citizen-language').value,
    };
  }

  async function act(fn) {
    if (state.busy) return;
    state.busy = true;
    // One action at a time; the page says when it is free again (a click meanwhile is not taken).
    document.body.dataset.busy = 'true';
    try {
      await fn();
    } catch (err) {
      flash(`${texts.error} ${err.message}`, true);
    } finally {
      state.busy = false;
      document.body.dataset.busy = 'false';
    }
  }

  // ---- call view -------------------------------------------------------------------------------
  const AGENT_TEXT = {
    answer: 'agentAnswer',
    'hang-up': 'agentHangUp',
    busy: 'agentBusy',
    'no-answer': 'agentNoAnswer',
    failed: 'agentFailed',
  };
  const tr = (prefix, value) => texts[prefix + value] || value;
  // Gregorian dates with Arabic numerals on the Arabic page (ar-SA alone would pick the Hijri calendar).
  const locale = document.documentElement.lang === 'ar' ? 'ar-SA-u-ca-gregory' : 'en-GB';

  function describe(entry) {
    switch (entry.kind) {
      case 'say':
        return {
          cls: 'service',
          text: entry.text,
          meta: [entry.voice, entry.language].filter(Boolean).join(' · '),
        };
      case 'play':
        return { cls: 'service', text: `${texts.play} ${entry.url}` };
      case 'pause':
        return { cls: 'service', text: `${texts.pause} ${entry.seconds}` };
      case 'keys':
        return { cls: 'caller', text: `${texts.you}: ${texts.pressed} ${entry.text}` };
      case 'silence':
        return { cls: 'caller', text: `${texts.you}: ${texts.silent}` };
      case 'recorded':
        return { cls: 'caller', text: `${texts.you}: ${texts.recorded} ${entry.seconds}` };
      case 'hangup':
        return {
          cls: 'caller',
          text: `${entry.who === 'agent' ? texts.agentSays : texts.you + ':'} ${texts.hungUp}`,
        };
      case 'agent':
        return {
          cls: 'agent',
          text: `${texts.agentSays} ${texts[AGENT_TEXT[entry.status]] || entry.status}`,
        };
      case 'webhook':
        return { cls: 'network', text: `${texts.webhook} POST ${entry.path} → ${entry.status}` };
      case 'note':
        return {
          cls: 'network',
          text: `${texts['note_' + entry.text] || entry.text}${entry.detail ? ' ' + entry.detail : ''}`,
        };
      default:
        return { cls: 'network', text: entry.kind };
    }
  }

  function renderCall() {
    const call = state.call;
    const list = $('transcript');
    list.replaceChildren();
    const awaiting = call ? call.awaiting : null;
    $('call-awaiting').textContent = call ? texts['awaiting_' + awaiting] : texts.noCall;
    $('call-awaiting').dataset.awaiting = awaiting || 'none';
    if (call) {
      for (const entry of call.transcript) {
        const d = describe(entry);
        const li = document.createElement('li');
        li.className = d.cls;
        li.dataset.kind = entry.kind;
        // Prompts in either language in one list: each line takes the direction of its own text.
        li.dir = 'auto';
        li.textContent = d.text;
        if (d.meta) {
          const meta = document.createElement('span');
          meta.className = 'meta';
          meta.dir = 'ltr';
          meta.textContent = d.meta;
          li.append(meta);
        }
        list.append(li);
      }
      list.scrollTop = list.scrollHeight;
    }
    const live = call && call.status === 'in-progress';
    for (const b of document.querySelectorAll('[data-key]'))
      b.disabled = !(awaiting === 'keys' || awaiting === 'recording');
    $('call-silence').disabled = awaiting !== 'keys';
    $('call-hangup').disabled = !live;
    $('call-start').disabled = !!live;
    $('record-controls').hidden = awaiting !== 'recording';
    $('agent-controls').hidden = !(awaiting === 'agent_ringing' || awaiting === 'agent_talking');
    $('agent-answer').disabled = awaiting !== 'agent_ringing';
    $('agent-hangup').disabled = awaiting !== 'agent_talking';
    for (const b of document.querySelectorAll('[data-agent]')) b.disabled = awaiting !== 'agent_ringing';
  }

  const callStep = (path, body) =>
    act(async () => {
      state.call = await api('POST', `/calls/${state.call.sid}/${path}`, body || {});
      renderCall();
    });

  $('call-start').addEventListener('click', () =>
    act(async () => {
      const t = ticket();
      state.call = await api('POST', '/calls', { from: phone(), agent: t.agentId, ticket: t.ref });
      renderCall();
    }),
  );
  for (const b of document.querySelectorAll('[data-key]'))
    b.addEventListener('click', () => callStep('keys', { keys: b.dataset.key }));
  $('call-silence').addEventListener('click', () => callStep('silence'));
  $('call-hangup').addEventListener('click', () => callStep('hangup'));
  $('record-stop').addEventListener('click', () =>
    callStep('record/stop', { seconds: Number($('record-seconds').value) || 5 }),
  );
  $('agent-answer').addEventListener('click', () => callStep('agent', { action: 'answer' }));
  $('agent-hangup').addEventListener('click', () => callStep('agent', { action: 'hang-up' }));
  for (const b of document.querySelectorAll('[data-agent]'))
    b.addEventListener('click', () => callStep('agent', { action: b.dataset.agent }));

  // ---- messages views (SMS and WhatsApp share the rendering) ---------------------------------
  /** Renders a number's conversation; `onTap` makes a WhatsApp template's buttons tappable. */
  function renderConversation(list, empty, messages, onTap) {
    list.replaceChildren();
    for (const m of messages) {
      const li = document.createElement('li');
      li.className = m.direction;
      li.dataset.sid = m.sid;
      li.dataset.status = m.status;
      const body = document.createElement('span');
      body.className = 'body';
      body.dir = 'auto';
      body.textContent = m.body;
      li.append(body);
      if (onTap && m.buttons.length > 0) {
        const row = document.createElement('div');
        row.className = 'row';
        row.setAttribute('aria-label', texts.whatsappTap);
        for (const b of m.buttons) {
          const button = document.createElement('button');
          button.type = 'button';
          button.dataset.payload = b.id;
          button.textContent = b.title;
          button.addEventListener('click', () => onTap(b));
          row.append(button);
        }
        li.append(row);
      }
      for (const link of m.answerLinks) {
        const a = document.createElement('a');
        a.href = link;
        a.target = '_blank';
        a.rel = 'noopener';
        a.className = 'answer-link';
        a.textContent = ` ${texts.openAnswer}`;
        li.append(document.createElement('br'), a);
      }
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${new Date(m.at).toLocaleTimeString(locale)} · ${texts.status}: ${tr('status_', m.status)}${m.errorCode ? ` (${m.errorCode})` : ''}${onTap ? '' : ` · ${m.segments} ${texts.segments}`}`;
      li.append(meta);
      list.append(li);
    }
    empty.hidden = messages.length > 0;
    list.scrollTop = list.scrollHeight;
  }

  let lastMessages = '';
  async function refreshMessages() {
    if (!phone()) return;
    const { messages } = await api('GET', `/messages?phone=${encodeURIComponent(phone())}`);
    const key = JSON.stringify(messages);
    if (key === lastMessages) return;
    lastMessages = key;
    renderConversation($('messages'), $('messages-empty'), messages);
  }

  $('reply-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = $('reply-body').value;
    if (!body.trim()) return;
    act(async () => {
      await api('POST', '/messages', { from: phone(), body });
      $('reply-body').value = '';
      await refreshMessages();
    });
  });

  // ---- WhatsApp view ---------------------------------------------------------------------------
  let lastWhatsApp = '';
  const tapButton = (b) =>
    act(async () => {
      await api('POST', '/whatsapp', { from: phone(), button: { id: b.id, title: b.title } });
      await refreshWhatsApp();
    });
  async function refreshWhatsApp() {
    if (!phone()) return;
    const { messages } = await api('GET', `/whatsapp?phone=${encodeURIComponent(phone())}`);
    const key = JSON.stringify(messages);
    if (key === lastWhatsApp) return;
    lastWhatsApp = key;
    renderConversation($('wa-messages'), $('wa-empty'), messages, tapButton);
  }

  $('wa-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = $('wa-body').value;
    if (!body.trim()) return;
    act(async () => {
      await api('POST', '/whatsapp', { from: phone(), body });
      $('wa-body').value = '';
      await refreshWhatsApp();
    });
  });

  // ---- mail view: what the service sent to staff, read back from the SMTP catcher --------------
  let lastMails = '';
  let openMail = null;
  function mailTime(iso) {
    return new Date(iso).toLocaleString(locale);
  }
  async function refreshMail() {
    const { catcher, mails } = await api('GET', '/mails');
    const key = JSON.stringify([catcher, mails]);
    if (key === lastMails) return;
    lastMails = key;
    $('mail-hint').textContent = catcher ? texts.mailHint : texts.mailOff;
    const list = $('mails');
    list.replaceChildren();
    for (const m of mails) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.mailId = String(m.id);
      b.setAttribute('aria-pressed', String(openMail === m.id));
      const subject = document.createElement('span');
      subject.className = 'subject';
      subject.dir = 'auto';
      subject.textContent = m.subject;
      const meta = document.createElement('span');
      meta.className = 'meta';
      const to = document.createElement('bdi');
      to.textContent = m.to;
      meta.append(to, ` · ${m.kind ? tr('kind_', m.kind) : ''} · ${mailTime(m.receivedAt)}`);
      b.append(subject, meta);
      b.addEventListener('click', () => act(() => showMail(m.id)));
      li.append(b);
      list.append(li);
    }
    $('mails-empty').hidden = mails.length > 0;
    if (openMail === null && mails.length > 0) await showMail(mails[0].id);
  }
  async function showMail(id) {
    const m = await api('GET', `/mails/${id}`);
    openMail = id;
    for (const b of document.querySelectorAll('[data-mail-id]'))
      b.setAttribute('aria-pressed', String(b.dataset.mailId === String(id)));
    $('mail-open').hidden = false;
    $('mail-subject').textContent = m.subject;
    $('mail-from').textContent = m.from;
    $('mail-to').textContent = m.to;
    $('mail-date').textContent = mailTime(m.receivedAt);
    $('mail-kind').textContent = m.kind ? tr('kind_', m.kind) : texts.mailNone;
    $('mail-unsubscribe').textContent = m.listUnsubscribe
      ? `${m.listUnsubscribe}${m.listUnsubscribePost ? ` · ${texts.mailOneClick}` : ''}`
      : texts.mailNone;
    // srcdoc in a frame sandboxed without scripts: the mail's HTML is drawn, nothing in it runs.
    $('mail-html').srcdoc = m.html ?? '';
    $('mail-html').hidden = !m.html;
    $('mail-text').textContent = m.text;
    const list = $('mail-attachments');
    list.replaceChildren();
    for (const a of m.attachments) {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = `/sandbox/api/mails/${m.id}/attachments/${a.index}`;
      link.download = a.filename;
      link.dir = 'auto';
      link.textContent = a.filename;
      li.append(link, ` (${a.contentType}, ${a.size} ${texts.mailBytes})`);
      list.append(li);
    }
    if (m.attachments.length === 0) {
      const li = document.createElement('li');
      li.textContent = texts.mailNone;
      list.append(li);
    }
  }

  // ---- the service calling the citizen (verification call) -------------------------------------
  let incomingCall = null;
  function renderIncoming(call) {
    incomingCall = call;
    const ringing = !!call && call.status === 'ringing';
    const live = !!call && call.status === 'in-progress';
    $('incoming-none').hidden = !!call;
    $('incoming-ringing').hidden = !ringing;
    $('incoming-live').hidden = !live;
    for (const k of document.querySelectorAll('[data-incoming-key]'))
      k.disabled = !live || !call.waitingForKeys;
    const heard = $('incoming-heard');
    heard.replaceChildren();
    for (const line of call ? call.heard : []) {
      const li = document.createElement('li');
      li.className = 'service';
      li.dir = 'auto';
      li.textContent = line;
      heard.append(li);
    }
    if (call && !ringing && !live) {
      const li = document.createElement('li');
      li.className = 'note';
      li.textContent = `${texts.status}: ${tr('status_', call.status)}`;
      heard.append(li);
    }
  }
  async function refreshIncoming() {
    if (!phone()) return;
    const { call } = await api('GET', `/incoming?phone=${encodeURIComponent(phone())}`);
    renderIncoming(call);
  }
  for (const b of document.querySelectorAll('[data-incoming]'))
    b.addEventListener('click', () =>
      act(async () => {
        if (!incomingCall) return;
        renderIncoming(await api('POST', `/incoming/${incomingCall.sid}`, { action: b.dataset.incoming }));
      }),
    );
  for (const b of document.querySelectorAll('[data-incoming-key]'))
    b.addEventListener('click', () =>
      act(async () => {
        if (!incomingCall) return;
        renderIncoming(
          await api('POST', `/incoming/${incomingCall.sid}/keys`, { keys: b.dataset.incomingKey }),
        );
      }),
    );

  // ---- ticket and time travel --------------------------------------------------------------------
  let lastJobs = '';
  async function refreshJobs() {
    const ref = $('ticket-ref').value.trim();
    if (!ref) return;
    const { jobs, closures } = await api('GET', `/tickets/${encodeURIComponent(ref)}/due`);
    renderClosures(closures ?? []);
    const key = JSON.stringify(jobs);
    if (key === lastJobs) return;
    lastJobs = key;
    const list = $('due-jobs');
    list.replaceChildren();
    if (jobs.length === 0) {
      const li = document.createElement('li');
      li.textContent = texts.noJobs;
      list.append(li);
    }
    for (const j of jobs) {
      const li = document.createElement('li');
      li.dataset.kind = j.kind;
      li.dataset.state = j.state;
      li.textContent = `#${j.closureNumber} ${texts['job_' + j.kind]}: ${tr('state_', j.state)}${j.runsAt ? ` · ${texts.runsAt} ${new Date(j.runsAt).toLocaleString(locale)}` : ''}`;
      list.append(li);
    }
  }

  // A due send that ran can have sent nothing (the contact rule, an opt-out, the sample): each
  // closure says so, why, and what to do instead, in the page's language.
  let lastClosures = '';
  function renderClosures(closures) {
    const key = JSON.stringify(closures);
    if (key === lastClosures) return;
    lastClosures = key;
    const list = $('due-closures');
    list.replaceChildren();
    for (const c of closures) {
      if (!c.explain) continue;
      const li = document.createElement('li');
      li.className = 'skipped';
      li.dataset.reason = c.reason;
      li.textContent = `#${c.closureNumber} ${c.explain[document.documentElement.lang === 'en' ? 'en' : 'ar']}`;
      list.append(li);
    }
  }

  const ticketEvent = (type, done) =>
    act(async () => {
      await api('POST', '/tickets', { ...ticket(), type });
      flash(done, false);
      await refreshJobs();
    });
  $('ticket-close').addEventListener('click', () => ticketEvent('closed', texts.ticketClosed));
  $('ticket-reopen').addEventListener('click', () => ticketEvent('reopened', texts.ticketReopened));
  $('due-run').addEventListener('click', () =>
    act(async () => {
      const report = await api(
        'POST',
        `/tickets/${encodeURIComponent($('ticket-ref').value.trim())}/due`,
        {},
      );
      const ran = report.promoted.map((p) => texts['job_' + p.kind]).join('، ');
      let message = report.promoted.length > 0 ? `${texts.promoted} ${ran}` : texts.nothingDue;
      if (report.windowOpensAt)
        message += ` — ${texts.windowWait} ${new Date(report.windowOpensAt).toLocaleString(locale)}`;
      flash(message, false);
      renderClosures(report.closures ?? []);
      await refreshJobs();
    }),
  );

  for (const b of document.querySelectorAll('[data-use-number]'))
    b.addEventListener('click', () => {
      $('phone-number').value = b.dataset.useNumber;
      lastMessages = '';
      lastWhatsApp = '';
      void refreshMessages();
    });

  // ---- views and polling -----------------------------------------------------------------------
  const views = {
    call: { refresh: async () => renderCall() },
    messages: { refresh: refreshMessages },
    whatsapp: { refresh: refreshWhatsApp },
    mail: { refresh: refreshMail },
  };
  function show(id) {
    state.view = id;
    for (const tab of document.querySelectorAll('[data-view-tab]'))
      tab.setAttribute('aria-selected', String(tab.dataset.viewTab === id));
    for (const panel of document.querySelectorAll('[data-view]')) panel.hidden = panel.dataset.view !== id;
    void views[id].refresh().catch(() => undefined);
  }
  for (const tab of document.querySelectorAll('[data-view-tab]'))
    tab.addEventListener('click', () => show(tab.dataset.viewTab));

  if (!$('ticket-ref').value) $('ticket-ref').value = `T-${Date.now().toString(36).toUpperCase()}`;
  document.body.dataset.ready = 'true';
  renderCall();
  // A link may open a tab directly (/sandbox?tab=mail).
  const tab = new window.URLSearchParams(window.location.search).get('tab');
  if (tab && views[tab]) show(tab);
  // Delivery statuses and due jobs change on their own (callbacks, workers): poll them.
  const poll = async () => {
    try {
      await Promise.all([
        refreshMessages(),
        refreshWhatsApp(),
        refreshIncoming(),
        refreshJobs(),
        // Mail is read back only while its tab is open (each new one is parsed on the server).
        state.view === 'mail' ? refreshMail() : undefined,
      ]);
    } catch {
      // A failed poll is tried again on the next tick.
    }
    setTimeout(poll, 1000);
  };
  void poll();
})();
