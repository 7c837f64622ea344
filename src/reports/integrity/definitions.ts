/**
 * The integrity signals: ways staff can still bend the numbers, each with a written definition, the
 * n it rests on, and a threshold. A rate signal is flagged only when the lower bound of its 95%
 * Wilson interval is above the threshold, so a group is not accused on a handful of closures; a count
 * signal is flagged when the count reaches its threshold.
 */

export const SIGNAL_KEYS = [
  'undeliverable',
  'reopened',
  'repeatedNumber',
  'staffNumber',
  'sharedDevice',
  'fastAnswers',
  'brushOffGap',
] as const;
export type SignalKey = (typeof SIGNAL_KEYS)[number];

export interface SignalDefinition {
  key: SignalKey;
  kind: 'rate' | 'count';
  /** Rates: the share the interval's lower bound must exceed. Counts: the count that flags. */
  threshold: number;
  en: { name: string; definition: string };
  ar: { name: string; definition: string };
}

/** Distinct citizens one device may answer for before its answers count as shared. */
export const SHARED_DEVICE_CITIZENS = 5;
/** An answer this soon after the message was sent is implausibly fast for a person reading it. */
export const FAST_ANSWER_SECONDS = 10;

export function signalDefinitions(reopenDays: number): readonly SignalDefinition[] {
  return [
    {
      key: 'undeliverable',
      kind: 'rate',
      threshold: 0.1,
      en: {
        name: 'Undeliverable numbers',
        definition:
          'Closures whose verification message could not be delivered to the citizen number given (invalid, unknown or unreachable) ÷ closures asked. A wrong number means nobody can dispute the closure. Flagged when the 95% lower bound exceeds 10%.',
      },
      ar: {
        name: 'أرقام يتعذّر التوصيل إليها',
        definition:
          'الإغلاقات التي تعذّر توصيل رسالة التحقق إلى رقم المواطن المُدخل (رقم غير صحيح أو غير معروف أو لا يمكن الوصول إليه) ÷ الإغلاقات التي سُئل عنها. الرقم الخاطئ يعني أن أحدا لن يعترض على الإغلاق. يُنبَّه إذا تجاوز الحد الأدنى لفترة الثقة 95٪ نسبة 10٪.',
      },
    },
    {
      key: 'reopened',
      kind: 'rate',
      threshold: 0.2,
      en: {
        name: `Reopened within ${reopenDays} days`,
        definition: `Closures reopened within ${reopenDays} days of being closed ÷ closures. Counts every closure reopened before the citizen was asked (the chain of counts' "reopened before asking", the same closures) and those reopened afterwards within ${reopenDays} days. Flagged when the 95% lower bound exceeds 20%.`,
      },
      ar: {
        name: `أُعيد فتحها خلال ${reopenDays} أيام`,
        definition: `الإغلاقات التي أُعيد فتحها خلال ${reopenDays} أيام من إغلاقها ÷ الإغلاقات. تشمل كل إغلاق أُعيد فتحه قبل سؤال المواطن (وهي نفسها "أُعيد فتحها قبل السؤال" في سلسلة الأعداد)، وما أُعيد فتحه بعد السؤال خلال ${reopenDays} أيام. يُنبَّه إذا تجاوز الحد الأدنى لفترة الثقة 95٪ نسبة 20٪.`,
      },
    },
    {
      key: 'repeatedNumber',
      kind: 'count',
      threshold: 10,
      en: {
        name: 'One number on many closures',
        definition:
          'The largest number of one agent’s closures in the period that carry the same citizen number (n: the agent’s closures). Flagged at 10 or more.',
      },
      ar: {
        name: 'رقم واحد لإغلاقات كثيرة',
        definition:
          'أكبر عدد من إغلاقات الموظف في الفترة تحمل رقم المواطن نفسه (ن: إغلاقات الموظف). يُنبَّه عند 10 فأكثر.',
      },
    },
    {
      key: 'staffNumber',
      kind: 'count',
      threshold: 1,
      en: {
        name: 'Staff numbers as citizens',
        definition:
          'Closures whose citizen number is a staff number from the directory (a self-survey). Flagged at 1 or more.',
      },
      ar: {
        name: 'أرقام موظفين بدل المواطنين',
        definition: 'إغلاقات رقم المواطن فيها رقم موظف مسجل في الدليل (تقييم ذاتي). يُنبَّه عند واحد فأكثر.',
      },
    },
    {
      key: 'sharedDevice',
      kind: 'count',
      threshold: 1,
      en: {
        name: 'One device answering for many citizens',
        definition: `Answer-page answers from a device (keyed hash of address and browser) that answered for ${SHARED_DEVICE_CITIZENS} or more different citizens in the period (n: answer-page answers). Flagged at 1 or more.`,
      },
      ar: {
        name: 'جهاز واحد يجيب عن مواطنين كثيرين',
        definition: `إجابات صفحة الرد من جهاز (بصمة مُفتاحة للعنوان والمتصفح) أجاب عن ${SHARED_DEVICE_CITIZENS} مواطنين مختلفين فأكثر في الفترة (ن: إجابات صفحة الرد). يُنبَّه عند واحدة فأكثر.`,
      },
    },
    {
      key: 'fastAnswers',
      kind: 'rate',
      threshold: 0.1,
      en: {
        name: 'Implausibly fast answers',
        definition: `Answers given less than ${FAST_ANSWER_SECONDS} seconds after the message was sent ÷ answers. Flagged when the 95% lower bound exceeds 10%.`,
      },
      ar: {
        name: 'إجابات سريعة على نحو غير معقول',
        definition: `الإجابات التي وصلت بعد أقل من ${FAST_ANSWER_SECONDS} ثوانٍ من إرسال الرسالة ÷ الإجابات. يُنبَّه إذا تجاوز الحد الأدنى لفترة الثقة 95٪ نسبة 10٪.`,
      },
    },
    {
      key: 'brushOffGap',
      kind: 'rate',
      threshold: 0.3,
      en: {
        name: 'Brush-off gap',
        definition:
          'Closures rated 4–5 on the call but later answered "not solved" ÷ closures with both. Flagged when the 95% lower bound exceeds 30%.',
      },
      ar: {
        name: 'فجوة الصرف',
        definition:
          'إغلاقات قُيّمت مكالمتها 4–5 ثم أُجيب لاحقا "لم تُحل" ÷ الإغلاقات التي لها الاثنان. يُنبَّه إذا تجاوز الحد الأدنى لفترة الثقة 95٪ نسبة 30٪.',
      },
    },
  ];
}
