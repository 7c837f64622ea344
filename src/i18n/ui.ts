/** Texts of the shared page shell: the menu every signed-in page carries, the footer, the landing page. */

export type UiLang = 'ar' | 'en';

const ar = {
  menuLabel: 'القائمة',
  skip: 'انتقل إلى المحتوى',
  dashboard: 'لوحة المديرين',
  integrity: 'مؤشرات النزاهة',
  agencies: 'الجهات',
  users: 'المستخدمون',
  tokens: 'مفاتيح الوصول',
  auditLog: 'سجل التدقيق',
  unknownCodes: 'رموز غير معروفة',
  connectors: 'ربط أنظمة التذاكر',
  imports: 'استيراد الإغلاقات',
  erasure: 'المحو عند الطلب',
  queues: 'لوحة الطوابير',
  mail: 'البريد',
  sandbox: 'الهاتف التجريبي',
  account: 'حسابي',
  publicBoard: 'لوحة الشفافية',
  methodology: 'المنهجية',
  signIn: 'تسجيل الدخول',
  otherLanguage: 'English',
  footer: 'التحقق من الرضا · الأوقات بتوقيت الرياض (Asia/Riyadh)',
  landingTitle: 'التحقق من الرضا',
  landingIntro:
    'تحوّل هذه الخدمة إغلاق البلاغ في مركز الاتصال إلى نتيجة رضا يتحقق منها المواطن نفسه. اختر ما تريد:',
  landingPublic: 'لوحة الشفافية: النتائج المؤكدة لكل جهة، متاحة للجميع.',
  landingSignIn: 'للمديرين والمدققين والمسؤولين: سجّل الدخول لتصل إلى صفحات عملك.',
  landingWork: 'صفحات عملك:',
  apiReference: 'مرجع الواجهة البرمجية (API)',
  apiIntro:
    'كل مسار في واجهة verisat البرمجية، مولَّد من المخطط نفسه الذي يتحقق به المسار من الطلب. الوصف التقني بالإنجليزية. المستند الآلي:',
  apiRequest: 'الطلب',
  apiResponses: 'الإجابات',
  apiParameters: 'المعاملات',
  apiExample: 'مثال',
  apiAuth: 'الدخول',
  apiAuthKinds: { apiToken: 'مفتاح وصول', apiTokenOrSession: 'مفتاح وصول أو جلسة', none: 'بلا دخول' },
  band: { above: 'أعلى من المتوقع', within: 'ضمن المتوقع', below: 'أدنى من المتوقع' },
  bandHead: 'مقارنة بالمتوقع',
  funnelPlot: 'مخطط القمع: نسبة الحل المؤكد مقابل عدد الإجابات',
  limit95: 'حدود 95٪',
  limit998: 'حدود 99.8٪',
  target: 'النسبة العامة',
  answers: 'عدد الإجابات',
  overdispersed: 'تتفاوت المجموعات أكثر مما تفسّره الصدفة، فوُسّعت الحدود لذلك (تشتت زائد).',
  notOverdispersed:
    'لا يتجاوز التفاوت بين المجموعات ما تفسّره الصدفة؛ الحدود ثنائية الحدين الدقيقة دون توسيع.',
  presets: { week: 'هذا الأسبوع', lastMonth: 'الشهر الماضي', quarter: 'هذا الربع', year: 'هذه السنة' },
  unknownName: (what: string) =>
    `لا يوجد ${what} بهذا الاسم أو الرمز؛ اختر من الاقتراحات. عُرضت الأرقام دون هذا الشرط.`,
};

const en: typeof ar = {
  menuLabel: 'Menu',
  skip: 'Skip to the content',
  dashboard: 'Managers’ dashboard',
  integrity: 'Integrity signals',
  agencies: 'Agencies',
  users: 'Users',
  tokens: 'Access tokens',
  auditLog: 'Audit log',
  unknownCodes: 'Unknown codes',
  connectors: 'Ticket system connectors',
  imports: 'Import closures',
  erasure: 'Erasure on request',
  queues: 'Queue board',
  mail: 'Mail',
  sandbox: 'Sandbox phone',
  account: 'My account',
  publicBoard: 'Transparency board',
  methodology: 'Methodology',
  signIn: 'Sign in',
  otherLanguage: 'العربية',
  footer: 'Verified satisfaction · times in Riyadh time (Asia/Riyadh)',
  landingTitle: 'Verified satisfaction',
  landingIntro:
    'This service turns a call centre’s “ticket closed” into a satisfaction score the citizen confirms. Where to go:',
  landingPublic: 'The transparency board: verified results per agency, open to everyone.',
  landingSignIn: 'Managers, auditors and administrators: sign in to reach the pages you work on.',
  landingWork: 'The pages you work on:',
  apiReference: 'API reference',
  apiIntro:
    'Every route of the verisat API, generated from the very schema the route validates its request with. The machine-readable document:',
  apiRequest: 'Request',
  apiResponses: 'Responses',
  apiParameters: 'Parameters',
  apiExample: 'Example',
  apiAuth: 'Sign-in',
  apiAuthKinds: { apiToken: 'API token', apiTokenOrSession: 'API token or session', none: 'none' },
  band: { above: 'Above expected', within: 'Within expected', below: 'Below expected' },
  bandHead: 'Against expected',
  funnelPlot: 'Funnel plot: verified resolution against number of answers',
  limit95: '95% limits',
  limit998: '99.8% limits',
  target: 'Overall rate',
  answers: 'Answers',
  overdispersed:
    'The groups vary more than chance explains, so the limits are widened for it (overdispersion).',
  notOverdispersed:
    'The groups vary no more than chance explains; the limits are exact binomial, not widened.',
  presets: { week: 'This week', lastMonth: 'Last month', quarter: 'This quarter', year: 'This year' },
  unknownName: (what: string) =>
    `No ${what} has this name or code; pick one of the suggestions. The figures below leave this filter out.`,
};

export type UiTexts = typeof ar;

export function uiTexts(lang: UiLang): UiTexts {
  return lang === 'ar' ? ar : en;
}
