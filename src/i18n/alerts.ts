import type { Dictionaries, Language } from './languages.js';

/**
 * Texts of the alert mails (src/reports/mail/alerts/): a disputed closure and a drift, in the
 * recipient's language. Figures stay in Latin digits in both languages, as on the dashboard.
 */
export interface AlertTexts {
  disputeSubject: (ref: string) => string;
  gatheredSubject: (count: number) => string;
  disputeIntro: string;
  gatheredIntro: (count: number, minutes: number) => string;
  ticket: string;
  agency: string;
  department: string;
  agent: string;
  disputedAt: string;
  reason: string;
  words: string;
  noReason: string;
  noWords: string;
  openClosure: string;
  driftSubject: (names: string[]) => string;
  driftIntro: string;
  driftGroup: (kind: 'agent' | 'department', name: string) => string;
  driftWhy: (rate: string, limit: string, expected: string) => string;
  falseClosureRate: string;
  answers: string;
  disputed: string;
  expected: string;
  limit: string;
  interval: string;
  period: string;
  rule: (windowDays: number, clearDays: number) => string;
  chartTitle: (kind: 'agent' | 'department') => string;
  chartGroup: string;
  chartPeers: string;
  openPage: string;
  footer: string;
  unsubscribe: string;
}

const ar: AlertTexts = {
  disputeSubject: (ref) => `اعتراض مواطن على إغلاق البلاغ ${ref}`,
  gatheredSubject: (count) =>
    count === 1 ? 'اعتراض جديد على إغلاق بلاغ' : `${count} اعتراضات جديدة على إغلاق بلاغات`,
  disputeIntro: 'أجاب المواطن بأن مشكلته لم تُحل، مع أن البلاغ أُغلق على أنه محلول.',
  gatheredIntro: (count, minutes) =>
    `اعترض المواطنون على ${count} من الإغلاقات خلال الدقائق الـ${minutes} الماضية، بعد التنبيه الأخير:`,
  ticket: 'البلاغ',
  agency: 'الجهة',
  department: 'الإدارة',
  agent: 'الموظف',
  disputedAt: 'وقت الاعتراض',
  reason: 'السبب',
  words: 'كلمات المواطن',
  noReason: 'لم يذكر سببًا بعد',
  noWords: 'لم يكتب شيئًا',
  openClosure: 'عرض الإغلاق في لوحة التقارير',
  driftSubject: (names) => `تنبيه انحراف: نسبة الإغلاق غير الصحيح لدى ${names.join('، ')}`,
  driftIntro:
    'تجاوزت نسبة الإغلاقات التي اعترض عليها المواطنون الحد الأعلى المتوقع (حد القمع 99.8%). لن يصلك تنبيه آخر عن الحالة نفسها ما دامت مستمرة.',
  driftGroup: (kind, name) => (kind === 'agent' ? `الموظف ${name}` : `إدارة ${name}`),
  driftWhy: (rate, limit, expected) => `النسبة ${rate}، والحد الأعلى ${limit}، والمتوقع ${expected}.`,
  falseClosureRate: 'نسبة الإغلاق غير الصحيح',
  answers: 'إجابات المواطنين عن "هل حُلّت؟"',
  disputed: 'أجابوا "لم تُحل"',
  expected: 'المتوقع (نسبة الجهة)',
  limit: 'حد القمع الأعلى 99.8%',
  interval: 'فترة الثقة 95%',
  period: 'الفترة',
  rule: (windowDays, clearDays) =>
    `يُفحص كل يوم على آخر ${windowDays} يومًا مكتملة. تنتهي الحالة بعد ${clearDays} أيام متتالية داخل الحدود، وبعدها يُعد أي تجاوز جديد حالة جديدة.`,
  chartTitle: (kind) => (kind === 'agent' ? 'مخطط القمع: موظفو الجهة' : 'مخطط القمع: إدارات الجهة'),
  chartGroup: 'موضوع التنبيه',
  chartPeers: 'الآخرون',
  openPage: 'عرض الصفحة في لوحة التقارير',
  footer: 'وصلك هذا البريد لأنك مشترك في تنبيهات verisat. يمكنك تغيير اشتراكاتك من صفحة حسابك.',
  unsubscribe: 'إلغاء الاشتراك في هذا التنبيه',
};

const en: AlertTexts = {
  disputeSubject: (ref) => `Closure disputed by the citizen: ${ref}`,
  gatheredSubject: (count) => (count === 1 ? '1 more closure disputed' : `${count} more closures disputed`),
  disputeIntro:
    'The citizen answered that the problem was not solved, although the ticket was closed as solved.',
  gatheredIntro: (count, minutes) =>
    `Citizens disputed ${count} ${count === 1 ? 'closure' : 'closures'} in the ${minutes} minutes after your last alert:`,
  ticket: 'Ticket',
  agency: 'Agency',
  department: 'Department',
  agent: 'Agent',
  disputedAt: 'Disputed at',
  reason: 'Reason',
  words: "Citizen's words",
  noReason: 'No reason given yet',
  noWords: 'Nothing written',
  openClosure: 'See the closure on the dashboard',
  driftSubject: (names) => `Drift alert: false-closure rate of ${names.join(', ')}`,
  driftIntro:
    'The share of closures citizens disputed has left its upper expected limit (the 99.8% funnel limit). You will not get another alert for the same episode while it lasts.',
  driftGroup: (kind, name) => (kind === 'agent' ? `Agent ${name}` : `Department ${name}`),
  driftWhy: (rate, limit, expected) => `Rate ${rate}, upper limit ${limit}, expected ${expected}.`,
  falseClosureRate: 'False-closure rate',
  answers: 'Citizens who answered "solved?"',
  disputed: 'Answered "not solved"',
  expected: "Expected (the agency's rate)",
  limit: 'Upper 99.8% funnel limit',
  interval: '95% interval',
  period: 'Period',
  rule: (windowDays, clearDays) =>
    `Checked daily over the last ${windowDays} complete days. An episode ends after ${clearDays} days in a row within the limits; a departure after that is a new episode.`,
  chartTitle: (kind) =>
    kind === 'agent' ? "Funnel plot: the agency's agents" : "Funnel plot: the agency's departments",
  chartGroup: 'This alert',
  chartPeers: 'Others',
  openPage: 'Open the page on the dashboard',
  footer:
    'You receive this because you subscribed to verisat alerts. Change your subscriptions on your account page.',
  unsubscribe: 'Unsubscribe from this alert',
};

export const ALERT_TEXTS: Dictionaries<AlertTexts> = { ar, en };

export function alertTexts(lang: Language): AlertTexts {
  return ALERT_TEXTS[lang];
}
