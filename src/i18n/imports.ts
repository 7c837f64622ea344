/** What an administrator reads on the closures import page (/admin/imports), in Arabic and English. */

import type { UiLang } from './ui.js';

const ar = {
  title: 'استيراد الإغلاقات من ملف',
  intro:
    'ارفع ملف التصدير اليومي من نظام البلاغات (CSV أو XLSX). يُعامل كل سطر كما لو أُرسل عبر واجهة الأحداث: تُجدول المتابعة، ولا يُستورد السطر نفسه مرتين.',
  upload: 'رفع ملف',
  file: 'الملف (CSV أو XLSX)',
  agency: 'رمز الجهة',
  agencyHint: 'مطلوب للمشرف العام إن لم يكن في الملف عمود للجهة.',
  dryRun: 'فحص فقط دون حفظ',
  send: 'استيراد',
  progress: 'التقدم',
  noScript: 'يتطلب الرفع تشغيل JavaScript في المتصفح؛ يمكن أيضًا استخدام POST /api/imports/closures.',
  mapping: 'أسماء أعمدة الجهة',
  mappingIntro:
    'تُعرف الأعمدة بأسمائها الإنجليزية والعربية دون إعداد. إن كان تصدير الجهة يسمّيها بغير ذلك فاكتب اسم العمود كما في الملف واختر ما يقابله؛ تُحفظ للمرات القادمة.',
  theirHeader: 'اسم العمود في الملف',
  ourField: 'يقابله',
  none: '(لا شيء)',
  saveMapping: 'حفظ الأسماء',
  mappingSaved: 'حُفظت أسماء الأعمدة.',
  history: 'آخر عمليات الاستيراد',
  started: 'بدأ',
  by: 'بواسطة',
  status: 'الحالة',
  rows: 'الأسطر',
  accepted: 'مقبولة',
  alreadyImported: 'مستوردة من قبل',
  refused: 'مرفوضة',
  result: 'النتيجة',
  download: 'تنزيل CSV',
  nothingYet: 'لا توجد عمليات استيراد بعد.',
  statuses: {
    running: 'قيد التنفيذ',
    finished: 'انتهى',
    interrupted: 'توقف قبل الانتهاء',
    refused: 'رُفض الملف',
  } as Record<string, string>,
  columns: 'الأعمدة المعروفة',
  fields: {
    ticket_ref: 'رقم البلاغ',
    closed_at: 'تاريخ الإغلاق',
    agency: 'الجهة',
    department: 'الإدارة',
    agent_id: 'رقم الموظف',
    citizen_phone: 'جوال المستفيد',
    language: 'اللغة',
    event_id: 'رقم الحدث',
    type: 'نوع الحدث',
  } as Record<string, string>,
};

const en: typeof ar = {
  title: 'Import closures from a file',
  intro:
    'Upload the daily export of your ticket system (CSV or XLSX). Each row is taken as if it had been sent to the events API: its follow-up is scheduled, and the same row is never imported twice.',
  upload: 'Upload a file',
  file: 'File (CSV or XLSX)',
  agency: 'Agency code',
  agencyHint: 'Needed by an admin when the file has no agency column.',
  dryRun: 'Check only, save nothing',
  send: 'Import',
  progress: 'Progress',
  noScript: 'Uploading needs JavaScript in the browser; POST /api/imports/closures does the same.',
  mapping: "The agency's column names",
  mappingIntro:
    'Columns are recognised by their English and Arabic names without set-up. If your export names them otherwise, write the column name as the file has it and choose what it holds; it is remembered.',
  theirHeader: 'Column name in the file',
  ourField: 'Holds',
  none: '(nothing)',
  saveMapping: 'Save the names',
  mappingSaved: 'Column names saved.',
  history: 'Recent imports',
  started: 'Started',
  by: 'By',
  status: 'Status',
  rows: 'Rows',
  accepted: 'Accepted',
  alreadyImported: 'Already imported',
  refused: 'Refused',
  result: 'Result',
  download: 'Download CSV',
  nothingYet: 'No imports yet.',
  statuses: {
    running: 'Running',
    finished: 'Finished',
    interrupted: 'Stopped before the end',
    refused: 'File refused',
  },
  columns: 'Known columns',
  fields: {
    ticket_ref: 'Ticket reference',
    closed_at: 'Closing time',
    agency: 'Agency',
    department: 'Department',
    agent_id: 'Agent id',
    citizen_phone: "Citizen's mobile",
    language: 'Language',
    event_id: 'Event id',
    type: 'Event type',
  },
};

export type ImportTexts = typeof ar;

export function importTexts(lang: UiLang): ImportTexts {
  return lang === 'en' ? en : ar;
}
