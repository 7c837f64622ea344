import { CITIZEN_LANGUAGES, type CitizenDictionaries, type CitizenLanguage } from './languages.js';

/**
 * Everything a caller hears, per language: the voice flows' prompts (voice-flows/ names them by
 * key), the inbound call's language menu and transfer, and the verification call's short answers.
 * `{ticket}` in a text is replaced by the ticket reference, read out character by character.
 */

/** A Twilio `<Say>` voice and the language attribute it is used with. */
export interface TwilioVoice {
  voice: string;
  language: string;
}

/**
 * The text-to-speech voice of each language Twilio has one for (Twilio's voice list, checked in
 * docs/decisions/0023-voices.md). Urdu and Nepali have none: their prompts are recorded files
 * (voice-flows/prompts/, RECORDED_LANGUAGES), played instead of said.
 */
export const VOICES: Readonly<Partial<Record<CitizenLanguage, TwilioVoice>>> = {
  ar: { voice: 'Polly.Zeina', language: 'arb' },
  en: { voice: 'Polly.Joanna', language: 'en-US' },
  bn: { voice: 'Google.bn-IN-Wavenet-A', language: 'bn-IN' },
  hi: { voice: 'Google.hi-IN-Wavenet-A', language: 'hi-IN' },
  fil: { voice: 'Google.fil-PH-Wavenet-A', language: 'fil-PH' },
  id: { voice: 'Google.id-ID-Wavenet-A', language: 'id-ID' },
};

/** The languages Twilio cannot speak: every text of theirs is a recorded prompt file. */
export const RECORDED_LANGUAGES: readonly CitizenLanguage[] = CITIZEN_LANGUAGES.filter((l) => !VOICES[l]);

const ar = {
  // Before a question is asked again, in every flow.
  invalidChoice: 'اختيار غير صحيح.',
  noInput: 'لم نسمع اختيارك.',

  // The inbound call (voice/routes.ts). Each language announces itself, with its key (language-menu.ts).
  languageMenu: 'للعربية اضغط 1.',
  otherLanguages: 'للغات أخرى اضغط 9.',
  connecting: 'شكرا لانتظارك، سيتم تحويلك إلى الموظف. بعد المكالمة ابق على الخط لتقييم الخدمة.',
  notConnected: 'نعتذر، لم نتمكن من تحويلك إلى موظف. يرجى المحاولة لاحقا.',

  // The after-call rating (voice-flows/post-call-rating.ts).
  callerGoodbye: 'شكرا لاتصالك. مع السلامة.',
  callerError: 'عذرا، حدث خطأ. شكرا لاتصالك.',
  rateAgent: 'قيم الموظف من 1 إلى 5، حيث 5 ممتاز. للإعادة اضغط نجمة.',
  solvedOnCall: 'هل حلت مشكلتك في هذه المكالمة؟ نعم اضغط 1، لا اضغط 2.',
  commentOffer: 'لترك ملاحظة صوتية مسجلة اضغط 1، وللإنهاء اضغط 2.',
  commentRecord: 'سيتم تسجيل ملاحظتك. تحدث بعد الصافرة لمدة 30 ثانية، ثم اضغط مربع.',
  thanksRating: 'شكرا لتقييمك. مع السلامة.',

  // The outbound verification call (voice-flows/closure-verification.ts, followup/channels/voice-call.ts).
  verifyGoodbye: 'شكرا لوقتك. يمكنك الإجابة لاحقا من الرابط في رسالتنا. مع السلامة.',
  verifyError: 'عذرا، حدث خطأ. سنتواصل معك لاحقا.',
  verifySolved:
    'مرحبا، نتصل بك بخصوص البلاغ رقم {ticket}. هل حلت المشكلة فعلا؟ نعم اضغط 1، لا اضغط 2. للإعادة اضغط نجمة.',
  verifyRatingSolved: 'شكرا. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.',
  verifyRatingDisputed: 'نأسف لذلك. قيم الخدمة من 1 إلى 5، حيث 5 ممتاز.',
  verifyReason:
    'ما السبب؟ لم يتواصل معي أحد اضغط 1. المشكلة ما زالت قائمة اضغط 2. طلبوا مني مراجعة الفرع اضغط 3. سبب آخر اضغط 4.',
  verifyThanksSolved: 'شكرا لتأكيدك. مع السلامة.',
  verifyThanksDisputed: 'شكرا. سجلنا أن المشكلة لم تحل وأبلغنا الجهة. مع السلامة.',
  /** To an answering machine: no survey, a message follows. */
  verifyMachine: 'مرحبا، نتصل بك بخصوص بلاغك لدى الجهة الحكومية. سنرسل لك رسالة للإجابة. شكرا.',
  /** The citizen answered on another channel before the call was picked up. */
  verifyAlreadyAnswered: 'شكرا لك، لقد وصلتنا إجابتك عن هذا البلاغ. مع السلامة.',
};

export type VoiceTexts = typeof ar;
export type VoiceTextKey = keyof VoiceTexts;

const en: VoiceTexts = {
  invalidChoice: 'That was not a valid choice.',
  noInput: 'We did not hear a choice.',

  languageMenu: 'For English, press 2.',
  otherLanguages: 'For other languages, press 9.',
  connecting: 'Please hold while we connect you. After the call, stay on the line to rate the service.',
  notConnected: 'Sorry, we could not connect you to an agent. Please try again later.',

  callerGoodbye: 'Thank you for calling. Goodbye.',
  callerError: 'Sorry, something went wrong. Thank you for calling.',
  rateAgent: 'Rate the agent from 1 to 5, where 5 is excellent. Press star to repeat.',
  solvedOnCall: 'Was your problem solved on this call? Press 1 for yes, 2 for no.',
  commentOffer: 'To leave a recorded comment press 1, to finish press 2.',
  commentRecord: 'Your comment will be recorded. Speak after the tone for up to 30 seconds, then press hash.',
  thanksRating: 'Thank you for your rating. Goodbye.',

  verifyGoodbye: 'Thank you for your time. You can still answer from the link in our message. Goodbye.',
  verifyError: 'Sorry, something went wrong. We will contact you later.',
  verifySolved:
    'Hello, we are calling about your ticket {ticket}. Was the problem actually solved? Press 1 for yes, 2 for no. Press star to repeat.',
  verifyRatingSolved: 'Thank you. Rate the service from 1 to 5, where 5 is excellent.',
  verifyRatingDisputed: 'We are sorry. Rate the service from 1 to 5, where 5 is excellent.',
  verifyReason:
    'What happened? No one contacted me, press 1. The problem is still there, press 2. I was asked to visit a branch, press 3. Something else, press 4.',
  verifyThanksSolved: 'Thank you for confirming. Goodbye.',
  verifyThanksDisputed:
    'Thank you. We have recorded that the problem was not solved and told the agency. Goodbye.',
  verifyMachine:
    'Hello, we are calling about your ticket with a government agency. We will send you a message to answer. Thank you.',
  verifyAlreadyAnswered: 'Thank you, we already have your answer about this ticket. Goodbye.',
};

// The residents' languages: spoken register, digits said as words ("press one"), as a phone
// menu in each language says them. Bengali and Urdu texts are for speakers from Bangladesh and
// Pakistan, Hindi and Nepali for India and Nepal; Filipino is Tagalog-based, with "po" for courtesy.
const bn: VoiceTexts = {
  invalidChoice: 'আপনার বাছাইটি সঠিক নয়।',
  noInput: 'আমরা আপনার কোনো উত্তর পাইনি।',

  languageMenu: 'বাংলার জন্য তিন চাপুন।',
  otherLanguages: 'অন্য ভাষার জন্য নয় চাপুন।',
  connecting:
    'অনুগ্রহ করে অপেক্ষা করুন, আপনাকে একজন কর্মকর্তার সাথে যুক্ত করা হচ্ছে। কথা শেষ হলে সেবার মূল্যায়ন দিতে লাইনে থাকুন।',
  notConnected: 'দুঃখিত, আমরা আপনাকে কোনো কর্মকর্তার সাথে যুক্ত করতে পারিনি। অনুগ্রহ করে পরে আবার চেষ্টা করুন।',

  callerGoodbye: 'ফোন করার জন্য ধন্যবাদ। ভালো থাকবেন।',
  callerError: 'দুঃখিত, একটি সমস্যা হয়েছে। ফোন করার জন্য ধন্যবাদ।',
  rateAgent: 'কর্মকর্তাকে এক থেকে পাঁচের মধ্যে নম্বর দিন, পাঁচ মানে খুব ভালো। আবার শুনতে স্টার চাপুন।',
  solvedOnCall: 'এই কলে কি আপনার সমস্যার সমাধান হয়েছে? হ্যাঁ হলে এক, না হলে দুই চাপুন।',
  commentOffer: 'একটি রেকর্ড করা মন্তব্য রাখতে এক চাপুন, শেষ করতে দুই চাপুন।',
  commentRecord: 'আপনার মন্তব্য রেকর্ড করা হবে। বিপ শব্দের পরে ত্রিশ সেকেন্ড পর্যন্ত বলুন, তারপর হ্যাশ চাপুন।',
  thanksRating: 'মূল্যায়নের জন্য ধন্যবাদ। ভালো থাকবেন।',

  verifyGoodbye: 'সময় দেওয়ার জন্য ধন্যবাদ। আমাদের মেসেজের লিংক থেকে পরেও উত্তর দিতে পারবেন। ভালো থাকবেন।',
  verifyError: 'দুঃখিত, একটি সমস্যা হয়েছে। আমরা পরে আপনার সাথে যোগাযোগ করব।',
  verifySolved:
    'হ্যালো, আপনার অভিযোগ নম্বর {ticket} বিষয়ে আমরা ফোন করছি। সমস্যাটির কি সত্যিই সমাধান হয়েছে? হ্যাঁ হলে এক, না হলে দুই চাপুন। আবার শুনতে স্টার চাপুন।',
  verifyRatingSolved: 'ধন্যবাদ। সেবাটিকে এক থেকে পাঁচের মধ্যে নম্বর দিন, পাঁচ মানে খুব ভালো।',
  verifyRatingDisputed: 'এর জন্য আমরা দুঃখিত। সেবাটিকে এক থেকে পাঁচের মধ্যে নম্বর দিন, পাঁচ মানে খুব ভালো।',
  verifyReason:
    'কী হয়েছিল? কেউ আমার সাথে যোগাযোগ করেনি, এক চাপুন। সমস্যা এখনও আছে, দুই চাপুন। আমাকে অফিসে যেতে বলা হয়েছে, তিন চাপুন। অন্য কারণ, চার চাপুন।',
  verifyThanksSolved: 'নিশ্চিত করার জন্য ধন্যবাদ। ভালো থাকবেন।',
  verifyThanksDisputed:
    'ধন্যবাদ। সমস্যার সমাধান হয়নি বলে আমরা লিখে রেখেছি এবং সংশ্লিষ্ট দপ্তরকে জানিয়েছি। ভালো থাকবেন।',
  verifyMachine:
    'হ্যালো, সরকারি দপ্তরে আপনার অভিযোগ বিষয়ে আমরা ফোন করেছিলাম। উত্তর দেওয়ার জন্য আমরা আপনাকে একটি মেসেজ পাঠাব। ধন্যবাদ।',
  verifyAlreadyAnswered: 'ধন্যবাদ, এই অভিযোগ বিষয়ে আপনার উত্তর আমরা পেয়ে গেছি। ভালো থাকবেন।',
};

const hi: VoiceTexts = {
  invalidChoice: 'यह सही विकल्प नहीं है।',
  noInput: 'हमें आपका कोई जवाब नहीं मिला।',

  languageMenu: 'हिंदी के लिए चार दबाएँ।',
  otherLanguages: 'दूसरी भाषाओं के लिए नौ दबाएँ।',
  connecting:
    'कृपया लाइन पर बने रहें, हम आपको अधिकारी से जोड़ रहे हैं। बात ख़त्म होने के बाद सेवा को रेटिंग देने के लिए लाइन पर ही रहें।',
  notConnected: 'माफ़ कीजिए, हम आपको किसी अधिकारी से नहीं जोड़ पाए। कृपया बाद में फिर कोशिश करें।',

  callerGoodbye: 'कॉल करने के लिए धन्यवाद। नमस्ते।',
  callerError: 'माफ़ कीजिए, कुछ गड़बड़ हो गई। कॉल करने के लिए धन्यवाद।',
  rateAgent: 'अधिकारी को एक से पाँच तक रेटिंग दें, पाँच का मतलब बहुत अच्छा। दोबारा सुनने के लिए स्टार दबाएँ।',
  solvedOnCall: 'क्या इस कॉल में आपकी समस्या हल हो गई? हाँ के लिए एक, नहीं के लिए दो दबाएँ।',
  commentOffer: 'अपनी बात रिकॉर्ड करवाने के लिए एक दबाएँ, ख़त्म करने के लिए दो दबाएँ।',
  commentRecord: 'आपकी बात रिकॉर्ड की जाएगी। बीप के बाद तीस सेकंड तक बोलें, फिर हैश दबाएँ।',
  thanksRating: 'रेटिंग देने के लिए धन्यवाद। नमस्ते।',

  verifyGoodbye: 'समय देने के लिए धन्यवाद। आप हमारे मैसेज के लिंक से बाद में भी जवाब दे सकते हैं। नमस्ते।',
  verifyError: 'माफ़ कीजिए, कुछ गड़बड़ हो गई। हम आपसे बाद में संपर्क करेंगे।',
  verifySolved:
    'नमस्ते, हम आपकी शिकायत नंबर {ticket} के बारे में कॉल कर रहे हैं। क्या समस्या सच में हल हो गई है? हाँ के लिए एक, नहीं के लिए दो दबाएँ। दोबारा सुनने के लिए स्टार दबाएँ।',
  verifyRatingSolved: 'धन्यवाद। सेवा को एक से पाँच तक रेटिंग दें, पाँच का मतलब बहुत अच्छा।',
  verifyRatingDisputed: 'हमें इसका अफ़सोस है। सेवा को एक से पाँच तक रेटिंग दें, पाँच का मतलब बहुत अच्छा।',
  verifyReason:
    'क्या हुआ? किसी ने मुझसे संपर्क नहीं किया, एक दबाएँ। समस्या अभी भी है, दो दबाएँ। मुझे दफ़्तर आने को कहा गया, तीन दबाएँ। कोई और वजह, चार दबाएँ।',
  verifyThanksSolved: 'पुष्टि करने के लिए धन्यवाद। नमस्ते।',
  verifyThanksDisputed: 'धन्यवाद। हमने दर्ज कर लिया है कि समस्या हल नहीं हुई, और विभाग को बता दिया है। नमस्ते।',
  verifyMachine:
    'नमस्ते, हम सरकारी विभाग में आपकी शिकायत के बारे में कॉल कर रहे थे। जवाब देने के लिए हम आपको एक मैसेज भेजेंगे। धन्यवाद।',
  verifyAlreadyAnswered: 'धन्यवाद, इस शिकायत के बारे में आपका जवाब हमें मिल चुका है। नमस्ते।',
};

const ur: VoiceTexts = {
  invalidChoice: 'یہ درست انتخاب نہیں ہے۔',
  noInput: 'ہمیں آپ کا کوئی جواب نہیں ملا۔',

  languageMenu: 'اردو کے لیے پانچ دبائیں۔',
  otherLanguages: 'دوسری زبانوں کے لیے نو دبائیں۔',
  connecting:
    'براہ کرم لائن پر رہیں، ہم آپ کو اہلکار سے ملا رہے ہیں۔ بات ختم ہونے کے بعد سروس کی ریٹنگ دینے کے لیے لائن پر ہی رہیں۔',
  notConnected: 'معذرت، ہم آپ کو کسی اہلکار سے نہیں ملا سکے۔ براہ کرم بعد میں دوبارہ کوشش کریں۔',

  callerGoodbye: 'کال کرنے کا شکریہ۔ خدا حافظ۔',
  callerError: 'معذرت، کوئی خرابی ہو گئی۔ کال کرنے کا شکریہ۔',
  rateAgent: 'اہلکار کو ایک سے پانچ تک ریٹنگ دیں، پانچ کا مطلب بہت اچھا۔ دوبارہ سننے کے لیے اسٹار دبائیں۔',
  solvedOnCall: 'کیا اس کال میں آپ کا مسئلہ حل ہو گیا؟ ہاں کے لیے ایک، نہیں کے لیے دو دبائیں۔',
  commentOffer: 'اپنی بات ریکارڈ کروانے کے لیے ایک دبائیں، ختم کرنے کے لیے دو دبائیں۔',
  commentRecord: 'آپ کی بات ریکارڈ کی جائے گی۔ بیپ کے بعد تیس سیکنڈ تک بولیں، پھر ہیش دبائیں۔',
  thanksRating: 'ریٹنگ دینے کا شکریہ۔ خدا حافظ۔',

  verifyGoodbye: 'وقت دینے کا شکریہ۔ آپ ہمارے میسج کے لنک سے بعد میں بھی جواب دے سکتے ہیں۔ خدا حافظ۔',
  verifyError: 'معذرت، کوئی خرابی ہو گئی۔ ہم آپ سے بعد میں رابطہ کریں گے۔',
  verifySolved:
    'السلام علیکم، ہم آپ کی شکایت نمبر {ticket} کے بارے میں کال کر رہے ہیں۔ کیا مسئلہ واقعی حل ہو گیا ہے؟ ہاں کے لیے ایک، نہیں کے لیے دو دبائیں۔ دوبارہ سننے کے لیے اسٹار دبائیں۔',
  verifyRatingSolved: 'شکریہ۔ سروس کو ایک سے پانچ تک ریٹنگ دیں، پانچ کا مطلب بہت اچھا۔',
  verifyRatingDisputed: 'ہمیں اس کا افسوس ہے۔ سروس کو ایک سے پانچ تک ریٹنگ دیں، پانچ کا مطلب بہت اچھا۔',
  verifyReason:
    'کیا ہوا؟ کسی نے مجھ سے رابطہ نہیں کیا، ایک دبائیں۔ مسئلہ ابھی بھی ہے، دو دبائیں۔ مجھے دفتر آنے کو کہا گیا، تین دبائیں۔ کوئی اور وجہ، چار دبائیں۔',
  verifyThanksSolved: 'تصدیق کرنے کا شکریہ۔ خدا حافظ۔',
  verifyThanksDisputed: 'شکریہ۔ ہم نے درج کر لیا ہے کہ مسئلہ حل نہیں ہوا، اور محکمے کو بتا دیا ہے۔ خدا حافظ۔',
  verifyMachine:
    'السلام علیکم، ہم سرکاری محکمے میں آپ کی شکایت کے بارے میں کال کر رہے تھے۔ جواب دینے کے لیے ہم آپ کو ایک میسج بھیجیں گے۔ شکریہ۔',
  verifyAlreadyAnswered: 'شکریہ، اس شکایت کے بارے میں آپ کا جواب ہمیں مل چکا ہے۔ خدا حافظ۔',
};

const fil: VoiceTexts = {
  invalidChoice: 'Hindi tama ang napili ninyo.',
  noInput: 'Wala po kaming narinig na sagot.',

  languageMenu: 'Para sa Filipino, pindutin ang anim.',
  otherLanguages: 'Para sa ibang wika, pindutin ang siyam.',
  connecting:
    'Sandali lang po, ikinokonekta namin kayo sa isang kawani. Pagkatapos ng usapan, manatili sa linya para i-rate ang serbisyo.',
  notConnected: 'Paumanhin po, hindi namin kayo maikonekta sa isang kawani. Pakisubukang muli mamaya.',

  callerGoodbye: 'Salamat po sa pagtawag. Paalam.',
  callerError: 'Paumanhin po, nagkaroon ng problema. Salamat po sa pagtawag.',
  rateAgent:
    'I-rate ang kawani mula isa hanggang lima, lima ang pinakamahusay. Para ulitin, pindutin ang star.',
  solvedOnCall:
    'Nalutas po ba ang problema ninyo sa tawag na ito? Pindutin ang isa kung oo, dalawa kung hindi.',
  commentOffer:
    'Para mag-iwan ng naka-record na mensahe, pindutin ang isa. Para tapusin, pindutin ang dalawa.',
  commentRecord:
    'Ire-record ang inyong mensahe. Magsalita pagkatapos ng beep nang hanggang tatlumpung segundo, saka pindutin ang hash.',
  thanksRating: 'Salamat po sa inyong rating. Paalam.',

  verifyGoodbye:
    'Salamat po sa inyong oras. Maaari pa rin kayong sumagot gamit ang link sa aming mensahe. Paalam.',
  verifyError: 'Paumanhin po, nagkaroon ng problema. Makikipag-ugnayan kami sa inyo mamaya.',
  verifySolved:
    'Magandang araw po, tumatawag kami tungkol sa inyong reklamo na may numerong {ticket}. Talaga bang nalutas na ang problema? Pindutin ang isa kung oo, dalawa kung hindi. Para ulitin, pindutin ang star.',
  verifyRatingSolved: 'Salamat po. I-rate ang serbisyo mula isa hanggang lima, lima ang pinakamahusay.',
  verifyRatingDisputed: 'Pasensya na po. I-rate ang serbisyo mula isa hanggang lima, lima ang pinakamahusay.',
  verifyReason:
    'Ano po ang nangyari? Walang kumontak sa akin, pindutin ang isa. Nandiyan pa rin ang problema, pindutin ang dalawa. Pinapunta ako sa opisina, pindutin ang tatlo. Ibang dahilan, pindutin ang apat.',
  verifyThanksSolved: 'Salamat po sa pagkumpirma. Paalam.',
  verifyThanksDisputed:
    'Salamat po. Naitala namin na hindi nalutas ang problema, at ipinaalam na namin ito sa ahensya. Paalam.',
  verifyMachine:
    'Magandang araw po, tumatawag kami tungkol sa inyong reklamo sa isang ahensya ng gobyerno. Magpapadala kami ng mensahe para makasagot kayo. Salamat po.',
  verifyAlreadyAnswered: 'Salamat po, natanggap na namin ang inyong sagot tungkol sa reklamong ito. Paalam.',
};

const id: VoiceTexts = {
  invalidChoice: 'Pilihan Anda tidak sesuai.',
  noInput: 'Kami tidak mendengar pilihan Anda.',

  languageMenu: 'Untuk bahasa Indonesia, tekan tujuh.',
  otherLanguages: 'Untuk bahasa lain, tekan sembilan.',
  connecting:
    'Mohon tunggu, Anda sedang kami sambungkan ke petugas. Setelah selesai berbicara, tetap di saluran untuk menilai layanan kami.',
  notConnected: 'Maaf, kami tidak dapat menyambungkan Anda ke petugas. Silakan coba lagi nanti.',

  callerGoodbye: 'Terima kasih sudah menelepon. Sampai jumpa.',
  callerError: 'Maaf, terjadi kesalahan. Terima kasih sudah menelepon.',
  rateAgent:
    'Beri nilai petugas dari satu sampai lima, lima artinya sangat baik. Untuk mengulang, tekan bintang.',
  solvedOnCall: 'Apakah masalah Anda selesai dalam panggilan ini? Tekan satu untuk ya, dua untuk tidak.',
  commentOffer: 'Untuk meninggalkan pesan suara, tekan satu. Untuk selesai, tekan dua.',
  commentRecord:
    'Pesan Anda akan direkam. Bicaralah setelah bunyi bip, paling lama tiga puluh detik, lalu tekan tanda pagar.',
  thanksRating: 'Terima kasih atas penilaian Anda. Sampai jumpa.',

  verifyGoodbye:
    'Terima kasih atas waktu Anda. Anda masih bisa menjawab lewat tautan di pesan kami. Sampai jumpa.',
  verifyError: 'Maaf, terjadi kesalahan. Kami akan menghubungi Anda lagi nanti.',
  verifySolved:
    'Halo, kami menelepon tentang laporan Anda nomor {ticket}. Apakah masalahnya benar-benar sudah selesai? Tekan satu untuk ya, dua untuk tidak. Untuk mengulang, tekan bintang.',
  verifyRatingSolved:
    'Terima kasih. Beri nilai layanan kami dari satu sampai lima, lima artinya sangat baik.',
  verifyRatingDisputed:
    'Kami mohon maaf. Beri nilai layanan kami dari satu sampai lima, lima artinya sangat baik.',
  verifyReason:
    'Apa yang terjadi? Tidak ada yang menghubungi saya, tekan satu. Masalahnya masih ada, tekan dua. Saya diminta datang ke kantor, tekan tiga. Alasan lain, tekan empat.',
  verifyThanksSolved: 'Terima kasih atas konfirmasinya. Sampai jumpa.',
  verifyThanksDisputed:
    'Terima kasih. Kami sudah mencatat bahwa masalahnya belum selesai, dan sudah memberi tahu instansi terkait. Sampai jumpa.',
  verifyMachine:
    'Halo, kami menelepon tentang laporan Anda di instansi pemerintah. Kami akan mengirim pesan agar Anda bisa menjawab. Terima kasih.',
  verifyAlreadyAnswered: 'Terima kasih, kami sudah menerima jawaban Anda untuk laporan ini. Sampai jumpa.',
};

const ne: VoiceTexts = {
  invalidChoice: 'यो सही विकल्प होइन।',
  noInput: 'हामीले तपाईंको कुनै जवाफ पाएनौं।',

  languageMenu: 'नेपालीका लागि आठ थिच्नुहोस्।',
  otherLanguages: 'अरू भाषाका लागि नौ थिच्नुहोस्।',
  connecting:
    'कृपया लाइनमा रहनुहोस्, हामी तपाईंलाई कर्मचारीसँग जोड्दैछौं। कुरा सकिएपछि सेवाको मूल्याङ्कन गर्न लाइनमै रहनुहोस्।',
  notConnected: 'माफ गर्नुहोस्, हामीले तपाईंलाई कर्मचारीसँग जोड्न सकेनौं। कृपया पछि फेरि प्रयास गर्नुहोस्।',

  callerGoodbye: 'फोन गर्नुभएकोमा धन्यवाद। नमस्ते।',
  callerError: 'माफ गर्नुहोस्, केही गडबड भयो। फोन गर्नुभएकोमा धन्यवाद।',
  rateAgent: 'कर्मचारीलाई एकदेखि पाँचसम्म अंक दिनुहोस्, पाँच भनेको धेरै राम्रो। फेरि सुन्न स्टार थिच्नुहोस्।',
  solvedOnCall: 'के यो कलमा तपाईंको समस्या समाधान भयो? हो भने एक, होइन भने दुई थिच्नुहोस्।',
  commentOffer: 'आफ्नो कुरा रेकर्ड गराउन एक थिच्नुहोस्, सक्न दुई थिच्नुहोस्।',
  commentRecord: 'तपाईंको कुरा रेकर्ड हुनेछ। बिपपछि तीस सेकेन्डसम्म बोल्नुहोस्, अनि ह्यास थिच्नुहोस्।',
  thanksRating: 'मूल्याङ्कन गर्नुभएकोमा धन्यवाद। नमस्ते।',

  verifyGoodbye: 'समय दिनुभएकोमा धन्यवाद। हाम्रो म्यासेजको लिङ्कबाट पछि पनि जवाफ दिन सक्नुहुन्छ। नमस्ते।',
  verifyError: 'माफ गर्नुहोस्, केही गडबड भयो। हामी पछि तपाईंलाई सम्पर्क गर्नेछौं।',
  verifySolved:
    'नमस्ते, हामी तपाईंको उजुरी नम्बर {ticket} को बारेमा फोन गर्दैछौं। के समस्या साँच्चै समाधान भयो? हो भने एक, होइन भने दुई थिच्नुहोस्। फेरि सुन्न स्टार थिच्नुहोस्।',
  verifyRatingSolved: 'धन्यवाद। सेवालाई एकदेखि पाँचसम्म अंक दिनुहोस्, पाँच भनेको धेरै राम्रो।',
  verifyRatingDisputed: 'यसका लागि हामी माफी चाहन्छौं। सेवालाई एकदेखि पाँचसम्म अंक दिनुहोस्, पाँच भनेको धेरै राम्रो।',
  verifyReason:
    'के भयो? कसैले मलाई सम्पर्क गरेन भने एक थिच्नुहोस्। समस्या अझै छ भने दुई। मलाई कार्यालय आउन भनियो भने तीन। अरू कारण भए चार थिच्नुहोस्।',
  verifyThanksSolved: 'पुष्टि गर्नुभएकोमा धन्यवाद। नमस्ते।',
  verifyThanksDisputed:
    'धन्यवाद। समस्या समाधान नभएको कुरा हामीले टिपेका छौं, र सम्बन्धित निकायलाई जानकारी दिएका छौं। नमस्ते।',
  verifyMachine:
    'नमस्ते, सरकारी निकायमा तपाईंको उजुरीको बारेमा हामीले फोन गरेका थियौं। जवाफ दिनका लागि हामी तपाईंलाई एउटा म्यासेज पठाउनेछौं। धन्यवाद।',
  verifyAlreadyAnswered: 'धन्यवाद, यो उजुरीको बारेमा तपाईंको जवाफ हामीलाई मिलिसकेको छ। नमस्ते।',
};

export const voiceTexts: CitizenDictionaries<VoiceTexts> = { ar, en, bn, hi, ur, fil, id, ne };

export function isVoiceTextKey(key: string): key is VoiceTextKey {
  return Object.hasOwn(ar, key);
}

export function voiceText(lang: CitizenLanguage, key: VoiceTextKey): string {
  return voiceTexts[lang][key];
}

/**
 * How a ticket reference's characters are read out in the languages spoken from recordings (one
 * short file each, voice-flows/prompts/<lang>/char-<c>.wav): digits as the language counts them,
 * Latin letters by the names their speakers give them.
 */
// prettier-ignore
export const SPOKEN_CHARACTERS: Readonly<Partial<Record<CitizenLanguage, Readonly<Record<string, string>>>>> = {
  ur: {
    '0': 'صفر', '1': 'ایک', '2': 'دو', '3': 'تین', '4': 'چار', '5': 'پانچ', '6': 'چھ', '7': 'سات', '8': 'آٹھ', '9': 'نو',
    a: 'اے', b: 'بی', c: 'سی', d: 'ڈی', e: 'ای', f: 'ایف', g: 'جی', h: 'ایچ', i: 'آئی', j: 'جے', k: 'کے', l: 'ایل', m: 'ایم',
    n: 'این', o: 'او', p: 'پی', q: 'کیو', r: 'آر', s: 'ایس', t: 'ٹی', u: 'یو', v: 'وی', w: 'ڈبلیو', x: 'ایکس', y: 'وائی', z: 'زیڈ',
  },
  ne: {
    '0': 'शून्य', '1': 'एक', '2': 'दुई', '3': 'तीन', '4': 'चार', '5': 'पाँच', '6': 'छ', '7': 'सात', '8': 'आठ', '9': 'नौ',
    a: 'ए', b: 'बी', c: 'सी', d: 'डी', e: 'ई', f: 'एफ', g: 'जी', h: 'एच', i: 'आई', j: 'जे', k: 'के', l: 'एल', m: 'एम',
    n: 'एन', o: 'ओ', p: 'पी', q: 'क्यू', r: 'आर', s: 'एस', t: 'टी', u: 'यू', v: 'भी', w: 'डब्लु', x: 'एक्स', y: 'वाई', z: 'जेड',
  },
};
