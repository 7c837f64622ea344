/**
 * Everything a manager, an auditor or a member of the public reads on the report pages and in export
 * headers, in Arabic and English. Metric names and definitions live with their formulas in
 * src/reports/sums/metrics.ts.
 */

export type ReportLang = 'ar' | 'en';

/** Export columns, in file order: machine key and the header in each language. */
export const EXPORT_COLUMNS = [
  { key: 'ticket_ref', en: 'Ticket', ar: 'رقم الطلب' },
  { key: 'closure_number', en: 'Closure no.', ar: 'رقم الإغلاق' },
  { key: 'agency', en: 'Agency', ar: 'الجهة' },
  { key: 'department', en: 'Department', ar: 'الإدارة' },
  { key: 'agent_id', en: 'Agent', ar: 'الموظف' },
  { key: 'citizen_phone', en: 'Citizen phone', ar: 'جوال المواطن' },
  { key: 'language', en: 'Language', ar: 'اللغة' },
  { key: 'closed_at', en: 'Closed at', ar: 'وقت الإغلاق' },
  { key: 'day', en: 'Day', ar: 'اليوم' },
  { key: 'outcome', en: 'Outcome', ar: 'النتيجة' },
  { key: 'sent', en: 'Asked', ar: 'أُرسل السؤال' },
  { key: 'delivered', en: 'Delivered', ar: 'وصلت الرسالة' },
  { key: 'solved', en: 'Solved', ar: 'حُلّت' },
  { key: 'rating', en: 'Rating', ar: 'التقييم' },
  { key: 'reason', en: 'Reason', ar: 'السبب' },
  { key: 'comment', en: 'Comment', ar: 'التعليق' },
  { key: 'channel', en: 'Channel', ar: 'القناة' },
  { key: 'post_call_rating', en: 'Post-call rating', ar: 'تقييم المكالمة' },
  { key: 'answered_at', en: 'Answered at', ar: 'وقت الرد' },
] as const;
export type ExportColumnKey = (typeof EXPORT_COLUMNS)[number]['key'];

const ar = {
  appName: 'التحقق من الرضا',
  dashboardTitle: 'لوحة الرضا المؤكد',
  publicTitle: 'لوحة الشفافية: الرضا المؤكد لكل جهة',
  loginTitle: 'تسجيل الدخول',
  username: 'اسم المستخدم',
  password: 'كلمة المرور',
  signIn: 'دخول',
  signOut: 'خروج',
  loginFailed: 'اسم المستخدم أو كلمة المرور غير صحيحة.',
  loginLimited: 'محاولات كثيرة. حاول مرة أخرى بعد قليل.',
  loginForbidden: 'طلب دخول من مصدر غير معروف.',
  signOutRefused: 'لم يُقبل طلب الخروج لأنه قديم أو من موقع آخر؛ أعد تحميل الصفحة وحاول مرة أخرى.',
  filters: 'التصفية',
  from: 'من',
  to: 'إلى',
  agency: 'الجهة',
  department: 'الإدارة',
  agent: 'الموظف',
  channel: 'القناة',
  all: 'الكل',
  apply: 'تطبيق',
  headline: 'الأرقام الرئيسية',
  trendTitle: 'الحل المؤكد والإغلاق غير الصحيح عبر الزمن',
  ratingsTitle: 'توزيع تقييمات المواطنين',
  departmentsTitle: 'مقارنة الإدارات (نسبة الحل المؤكد)',
  funnelTitle: 'مسار الاستجابة',
  agentsTitle: 'الموظفون',
  rank: 'الترتيب',
  lowN: 'عدد قليل',
  lowNNote: (min: number) => `"عدد قليل": أقل من ${min} ردود؛ يُعرض الرقم ولا يُرتَّب.`,
  noData: 'لا توجد بيانات في هذه الفترة.',
  exportTitle: 'تصدير',
  exportCsv: 'CSV',
  exportXlsx: 'Excel',
  exportJson: 'JSON',
  exportSummary: 'ملخص الموظفين مع فترات الثقة (CSV)',
  definitions: 'التعريفات',
  signedInAs: 'المستخدم',
  scope: 'النطاق',
  roleLabel: 'الدور',
  role: {
    admin: 'مدير النظام',
    agency_admin: 'مسؤول الجهة',
    manager: 'مدير',
    auditor: 'مدقق',
    ticket_system: 'نظام التذاكر',
  } as Record<string, string>,
  channels: { sms: 'رسالة نصية', whatsapp: 'واتساب', web: 'رابط', voice: 'مكالمة' } as Record<string, string>,
  funnel: { closures: 'أُغلقت', sent: 'أُرسل السؤال', delivered: 'وصلت', answers: 'أجابوا' },
  rating: 'التقييم',
  count: 'العدد',
  n: 'ن',
  period: 'الفترة',
  publicIntro: (from: string, to: string) =>
    `نسب الرضا المؤكد لكل جهة خلال آخر 90 يوما (${from} إلى ${to}). تُسأل المواطنة أو المواطن بعد إغلاق الطلب هل حُلّت المشكلة فعلا، بمعزل عن الموظف.`,
  publicNoPersonal: 'لا تحتوي هذه الصفحة على بيانات شخصية ولا أسماء موظفين.',
  responses: 'عدد الردود',
  otherLanguage: 'English',
  dashboardLink: 'لوحة المديرين',
  publicLink: 'لوحة الشفافية',
  forbidden: 'لا تملك صلاحية الاطلاع على هذه البيانات.',
  badFilter: 'التصفية غير صحيحة',
  legendResolved: 'الحل المؤكد',
  legendFalse: 'الإغلاق غير الصحيح',
  sortBy: 'ترتيب حسب',
  plusMinusPoints: (x: string) => `± ${x} نقطة`,
  intervalEnds: (low: string, high: string) => `فترة الثقة 95%: ${low}–${high}`,
  tiedNote:
    'الترتيب حسب الحد الأدنى لفترة الثقة 95٪، ولكل جهة مرتبتها. ما بين القوسين فترة ثقة 95٪ للمرتبة نفسها: إذا تداخلت فترتا جهتين فلا يُعتدّ بالفرق بين مرتبتيهما.',
  intervalNote: 'الخطوط الرفيعة على الأشرطة فترات ثقة 95٪ (ويلسون).',
  bestThreeTitle: (unit: 'year' | 'quarter', label: string) =>
    unit === 'year' ? `أفضل ثلاث جهات تحسّنا في عام ${label}` : `أفضل ثلاث جهات تحسّنا في الربع ${label}`,
  bestThreeRule: (previous: string) =>
    `مقارنة نسبة الحل المؤكد بالفترة السابقة (${previous}). تُذكر الجهة فقط إذا كان تحسّنها دالا إحصائيا عند 95٪ (فترة نيوكومب للفرق بين نسبتين أعلى من صفر).`,
  bestThreeFewer: (count: number, tested: number) =>
    count === 0
      ? `لم تتحسّن أي جهة تحسّنا دالا إحصائيا (من ${tested} جهة استوفت الحد الأدنى في الفترتين).`
      : `تحسّنت ${count} فقط من ${tested} جهة تحسّنا دالا إحصائيا؛ لا تُملأ بقية المراكز.`,
  bestThreeLine: (from: string, to: string, points: string, low: string) =>
    `من ${from} إلى ${to} (+${points} نقطة، على الأقل +${low} بثقة 95٪)`,
  chainTitle: 'سلسلة الأعداد',
  chain: {
    closures: 'الإغلاقات',
    sampled: 'ضمن العينة',
    asked: 'سُئلوا',
    delivered: 'وصلتهم الرسالة',
    answered: 'أجابوا',
  },
  drops: {
    notSampled: 'لم تقع عليهم العينة',
    tooOld: 'وصل الإغلاق متأخرا عن أقصى عمر للسؤال فلم يُسألوا',
    skippedRecentContact: 'سُئلوا مؤخرا فلم يُسألوا ثانية',
    reopened: 'أُعيد فتح الطلب قبل السؤال',
    optedOut: 'طلبوا عدم مراسلتهم',
    notYetAsked: 'لم يحن وقت السؤال بعد',
    undeliverable: 'تعذّر التوصيل',
    deliveryUnconfirmed: 'لم يتأكد الوصول',
    noAnswer: 'لم يجيبوا',
  },
  methodologyLink: 'كيف تُحسب هذه الأرقام، وتنزيل الأعداد اليومية',
  back: 'رجوع إلى اللوحة',
};

export type ReportTexts = typeof ar;

const en: ReportTexts = {
  appName: 'Verified satisfaction',
  dashboardTitle: 'Verified satisfaction dashboard',
  publicTitle: 'Transparency board: verified satisfaction per agency',
  loginTitle: 'Sign in',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signOut: 'Sign out',
  loginFailed: 'Wrong username or password.',
  loginLimited: 'Too many attempts. Try again in a few minutes.',
  loginForbidden: 'Sign-in request from an unknown origin.',
  signOutRefused:
    'The sign-out request was out of date or came from another site; reload the page and try again.',
  filters: 'Filters',
  from: 'From',
  to: 'To',
  agency: 'Agency',
  department: 'Department',
  agent: 'Agent',
  channel: 'Channel',
  all: 'All',
  apply: 'Apply',
  headline: 'Headline figures',
  trendTitle: 'Verified resolution and false closure over time',
  ratingsTitle: 'Distribution of citizen ratings',
  departmentsTitle: 'Departments compared (verified resolution rate)',
  funnelTitle: 'Response funnel',
  agentsTitle: 'Agents',
  rank: 'Rank',
  lowN: 'low n',
  lowNNote: (min: number) => `"low n": fewer than ${min} answers; shown, never ranked.`,
  noData: 'No data in this period.',
  exportTitle: 'Export',
  exportCsv: 'CSV',
  exportXlsx: 'Excel',
  exportJson: 'JSON',
  exportSummary: 'Agent summary with intervals (CSV)',
  definitions: 'Definitions',
  signedInAs: 'Signed in as',
  scope: 'Scope',
  roleLabel: 'Role',
  role: {
    admin: 'administrator',
    agency_admin: 'agency administrator',
    manager: 'manager',
    auditor: 'auditor',
    ticket_system: 'ticket system',
  },
  channels: { sms: 'SMS', whatsapp: 'WhatsApp', web: 'Web link', voice: 'Voice call' },
  funnel: { closures: 'Closed', sent: 'Asked', delivered: 'Delivered', answers: 'Answered' },
  rating: 'Rating',
  count: 'Count',
  n: 'n',
  period: 'Period',
  publicIntro: (from: string, to: string) =>
    `Verified satisfaction per agency over the last 90 days (${from} to ${to}). After a ticket is closed the citizen is asked, independently of the agent, whether the problem was actually solved.`,
  publicNoPersonal: 'This page holds no personal data and no agent names.',
  responses: 'Answers',
  otherLanguage: 'العربية',
  dashboardLink: 'Managers’ dashboard',
  publicLink: 'Transparency board',
  forbidden: 'You may not see this data.',
  badFilter: 'Invalid filter',
  legendResolved: 'Verified resolution',
  legendFalse: 'False closure',
  sortBy: 'Sort by',
  plusMinusPoints: (x: string) => `± ${x} points`,
  intervalEnds: (low: string, high: string) => `95% interval ${low}–${high}`,
  tiedNote:
    'Ranked by the lower bound of the 95% interval; each has its own position. The range in brackets is the 95% interval of the rank itself: where two ranges overlap, the two cannot be told apart.',
  intervalNote: 'The thin lines on the bars are 95% (Wilson) intervals.',
  bestThreeTitle: (unit: 'year' | 'quarter', label: string) =>
    `Best three improvers of ${unit === 'year' ? 'the year' : 'the quarter'} ${label}`,
  bestThreeRule: (previous: string) =>
    `Verified resolution rate compared with the previous period (${previous}). An agency is named only when its improvement is significant at 95% (Newcombe's interval for the difference of two proportions lies above zero).`,
  bestThreeFewer: (count: number, tested: number) =>
    count === 0
      ? `No agency improved significantly (of ${tested} with the minimum n in both periods).`
      : `Only ${count} of ${tested} agencies improved significantly; the other places stay empty.`,
  bestThreeLine: (from: string, to: string, points: string, low: string) =>
    `from ${from} to ${to} (+${points} points, at least +${low} with 95% confidence)`,
  chainTitle: 'Chain of counts',
  chain: {
    closures: 'Closures',
    sampled: 'Sampled',
    asked: 'Asked',
    delivered: 'Delivered',
    answered: 'Answered',
  },
  drops: {
    notSampled: 'not drawn in the sample',
    tooOld: 'too old to ask: the closure reached us past the maximum age for asking',
    skippedRecentContact: 'skipped: asked recently',
    reopened: 'reopened before asking',
    optedOut: 'opted out',
    notYetAsked: 'not yet asked',
    undeliverable: 'undeliverable',
    deliveryUnconfirmed: 'delivery not confirmed',
    noAnswer: 'no answer',
  },
  methodologyLink: 'How these figures are made, and the per-day counts to download',
  back: 'Back to the dashboard',
};

export function reportTexts(lang: ReportLang): ReportTexts {
  return lang === 'ar' ? ar : en;
}

/** Percent with one decimal. Both languages use Latin digits: managers copy figures into spreadsheets. */
export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

export function formatMean(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

/**
 * The 95% interval beside a figure: "± 4.2 points" for a rate (or "± 0.21" for a mean) when the
 * figure sits in its middle as shown, else the interval's two ends ("95% interval 75.8–100.0%"). A
 * Wilson interval leans towards 50%: near 0 or 100%, or with few answers, one side is much longer,
 * and a "±" would claim the figure could be above 100% or miss most of the other side. '' without an
 * interval.
 */
export function formatPlusMinus(
  lang: ReportLang,
  kind: 'rate' | 'mean',
  value: number | null,
  interval: { low: number; high: number } | null,
): string {
  if (!interval || value === null) return '';
  const t = reportTexts(lang);
  const [scale, digits, unit] = kind === 'mean' ? [1, 2, ''] : [100, 1, '%'];
  const below = ((value - interval.low) * scale).toFixed(digits);
  const above = ((interval.high - value) * scale).toFixed(digits);
  if (below === above) return kind === 'mean' ? `± ${below}` : t.plusMinusPoints(below);
  return t.intervalEnds(
    (interval.low * scale).toFixed(digits),
    `${(interval.high * scale).toFixed(digits)}${unit}`,
  );
}

/**
 * A rank as shown: the position and its 95% rank interval, "3 (2–5)", or "3" when the interval is that
 * position alone; "–" when not ranked. No "=": a position is never shared (stats/comparison.ts).
 */
export function formatRank(rank: number | null, interval: { low: number; high: number } | null): string {
  if (rank === null) return '–';
  if (!interval || (interval.low === rank && interval.high === rank)) return String(rank);
  return `${rank} (${interval.low}–${interval.high})`;
}
