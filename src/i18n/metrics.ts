import { perLanguage, type Dictionaries, type Language } from './languages.js';

/**
 * The report metrics' names and written definitions, per language, in the order managers read them
 * (reports/sums/metrics.ts gives each its key and kind).
 */
export interface MetricText {
  name: string;
  definition: string;
}

const en = {
  closures: {
    name: 'Closures',
    definition: 'Tickets marked closed in the period (a ticket closed twice counts twice).',
  },
  sent: {
    name: 'Asked',
    definition:
      'Closures whose verification message was sent to the citizen, or refused by the carrier as undeliverable to the number.',
  },
  delivered: {
    name: 'Messages delivered',
    definition: 'Closures whose message was confirmed delivered; an answer also proves delivery.',
  },
  answers: {
    name: 'Answers',
    definition: 'Closures whose citizen answered at least one question.',
  },
  verifiedResolutionRate: {
    name: 'Verified resolution rate',
    definition: 'Answered "solved" ÷ closures with an answer to "was it solved?".',
  },
  falseClosureRate: {
    name: 'False closure rate',
    definition: 'Answered "not solved" ÷ closures with an answer to "was it solved?".',
  },
  responseRate: {
    name: 'Response rate',
    definition: 'Closures with any answer ÷ closures whose message was delivered.',
  },
  csat: {
    name: 'CSAT',
    definition: 'Ratings of 4 or 5 ÷ all citizen ratings (1–5).',
  },
  meanRating: {
    name: 'Mean rating',
    definition: 'Sum of citizen ratings ÷ number of ratings (1–5).',
  },
  postCallRatingMean: {
    name: 'Post-call rating',
    definition:
      'Mean of the keypad rating (1–5) the caller gave the agent right after the call linked to the ticket.',
  },
  brushOffGap: {
    name: 'Brush-off gap',
    definition:
      'Closures whose post-call rating was 4–5 but later answered "not solved" ÷ closures with both a post-call rating and an answer to "solved?".',
  },
};

export type MetricTexts = typeof en;
export type MetricTextKey = keyof MetricTexts;

const ar: MetricTexts = {
  closures: {
    name: 'الإغلاقات',
    definition: 'الطلبات المعلَّمة "مغلقة" خلال الفترة (الطلب المغلق مرتين يُحسب مرتين).',
  },
  sent: {
    name: 'أُرسل لهم',
    definition:
      'الإغلاقات التي أُرسلت عنها رسالة التحقق إلى المواطن، أو رفضت شركة الاتصالات إرسالها لتعذّر التوصيل إلى الرقم.',
  },
  delivered: {
    name: 'رسائل مستلمة',
    definition: 'الإغلاقات التي تأكد وصول رسالتها؛ والرد دليل على الوصول أيضا.',
  },
  answers: {
    name: 'الردود',
    definition: 'الإغلاقات التي أجاب صاحبها عن سؤال واحد على الأقل.',
  },
  verifiedResolutionRate: {
    name: 'نسبة الحل المؤكد',
    definition: 'من أجاب "حُلّت" ÷ الإغلاقات التي أُجيب فيها عن سؤال "هل حُلّت المشكلة؟".',
  },
  falseClosureRate: {
    name: 'نسبة الإغلاق غير الصحيح',
    definition: 'من أجاب "لم تُحل" ÷ الإغلاقات التي أُجيب فيها عن سؤال "هل حُلّت المشكلة؟".',
  },
  responseRate: {
    name: 'نسبة الاستجابة',
    definition: 'الإغلاقات التي وصل عنها أي رد ÷ الإغلاقات التي وصلت رسالتها.',
  },
  csat: {
    name: 'رضا المواطنين',
    definition: 'التقييمات 4 أو 5 ÷ كل تقييمات المواطنين (من 1 إلى 5).',
  },
  meanRating: {
    name: 'متوسط التقييم',
    definition: 'مجموع تقييمات المواطنين ÷ عددها (من 1 إلى 5).',
  },
  postCallRatingMean: {
    name: 'تقييم ما بعد المكالمة',
    definition: 'متوسط تقييم الموظف بلوحة المفاتيح (1–5) بعد المكالمة المرتبطة بالطلب مباشرة.',
  },
  brushOffGap: {
    name: 'فجوة الصرف',
    definition:
      'إغلاقات قُيّمت مكالمتها 4–5 ثم أُجيب لاحقا "لم تُحل" ÷ الإغلاقات التي لها تقييم مكالمة وإجابة عن "هل حُلّت؟".',
  },
};

export const metricTexts: Dictionaries<Record<MetricTextKey, MetricText>> = { ar, en };

/** One metric's name and definition in every language. */
export function metricText(key: MetricTextKey): Record<Language, MetricText> {
  return perLanguage((lang) => metricTexts[lang][key]);
}
