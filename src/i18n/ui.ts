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
  erasure: 'المحو عند الطلب',
  queues: 'لوحة الطوابير',
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
  erasure: 'Erasure on request',
  queues: 'Queue board',
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
  presets: { week: 'This week', lastMonth: 'Last month', quarter: 'This quarter', year: 'This year' },
  unknownName: (what: string) =>
    `No ${what} has this name or code; pick one of the suggestions. The figures below leave this filter out.`,
};

export type UiTexts = typeof ar;

export function uiTexts(lang: UiLang): UiTexts {
  return lang === 'ar' ? ar : en;
}
