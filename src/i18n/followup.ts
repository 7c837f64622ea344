import type { CitizenDictionaries, CitizenLanguage } from './languages.js';

/**
 * Every text a citizen reads in the verification conversation, in each citizen language
 * (languages.ts; docs/languages.md lists them with their SMS costs). SMS texts stay short: every
 * language but English, Filipino and Indonesian is UCS-2 (70 characters a segment, 67 when
 * concatenated) and the first message must fit in two segments with the agency name, the ticket
 * reference and the answer link. Digits to press are ASCII 1 and 2 in every language: every phone
 * keyboard has them, and the parser reads each script's own digits as well.
 */
/** The four reasons' words, as an agency words them (followup/conversation/agency-reasons.ts). */
// A type, not an interface: callers index it by a stored reason string (reports' entity page).
export type ReasonWords = {
  no_contact: string;
  still_exists: string;
  asked_to_visit: string;
  other: string;
};

export interface SmsParams {
  agency: string;
  ref: string;
  link: string;
}

/** Links in SMS drop `https://` (phones link `host/path` anyway): eight characters of a 134-character budget. */
export function smsLink(url: string): string {
  return url.replace(/^https:\/\//, '');
}

/**
 * What each rating means, shown by every rating question (the SMS question names the ends, the
 * answer page labels every button) and read back as that rating when a citizen replies with it
 * (followup/conversation/reply-parser.ts). One list, so a word never means one number in a
 * question and another in an answer.
 */
export const RATING_LABELS: CitizenDictionaries<readonly [string, string, string, string, string]> = {
  ar: ['سيئة جدا', 'سيئة', 'مقبولة', 'جيدة', 'ممتازة'],
  en: ['very poor', 'poor', 'fair', 'good', 'excellent'],
  bn: ['খুব খারাপ', 'খারাপ', 'মোটামুটি', 'ভালো', 'চমৎকার'],
  hi: ['बहुत खराब', 'खराब', 'सामान्य', 'अच्छी', 'उत्कृष्ट'],
  ur: ['بہت خراب', 'خراب', 'مناسب', 'اچھی', 'بہترین'],
  fil: ['napakasama', 'masama', 'katamtaman', 'mabuti', 'napakahusay'],
  id: ['sangat buruk', 'buruk', 'cukup', 'baik', 'sangat baik'],
  ne: ['धेरै नराम्रो', 'नराम्रो', 'ठिकै', 'राम्रो', 'उत्कृष्ट'],
};

/**
 * The name a message or page gives the agency when the directory has none in the citizen's script:
 * never its raw code, which in an Arabic or Urdu message would open a right-to-left text with a
 * Latin word and read in the wrong order on the phone (issue 25).
 */
export const NEUTRAL_AGENCY: CitizenDictionaries<string> = {
  ar: 'الجهة الحكومية',
  en: 'Government agency',
  bn: 'সরকারি সংস্থা',
  hi: 'सरकारी विभाग',
  ur: 'سرکاری ادارہ',
  fil: 'Ahensya ng pamahalaan',
  id: 'Instansi pemerintah',
  ne: 'सरकारी निकाय',
};

/**
 * The agency's name as a citizen reads it: the directory keeps names in Arabic and English, so a
 * right-to-left language (Arabic, Urdu) takes the Arabic name and every other the English one; with
 * none, the neutral name in the citizen's language.
 */
export function agencyNameFor(
  lang: CitizenLanguage,
  names: { ar?: string | null; en?: string | null } | null | undefined,
): string {
  const own = lang === 'ar' || lang === 'ur' ? names?.ar : names?.en;
  return own?.trim() || NEUTRAL_AGENCY[lang];
}

const ar = {
  initial: (p: SmsParams) => `${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا ${p.link}`,
  reminder: (p: SmsParams) => `تذكير ${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا ${p.link}`,
  askSolved: () => 'هل حلت مشكلتك؟ أرسل 1 نعم أو 2 لا.',
  askRating: () => `شكرا. قيم الخدمة من 1 (${RATING_LABELS.ar[0]}) إلى 5 (${RATING_LABELS.ar[4]}).`,
  askReason: () =>
    'نأسف لذلك. ما السبب؟ 1 لم يتواصل معي أحد، 2 المشكلة ما زالت قائمة، 3 طلب مني الحضور شخصيا، 4 سبب آخر (اكتبه)',
  /** The reason question in an agency's own wording of the four reasons, in their fixed order. */
  askReasonIn: (l: ReasonWords) =>
    `نأسف لذلك. ما السبب؟ 1 ${l.no_contact}، 2 ${l.still_exists}، 3 ${l.asked_to_visit}، 4 ${l.other} (اكتبه)`,
  thanksSolved: () => 'شكرا لك، تم تسجيل تقييمك.',
  thanksDisputed: () => 'شكرا لك، تم تسجيل إجابتك وإبلاغ الجهة بأن المشكلة لم تحل.',
  clarifySolved: () => 'عذرا، لم نفهم الرد. أرسل 1 إذا حلت المشكلة أو 2 إذا لم تحل.',
  clarifyRating: () => 'عذرا، أرسل رقما من 1 إلى 5.',
  clarifyReason: () => 'عذرا، أرسل رقما من 1 إلى 4 أو اكتب السبب.',
  commentNoted: () => 'شكرا، سجلنا ملاحظتك. للإجابة أرسل الرقم فقط.',
  alreadyAnswered: (ref: string) => `شكرا، إجابتك عن الطلب ${ref} مسجلة من قبل.`,
  closedOrExpired: (ref: string) => `شكرا لتواصلك. انتهت مدة الاستبيان الخاص بالطلب ${ref}.`,
  /** To a number whose follow-up is scheduled but not yet sent: it has not been asked anything yet. */
  notYetAsked: (ref: string) => `شكرا لتواصلك. سنرسل لك قريبا سؤالا عن الطلب ${ref}.`,
  appliedTo: (ref: string) => `(بخصوص الطلب ${ref})`,
  optedOut: () => 'تم إيقاف رسائل التقييم. لإعادتها أرسل اشتراك أو START.',
  optedIn: () => 'تمت إعادة تفعيل رسائل التقييم. لإيقافها أرسل إيقاف أو STOP.',
  unknownNumber: () => 'شكرا لتواصلك. لا يوجد استبيان مفتوح لهذا الرقم.',
  help: () => 'استبيان رضا عن خدمة الجهة الحكومية. أجب بالأرقام المطلوبة. لإيقاف الرسائل أرسل إيقاف أو STOP.',
};

const en: typeof ar = {
  initial: (p) =>
    `${p.agency}: was the problem in your request ${p.ref} solved? Reply 1 yes or 2 no, or answer here ${p.link}`,
  reminder: (p) => `Reminder from ${p.agency}: was request ${p.ref} solved? Reply 1 yes or 2 no ${p.link}`,
  askSolved: () => 'Was your problem solved? Reply 1 yes or 2 no.',
  askRating: () =>
    `Thank you. Rate the service from 1 (${RATING_LABELS.en[0]}) to 5 (${RATING_LABELS.en[4]}).`,
  askReason: () =>
    'We are sorry. Why? 1 no one contacted me, 2 the problem still exists, 3 I was asked to visit in person, 4 other (tell us)',
  askReasonIn: (l: ReasonWords) =>
    `We are sorry. Why? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (tell us)`,
  thanksSolved: () => 'Thank you, your rating has been recorded.',
  thanksDisputed: () =>
    'Thank you. Your answer is recorded and the agency has been told the problem was not solved.',
  clarifySolved: () => 'Sorry, we did not understand. Reply 1 if the problem was solved or 2 if not.',
  clarifyRating: () => 'Sorry, please reply with a number from 1 to 5.',
  clarifyReason: () => 'Sorry, please reply with a number from 1 to 4 or tell us the reason.',
  commentNoted: () => 'Thank you, we noted your comment. To answer, reply with the number only.',
  alreadyAnswered: (ref) => `Thank you, your answer about request ${ref} is already recorded.`,
  closedOrExpired: (ref) => `Thank you for your message. The survey for request ${ref} has ended.`,
  notYetAsked: (ref) => `Thank you for your message. We will ask you about request ${ref} soon.`,
  appliedTo: (ref) => `(about request ${ref})`,
  optedOut: () => 'Rating messages are stopped. To receive them again reply START.',
  optedIn: () => 'Rating messages are on again. Reply STOP to stop them.',
  unknownNumber: () => 'Thank you for your message. There is no open survey for this number.',
  help: () =>
    'Satisfaction survey for a government service. Reply with the numbers asked. Reply STOP to stop messages.',
};

const bn: typeof ar = {
  initial: (p) => `${p.agency}: অনুরোধ ${p.ref}-এর সমাধান হয়েছে? উত্তর 1 হ্যাঁ, 2 না ${p.link}`,
  reminder: (p) => `স্মরণ ${p.agency}: অনুরোধ ${p.ref}-এর সমাধান হয়েছে? 1 হ্যাঁ, 2 না ${p.link}`,
  askSolved: () => 'আপনার সমস্যার সমাধান হয়েছে কি? 1 হ্যাঁ বা 2 না পাঠান।',
  askRating: () =>
    `ধন্যবাদ। সেবাটিকে 1 (${RATING_LABELS.bn[0]}) থেকে 5 (${RATING_LABELS.bn[4]}) পর্যন্ত মূল্যায়ন করুন।`,
  askReason: () =>
    'আমরা দুঃখিত। কারণ কী? 1 কেউ যোগাযোগ করেনি, 2 সমস্যা এখনও আছে, 3 আমাকে সরাসরি যেতে বলা হয়েছে, 4 অন্য কারণ (লিখুন)',
  askReasonIn: (l) =>
    `আমরা দুঃখিত। কারণ কী? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (লিখুন)`,
  thanksSolved: () => 'ধন্যবাদ, আপনার মূল্যায়ন নথিভুক্ত হয়েছে।',
  thanksDisputed: () => 'ধন্যবাদ। আপনার উত্তর নথিভুক্ত হয়েছে এবং সংস্থাকে জানানো হয়েছে যে সমস্যার সমাধান হয়নি।',
  clarifySolved: () => 'দুঃখিত, উত্তরটি বোঝা যায়নি। সমস্যার সমাধান হলে 1, না হলে 2 পাঠান।',
  clarifyRating: () => 'দুঃখিত, 1 থেকে 5 এর মধ্যে একটি সংখ্যা পাঠান।',
  clarifyReason: () => 'দুঃখিত, 1 থেকে 4 এর মধ্যে একটি সংখ্যা পাঠান বা কারণ লিখুন।',
  commentNoted: () => 'ধন্যবাদ, আপনার মন্তব্য নথিভুক্ত হয়েছে। উত্তর দিতে শুধু সংখ্যাটি পাঠান।',
  alreadyAnswered: (ref) => `ধন্যবাদ, অনুরোধ ${ref} সম্পর্কে আপনার উত্তর আগেই নথিভুক্ত হয়েছে।`,
  closedOrExpired: (ref) => `যোগাযোগের জন্য ধন্যবাদ। অনুরোধ ${ref}-এর জরিপের সময় শেষ হয়েছে।`,
  notYetAsked: (ref) => `যোগাযোগের জন্য ধন্যবাদ। শীঘ্রই আমরা অনুরোধ ${ref} সম্পর্কে আপনার মতামত চাইব।`,
  appliedTo: (ref) => `(অনুরোধ ${ref} সম্পর্কে)`,
  optedOut: () => 'মূল্যায়ন বার্তা বন্ধ করা হয়েছে। আবার পেতে START পাঠান।',
  optedIn: () => 'মূল্যায়ন বার্তা আবার চালু হয়েছে। বন্ধ করতে STOP পাঠান।',
  unknownNumber: () => 'যোগাযোগের জন্য ধন্যবাদ। এই নম্বরের জন্য কোনো চলমান জরিপ নেই।',
  help: () => 'সরকারি সেবা সন্তুষ্টি জরিপ। চাওয়া সংখ্যাটি পাঠিয়ে উত্তর দিন। বার্তা বন্ধ করতে STOP পাঠান।',
};

const hi: typeof ar = {
  initial: (p) => `${p.agency}: क्या अनुरोध ${p.ref} हल हुआ? 1 हाँ या 2 नहीं भेजें ${p.link}`,
  reminder: (p) => `अनुस्मारक ${p.agency}: अनुरोध ${p.ref} हल हुआ? उत्तर 1 हाँ, 2 नहीं ${p.link}`,
  askSolved: () => 'क्या आपकी समस्या हल हुई? 1 हाँ या 2 नहीं भेजें।',
  askRating: () => `धन्यवाद। सेवा को 1 (${RATING_LABELS.hi[0]}) से 5 (${RATING_LABELS.hi[4]}) तक अंक दें।`,
  askReason: () =>
    'हमें खेद है। कारण क्या है? 1 किसी ने संपर्क नहीं किया, 2 समस्या अभी भी है, 3 मुझे स्वयं आने को कहा गया, 4 अन्य (लिखें)',
  askReasonIn: (l) =>
    `हमें खेद है। कारण क्या है? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (लिखें)`,
  thanksSolved: () => 'धन्यवाद, आपकी रेटिंग दर्ज हो गई है।',
  thanksDisputed: () => 'धन्यवाद। आपका उत्तर दर्ज हो गया है और विभाग को बता दिया गया है कि समस्या हल नहीं हुई।',
  clarifySolved: () => 'क्षमा करें, उत्तर समझ नहीं आया। समस्या हल हुई हो तो 1, नहीं तो 2 भेजें।',
  clarifyRating: () => 'क्षमा करें, 1 से 5 तक कोई अंक भेजें।',
  clarifyReason: () => 'क्षमा करें, 1 से 4 तक कोई अंक भेजें या कारण लिखें।',
  commentNoted: () => 'धन्यवाद, आपकी टिप्पणी दर्ज हो गई। उत्तर देने के लिए केवल अंक भेजें।',
  alreadyAnswered: (ref) => `धन्यवाद, अनुरोध ${ref} के बारे में आपका उत्तर पहले ही दर्ज है।`,
  closedOrExpired: (ref) => `संपर्क के लिए धन्यवाद। अनुरोध ${ref} का सर्वेक्षण समाप्त हो गया है।`,
  notYetAsked: (ref) => `संपर्क के लिए धन्यवाद। हम जल्द ही आपसे अनुरोध ${ref} के बारे में पूछेंगे।`,
  appliedTo: (ref) => `(अनुरोध ${ref} के बारे में)`,
  optedOut: () => 'रेटिंग संदेश बंद कर दिए गए हैं। फिर से पाने के लिए START भेजें।',
  optedIn: () => 'रेटिंग संदेश फिर से चालू हैं। बंद करने के लिए STOP भेजें।',
  unknownNumber: () => 'संपर्क के लिए धन्यवाद। इस नंबर के लिए कोई खुला सर्वेक्षण नहीं है।',
  help: () => 'सरकारी सेवा संतुष्टि सर्वेक्षण। पूछे गए अंक भेजकर उत्तर दें। संदेश बंद करने के लिए STOP भेजें।',
};

const ur: typeof ar = {
  initial: (p) => `${p.agency}: کیا درخواست ${p.ref} حل ہوئی؟ جواب 1 ہاں یا 2 نہیں ${p.link}`,
  reminder: (p) => `یاد دہانی ${p.agency}: درخواست ${p.ref} حل ہوئی؟ جواب 1 ہاں، 2 نہیں ${p.link}`,
  askSolved: () => 'کیا آپ کا مسئلہ حل ہوا؟ 1 ہاں یا 2 نہیں بھیجیں۔',
  askRating: () => `شکریہ۔ سروس کو 1 (${RATING_LABELS.ur[0]}) سے 5 (${RATING_LABELS.ur[4]}) تک درجہ دیں۔`,
  askReason: () =>
    'ہمیں افسوس ہے۔ وجہ کیا ہے؟ 1 کسی نے رابطہ نہیں کیا، 2 مسئلہ ابھی باقی ہے، 3 مجھے خود آنے کو کہا گیا، 4 کوئی اور وجہ (لکھیں)',
  askReasonIn: (l) =>
    `ہمیں افسوس ہے۔ وجہ کیا ہے؟ 1 ${l.no_contact}، 2 ${l.still_exists}، 3 ${l.asked_to_visit}، 4 ${l.other} (لکھیں)`,
  thanksSolved: () => 'شکریہ، آپ کی درجہ بندی درج ہو گئی ہے۔',
  thanksDisputed: () => 'شکریہ۔ آپ کا جواب درج ہو گیا ہے اور ادارے کو بتا دیا گیا ہے کہ مسئلہ حل نہیں ہوا۔',
  clarifySolved: () => 'معذرت، جواب سمجھ نہیں آیا۔ مسئلہ حل ہوا ہو تو 1، ورنہ 2 بھیجیں۔',
  clarifyRating: () => 'معذرت، 1 سے 5 تک کوئی عدد بھیجیں۔',
  clarifyReason: () => 'معذرت، 1 سے 4 تک کوئی عدد بھیجیں یا وجہ لکھیں۔',
  commentNoted: () => 'شکریہ، آپ کی رائے درج کر لی گئی۔ جواب کے لیے صرف عدد بھیجیں۔',
  alreadyAnswered: (ref) => `شکریہ، درخواست ${ref} کے بارے میں آپ کا جواب پہلے سے درج ہے۔`,
  closedOrExpired: (ref) => `رابطے کا شکریہ۔ درخواست ${ref} کا سروے ختم ہو چکا ہے۔`,
  notYetAsked: (ref) => `رابطے کا شکریہ۔ ہم جلد آپ سے درخواست ${ref} کے بارے میں پوچھیں گے۔`,
  appliedTo: (ref) => `(درخواست ${ref} کے بارے میں)`,
  optedOut: () => 'درجہ بندی کے پیغامات بند کر دیے گئے۔ دوبارہ پانے کے لیے START بھیجیں۔',
  optedIn: () => 'درجہ بندی کے پیغامات دوبارہ شروع ہو گئے۔ بند کرنے کے لیے STOP بھیجیں۔',
  unknownNumber: () => 'رابطے کا شکریہ۔ اس نمبر کے لیے کوئی کھلا سروے نہیں ہے۔',
  help: () =>
    'سرکاری سروس سے اطمینان کا سروے۔ مانگا گیا عدد بھیج کر جواب دیں۔ پیغامات روکنے کے لیے STOP بھیجیں۔',
};

const fil: typeof ar = {
  initial: (p) =>
    `${p.agency}: Nalutas na po ba ang problema sa inyong kahilingan ${p.ref}? Sumagot ng 1 oo o 2 hindi ${p.link}`,
  reminder: (p) =>
    `Paalala mula sa ${p.agency}: nalutas na po ba ang kahilingan ${p.ref}? Sumagot ng 1 oo o 2 hindi ${p.link}`,
  askSolved: () => 'Nalutas na po ba ang inyong problema? Sumagot ng 1 oo o 2 hindi.',
  askRating: () =>
    `Salamat po. I-rate ang serbisyo mula 1 (${RATING_LABELS.fil[0]}) hanggang 5 (${RATING_LABELS.fil[4]}).`,
  askReason: () =>
    'Paumanhin po. Ano ang dahilan? 1 walang nakipag-ugnayan sa akin, 2 may problema pa rin, 3 pinapunta ako nang personal, 4 iba pa (isulat)',
  askReasonIn: (l) =>
    `Paumanhin po. Ano ang dahilan? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (isulat)`,
  thanksSolved: () => 'Salamat po, naitala na ang inyong rating.',
  thanksDisputed: () =>
    'Salamat po. Naitala ang inyong sagot at naabisuhan ang ahensya na hindi nalutas ang problema.',
  clarifySolved: () => 'Paumanhin po, hindi namin naintindihan. Sumagot ng 1 kung nalutas o 2 kung hindi.',
  clarifyRating: () => 'Paumanhin po, sumagot ng numero mula 1 hanggang 5.',
  clarifyReason: () => 'Paumanhin po, sumagot ng numero mula 1 hanggang 4 o isulat ang dahilan.',
  commentNoted: () => 'Salamat po, naitala ang inyong komento. Para sumagot, ipadala lamang ang numero.',
  alreadyAnswered: (ref) => `Salamat po, naitala na ang inyong sagot tungkol sa kahilingan ${ref}.`,
  closedOrExpired: (ref) => `Salamat po sa inyong mensahe. Tapos na ang survey para sa kahilingan ${ref}.`,
  notYetAsked: (ref) =>
    `Salamat po sa inyong mensahe. Malapit na namin kayong tanungin tungkol sa kahilingan ${ref}.`,
  appliedTo: (ref) => `(tungkol sa kahilingan ${ref})`,
  optedOut: () => 'Itinigil na ang mga mensahe ng rating. Para matanggap muli, sumagot ng START.',
  optedIn: () => 'Muling naka-on ang mga mensahe ng rating. Sumagot ng STOP para itigil.',
  unknownNumber: () => 'Salamat po sa inyong mensahe. Walang bukas na survey para sa numerong ito.',
  help: () =>
    'Survey ng kasiyahan sa serbisyo ng pamahalaan. Sumagot ng hinihinging numero. Sumagot ng STOP para itigil ang mga mensahe.',
};

const id: typeof ar = {
  initial: (p) =>
    `${p.agency}: Apakah masalah pada permohonan Anda ${p.ref} sudah selesai? Balas 1 ya atau 2 tidak ${p.link}`,
  reminder: (p) =>
    `Pengingat dari ${p.agency}: apakah permohonan ${p.ref} sudah selesai? Balas 1 ya atau 2 tidak ${p.link}`,
  askSolved: () => 'Apakah masalah Anda sudah selesai? Balas 1 ya atau 2 tidak.',
  askRating: () =>
    `Terima kasih. Beri nilai layanan dari 1 (${RATING_LABELS.id[0]}) sampai 5 (${RATING_LABELS.id[4]}).`,
  askReason: () =>
    'Mohon maaf. Apa alasannya? 1 tidak ada yang menghubungi saya, 2 masalah masih ada, 3 saya diminta datang langsung, 4 lainnya (tuliskan)',
  askReasonIn: (l) =>
    `Mohon maaf. Apa alasannya? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (tuliskan)`,
  thanksSolved: () => 'Terima kasih, penilaian Anda sudah dicatat.',
  thanksDisputed: () =>
    'Terima kasih. Jawaban Anda sudah dicatat dan instansi telah diberi tahu bahwa masalahnya belum selesai.',
  clarifySolved: () =>
    'Maaf, kami tidak memahami balasan Anda. Balas 1 jika masalah sudah selesai atau 2 jika belum.',
  clarifyRating: () => 'Maaf, balas dengan angka 1 sampai 5.',
  clarifyReason: () => 'Maaf, balas dengan angka 1 sampai 4 atau tuliskan alasannya.',
  commentNoted: () =>
    'Terima kasih, komentar Anda sudah dicatat. Untuk menjawab, balas dengan angkanya saja.',
  alreadyAnswered: (ref) => `Terima kasih, jawaban Anda tentang permohonan ${ref} sudah tercatat sebelumnya.`,
  closedOrExpired: (ref) => `Terima kasih atas pesan Anda. Survei untuk permohonan ${ref} sudah berakhir.`,
  notYetAsked: (ref) =>
    `Terima kasih atas pesan Anda. Kami akan segera menanyakan permohonan ${ref} kepada Anda.`,
  appliedTo: (ref) => `(tentang permohonan ${ref})`,
  optedOut: () => 'Pesan penilaian dihentikan. Untuk menerimanya lagi, balas START.',
  optedIn: () => 'Pesan penilaian aktif kembali. Balas STOP untuk menghentikannya.',
  unknownNumber: () => 'Terima kasih atas pesan Anda. Tidak ada survei terbuka untuk nomor ini.',
  help: () =>
    'Survei kepuasan layanan pemerintah. Balas dengan angka yang diminta. Balas STOP untuk menghentikan pesan.',
};

const ne: typeof ar = {
  initial: (p) => `${p.agency}: के अनुरोध ${p.ref} को समाधान भयो? उत्तर 1 हो, 2 होइन ${p.link}`,
  reminder: (p) => `सम्झना ${p.agency}: अनुरोध ${p.ref} को समाधान भयो? 1 हो, 2 होइन ${p.link}`,
  askSolved: () => 'के तपाईंको समस्या समाधान भयो? 1 हो वा 2 होइन पठाउनुहोस्।',
  askRating: () => `धन्यवाद। सेवालाई 1 (${RATING_LABELS.ne[0]}) देखि 5 (${RATING_LABELS.ne[4]}) सम्म अङ्क दिनुहोस्।`,
  askReason: () =>
    'हामीलाई खेद छ। कारण के हो? 1 कसैले सम्पर्क गरेन, 2 समस्या अझै छ, 3 मलाई आफैं आउन भनियो, 4 अन्य (लेख्नुहोस्)',
  askReasonIn: (l) =>
    `हामीलाई खेद छ। कारण के हो? 1 ${l.no_contact}, 2 ${l.still_exists}, 3 ${l.asked_to_visit}, 4 ${l.other} (लेख्नुहोस्)`,
  thanksSolved: () => 'धन्यवाद, तपाईंको मूल्याङ्कन दर्ता भयो।',
  thanksDisputed: () => 'धन्यवाद। तपाईंको उत्तर दर्ता भयो र समस्या समाधान नभएको कुरा निकायलाई जानकारी दिइयो।',
  clarifySolved: () => 'माफ गर्नुहोस्, उत्तर बुझिएन। समस्या समाधान भएको भए 1, नभएको भए 2 पठाउनुहोस्।',
  clarifyRating: () => 'माफ गर्नुहोस्, 1 देखि 5 सम्मको अङ्क पठाउनुहोस्।',
  clarifyReason: () => 'माफ गर्नुहोस्, 1 देखि 4 सम्मको अङ्क पठाउनुहोस् वा कारण लेख्नुहोस्।',
  commentNoted: () => 'धन्यवाद, तपाईंको टिप्पणी दर्ता भयो। उत्तर दिन अङ्क मात्र पठाउनुहोस्।',
  alreadyAnswered: (ref) => `धन्यवाद, अनुरोध ${ref} बारे तपाईंको उत्तर पहिले नै दर्ता छ।`,
  closedOrExpired: (ref) => `सम्पर्कका लागि धन्यवाद। अनुरोध ${ref} को सर्वेक्षण समाप्त भयो।`,
  notYetAsked: (ref) => `सम्पर्कका लागि धन्यवाद। हामी छिट्टै तपाईंलाई अनुरोध ${ref} बारे सोध्नेछौं।`,
  appliedTo: (ref) => `(अनुरोध ${ref} बारे)`,
  optedOut: () => 'मूल्याङ्कन सन्देशहरू बन्द गरिए। फेरि पाउन START पठाउनुहोस्।',
  optedIn: () => 'मूल्याङ्कन सन्देशहरू फेरि सुरु भए। बन्द गर्न STOP पठाउनुहोस्।',
  unknownNumber: () => 'सम्पर्कका लागि धन्यवाद। यो नम्बरका लागि कुनै खुला सर्वेक्षण छैन।',
  help: () => 'सरकारी सेवा सन्तुष्टि सर्वेक्षण। सोधिएको अङ्क पठाएर उत्तर दिनुहोस्। सन्देश रोक्न STOP पठाउनुहोस्।',
};

export type FollowUpTexts = typeof ar;
export const followUpTexts: CitizenDictionaries<FollowUpTexts> = { ar, en, bn, hi, ur, fil, id, ne };

/**
 * The first message and the reminder to a citizen whose ticket names a language we have no texts in
 * (closure event `language` not in CITIZEN_LANGUAGES): Arabic, the Kingdom's language, then a short
 * English line on its own line, and the link once at the end. `agency` is the Arabic name. Both
 * scripts make it UCS-2; it takes three segments where a single-language message takes two
 * (docs/languages.md).
 */
export const withEnglish = {
  initial: (p: SmsParams) =>
    `${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا\nSolved? Reply 1 yes or 2 no ${p.link}`,
  reminder: (p: SmsParams) =>
    `تذكير ${p.agency}: هل حلت مشكلة طلبك ${p.ref}؟ رد 1 نعم أو 2 لا\nReminder: solved? Reply 1 yes or 2 no ${p.link}`,
} as const;

/** Catalogue texts that answer a citizen inside a conversation (everything but the outbound messages). */
export type FollowUpReplyKey = Exclude<
  keyof FollowUpTexts,
  'initial' | 'reminder' | 'appliedTo' | 'askReasonIn'
>;

/** Renders a reply named by the conversation; `ref` fills the texts that name the ticket. */
export function renderFollowUpReply(lang: CitizenLanguage, key: FollowUpReplyKey, ref: string): string {
  const texts = followUpTexts[lang];
  switch (key) {
    case 'alreadyAnswered':
    case 'closedOrExpired':
    case 'notYetAsked':
      return texts[key](ref);
    default:
      return texts[key]();
  }
}

/** Page texts for the one-tap answer page. */
export interface AnswerPageTexts {
  title: string;
  /** The language's own name, for the page's language links. */
  languageName: string;
  languagesLabel: string;
  /** Before the agency's name: who asks. */
  askedBy: string;
  solvedQuestion: (ref: string) => string;
  yes: string;
  no: string;
  ratingQuestion: string;
  ratingLabels: readonly string[];
  reasonQuestion: string;
  reasons: ReasonWords;
  otherPlaceholder: string;
  send: string;
  thanks: string;
  recorded: string;
  solvedLabel: string;
  notSolvedLabel: string;
  ratingLabel: string;
  reasonLabel: string;
  expired: string;
  invalid: string;
  tooMany: string;
  closed: string;
}

const numbered = (lang: CitizenLanguage): string[] =>
  RATING_LABELS[lang].map((label, i) => `${i + 1} ${label}`);

export const answerPageTexts: CitizenDictionaries<AnswerPageTexts> = {
  ar: {
    title: 'تقييم الخدمة',
    languageName: 'العربية',
    languagesLabel: 'اللغة',
    askedBy: 'يسألك:',
    solvedQuestion: (ref) => `هل حلت مشكلة طلبك ${ref}؟`,
    yes: 'نعم، حلت',
    no: 'لا، لم تحل',
    ratingQuestion: 'كيف تقيم الخدمة؟',
    ratingLabels: numbered('ar'),
    reasonQuestion: 'ما السبب؟',
    reasons: {
      no_contact: 'لم يتواصل معي أحد',
      still_exists: 'المشكلة ما زالت قائمة',
      asked_to_visit: 'طلب مني الحضور شخصيا',
      other: 'سبب آخر',
    },
    otherPlaceholder: 'اكتب السبب (اختياري)',
    send: 'إرسال',
    thanks: 'شكرا لك، تم تسجيل إجابتك.',
    recorded: 'إجابتك المسجلة',
    solvedLabel: 'حلت المشكلة',
    notSolvedLabel: 'لم تحل المشكلة',
    ratingLabel: 'التقييم',
    reasonLabel: 'السبب',
    expired: 'انتهت صلاحية هذا الرابط.',
    invalid: 'هذا الرابط غير صحيح.',
    tooMany: 'محاولات كثيرة من هذا الجهاز. حاول مرة أخرى بعد قليل.',
    closed: 'انتهت مدة هذا الاستبيان.',
  },
  en: {
    title: 'Rate the service',
    languageName: 'English',
    languagesLabel: 'Language',
    askedBy: 'Asked by:',
    solvedQuestion: (ref) => `Was the problem in your request ${ref} solved?`,
    yes: 'Yes, solved',
    no: 'No, not solved',
    ratingQuestion: 'How do you rate the service?',
    ratingLabels: numbered('en'),
    reasonQuestion: 'Why not?',
    reasons: {
      no_contact: 'No one contacted me',
      still_exists: 'The problem still exists',
      asked_to_visit: 'I was asked to visit in person',
      other: 'Other',
    },
    otherPlaceholder: 'Tell us why (optional)',
    send: 'Send',
    thanks: 'Thank you, your answer is recorded.',
    recorded: 'Your recorded answer',
    solvedLabel: 'Problem solved',
    notSolvedLabel: 'Problem not solved',
    ratingLabel: 'Rating',
    reasonLabel: 'Reason',
    expired: 'This link has expired.',
    invalid: 'This link is not valid.',
    tooMany: 'Too many attempts from this device. Please try again in a few minutes.',
    closed: 'This survey has ended.',
  },
  bn: {
    title: 'সেবার মূল্যায়ন',
    languageName: 'বাংলা',
    languagesLabel: 'ভাষা',
    askedBy: 'জানতে চাইছে:',
    solvedQuestion: (ref) => `আপনার অনুরোধ ${ref}-এর সমস্যার সমাধান হয়েছে কি?`,
    yes: 'হ্যাঁ, সমাধান হয়েছে',
    no: 'না, সমাধান হয়নি',
    ratingQuestion: 'সেবাটিকে আপনি কেমন মূল্যায়ন করবেন?',
    ratingLabels: numbered('bn'),
    reasonQuestion: 'কারণ কী?',
    reasons: {
      no_contact: 'কেউ আমার সাথে যোগাযোগ করেনি',
      still_exists: 'সমস্যা এখনও আছে',
      asked_to_visit: 'আমাকে সরাসরি যেতে বলা হয়েছে',
      other: 'অন্য কারণ',
    },
    otherPlaceholder: 'কারণ লিখুন (ঐচ্ছিক)',
    send: 'পাঠান',
    thanks: 'ধন্যবাদ, আপনার উত্তর নথিভুক্ত হয়েছে।',
    recorded: 'আপনার নথিভুক্ত উত্তর',
    solvedLabel: 'সমস্যার সমাধান হয়েছে',
    notSolvedLabel: 'সমস্যার সমাধান হয়নি',
    ratingLabel: 'মূল্যায়ন',
    reasonLabel: 'কারণ',
    expired: 'এই লিংকের মেয়াদ শেষ হয়েছে।',
    invalid: 'এই লিংকটি সঠিক নয়।',
    tooMany: 'এই ডিভাইস থেকে অনেকবার চেষ্টা করা হয়েছে। কিছুক্ষণ পরে আবার চেষ্টা করুন।',
    closed: 'এই জরিপের সময় শেষ হয়েছে।',
  },
  hi: {
    title: 'सेवा का मूल्यांकन',
    languageName: 'हिन्दी',
    languagesLabel: 'भाषा',
    askedBy: 'पूछने वाला विभाग:',
    solvedQuestion: (ref) => `क्या आपके अनुरोध ${ref} की समस्या हल हुई?`,
    yes: 'हाँ, हल हुई',
    no: 'नहीं, हल नहीं हुई',
    ratingQuestion: 'आप सेवा को कितने अंक देंगे?',
    ratingLabels: numbered('hi'),
    reasonQuestion: 'कारण क्या है?',
    reasons: {
      no_contact: 'किसी ने मुझसे संपर्क नहीं किया',
      still_exists: 'समस्या अभी भी है',
      asked_to_visit: 'मुझे स्वयं आने को कहा गया',
      other: 'अन्य कारण',
    },
    otherPlaceholder: 'कारण लिखें (वैकल्पिक)',
    send: 'भेजें',
    thanks: 'धन्यवाद, आपका उत्तर दर्ज हो गया है।',
    recorded: 'आपका दर्ज उत्तर',
    solvedLabel: 'समस्या हल हुई',
    notSolvedLabel: 'समस्या हल नहीं हुई',
    ratingLabel: 'रेटिंग',
    reasonLabel: 'कारण',
    expired: 'इस लिंक की अवधि समाप्त हो गई है।',
    invalid: 'यह लिंक सही नहीं है।',
    tooMany: 'इस डिवाइस से बहुत अधिक प्रयास हुए। कुछ देर बाद फिर से प्रयास करें।',
    closed: 'यह सर्वेक्षण समाप्त हो गया है।',
  },
  ur: {
    title: 'سروس کی درجہ بندی',
    languageName: 'اردو',
    languagesLabel: 'زبان',
    askedBy: 'پوچھنے والا ادارہ:',
    solvedQuestion: (ref) => `کیا آپ کی درخواست ${ref} کا مسئلہ حل ہوا؟`,
    yes: 'ہاں، حل ہو گیا',
    no: 'نہیں، حل نہیں ہوا',
    ratingQuestion: 'آپ سروس کو کیا درجہ دیں گے؟',
    ratingLabels: numbered('ur'),
    reasonQuestion: 'وجہ کیا ہے؟',
    reasons: {
      no_contact: 'کسی نے مجھ سے رابطہ نہیں کیا',
      still_exists: 'مسئلہ ابھی باقی ہے',
      asked_to_visit: 'مجھے خود آنے کو کہا گیا',
      other: 'کوئی اور وجہ',
    },
    otherPlaceholder: 'وجہ لکھیں (اختیاری)',
    send: 'بھیجیں',
    thanks: 'شکریہ، آپ کا جواب درج ہو گیا ہے۔',
    recorded: 'آپ کا درج شدہ جواب',
    solvedLabel: 'مسئلہ حل ہو گیا',
    notSolvedLabel: 'مسئلہ حل نہیں ہوا',
    ratingLabel: 'درجہ',
    reasonLabel: 'وجہ',
    expired: 'اس لنک کی مدت ختم ہو چکی ہے۔',
    invalid: 'یہ لنک درست نہیں ہے۔',
    tooMany: 'اس ڈیوائس سے بہت زیادہ کوششیں ہوئیں۔ کچھ دیر بعد دوبارہ کوشش کریں۔',
    closed: 'یہ سروے ختم ہو چکا ہے۔',
  },
  fil: {
    title: 'I-rate ang serbisyo',
    languageName: 'Filipino',
    languagesLabel: 'Wika',
    askedBy: 'Nagtatanong:',
    solvedQuestion: (ref) => `Nalutas na po ba ang problema sa inyong kahilingan ${ref}?`,
    yes: 'Oo, nalutas',
    no: 'Hindi, hindi nalutas',
    ratingQuestion: 'Paano ninyo ire-rate ang serbisyo?',
    ratingLabels: numbered('fil'),
    reasonQuestion: 'Ano ang dahilan?',
    reasons: {
      no_contact: 'Walang nakipag-ugnayan sa akin',
      still_exists: 'May problema pa rin',
      asked_to_visit: 'Pinapunta ako nang personal',
      other: 'Iba pa',
    },
    otherPlaceholder: 'Isulat ang dahilan (opsyonal)',
    send: 'Ipadala',
    thanks: 'Salamat po, naitala na ang inyong sagot.',
    recorded: 'Ang inyong naitalang sagot',
    solvedLabel: 'Nalutas ang problema',
    notSolvedLabel: 'Hindi nalutas ang problema',
    ratingLabel: 'Rating',
    reasonLabel: 'Dahilan',
    expired: 'Nag-expire na ang link na ito.',
    invalid: 'Hindi wasto ang link na ito.',
    tooMany: 'Masyadong maraming pagsubok mula sa device na ito. Subukang muli pagkaraan ng ilang minuto.',
    closed: 'Tapos na ang survey na ito.',
  },
  id: {
    title: 'Nilai layanan',
    languageName: 'Bahasa Indonesia',
    languagesLabel: 'Bahasa',
    askedBy: 'Ditanyakan oleh:',
    solvedQuestion: (ref) => `Apakah masalah pada permohonan Anda ${ref} sudah selesai?`,
    yes: 'Ya, sudah selesai',
    no: 'Tidak, belum selesai',
    ratingQuestion: 'Bagaimana penilaian Anda atas layanan ini?',
    ratingLabels: numbered('id'),
    reasonQuestion: 'Apa alasannya?',
    reasons: {
      no_contact: 'Tidak ada yang menghubungi saya',
      still_exists: 'Masalah masih ada',
      asked_to_visit: 'Saya diminta datang langsung',
      other: 'Lainnya',
    },
    otherPlaceholder: 'Tuliskan alasannya (opsional)',
    send: 'Kirim',
    thanks: 'Terima kasih, jawaban Anda sudah dicatat.',
    recorded: 'Jawaban Anda yang tercatat',
    solvedLabel: 'Masalah sudah selesai',
    notSolvedLabel: 'Masalah belum selesai',
    ratingLabel: 'Penilaian',
    reasonLabel: 'Alasan',
    expired: 'Tautan ini sudah kedaluwarsa.',
    invalid: 'Tautan ini tidak valid.',
    tooMany: 'Terlalu banyak percobaan dari perangkat ini. Silakan coba lagi beberapa menit lagi.',
    closed: 'Survei ini sudah berakhir.',
  },
  ne: {
    title: 'सेवाको मूल्याङ्कन',
    languageName: 'नेपाली',
    languagesLabel: 'भाषा',
    askedBy: 'सोध्ने निकाय:',
    solvedQuestion: (ref) => `के तपाईंको अनुरोध ${ref} को समस्या समाधान भयो?`,
    yes: 'हो, समाधान भयो',
    no: 'होइन, समाधान भएन',
    ratingQuestion: 'तपाईं सेवालाई कति अङ्क दिनुहुन्छ?',
    ratingLabels: numbered('ne'),
    reasonQuestion: 'कारण के हो?',
    reasons: {
      no_contact: 'कसैले मलाई सम्पर्क गरेन',
      still_exists: 'समस्या अझै छ',
      asked_to_visit: 'मलाई आफैं आउन भनियो',
      other: 'अन्य कारण',
    },
    otherPlaceholder: 'कारण लेख्नुहोस् (ऐच्छिक)',
    send: 'पठाउनुहोस्',
    thanks: 'धन्यवाद, तपाईंको उत्तर दर्ता भयो।',
    recorded: 'तपाईंको दर्ता भएको उत्तर',
    solvedLabel: 'समस्या समाधान भयो',
    notSolvedLabel: 'समस्या समाधान भएन',
    ratingLabel: 'मूल्याङ्कन',
    reasonLabel: 'कारण',
    expired: 'यो लिङ्कको म्याद सकियो।',
    invalid: 'यो लिङ्क मान्य छैन।',
    tooMany: 'यो यन्त्रबाट धेरै पटक प्रयास भयो। केही बेरपछि फेरि प्रयास गर्नुहोस्।',
    closed: 'यो सर्वेक्षण समाप्त भयो।',
  },
};

/**
 * The WhatsApp templates' texts, with Twilio's numbered variables: the follow-up ({{1}} the agency's
 * name, {{2}} the ticket reference, {{3}} the answer link) with its two quick-reply buttons (at most
 * 20 characters each, WhatsApp's limit), and the resume template ({{1}} reference, {{2}} link). The
 * stand-in holds them as approved (twilio/stand-in/content-templates.ts); a live deployment submits
 * the same texts for approval (docs/followup.md, "WhatsApp").
 */
export interface WhatsAppTemplateTexts {
  followUp: string;
  solved: string;
  notSolved: string;
  resume: string;
}

export const whatsAppTemplateTexts: CitizenDictionaries<WhatsAppTemplateTexts> = {
  ar: {
    followUp: '{{1}}: هل حُلّت مشكلتك في البلاغ {{2}} فعلاً؟ اختر أدناه، أو أجب من الرابط: {{3}}',
    solved: 'نعم، حُلّت',
    notSolved: 'لا، لم تُحل',
    resume: 'لإكمال إجابتك عن البلاغ {{1}} افتح الرابط: {{2}}',
  },
  en: {
    followUp: '{{1}}: was the problem in your ticket {{2}} actually solved? Choose below, or answer at {{3}}',
    solved: 'Yes, solved',
    notSolved: 'No, not solved',
    resume: 'To finish your answer about ticket {{1}}, open: {{2}}',
  },
  bn: {
    followUp:
      '{{1}}: আপনার অনুরোধ {{2}}-এর সমস্যার কি সত্যিই সমাধান হয়েছে? নিচে বেছে নিন, অথবা এই লিংকে উত্তর দিন: {{3}}',
    solved: 'হ্যাঁ, সমাধান হয়েছে',
    notSolved: 'না, সমাধান হয়নি',
    resume: 'অনুরোধ {{1}} সম্পর্কে আপনার উত্তর সম্পূর্ণ করতে এই লিংকটি খুলুন: {{2}}',
  },
  hi: {
    followUp: '{{1}}: क्या आपके अनुरोध {{2}} की समस्या सचमुच हल हुई? नीचे चुनें, या इस लिंक पर उत्तर दें: {{3}}',
    solved: 'हाँ, हल हुई',
    notSolved: 'नहीं, हल नहीं हुई',
    resume: 'अनुरोध {{1}} के बारे में अपना उत्तर पूरा करने के लिए यह लिंक खोलें: {{2}}',
  },
  ur: {
    followUp:
      '{{1}}: کیا آپ کی درخواست {{2}} کا مسئلہ واقعی حل ہو گیا؟ نیچے منتخب کریں، یا اس لنک پر جواب دیں: {{3}}',
    solved: 'ہاں، حل ہو گیا',
    notSolved: 'نہیں، حل نہیں ہوا',
    resume: 'درخواست {{1}} کے بارے میں اپنا جواب مکمل کرنے کے لیے یہ لنک کھولیں: {{2}}',
  },
  fil: {
    followUp:
      '{{1}}: Talaga po bang nalutas ang problema sa inyong kahilingan {{2}}? Pumili sa ibaba, o sumagot dito: {{3}}',
    solved: 'Oo, nalutas',
    notSolved: 'Hindi nalutas',
    resume: 'Para tapusin ang inyong sagot tungkol sa kahilingan {{1}}, buksan ang: {{2}}',
  },
  id: {
    followUp:
      '{{1}}: apakah masalah pada permohonan Anda {{2}} benar-benar sudah selesai? Pilih di bawah, atau jawab di {{3}}',
    solved: 'Ya, sudah selesai',
    notSolved: 'Belum selesai',
    resume: 'Untuk menyelesaikan jawaban Anda tentang permohonan {{1}}, buka: {{2}}',
  },
  ne: {
    followUp:
      '{{1}}: के तपाईंको अनुरोध {{2}} को समस्या साँच्चै समाधान भयो? तल छान्नुहोस्, वा यो लिङ्कमा उत्तर दिनुहोस्: {{3}}',
    solved: 'हो, समाधान भयो',
    notSolved: 'होइन, समाधान भएन',
    resume: 'अनुरोध {{1}} बारे आफ्नो उत्तर पूरा गर्न यो लिङ्क खोल्नुहोस्: {{2}}',
  },
};
