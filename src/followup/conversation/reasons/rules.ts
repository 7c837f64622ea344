import { arabiziToArabic } from '../arabizi.js';
import type { ReasonClass } from './features.js';

/**
 * Phrases whose reason is not in doubt, in the parser's normalised spelling (ه for ة, ا for أ, no
 * tashkeel, lower case). They decide before the model does, and they find replies that give two
 * reasons ("المشكلة موجودة ومحد تواصل"), which are kept as the citizen's own words (`other`).
 * Only phrases: a lone "still" or "لسه" is also "nobody called yet", so it is left to the model.
 */
// prettier-ignore
const RULES: readonly [ReasonClass, RegExp][] = [
  // English
  ['no_contact', /\b(no ?one|nobody|no body|no1)\b( (has|ever|even))? (called|contacted|reached|got back|spoke|talked|replied|got in touch|came|showed up)\b/],
  ['no_contact', /\bwithout (even )?(calling|contacting|asking|telling|informing)\b|\bclosed\b.{0,30}\b(w\/o|w\/out)\b/],
  ['no_contact', /\b(never|didn'?t|did not) (call|called|contact|contacted) me\b|\bnever (heard|got a call|showed up)\b/],
  ['no_contact', /\b(didn'?t|did not|haven'?t|havent|never) (get|got|receive|received|recieve|recieved) (a |any )?(call|reply|response)/],
  ['no_contact', /\bno (call|calls|response|reply|contact)\b/],
  ['still_exists', /\bnothing (has )?(changed|was done|fixed)\b|\bnthng changed\b|\b(issue|problem|prob) (still|persists?|remains|is still)\b|\bsame (problem|issue|as before)\b/],
  ['still_exists', /\bstill (there|the same|broken|damaged|out|not (fixed|solved|resolved|working|paid)|no (water|power|electricity))\b|\bnot (fixed|solved|resolved) yet\b|\b(happening|came back) again\b/],
  ['asked_to_visit', /\b(visit|come to|go to) (the |their |your )?(nearest |main |labour |labor )?(branch|office|cent(er|re))\b|\bin person\b|\b(come|go) (in )?(personally|physically)\b|\bwalk in\b|\bshow up at\b/],
  ['no_contact', /\b(no ?one|nobody)\b.{0,25}\b(got in touch|reached out)\b|\bwaiting for (a|their|any) call\b/],
  ['still_exists', /\bnot (fixed|solved|resolved)\b/],
  ['other', /رسوم|فلوس|وقح|بدتمیزی|فیس|پیسے|টাকা|फीस|पैसे|शुल्क|पैसा|बदतमीजी|\b(paise|paisa|pera|biaya|taka|kasar|bastos|badtameezi|bad tameezi|flos|fulus)\b/],
  ['other', /\b(rude|fee|fees|too expensive|compensation|refund)\b/],
  // Arabizi words the Arabic rules cannot see (arabiziToArabic does not know them)
  ['still_exists', /\b(zay|zai|zy) ma (howa|hwa|hya|hiya)\b|\bmafish 7aga\b|\b(lsa|lesa|lissa|lil7een|lel7een)\b.{0,12}\b(mawjood|mawgoud|mawgoda|mawjooda|ma2too3a?|ma2tou3a?)|\bma (etsala7at|et9alla7at|in7alat|an7alat)\b/],
  ['asked_to_visit', /\b(aji|eji|agi|aro7|ro7|ta3al|ta3ala|raje3|azoor|a7dhar|a7dar|ziyara|zyara)\b.{0,8}\b(el |al |3al |lil ?|lel ?)?(far3|maktab|lilmaktab|lelfar3|alfar3|elfar3)\b|\bbnafs(i|y|ak)\b|\bshakh(s|9)iy/],
  // Arabic: Gulf, Egyptian, Levantine, MSA (after arabiziToArabic for Arabizi)
  ['no_contact', /(^| )و?(محد|ماحد|ما احد|ولا احد|لا احد|محدش|مفيش حد|ما حدا|ولا حدا) ?(تواصل|اتصل|كلمني|كلم|رد علي|حكاني|حكا معي|سال)/],
  ['no_contact', /وانا ما دريت|(بدون|دون|من غير|بلا) (ما )?(ما )?(يتصلون|يتصلو|يتصل|الاتصال|التواصل|ان يتواصل|يتواصل|يكلموني|يكلمني|حد يكلمني|يحكوا|علمي|ما يرجعون)/],
  ['no_contact', /لم يتواصل|لم يتصل|لم يتم التواصل|ما (وصلني|جاني) (اي )?(اتصال|رد)|لا اتصال ولا|(^| )ما (اتصلو|اتصلوا|كلموني|تواصلو|تواصلوا)( |$)/],
  ['still_exists', /المشكله (مستمره|موجوده|باقيه|ما زالت|مازالت|رجعت|لسه موجوده|لسا موجوده|للحين موجوده)|(ما ?زالت|لا تزال|لسه|لسا|للحين|رجعت) (نفس )?المشكله|نفس المشكله/],
  ['still_exists', /(^| )ما ?(تغير|تغيير) (شي|شيء|اي|اشي|ابدا)|(مفيش|ولا) حاجه (اتغيرت|اتصلحت)|لم يتغير شيء|(لسه|لسا|للحين|مازال|ما زال) .{0,10}(موجود|مقطوع)|(^| )(الانقطاع|العطل|الخلل) .{0,6}(مستمر|موجود)|الوضع (كما|زي) ما ?هو|على حطه ايدك|مفيش حل|(ما|لم) (صلحها|صلحوها|يصلحها|يصلحوها)/],
  ['asked_to_visit', /(الحضور|احضر|احظر) (شخصيا|بنفسي|للفرع|للمقر|للمكتب)|(^| )(اراجع|مراجعه|اروح|روح|تعال|تعالي|اجي|انزل|ازور|راجع|زياره) .{0,12}(فرع|مكتب|مقر|مركز|مصلحه)|(طلب|طلبو|طلبوا) مني الحضور|الا بالحضور|يحتاج حضور|مراجعه شخصيه|(اجي|تيجي|اروح|احضر|جيت) بنفس(ي|ك)|(مرجعيني|ودوني|يرجعوني) (لل|عال|ال)?(فرع|مكتب)|مراجعه (الجهه|المقر)|المراجعه في (المقر|الفرع)/],
  // Bengali, and as typed in Latin letters
  ['no_contact', /কেউ [^ ]+ ?[^ ]* ?(করেনি|দেয়নি|নেয়নি|আসেনি|বলেনি|করে নাই|দেয় নাই|নেয় নাই|আসে নাই)|না জানিয়ে|ফোন না করে|(কল|ফোন) (আসেনি|আসে নাই)|কোনো (উত্তর|কল|ফোন) পাইনি|কল বা মেসেজ/],
  ['no_contact', /\bkeu\b.{0,20}\b(nai|ni)\b|\bna janiye\b|\bphone na kore\b|\bcall ashe nai\b/],
  ['still_exists', /(এখনো|এখনও) .{0,12}(আছে|রয়ে গেছে|নেই|অবস্থা)|কিছুই (পরিবর্তন|বদলায়)|একই (সমস্যা|অবস্থা)|সমাধান হয়নি|ঠিক হয়নি|আগের মতো|ফিরে এসেছে|বেতন পাইনি/],
  ['still_exists', /\bekhono\b.{0,15}\b(ache|obostha)\b|\bkichui? (bodlay|change hoy) nai\b|\bthik hoy nai\b|\bsolve hoy nai\b|\bager moto|\babar firse\b|\bbeton pai nai\b/],
  ['asked_to_visit', /(অফিসে|শাখায়|ব্রাঞ্চে) .{0,15}(যেতে|আসতে|দেখা করতে|আসুন)|নিজে এসে|সরাসরি অফিসে|ব্যক্তিগতভাবে/],
  ['asked_to_visit', /\b(office|branch)( e)? .{0,12}\b(jete|aste|ashen)\b|\bnije eshe\b|\bsorasori office\b/],
  // Hindi and Hinglish, Urdu and Roman Urdu
  ['no_contact', /किसी ने .{0,12}(कॉल|फोन|फ़ोन|संपर्क|बात)|बिना (बताए|फोन|फ़ोन|कॉल)|कोई (कॉल|फोन|जवाब) नहीं|कोई (देखने )?नहीं आया|ना कॉल/],
  ['no_contact', /\bkisi ne\b.{0,12}\b(call|phone|fone|contact|rabta|baat)\b|\bbina (bataye|call|phone)\b|\b(bataye|call kiye) baghair\b|\bbaghair (call|phone)\b|\bkoi (call|phone|jawab)\b.{0,8}\b(nahi|nhi|nahin|nai)\b|\bna call\b|\bkoi dekhn[ea]y? nahi/],
  ['no_contact', /کسی نے .{0,12}(کال|فون|رابطہ|بات)|بغیر (فون|کال)|بتائے بغیر|کوئی (کال|جواب) نہیں|نہ کال|کوئی دیکھنے نہیں/],
  ['still_exists', /अभी (तक|भी) .{0,15}(है|नहीं मिली|नहीं हुआ|नहीं आ रहा)|कुछ (भी )?नहीं बदला|वही समस्या|हल नहीं|पहले जैसा|फिर से आ गई|वैसी ही/],
  ['still_exists', /\babhi (tak|bhi)\b.{0,15}\b(hai|nahi mili|nahi hua|nahin hua|nahi aa raha)\b|\bkuch (bhi )?(nahi|nai|nahin) (badla|change)|\bwahi problem\b|\bsolve nahi\b|\bpehl[ae]y? jaisa\b|\bfir se aa gayi\b|\bwais[ie] hi\b|\bwohi masla\b|\bjun ka tun\b|\bphir se aa gaya\b|\bmasla (abhi|hal nahi)/],
  ['still_exists', /ابھی (تک|بھی) .{0,15}(ہے|نہیں ملی|نہیں ہوا|نہیں آ رہا)|کچھ نہیں بدلا|وہی مسئلہ|حل نہیں ہوا|پہلے جیسا|پھر سے آ گیا|ویسے ہی|جوں کا توں/],
  ['asked_to_visit', /(ऑफिस|ब्रांच|दफ्तर|शाखा|कार्यालय) .{0,15}(आने|जाने|आओ|जाकर|आए बिना)|खुद आकर|व्यक्तिगत रूप से/],
  ['asked_to_visit', /\b(office|branch|daftar)\b.{0,10}\b(aane|jane|janay|aao|aayen|aaye|jaake)\b|\bkhud aa ?ke?\b|\bkhud aa kar\b|\bpersonally aane\b|\bzaati tor\b/],
  ['asked_to_visit', /(دفتر|برانچ|آفس|شاخ) .{0,15}(آنے|جانے|آئیں|جا کر|آئے بغیر)|خود آ کر|ذاتی طور/],
  // Filipino, Indonesian
  ['no_contact', /\bwala(ng| pang) (tumawag|kumontak|nagcall|nag-?text|sumagot|reply|pumunta|tumatawag|kumausap)|\bhindi (man lang )?(ako|nila ako) (tinawagan|kinontak)|\bwithout calling\b/],
  ['no_contact', /\b(tidak|gak|nggak|ga|tdk|belum|blm) (ada )?(yang|yg) (menghubungi|hubungi|telpon|telp|nelpon|menelepon|balas|datang)\b|\btanpa (menghubungi|konfirmasi|kabar)\b|\b(tidak|gak) pernah ditelepon\b|\bgak ada kabar\b/],
  ['still_exists', /\b(nandiyan|ganun|sira) pa rin\b|\bsame problem pa rin\b|\bwala(ng| pa ring) nagbago\b|\bwala pa ring (tubig|sahod|kuryente)\b|\bhindi pa rin (naayos|nasosolve|ayos)\b|\bbumalik\b.{0,12}\bproblema\b/],
  ['still_exists', /\bmasih (ada|sama|rusak|mati|seperti)\b|\b(tidak|gak|nggak|tdk) ada (yang berubah|perubahan)\b|\bbelum (diperbaiki|selesai)\b|\bmuncul lagi\b|\bmsh sama\b/],
  ['asked_to_visit', /\b(pinapunta|pinapapunta|pumunta|magpakita|mag-?visit)\b.{0,25}\b(opisina|office|branch)\b|\bpumunta\b.{0,15}\bpersonal/],
  ['asked_to_visit', /\b(disuruh|diminta|suruh|harus)\b.{0,20}\b(datang|dtg|ke kantor|ke cabang)\b|\bdatang (langsung|sendiri)\b/],
  // Nepali, and as typed in Latin letters
  ['no_contact', /कसैले .{0,10}(फोन|सम्पर्क|कुरा)|नभनी|फोन नगरी|कुनै (कल|जवाफ)|कोही हेर्न आएन/],
  ['no_contact', /\bkasaile\b.{0,12}\b(phone|samparka|kura)\b|\bnabhani\b|\bphone nagari\b|\bkunai (call|jawaf)\b|\bkoi herna\b/],
  ['still_exists', /(समस्या|तलब|पानी) अझै|अझै पनि ठीक|केही (परिवर्तन|बदलिएन|बदलिएको)|उही समस्या|समाधान भएन|पहिलेकै|फेरि आयो/],
  ['still_exists', /\b(samasya|talab|pani) ajhai\b|\bajhai pani thik\b|\bkehi (parivartan bhayena|badlieko chaina|badliena)\b|\buhi samasya\b|\bpahilekai\b|\bferi aayo\b/],
  ['asked_to_visit', /(अफिस|शाखा|शाखामा|कार्यालय) .{0,10}(आउन|जान|आउनु|नआई)|आफैं आएर/],
  ['asked_to_visit', /\b(office|sakha ma|karyalaya)\b.{0,8}\b(aauna|jana|naaai)\b|\baafai aayera\b/],
];

/** The reasons whose unmistakable phrases a normalised reply contains (none, one, or two and more). */
/**
 * The rules in the spelling `normaliseReply` gives a reply (NFKC, ا for أ/آ, ي for ى/ئ, ه for ة, و
 * for ؤ), so a rule is written as people type and still matches: Urdu "آئیں", Arabic "على".
 */
function foldRule(re: RegExp): RegExp {
  const source = re.source
    .normalize('NFKC')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي');
  return new RegExp(source, re.flags);
}

const FOLDED: readonly [ReasonClass, RegExp][] = RULES.map(([reason, re]) => [reason, foldRule(re)]);

export function ruleReasons(normalised: string): ReasonClass[] {
  const texts = [normalised, arabiziToArabic(normalised)];
  const found = new Set<ReasonClass>();
  for (const [reason, re] of FOLDED) if (texts.some((t) => re.test(t))) found.add(reason);
  return [...found];
}
