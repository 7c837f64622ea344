import type { ReportLang } from './reports.js';

/** What the public methodology page says, in Arabic and English; the figures come from the configuration. */
export interface MethodologyFacts {
  delayHours: number;
  sendWindow: string;
  sendDays: string;
  /** PRAYER_CITY as configured (a city of the table or "latitude,longitude"); null when pauses are off. */
  prayers: { place: string; beforeMinutes: number; afterMinutes: number } | null;
  /** The send window during Ramadan; null when Ramadan hours are off. */
  ramadanWindow: string | null;
  contactMinDays: number;
  /** The oldest a closure may be when asked, in hours (the global setting; agencies may set their own). */
  maxAgeHours: number;
  sampleRate: number;
  agencyRates: number;
  minN: number;
  boardDays: number;
  updatedAt: string;
}

export interface MethodologySection {
  id: string;
  title: string;
  paragraphs: string[];
}

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

// The cities PRAYER_CITY names (followup/schedule/prayer-times.ts), as a reader knows them.
// prettier-ignore
const CITY_NAMES: Readonly<Record<string, { ar: string; en: string }>> = {
  riyadh: { ar: 'الرياض', en: 'Riyadh' }, jeddah: { ar: 'جدة', en: 'Jeddah' }, makkah: { ar: 'مكة المكرمة', en: 'Makkah' },
  madinah: { ar: 'المدينة المنورة', en: 'Madinah' }, dammam: { ar: 'الدمام', en: 'Dammam' }, khobar: { ar: 'الخبر', en: 'Khobar' },
  taif: { ar: 'الطائف', en: 'Taif' }, tabuk: { ar: 'تبوك', en: 'Tabuk' }, abha: { ar: 'أبها', en: 'Abha' },
  buraidah: { ar: 'بريدة', en: 'Buraidah' }, hail: { ar: 'حائل', en: 'Hail' }, jazan: { ar: 'جازان', en: 'Jazan' },
  najran: { ar: 'نجران', en: 'Najran' }, hofuf: { ar: 'الهفوف', en: 'Hofuf' }, arar: { ar: 'عرعر', en: 'Arar' },
  sakaka: { ar: 'سكاكا', en: 'Sakaka' }, albaha: { ar: 'الباحة', en: 'Al Baha' },
};

function placeName(place: string, lang: ReportLang): string {
  const city = CITY_NAMES[place];
  if (city) return city[lang];
  return lang === 'ar' ? `الموقع \u200e${place}\u200f` : `the location ${place}`;
}

/** A count of minutes with Arabic's number agreement (دقيقة، دقيقتين، 3–10 دقائق، 11+ دقيقة). */
function minutesAr(n: number): string {
  if (n === 1) return 'دقيقة واحدة';
  if (n === 2) return 'دقيقتين';
  return n >= 3 && n <= 10 ? `${n} دقائق` : `${n} دقيقة`;
}

/** The prayer pauses and Ramadan hours, in the reader's language; '' when neither applies. */
function pausesText(lang: ReportLang, f: MethodologyFacts): string {
  const p = f.prayers;
  if (lang === 'ar') {
    const prayers = p
      ? `ولا تبدأ رسالة ولا مكالمة في أوقات الصلوات الخمس: من ${minutesAr(p.beforeMinutes)} قبل كل أذان إلى ${minutesAr(p.afterMinutes)} بعده، بحسب مواقيت ${placeName(p.place, 'ar')} (تقويم أم القرى)، ويُؤجَّل ما يقع فيها إلى ما بعدها.`
      : '';
    const ramadan = f.ramadanWindow ? `وفي رمضان تكون ساعات الإرسال ${f.ramadanWindow}.` : '';
    return [prayers, ramadan].filter(Boolean).join(' ');
  }
  const prayers = p
    ? `No message or call starts during the five daily prayers: from ${p.beforeMinutes} minute${p.beforeMinutes === 1 ? '' : 's'} before each adhan to ${p.afterMinutes} minute${p.afterMinutes === 1 ? '' : 's'} after it, by the prayer times of ${placeName(p.place, 'en')} (Umm al-Qura method); anything due then waits until after.`
    : '';
  const ramadan = f.ramadanWindow ? `During Ramadan the send window is ${f.ramadanWindow}.` : '';
  return [prayers, ramadan].filter(Boolean).join(' ');
}

export function methodologyTexts(lang: ReportLang, f: MethodologyFacts) {
  if (lang === 'ar') {
    return {
      title: 'المنهجية: كيف تُحسب أرقام لوحة الشفافية',
      back: 'العودة إلى لوحة الشفافية',
      download: 'تنزيل الأعداد اليومية المجهّلة',
      downloadNote:
        'صف لكل يوم وجهة: أعداد فقط، دون أسماء موظفين أو إدارات أو أرقام جوالات. منها يمكن لأي أحد إعادة حساب كل رقم في اللوحة.',
      otherLanguage: 'English',
      sections: [
        {
          id: 'who',
          title: 'من يُسأل ومتى',
          paragraphs: [
            `بعد إغلاق الطلب بـ ${f.delayHours} ساعة تقريبا تُرسل رسالة إلى صاحب الطلب، بمعزل عن الموظف، تسأله هل حُلّت المشكلة فعلا، ثم عن تقييمه من 1 إلى 5، وعن السبب إن لم تُحل.`,
            `لا تُرسل الرسائل إلا في ساعات الإرسال (${f.sendWindow} بتوقيت الرياض، ${f.sendDays === 'all' ? 'كل أيام الأسبوع' : `أيام ${f.sendDays}`})، ويُؤجَّل ما يقع خارجها إلى أول وقت مسموح.`,
            ...(pausesText('ar', f) ? [pausesText('ar', f)] : []),
            'يُسأل المواطن برسالة نصية أو واتساب أو مكالمة تحقق، بالترتيب الذي تحدده كل جهة؛ وإجابة واحدة في أي قناة تُنهي السؤال في كل القنوات.',
          ],
        },
        {
          id: 'contact',
          title: 'سياسة التواصل',
          paragraphs: [
            `لا يُسأل الرقم نفسه أكثر من مرة كل ${f.contactMinDays} يوما مهما كانت الجهة، ومن طلب عدم مراسلته لا يُراسل. الطلب الذي يُعاد فتحه قبل السؤال لا يُسأل عنه.`,
            `ولا يُسأل عن إغلاق يكون قد مضى عليه أكثر من ${f.maxAgeHours} ساعة عند موعد سؤاله (ولبعض الجهات حد خاص)، كإغلاق يصلنا بعد أشهر: يظهر في سلسلة الأعداد وفي الأعداد اليومية (too_old) على أنه "أقدم من أن يُسأل عنه"، ولا يدخل في أي نسبة.`,
          ],
        },
        {
          id: 'sampling',
          title: 'العينة',
          paragraphs: [
            `يُسأل عن ${pct(f.sampleRate)} من الإغلاقات${f.agencyRates > 0 ? ` (ولـ ${f.agencyRates} جهة نسبة خاصة)` : ''}. يُقرَّر ذلك عند الإغلاق بسحب مُفتاحه سرّي مشتق من رقم الطلب، فلا يستطيع الموظف اختيار من يُسأل، ويستطيع المدقق التحقق من السحب.`,
          ],
        },
        {
          id: 'min-n',
          title: 'الحد الأدنى للعدد',
          paragraphs: [`لا تُرتَّب جهة لديها أقل من ${f.minN} ردود في الفترة؛ يُعرض رقمها مع علامة "عدد قليل".`],
        },
        {
          id: 'intervals',
          title: 'فترات الثقة',
          paragraphs: [
            'لكل نسبة فترة ثقة 95٪ بطريقة ويلسون: ‎p̂ = x/n‏، المركز ‎(p̂ + z²/2n)/(1 + z²/n)‏، ونصف العرض ‎z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²)‏ حيث ‎z = 1.96‏. وتُعرض "± س نقطة" حين تقع النسبة في منتصف فترتها، وإلا يُعرض طرفا الفترة، لأن فترة ويلسون غير متماثلة قرب 0٪ و100٪ ومع قلة الردود.',
            'ولمتوسط التقييم الفترة ‎المتوسط ± 1.96·s/√n‏ حيث s الانحراف المعياري للعينة.',
          ],
        },
        {
          id: 'ranking',
          title: 'قاعدة الترتيب',
          paragraphs: [
            'تُرتَّب الجهات حسب الحد الأدنى لفترة الثقة لنسبة الحل المؤكد، الأعلى أولا. إذا تداخلت فترة جهة مع فترة الجهة التي فوقها فلا يُعتدّ بالفرق، فتأخذ ترتيبها نفسه وتظهر العلامة "=".',
            'أفضل ثلاث جهات تحسّنا في العام أو الربع: تُقارن نسبة الحل المؤكد بالفترة السابقة بفترة نيوكومب للفرق بين نسبتين (‎L = d − √((p₁−l₁)² + (u₂−p₂)²)‏). تُذكر الجهة إذا كان الحد الأدنى أعلى من صفر، وتُرتَّب حسبه، وإن قلّ عدد هذه الجهات عن ثلاث قيل ذلك ولم تُملأ المراكز.',
          ],
        },
        {
          id: 'period',
          title: 'الفترة وآخر تحديث',
          paragraphs: [
            `تغطي اللوحة آخر ${f.boardDays} يوما بالتاريخ المحلي للإغلاق. الجوائز على آخر عام وآخر ربع مكتملين. آخر تحديث: ${f.updatedAt}.`,
          ],
        },
      ] satisfies MethodologySection[],
    };
  }
  return {
    title: 'Methodology: how the transparency board is computed',
    back: 'Back to the transparency board',
    download: 'Download the anonymised per-day counts',
    downloadNote:
      'One row per day and agency: counts only, no agent or department names and no phone numbers. Every figure on the board can be recomputed from it.',
    otherLanguage: 'العربية',
    sections: [
      {
        id: 'who',
        title: 'Who is asked, and when',
        paragraphs: [
          `About ${f.delayHours} hours after a ticket is closed, the citizen is sent a message, independently of the agent, asking whether the problem was actually solved, then for a rating from 1 to 5, and why if it was not solved.`,
          `Messages go out only within the send window (${f.sendWindow} Riyadh time, ${f.sendDays === 'all' ? 'every day' : `days ${f.sendDays}`}); anything falling outside waits for the next allowed time.`,
          ...(pausesText('en', f) ? [pausesText('en', f)] : []),
          'The citizen is asked by SMS, WhatsApp or a verification call, in the order each agency sets; one answer on any channel ends the question on all of them.',
        ],
      },
      {
        id: 'contact',
        title: 'Contact policy',
        paragraphs: [
          `A number is asked at most once every ${f.contactMinDays} days, whatever the agency; a citizen who opted out is not contacted; a ticket reopened before the question is not asked about.`,
          `A closure more than ${f.maxAgeHours} hours old when it would be asked (some agencies set their own limit), such as one reported to us months late, is not asked: the chain of counts and the per-day counts (too_old) show it as "too old to ask", and it enters no rate.`,
        ],
      },
      {
        id: 'sampling',
        title: 'Sampling',
        paragraphs: [
          `${pct(f.sampleRate)} of closures are asked about${f.agencyRates > 0 ? ` (${f.agencyRates} agencies have their own rate)` : ''}. The draw is made at closure time from a keyed hash of the ticket number, so staff cannot choose who is asked, and an auditor holding the key can check every draw.`,
        ],
      },
      {
        id: 'min-n',
        title: 'Minimum n',
        paragraphs: [
          `An agency with fewer than ${f.minN} answers in the period is shown, marked "low n", and never ranked.`,
        ],
      },
      {
        id: 'intervals',
        title: 'Intervals',
        paragraphs: [
          'Every rate carries a 95% Wilson score interval: p̂ = x/n, centre (p̂ + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²), z = 1.96. "± x points" is shown when the rate sits in the middle of its interval; otherwise the interval\'s two ends are shown, since a Wilson interval is not symmetric near 0% or 100% or with few answers.',
          'The mean rating carries mean ± 1.96·s/√n, with s the sample standard deviation.',
        ],
      },
      {
        id: 'ranking',
        title: 'Ranking rule',
        paragraphs: [
          'Agencies are listed by the lower bound of the verified resolution rate\'s interval, highest first. An agency whose interval overlaps that of the agency listed above it is not distinguishable from it: it shares that rank, shown with "=".',
          "The best three improvers of a year or quarter: each agency's verified resolution rate is compared with the previous period by Newcombe's hybrid score interval for the difference of two proportions (L = d − √((p₁−l₁)² + (u₂−p₂)²)). An agency is named when that lower bound is above zero, ordered by it; when fewer than three qualify the board says so and leaves the places empty.",
        ],
      },
      {
        id: 'period',
        title: 'Period and last update',
        paragraphs: [
          `The board covers the last ${f.boardDays} days by the local date of closure. The awards cover the last complete year and quarter. Last updated: ${f.updatedAt}.`,
        ],
      },
    ] satisfies MethodologySection[],
  };
}
