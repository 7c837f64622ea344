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
            'ولمتوسط التقييم (من 1 إلى 5) فترة ويلسون نفسها بعد تحويل التقييمات إلى المدى من 0 إلى 1 ‏(‎(r − 1)/4‏)، ثم إعادتها إلى المدى من 1 إلى 5. تبقى الفترة بين 1 و5، ولا تضيق إلى الصفر مع قلة التقييمات: تقييمان بخمسة يعطيان 2.37–5 وليس "5.00 ± 0.00".',
          ],
        },
        {
          id: 'ranking',
          title: 'قاعدة الترتيب',
          paragraphs: [
            'مخطط القمع (شبيغلهالتر 2005): تُرسم نسبة الحل المؤكد لكل جهة مقابل عدد ردودها، حول النسبة العامة لكل الجهات معا، بين حدّين يضيقان كلما كثرت الردود: حد 95٪ وحد 99.8٪، محسوبين من توزيع ذي الحدين الدقيق. الجهة خارج حد 95٪ "أعلى من المتوقع" أو "أدنى من المتوقع"، وداخله "ضمن المتوقع"؛ وخارج حد 99.8٪ تنبيه أقوى. وإذا اختلفت الجهات فيما بينها أكثر مما تفسّره الصدفة (مقياس التشتت φ من قيم z بعد تقليم أطرافها أعلى من حد اختبار كاي تربيع عند 5٪) وكان عددها 10 فأكثر، وُسِّعت الحدود بتباين بين الجهات τ² (طريقة ديرسيمونيان ولايرد)، ويُذكر ذلك مع المخطط.',
            'الترتيب: لكل جهة مرتبة خاصة بها، بحسب الحد الأدنى لفترة الثقة 95٪ لنسبة الحل المؤكد، الأعلى أولا؛ فالنسبة العالية على ردود قليلة لا تتقدم على نسبة أقل قليلا على ردود كثيرة. وبجانب كل مرتبة فترة ثقة 95٪ للمرتبة نفسها، من 2000 سحب من التوزيع اللاحق بيتا(x+1، n−x+1) لكل جهة بمولّد أرقام ثابت البذرة: في كل سحب تُرتَّب الجهات، وفترة المرتبة هي الشريحة 2.5٪ إلى الشريحة 97.5٪ من مراتبها. إذا تداخلت فترتا مرتبتين فلا يُعتدّ بالفرق بينهما، ولا تُربط المراتب بعلامة "=".',
            'مثال: خمسة موظفين في جهة واحدة، لكل منهم 60 ردا، قال "حُلّت" 57 و54 و45 و44 و20. النسبة العامة 220 ÷ 300 = 73.3٪، وحدّا 95٪ عند 60 ردا هما 60.9٪ و83.3٪، وحدّا 99.8٪ هما 53.8٪ و88.9٪. إذن 95٪ (57) و90٪ (54) أعلى من المتوقع، و75٪ (45) و73.3٪ (44) ضمن المتوقع، و33.3٪ (20) أدنى من المتوقع. الحدود الدنيا لفترات ويلسون 86.3٪ و79.9٪ و62.8٪ و61.0٪ و22.7٪، فالمراتب 1 (1–2) و2 (1–3) و3 (3–4) و4 (3–4) و5 (5–5): الأول يختلف عن الثالث والخامس، والثالث والرابع لا يُفرَّق بينهما. التشتت φ = 7.6 أعلى من حد الاختبار 1.89، لكن خمس مجموعات أقل من أن يُقدَّر منها τ²، فلم تُوسَّع الحدود.',
            'أفضل ثلاث جهات تحسّنا في العام أو الربع: تُقارن نسبة الحل المؤكد بالفترة السابقة بفترة نيوكومب للفرق بين نسبتين (‎L = d − √((p₁−l₁)² + (u₂−p₂)²)‏). تُذكر الجهة إذا كان الحد الأدنى أعلى من صفر ولم تكن "أدنى من المتوقع" في مخطط القمع للفترة الحالية، وتُرتَّب حسبه، وإن قلّ عدد هذه الجهات عن ثلاث قيل ذلك ولم تُملأ المراكز.',
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
          'The mean rating (1–5) carries the same Wilson interval, of the ratings rescaled to 0–1 by (r − 1)/4 and mapped back: it stays within 1–5 and does not shrink to nothing on a few ratings (two 5s give 2.37–5, not "5.00 ± 0.00").',
        ],
      },
      {
        id: 'ranking',
        title: 'Ranking rule',
        paragraphs: [
          'Funnel plot (Spiegelhalter 2005): each agency\'s verified resolution rate is plotted against its number of answers, around the overall rate of all agencies together, between limits that narrow as answers grow: 95% and 99.8%, from the exact binomial distribution. Outside the 95% limits an agency is "above expected" or "below expected", inside them "within expected"; outside 99.8% is a stronger alarm. When agencies differ more than chance explains (the overdispersion φ of the winsorised z-scores above the 5% point of a chi-square test) and there are at least 10 of them, the limits are widened by a between-agency variance τ² (DerSimonian–Laird), and the chart says so.',
          'League order: each agency has a position of its own, by the lower end of the 95% interval of its verified resolution rate, highest first, so a high rate on few answers does not outrank a slightly lower one on many. Beside each position is the 95% interval of the rank itself, from 2,000 draws of every agency\'s posterior Beta(x+1, n−x+1) with a fixed-seed generator: in each draw the agencies are ranked, and the rank interval runs from the 2.5th to the 97.5th percentile of an agency\'s ranks. Where two rank intervals overlap the two cannot be told apart; positions are never chained with "=".',
          'Worked example: five agents of one agency, 60 answers each, 57, 54, 45, 44 and 20 of them "solved". The overall rate is 220 ÷ 300 = 73.3%; at 60 answers the 95% limits are 60.9% and 83.3%, the 99.8% limits 53.8% and 88.9%. So 95% (57) and 90% (54) are above expected, 75% (45) and 73.3% (44) within, 33.3% (20) below. Their Wilson lower bounds are 86.3%, 79.9%, 62.8%, 61.0% and 22.7%, giving positions 1 (1–2), 2 (1–3), 3 (3–4), 4 (3–4) and 5 (5–5): the first is told apart from the third and the fifth; the third and fourth cannot be told apart. The spread φ = 7.6 is above the test\'s 1.89, but five groups are too few to estimate τ² from, so the limits are not widened.',
          "The best three improvers of a year or quarter: each agency's verified resolution rate is compared with the previous period by Newcombe's hybrid score interval for the difference of two proportions (L = d − √((p₁−l₁)² + (u₂−p₂)²)). An agency is named when that lower bound is above zero and it is not below expected on the current period’s funnel plot, ordered by the lower bound; when fewer than three qualify the board says so and leaves the places empty.",
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
