/**
 * What a person reads about the mail they receive: their address and subscriptions on /account, the
 * administrators' "who receives what" on /admin/mail, and the one-click unsubscribe page.
 */

type Kind = 'dispute_alert' | 'drift_alert' | 'weekly_report' | 'monthly_report';

const en = {
  mailTitle: 'Mail',
  accountTitle: 'My account',
  addressSection: 'Mail address and language',
  address: 'Mail address',
  addressHint: 'Alerts and reports go here. Leave it empty to receive no mail.',
  language: 'Language of the mail',
  langName: { ar: 'Arabic', en: 'English' } as Record<'ar' | 'en', string>,
  saveAddress: 'Save address and language',
  noAddress: 'You have no mail address: nothing is sent to you until you add one.',
  subscriptions: 'What I receive',
  nothingYet: 'You receive nothing yet.',
  addSubscription: 'Receive more',
  addHint:
    'Choose what, about which part of the work, and for dispute alerts how long disputes are gathered into one mail. The same choice again changes the gathering time.',
  what: 'What',
  about: 'About',
  agentOptional: 'Only this agent (optional)',
  agentAny: 'any agent in it',
  agentTyped: 'Only this agent: its code (optional)',
  gather: 'Dispute alerts: gather disputes for',
  subscribe: 'Subscribe',
  remove: 'Stop',
  kind: {
    dispute_alert: 'Dispute alerts',
    drift_alert: 'Drift alerts',
    weekly_report: 'Weekly report',
    monthly_report: 'Monthly report',
  } as Record<Kind, string>,
  kindHint: {
    dispute_alert: 'a citizen said the problem was not solved',
    drift_alert: "an agent's or department's false-closure rate leaves its usual range",
    weekly_report: 'every week, with a PDF',
    monthly_report: 'every month, with a PDF',
  } as Record<Kind, string>,
  everything: 'every agency',
  agencyScope: (agency: string) => agency,
  departmentScope: (department: string, agency: string) => `${department}, ${agency}`,
  agentScope: (agent: string, where: string) => `agent ${agent} (${where})`,
  gatherChoice: (m: number) =>
    m === 0
      ? 'no time: each dispute at once'
      : m < 60
        ? `${m} minutes`
        : m === 60
          ? 'one hour'
          : m === 1440
            ? 'one day'
            : `${m / 60} hours`,
  gatherWords: (m: number) =>
    m === 0
      ? 'each dispute in its own mail, at once'
      : m === 1440
        ? 'disputes gathered into one mail a day'
        : m === 60
          ? 'disputes gathered into one mail an hour'
          : `disputes gathered into one mail every ${m} minutes`,
  sentence: (kind: string, scope: string, extra?: string) =>
    `${kind} about ${scope}${extra ? `; ${extra}` : ''}.`,
  groupAgencies: 'Agencies',
  groupDepartments: 'Departments',
  // Refusals (field, then the message in the page's language).
  outsideScope: (what: string, yours: string) =>
    `${what} is outside what you may see (${yours}); choose inside it.`,
  everythingRefused: (yours: string) =>
    `You may receive mail only about what you may see (${yours}); choose it or a part of it.`,
  noRole: 'Your role receives no alerts or reports.',
  noSuchAgency: (code: string) => `There is no agency ${code}.`,
  noSuchDepartment: (code: string) => `There is no department ${code} in that agency.`,
  noSuchAgent: (code: string) => `There is no agent ${code}.`,
  agentElsewhere: (code: string) => `Agent ${code} does not work in the part you chose.`,
  chooseKind: 'Choose at least one thing to receive.',
  badGather: 'Choose one of the gathering times offered.',
  tooMany: (n: number) => `You have ${n} subscriptions already, the most one person may have.`,
  badAddress: 'This is not a mail address (name@example.org).',
  noSuchSubscription: 'This subscription is not yours or was already stopped.',
  // /admin/mail
  whoReceives: 'Who receives what',
  whoHint: 'Every person with a mail address or a subscription, and what each receives.',
  noMailAddress: 'no mail address: receives nothing',
  nobody: 'Nobody receives mail yet.',
  recentMails: 'Mails sent',
  mailsCount: (from: number, to: number, total: number) =>
    total === 0 ? 'No mail yet.' : `${from}–${to} of ${total}, newest first.`,
  to: 'To',
  subject: 'Subject',
  when: 'When',
  state: 'State',
  attempts: 'Attempts',
  lastResult: 'Last result',
  mailKind: {
    dispute_alert: 'Dispute alert',
    drift_alert: 'Drift alert',
    weekly_report: 'Weekly report',
    monthly_report: 'Monthly report',
    test: 'Test',
  } as Record<string, string>,
  mailState: { queued: 'queued', sent: 'sent', failed: 'failed' } as Record<string, string>,
  newer: 'Newer',
  older: 'Older',
  // The unsubscribe page
  unsubscribeTitle: 'Stop this mail',
  unsubscribeWhat: 'This link stops one subscription:',
  unsubscribeOther: 'Other mail you receive is not changed. You can subscribe again on your account page.',
  unsubscribeButton: 'Stop this mail',
  unsubscribed: 'Done: you will not receive this mail any more.',
  alreadyGone: 'This subscription is already stopped: you will not receive this mail any more.',
  badLink: 'This link is not valid: it was altered or cut short. Nothing was changed.',
  tooManyTries: 'Too many attempts with links that are not valid. Try again later.',
  accountLink: 'My account',
};
export type MailAccountTexts = typeof en;

const ar: MailAccountTexts = {
  mailTitle: 'البريد',
  accountTitle: 'حسابي',
  addressSection: 'عنوان البريد ولغته',
  address: 'عنوان البريد الإلكتروني',
  addressHint: 'تصل التنبيهات والتقارير إلى هذا العنوان. اتركه فارغًا لتتوقف كل الرسائل.',
  language: 'لغة الرسائل',
  langName: { ar: 'العربية', en: 'الإنجليزية' },
  saveAddress: 'حفظ العنوان واللغة',
  noAddress: 'ليس لديك عنوان بريد: لن يُرسل إليك شيء حتى تضيفه.',
  subscriptions: 'ما يصلني',
  nothingYet: 'لا يصلك شيء بعد.',
  addSubscription: 'استقبال المزيد',
  addHint:
    'اختر ما تريد، وعن أي جزء من العمل، ولتنبيهات الاعتراض المدة التي تُجمع فيها الاعتراضات في رسالة واحدة. اختيار الشيء نفسه مرة أخرى يغيّر مدة الجمع.',
  what: 'ماذا',
  about: 'عن',
  agentOptional: 'هذا الموظف فقط (اختياري)',
  agentAny: 'أي موظف فيه',
  agentTyped: 'هذا الموظف فقط: رمزه (اختياري)',
  gather: 'تنبيهات الاعتراض: تُجمع الاعتراضات خلال',
  subscribe: 'اشتراك',
  remove: 'إيقاف',
  kind: {
    dispute_alert: 'تنبيهات الاعتراض',
    drift_alert: 'تنبيهات الانحراف',
    weekly_report: 'التقرير الأسبوعي',
    monthly_report: 'التقرير الشهري',
  },
  kindHint: {
    dispute_alert: 'قال مواطن إن المشكلة لم تُحل',
    drift_alert: 'خرجت نسبة الإغلاق غير الصحيح لموظف أو إدارة عن نطاقها المعتاد',
    weekly_report: 'كل أسبوع، مع ملف PDF',
    monthly_report: 'كل شهر، مع ملف PDF',
  },
  everything: 'كل الجهات',
  agencyScope: (agency: string) => agency,
  departmentScope: (department: string, agency: string) => `${department}، ${agency}`,
  agentScope: (agent: string, where: string) => `الموظف ${agent} (${where})`,
  gatherChoice: (m: number) =>
    m === 0
      ? 'دون انتظار: كل اعتراض فورًا'
      : m < 60
        ? `${m} دقيقة`
        : m === 60
          ? 'ساعة واحدة'
          : m === 1440
            ? 'يوم واحد'
            : `${m / 60} ساعات`,
  gatherWords: (m: number) =>
    m === 0
      ? 'كل اعتراض في رسالة مستقلة فورًا'
      : m === 1440
        ? 'تُجمع الاعتراضات في رسالة واحدة كل يوم'
        : m === 60
          ? 'تُجمع الاعتراضات في رسالة واحدة كل ساعة'
          : `تُجمع الاعتراضات في رسالة واحدة كل ${m} دقيقة`,
  sentence: (kind: string, scope: string, extra?: string) =>
    `${kind} عن ${scope}${extra ? `؛ ${extra}` : ''}.`,
  groupAgencies: 'الجهات',
  groupDepartments: 'الإدارات',
  outsideScope: (what: string, yours: string) => `${what} خارج ما يحق لك الاطلاع عليه (${yours})؛ اختر ضمنه.`,
  everythingRefused: (yours: string) =>
    `لا تصلك رسائل إلا عما يحق لك الاطلاع عليه (${yours})؛ اختره أو جزءًا منه.`,
  noRole: 'لا تصل تنبيهات ولا تقارير إلى هذا الدور.',
  noSuchAgency: (code: string) => `لا توجد جهة ${code}.`,
  noSuchDepartment: (code: string) => `لا توجد إدارة ${code} في هذه الجهة.`,
  noSuchAgent: (code: string) => `لا يوجد موظف ${code}.`,
  agentElsewhere: (code: string) => `الموظف ${code} لا يعمل في الجزء الذي اخترته.`,
  chooseKind: 'اختر شيئًا واحدًا على الأقل.',
  badGather: 'اختر إحدى مدد الجمع المعروضة.',
  tooMany: (n: number) => `لديك ${n} اشتراكًا، وهو أقصى ما يُسمح به لشخص واحد.`,
  badAddress: 'هذا ليس عنوان بريد إلكتروني (name@example.org).',
  noSuchSubscription: 'هذا الاشتراك ليس لك أو أُوقف من قبل.',
  whoReceives: 'من يصله ماذا',
  whoHint: 'كل شخص له عنوان بريد أو اشتراك، وما يصله.',
  noMailAddress: 'لا عنوان بريد: لا يصله شيء',
  nobody: 'لا يصل البريد إلى أحد بعد.',
  recentMails: 'الرسائل المرسلة',
  mailsCount: (from: number, to: number, total: number) =>
    total === 0 ? 'لا رسائل بعد.' : `${from}–${to} من ${total}، الأحدث أولًا.`,
  to: 'إلى',
  subject: 'الموضوع',
  when: 'الوقت',
  state: 'الحالة',
  attempts: 'المحاولات',
  lastResult: 'آخر نتيجة',
  mailKind: {
    dispute_alert: 'تنبيه اعتراض',
    drift_alert: 'تنبيه انحراف',
    weekly_report: 'تقرير أسبوعي',
    monthly_report: 'تقرير شهري',
    test: 'تجربة',
  },
  mailState: { queued: 'في الانتظار', sent: 'أُرسلت', failed: 'فشلت' },
  newer: 'الأحدث',
  older: 'الأقدم',
  unsubscribeTitle: 'إيقاف هذه الرسائل',
  unsubscribeWhat: 'يوقف هذا الرابط اشتراكًا واحدًا:',
  unsubscribeOther: 'لا يتغير شيء في الرسائل الأخرى التي تصلك. يمكنك الاشتراك من جديد في صفحة حسابك.',
  unsubscribeButton: 'أوقف هذه الرسائل',
  unsubscribed: 'تم: لن تصلك هذه الرسائل بعد الآن.',
  alreadyGone: 'هذا الاشتراك موقوف من قبل: لن تصلك هذه الرسائل بعد الآن.',
  badLink: 'هذا الرابط غير صالح: عُدّل أو نُسخ ناقصًا. لم يتغير شيء.',
  tooManyTries: 'محاولات كثيرة بروابط غير صالحة. حاول لاحقًا.',
  accountLink: 'حسابي',
};

export function mailAccountTexts(lang: 'ar' | 'en'): MailAccountTexts {
  return lang === 'ar' ? ar : en;
}
