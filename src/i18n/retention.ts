/** Texts of the erasure page (src/retention/routes.tsx), Arabic and English. */
const ar = {
  title: 'محو بيانات مواطن',
  nav: 'محو بيانات',
  intro:
    'يمحو رقم المواطن وكل ما قاله (التعليقات ونصوص الرسائل ومراجع التسجيلات) في كل السجلات، مهما كان عمرها. تبقى الدرجات والأعداد مجهولة الهوية، فلا يتغير أي رقم في اللوحة. يُسجَّل الطلب في سجل التدقيق دون الرقم.',
  phone: 'رقم المواطن',
  confirm: 'أؤكد أن هذا طلب محو مشروع من صاحب البيانات',
  submit: 'امحُ البيانات',
  done: (subject: string) => `تم المحو. يُشار إلى هذا المواطن في سجل التدقيق بالرمز ${subject}.`,
  changed: 'السجلات التي تغيّرت',
  optOutKept: 'بقي طلب إيقاف الرسائل محفوظًا، فهو ما يمنع مراسلته مرة أخرى.',
  confirmNeeded: 'أكّد الطلب أولًا.',
  lastRun: 'آخر حذف دوري للبيانات',
  lastRunNote:
    'يحذف العمل المجدول ما تجاوز مدة الاحتفاظ على دفعات يُحدَّد حجمها بزمن كتابتها، ويُستكمل من حيث توقف إن انقطع. الأعداد وحدها، دون أي رقم.',
  noRun: 'لم يُشغَّل الحذف الدوري بعد.',
  runStates: { running: 'جارٍ', stopped: 'متوقف، يُستكمل في التشغيل التالي', done: 'اكتمل' },
  runState: 'الحالة',
  startedAt: 'بدأ',
  finishedAt: 'انتهى',
  batches: 'الدفعات',
  batchSize: 'حجم الدفعة الآن',
  percent: 'المنجز',
  remaining: 'المتبقي (تقدير)',
  recordingsDeleted: 'تسجيلات حُذفت لدى Twilio',
  recordingDeletesFailed: 'تسجيلات لم تُحذف (تُعاد المحاولة)',
  kind: 'النوع',
  kindChanged: 'السجلات التي تغيّرت',
};
const en: typeof ar = {
  title: "Erase a citizen's data",
  nav: 'Erasure',
  intro:
    "Erases the citizen's number and everything they said (comments, message texts, recording references) in every record, whatever its age. Scores and counts stay, anonymous, so no dashboard figure changes. The request is audited without the number.",
  phone: 'Citizen number',
  confirm: 'I confirm this is a lawful erasure request from the data subject',
  submit: 'Erase the data',
  done: (subject: string) => `Erased. The audit log names this citizen ${subject}.`,
  changed: 'Records changed',
  optOutKept: 'The opt-out stays: it is what keeps the citizen from being messaged again.',
  confirmNeeded: 'Confirm the request first.',
  lastRun: 'Last retention purge',
  lastRunNote:
    'The scheduled job removes what is past its retention period in batches sized by how long each write takes, and continues where it stopped if interrupted. Counts only, never a number.',
  noRun: 'The retention purge has not run yet.',
  runStates: { running: 'Running', stopped: 'Stopped, continues at the next run', done: 'Finished' },
  runState: 'State',
  startedAt: 'Started',
  finishedAt: 'Finished',
  batches: 'Batches',
  batchSize: 'Batch size now',
  percent: 'Done',
  remaining: 'Remaining (estimate)',
  recordingsDeleted: 'Recordings deleted at Twilio',
  recordingDeletesFailed: 'Recordings not deleted (tried again)',
  kind: 'Kind',
  kindChanged: 'Records changed',
};

export type RetentionTexts = typeof ar;
export function retentionTexts(lang: 'ar' | 'en'): RetentionTexts {
  return lang === 'en' ? en : ar;
}
