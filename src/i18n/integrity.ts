import type { ReportLang } from './reports.js';

const ar = {
  title: 'مؤشرات النزاهة',
  intro: (from: string, to: string) =>
    `مؤشرات قد تدل على التلاعب بالأرقام، لكل موظف وإدارة من ${from} إلى ${to}. المؤشر المُعلَّم يستدعي المراجعة ولا يُثبت شيئا بذاته.`,
  agents: 'الموظفون',
  departments: 'الإدارات',
  agent: 'الموظف',
  department: 'الإدارة',
  flagged: 'تنبيه',
  none: 'لا تنبيهات',
  threshold: 'الحد',
  definitions: 'تعريفات المؤشرات',
  back: 'رجوع إلى اللوحة',
  forbidden: 'هذه الصفحة للمدققين ومديري النظام.',
  otherLanguage: 'English',
};
export type IntegrityTexts = typeof ar;

const en: IntegrityTexts = {
  title: 'Integrity signals',
  intro: (from: string, to: string) =>
    `Signals that can point to numbers being bent, per agent and department, ${from} to ${to}. A flag calls for a review; it proves nothing by itself.`,
  agents: 'Agents',
  departments: 'Departments',
  agent: 'Agent',
  department: 'Department',
  flagged: 'Flag',
  none: 'no flags',
  threshold: 'threshold',
  definitions: 'Signal definitions',
  back: 'Back to the dashboard',
  forbidden: 'This page is for auditors and administrators.',
  otherLanguage: 'العربية',
};

export function integrityTexts(lang: ReportLang): IntegrityTexts {
  return lang === 'ar' ? ar : en;
}
