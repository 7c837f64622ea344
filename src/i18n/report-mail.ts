/** The weekly and monthly report mails and their PDF (src/reports/mail/periodic/), in Arabic and English. */

export type ReportMailLang = 'ar' | 'en';

const ar = {
  title: { weekly_report: 'التقرير الأسبوعي', monthly_report: 'التقرير الشهري' },
  everything: 'كل الجهات',
  scope: 'النطاق',
  generated: 'أُعدّ في',
  comparisonTitle: 'مقارنة بالفترة السابقة',
  metric: 'المؤشر',
  thisPeriod: 'هذه الفترة',
  previous: 'الفترة السابقة',
  change: 'التغيّر',
  chance: 'هل تفسّره الصدفة؟',
  beyondChance: 'لا: تغيّر حقيقي (ثقة 95٪)',
  withinChance: 'نعم: قد تفسّره الصدفة',
  noComparison: 'لا تكفي البيانات للمقارنة',
  points: (signed: string) => `${signed} نقطة`,
  moversTitle: 'الأكثر تغيّرا عن الفترة السابقة',
  moversRule:
    'نسبة الحل المؤكد لكل إدارة وموظف مقارنة بالفترة السابقة؛ لا يُذكر إلا تغيّر لا تفسّره الصدفة (فترة نيوكومب 95٪ للفرق لا تشمل الصفر).',
  worst: 'الأكثر تراجعا',
  best: 'الأكثر تحسّنا',
  noMovers: 'لم تتغيّر نسبة أي إدارة أو موظف بأكثر مما تفسّره الصدفة.',
  department: 'إدارة',
  agent: 'موظف',
  who: 'الإدارة أو الموظف',
  disputesTitle: 'الاعتراضات التي ما زالت تنتظر',
  ticket: 'رقم الطلب',
  daysWaiting: 'أيام الانتظار',
  openDashboard: 'افتح اللوحة لهذا النطاق وهذه الفترة',
  attached: 'التقرير كاملا مع الرسوم في ملف PDF المرفق.',
  unsubscribe: 'إلغاء الاشتراك في هذا التقرير',
  why: 'تصلك هذه الرسالة لأنك اشتركت في هذا التقرير.',
  waitingCount: (waiting: number, overdue: number) =>
    `${waiting} اعتراضا ينتظر، منها ${overdue} تجاوز المهلة.`,
};

export type ReportMailTexts = typeof ar;

const en: ReportMailTexts = {
  title: { weekly_report: 'Weekly report', monthly_report: 'Monthly report' },
  everything: 'All agencies',
  scope: 'Scope',
  generated: 'Prepared on',
  comparisonTitle: 'Against the previous period',
  metric: 'Figure',
  thisPeriod: 'This period',
  previous: 'Previous period',
  change: 'Change',
  chance: 'Can chance explain it?',
  beyondChance: 'No: a real change (95%)',
  withinChance: 'Yes: chance can explain it',
  noComparison: 'Too little data to compare',
  points: (signed: string) => `${signed} points`,
  moversTitle: 'Biggest changes since the previous period',
  moversRule:
    "Each department's and agent's verified resolution rate against the previous period; a change is listed only when chance cannot explain it (the 95% Newcombe interval of the difference leaves out zero).",
  worst: 'Fell the most',
  best: 'Improved the most',
  noMovers: 'No department or agent changed by more than chance can explain.',
  department: 'Department',
  agent: 'Agent',
  who: 'Department or agent',
  disputesTitle: 'Disputes still waiting',
  ticket: 'Ticket',
  daysWaiting: 'Days waiting',
  openDashboard: 'Open the dashboard for this scope and period',
  attached: 'The full report, with its charts, is in the attached PDF.',
  unsubscribe: 'Unsubscribe from this report',
  why: 'You receive this mail because you subscribed to this report.',
  waitingCount: (waiting: number, overdue: number) =>
    `${waiting} disputes waiting, ${overdue} of them past their deadline.`,
};

export function reportMailTexts(lang: ReportMailLang): ReportMailTexts {
  return lang === 'ar' ? ar : en;
}
