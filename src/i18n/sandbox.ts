/** Texts of the sandbox phone page (src/sandbox/), Arabic and English; the page script reads them too. */

const ar = {
  title: 'هاتف تجريبي',
  subtitle:
    'بيئة تجريبية: لا تجري مكالمات ولا ترسل رسائل حقيقية. كل طلب يمر عبر نفس الروابط الموقعة التي يستخدمها Twilio.',
  noscript:
    'هذه الصفحة تحتاج إلى JavaScript لتشغيل الهاتف التجريبي، وهو معطل في متصفحك. فعّله ثم أعد تحميل الصفحة. لوحة المؤشرات وصفحة الإجابة تعملان بدونه.',
  other: 'English',
  citizen: 'رقم المواطن',
  citizenHint: 'اختر رقما أو اكتب أي رقم',
  language: 'لغة المواطن',
  ticket: 'البلاغ',
  ticketRef: 'رقم البلاغ',
  agency: 'الجهة',
  department: 'الإدارة',
  agent: 'الموظف',
  viewCall: 'مكالمة',
  viewMessages: 'الرسائل',
  viewWhatsApp: 'واتساب',
  whatsappInbox: 'محادثة واتساب مع الخدمة',
  noWhatsApp: 'لا توجد رسائل واتساب بعد. اجعل قنوات الجهة تبدأ بواتساب لتصل إليك هنا.',
  whatsappTap: 'اضغط زرا للإجابة',
  incomingCall: 'مكالمة واردة من الخدمة',
  incomingNone: 'لا توجد مكالمة واردة. اجعل قنوات الجهة تتضمن المكالمة لتتصل بك الخدمة.',
  answerHuman: 'رد',
  answerMachine: 'يرد البريد الصوتي',
  declineBusy: 'مشغول',
  letRing: 'لا ترد',
  incomingHeard: 'ما قالته الخدمة',
  call: 'اتصل بالخدمة',
  hangUp: 'إنهاء المكالمة',
  silence: 'صمت (انتظار انتهاء المهلة)',
  stopRecording: 'إنهاء التسجيل (#)',
  recordSeconds: 'مدة التسجيل بالثواني',
  agentLeg: 'طرف الموظف',
  agentAnswer: 'الموظف يرد',
  agentHangUp: 'الموظف ينهي المحادثة',
  agentBusy: 'مشغول',
  agentNoAnswer: 'لا يرد',
  agentFailed: 'فشل الاتصال',
  transcript: 'ما يسمعه المتصل',
  noCall: 'لا توجد مكالمة بعد.',
  awaiting_keys: 'بانتظار ضغط زر',
  awaiting_recording: 'جار التسجيل…',
  awaiting_agent_ringing: 'يرن هاتف الموظف…',
  awaiting_agent_talking: 'المتصل يتحدث مع الموظف',
  awaiting_nothing: 'انتهت المكالمة',
  note_ringing_agent: 'تحويل إلى الموظف…',
  note_recording: 'صافرة — يبدأ التسجيل (محاكاة)',
  note_application_error: 'حدث خطأ في التطبيق؛ يغلق Twilio الخط',
  note_not_simulated: 'أمر لا تحاكيه هذه الصفحة:',
  note_call_ended: 'انتهت المكالمة؛ أرسل إشعار حالة المكالمة',
  note_too_many_redirects: 'تحويلات كثيرة متتالية؛ أغلق الخط',
  you: 'أنت',
  pressed: 'ضغطت',
  silent: 'صمت',
  recorded: 'تعليق مسجل، ثوان:',
  hungUp: 'أغلق الخط',
  agentSays: 'الموظف:',
  webhook: 'طلب موقع',
  play: 'تشغيل تسجيل صوتي:',
  pause: 'توقف، ثوان:',
  closeTicket: 'أغلق البلاغ (كنظام البلاغات)',
  reopenTicket: 'أعد فتح البلاغ',
  dueWork: 'السفر عبر الزمن',
  dueWorkHint:
    'ينفذ الآن المهمة المؤجلة التالية لهذا البلاغ (الرسالة، ثم التذكير، ثم الانتهاء) بدل الانتظار أياما.',
  runDue: 'نفذ المهمة المستحقة الآن',
  noJobs: 'لا توجد مهام لهذا البلاغ.',
  job_send: 'رسالة التحقق',
  job_reminder: 'التذكير',
  job_next: 'السؤال عبر القناة التالية',
  job_expire: 'انتهاء المهلة',
  runsAt: 'موعدها',
  windowWait: 'خارج نافذة الإرسال؛ تخرج الرسالة عند',
  inbox: 'الرسائل لهذا الرقم',
  noMessages: 'لا توجد رسائل بعد.',
  reply: 'رد',
  send: 'أرسل',
  openAnswer: 'افتح صفحة الإجابة',
  status: 'الحالة',
  magicNumbers: 'أرقام تجريبية تفشل عمدا',
  magicHint: 'أرسل إلى أحد هذه الأرقام لترى كيف يتعامل النظام مع كل خطأ.',
  number: 'الرقم',
  behaviour: 'ما يحدث',
  errorCode: 'رمز الخطأ',
  sync: 'يرفض Twilio الإرسال فورا',
  syncFirst: 'يرفض أول مرتين ثم يقبل',
  async: 'يقبل ثم يصل إشعار فشل',
  use: 'استخدم',
  dashboard: 'لوحة المؤشرات',
  publicBoard: 'اللوحة العامة',
  error: 'تعذر تنفيذ الطلب:',
  ticketClosed: 'أغلق البلاغ؛ جدولت رسالة التحقق.',
  ticketReopened: 'أعيد فتح البلاغ.',
  promoted: 'نفذت الآن:',
  nothingDue: 'لا توجد مهمة مؤجلة لهذا البلاغ.',
  segments: 'أجزاء',
  status_queued: 'في الانتظار',
  status_sent: 'أرسلت',
  status_delivered: 'وصلت',
  status_failed: 'فشلت',
  status_undelivered: 'لم تصل',
  status_received: 'استلمت',
  state_delayed: 'مؤجلة',
  state_waiting: 'بانتظار التنفيذ',
  state_active: 'قيد التنفيذ',
  state_completed: 'نفذت',
  state_failed: 'فشلت',
};

const en: typeof ar = {
  title: 'Sandbox phone',
  subtitle:
    'Sandbox: no real calls or messages. Every request goes through the same signed webhooks Twilio uses.',
  noscript:
    'This page needs JavaScript to run the sandbox phone, and it is turned off in your browser. Turn it on and reload. The dashboard and the answer page work without it.',
  other: 'العربية',
  citizen: 'Citizen number',
  citizenHint: 'Pick a number or type any number',
  language: "Citizen's language",
  ticket: 'Ticket',
  ticketRef: 'Ticket ref',
  agency: 'Agency',
  department: 'Department',
  agent: 'Agent',
  viewCall: 'Call',
  viewMessages: 'Messages',
  viewWhatsApp: 'WhatsApp',
  whatsappInbox: 'WhatsApp chat with the service',
  noWhatsApp: "No WhatsApp messages yet. Put WhatsApp first in the agency's channels to get them here.",
  whatsappTap: 'Tap a button to answer',
  incomingCall: 'Incoming call from the service',
  incomingNone: "No incoming call. Add the call to the agency's channels for the service to ring you.",
  answerHuman: 'Answer',
  answerMachine: 'Voicemail answers',
  declineBusy: 'Busy',
  letRing: 'Do not answer',
  incomingHeard: 'What the service said',
  call: 'Call the service',
  hangUp: 'Hang up',
  silence: 'Silence (let it time out)',
  stopRecording: 'Finish recording (#)',
  recordSeconds: 'Recording length, seconds',
  agentLeg: "Agent's leg",
  agentAnswer: 'Agent answers',
  agentHangUp: 'Agent hangs up',
  agentBusy: 'Busy',
  agentNoAnswer: 'Never answers',
  agentFailed: 'Fails',
  transcript: 'What the caller hears',
  noCall: 'No call yet.',
  awaiting_keys: 'Waiting for a key',
  awaiting_recording: 'Recording…',
  awaiting_agent_ringing: "The agent's phone is ringing…",
  awaiting_agent_talking: 'The caller is talking to the agent',
  awaiting_nothing: 'The call has ended',
  note_ringing_agent: 'Connecting to the agent…',
  note_recording: 'Beep — recording starts (simulated)',
  note_application_error: 'Application error; Twilio hangs up',
  note_not_simulated: 'A verb this page does not simulate:',
  note_call_ended: 'Call ended; status callback sent',
  note_too_many_redirects: 'Too many redirects in a row; hung up',
  you: 'You',
  pressed: 'pressed',
  silent: 'silence',
  recorded: 'recorded comment, seconds:',
  hungUp: 'hung up',
  agentSays: 'Agent:',
  webhook: 'signed request',
  play: 'plays recording:',
  pause: 'pause, seconds:',
  closeTicket: 'Close the ticket (as the ticket system)',
  reopenTicket: 'Reopen the ticket',
  dueWork: 'Time travel',
  dueWorkHint:
    "Runs this ticket's next delayed job now (the message, then the reminder, then the expiry) instead of waiting days.",
  runDue: 'Run due work now',
  noJobs: 'No jobs for this ticket.',
  job_send: 'verification message',
  job_reminder: 'reminder',
  job_next: 'asking on the next channel',
  job_expire: 'expiry',
  runsAt: 'runs at',
  windowWait: 'Outside the send window; the message goes out at',
  inbox: 'Messages for this number',
  noMessages: 'No messages yet.',
  reply: 'Reply',
  send: 'Send',
  openAnswer: 'Open the answer page',
  status: 'status',
  magicNumbers: 'Numbers that fail on purpose',
  magicHint: 'Send to one of these numbers to see how the system handles each error.',
  number: 'Number',
  behaviour: 'What happens',
  errorCode: 'Error code',
  sync: 'Twilio refuses the send at once',
  syncFirst: 'Refused twice, then accepted',
  async: 'Accepted, then a failure status arrives',
  use: 'Use',
  dashboard: 'Dashboard',
  publicBoard: 'Public board',
  error: 'The request failed:',
  ticketClosed: 'Ticket closed; the verification message is scheduled.',
  ticketReopened: 'Ticket reopened.',
  promoted: 'Ran now:',
  nothingDue: 'Nothing is delayed for this ticket.',
  segments: 'segments',
  status_queued: 'queued',
  status_sent: 'sent',
  status_delivered: 'delivered',
  status_failed: 'failed',
  status_undelivered: 'undelivered',
  status_received: 'received',
  state_delayed: 'delayed',
  state_waiting: 'waiting to run',
  state_active: 'running',
  state_completed: 'done',
  state_failed: 'failed',
};

export type SandboxTexts = typeof ar;
export const sandboxTexts: Record<'ar' | 'en', SandboxTexts> = { ar, en };

/** The banner on every page that shows demo data. */
export const DEMO_BANNER = {
  ar: 'بيانات تجريبية: هذه الأرقام مولدة للعرض وليست نتائج حقيقية.',
  en: 'Demo data: these figures were generated for a demonstration and are not real results.',
};

/** What the sandbox says when a due send sent nothing: why, and what to do instead. */
export type NotSentReasonCode =
  'recent_contact' | 'opted_out' | 'not_sampled' | 'too_old' | 'reopened' | 'undeliverable';

function when(iso: string, lang: 'ar' | 'en', timeZone: string): string {
  const shown = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-u-ca-gregory-nu-latn' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
  return `${shown} (${timeZone})`;
}

export function notSentTexts(
  reason: NotSentReasonCode,
  d: {
    days: number;
    askAgainAfter: string | null;
    sampleRate: number | null;
    errorCode: number | null;
    timeZone: string;
  },
): { ar: string; en: string } {
  const pct = d.sampleRate === null ? '' : ` (${Math.round(d.sampleRate * 100)}%)`;
  switch (reason) {
    case 'recent_contact':
      return {
        ar: `لم تُرسل الرسالة: سُئل هذا الرقم قبل أقل من ${d.days} يوما (قاعدة التواصل: سؤال واحد للرقم كل ${d.days} يوما). استخدم رقما آخر${d.askAgainAfter ? `، أو يمكن سؤاله مجددا بعد ${when(d.askAgainAfter, 'ar', d.timeZone)}` : ''}.`,
        en: `Not sent: this number was asked less than ${d.days} days ago (the contact rule: one question per number every ${d.days} days). Use another number${d.askAgainAfter ? `, or it may be asked again after ${when(d.askAgainAfter, 'en', d.timeZone)}` : ''}.`,
      };
    case 'opted_out':
      return {
        ar: 'لم تُرسل الرسالة: ألغى هذا الرقم الاشتراك (أرسل STOP). استخدم رقما آخر، أو أرسل START من هذا الرقم ليعود الاشتراك.',
        en: 'Not sent: this number has opted out (it sent STOP). Use another number, or send START from this number to opt back in.',
      };
    case 'not_sampled':
      return {
        ar: `لم يُسأل المواطن: لم يقع هذا الإغلاق في عينة الجهة${pct}. أغلق بلاغا آخر، أو اجعل نسبة العينة (SAMPLE_RATE) 1 في البيئة التجريبية.`,
        en: `Not asked: this closure was not drawn in the agency's sample${pct}. Close another ticket, or set the sample rate (SAMPLE_RATE) to 1 in the sandbox.`,
      };
    case 'too_old':
      return {
        ar: 'لم تُرسل الرسالة: وصل الإغلاق بعد أقصى عمر تسأل عنه الجهة. أغلق البلاغ من جديد الآن.',
        en: "Not sent: the closure is older than the agency's limit for asking. Close the ticket again now.",
      };
    case 'reopened':
      return {
        ar: 'لم تُرسل الرسالة: أعيد فتح البلاغ قبل موعدها. أغلقه من جديد ليُسأل المواطن عن الإغلاق الجديد.',
        en: 'Not sent: the ticket was reopened before the message went out. Close it again to ask about the new closure.',
      };
    case 'undeliverable':
      return {
        ar: `لم تصل الرسالة: لا يستقبل هذا الرقم الرسائل${d.errorCode ? ` (خطأ Twilio ${d.errorCode})` : ''}. استخدم رقما آخر.`,
        en: `Not delivered: this number cannot receive messages${d.errorCode ? ` (Twilio error ${d.errorCode})` : ''}. Use another number.`,
      };
  }
}
