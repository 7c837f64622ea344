/**
 * Arabizi: Arabic typed in Latin letters, with digits for the sounds Latin lacks (3 ع, 7 ح, 2 ء,
 * 5 خ, 6 ط, 9 ص, 8 ق/غ), as many young Saudis text. The reply parser reads Arabic; this turns the
 * Arabizi words it knows into the Arabic word they spell (already in the parser's normalised form),
 * so one set of rules reads both. Words it does not know are left as typed, and the parser does not
 * read a digit inside a Latin word as an answer: "ta7alaat" holds no 7.
 *
 * Only words whose reading is not in doubt are listed; an English word that is also an Arabizi
 * spelling ("in", "me", "mas") is left to English.
 */

// Phrases first: their words alone would read otherwise ("in" is English; "la hnt" is thanks, not "no").
// prettier-ignore
const PHRASES: readonly [RegExp, string][] = [
  [/\b(in ?sha'? ?allah|insh?allah|inshalla)\b/g, 'ان شاء الله'],
  [/\b(ma ?sha'? ?allah|mashalla)\b/g, 'ما شاء الله'],
  [/\bla ?(hnt|hant|hent)(o|oo|u|ow|i)?\b/g, 'لا هنت'],
  [/\bma ?(qasart|gasart|g9rt|q9rt|2asart|gassart|qassart)(o|oo|u|ow|i)?\b/g, 'ما قصرت'],
  [/\b(ya3tee?k|y3tee?k|ya3teekom|ya3tikum) ?(al|el)? ?3afi?(a|ah|ya|yah)\b/g, 'يعطيك العافيه'],
  [/\bjaza(k|kom|kum) ?allah ?(khair|5air|5er|kher)\b/g, 'جزاك الله خير'],
  [/\bnos ?nos\b/g, 'نص نص'],
  [/\bnafs (al|el)? ?(mushkil|moshkel|mshkl|mushkel)(a|ah|eh|h)?\b/g, 'نفس المشكله'],
];

// prettier-ignore
const WORDS: Readonly<Record<string, string>> = {
  // yes
  na3am: 'نعم', naam: 'نعم', nam: 'نعم', na3m: 'نعم', n3m: 'نعم',
  aywa: 'ايوه', aiwa: 'ايوه', aywah: 'ايوه', aiwah: 'ايوه', eywa: 'ايوه', ewa: 'ايوه', iwa: 'ايوه',
  eih: 'ايه', aih: 'ايه', ee: 'ايه', eeh: 'ايه',
  akeed: 'اكيد', akid: 'اكيد', aked: 'اكيد',
  tamam: 'تمام', tmam: 'تمام', tammam: 'تمام', tmaam: 'تمام',
  mashi: 'ماشي', mashy: 'ماشي', mashe: 'ماشي',
  sa7: 'صح', sah: 'صح', sa7ee7: 'صح',
  tab3an: 'طبعا', '6ab3an': 'طبعا', tab3n: 'طبعا',
  tm: 'تم', tam: 'تم', tamat: 'تمت', tammat: 'تمت',
  in7alat: 'انحلت', inhalat: 'انحلت', n7lt: 'انحلت', an7alat: 'انحلت', in7lt: 'انحلت', an7lt: 'انحلت',
  ta7alat: 'اتحلت', t7lt: 'اتحلت', it7alat: 'اتحلت', et7alat: 'اتحلت', t7alat: 'اتحلت',
  in7al: 'انحل', inhal: 'انحل', et7al: 'اتحل', it7al: 'اتحل',
  ma7loola: 'محلوله', ma7lola: 'محلوله', mahlola: 'محلوله', ma7loolah: 'محلوله', ma7lool: 'محلول', mahlool: 'محلول',
  '7aloha': 'حلوها', '7alooha': 'حلوها', '7lloha': 'حلوها', '7allooha': 'حلوها', '7alat': 'حلت',
  '5alsat': 'خلصت', khalsat: 'خلصت', '5lst': 'خلصت', '5alasoha': 'خلصوها', khalasoha: 'خلصوها',
  in9la7at: 'انصلحت', t9la7at: 'تصلحت', '9alla7oha': 'صلحوها', '9la7oha': 'صلحوها',
  // no
  la: 'لا', la2: 'لا', laa: 'لا', "la'a": 'لا', laa2: 'لا', la22: 'لا', la2a: 'لا',
  abadan: 'ابدا', abdan: 'ابدا', abad: 'ابد',
  // negators and "not yet"
  ma: 'ما', mo: 'مو', mu: 'مو', moo: 'مو', mob: 'مب', mub: 'مب', mesh: 'مش', mish: 'مش', msh: 'مش',
  lissa: 'لسه', lisa: 'لسه', lesa: 'لسه', lessa: 'لسه', lsa: 'لسه',
  lil7een: 'للحين', lel7een: 'للحين', lel7in: 'للحين', lil7in: 'للحين', lilheen: 'للحين', l7een: 'للحين',
  ba2i: 'باقي', baqi: 'باقي', baa2i: 'باقي', ba2ya: 'باقيه', baqya: 'باقيه', ba2yah: 'باقيه',
  mazal: 'مازال', mazalat: 'مازالت', mazalt: 'مازالت',
  ma7ad: 'محد', mahad: 'محد', m7d: 'محد', ma7d: 'محد',
  mafi: 'مافي', mafee: 'مافي', mafy: 'مافي', mafih: 'مافيه',
  ma9ar: 'ماصار', masar: 'ماصار', '9ar': 'صار', shay: 'شي', shai: 'شي', shi: 'شي',
  // hedges
  madri: 'مدري', mdri: 'مدري', madry: 'مدري', adri: 'ادري', adry: 'ادري',
  mt2kd: 'متاكد', mit2aked: 'متاكد', mt2ked: 'متاكد', mtakd: 'متاكد', mutaakid: 'متاكد',
  yimkin: 'يمكن', ymkn: 'يمكن', yemkin: 'يمكن', ymken: 'يمكن', rubama: 'ربما',
  shway: 'شوي', shwai: 'شوي', shwy: 'شوي', shwaya: 'شوي',
  // not remembering, not understanding, who is this, wrong number, later, call me, no comment
  adhkur: 'اذكر', athkur: 'اذكر', azkur: 'اذكر', athker: 'اذكر', atthakar: 'اتذكر', atzakar: 'اتذكر', atthakkar: 'اتذكر',
  at4akar: 'اتذكر', nseet: 'نسيت', naseet: 'نسيت', nasit: 'نسيت',
  fahem: 'فاهم', fahim: 'فاهم', fahm: 'فاهم', fhemt: 'فهمت', fhamt: 'فهمت', fahamt: 'فهمت', fahemt: 'فهمت',
  meen: 'مين', mean: 'مين', mnu: 'مين', ghalat: 'غلط', '8alat': 'غلط', '5a6a': 'غلط', '5ata': 'غلط', ghal6: 'غلط',
  ba3dain: 'بعدين', ba3den: 'بعدين', ba3deen: 'بعدين', mashghool: 'مشغول', mashghol: 'مشغول', mshghol: 'مشغول',
  ittasil: 'اتصل', etsel: 'اتصل', et9al: 'اتصل', it9al: 'اتصل', '7ad': 'حد', '3alay': 'علي', '3alai': 'علي', '3lay': 'علي', '3ali': 'علي',
  ta3leeg: 'تعليق', ta3liq: 'تعليق', ta3leeq: 'تعليق', ta3leq: 'تعليق', ana: 'انا',
  // language names, rating words
  '3arabi': 'عربي', '3arabee': 'عربي', engleezi: 'انجليزي', ingleezi: 'انجليزي', enjlizi: 'انجليزي', inglizi: 'انجليزي',
  mumtaz: 'ممتاز', momtaz: 'ممتاز', mumtaza: 'ممتازه', momtaza: 'ممتازه', mmtaz: 'ممتاز',
  // thanks (filler when alone)
  shukran: 'شكرا', shokran: 'شكرا', shkran: 'شكرا', shukrn: 'شكرا', mashkoor: 'مشكور', mashkor: 'مشكور',
  // number words
  wa7d: 'واحد', wa7id: 'واحد', wahid: 'واحد', wa7ed: 'واحد',
  ithnain: 'اثنين', ethnain: 'اثنين', thnain: 'ثنين', ithnen: 'اثنين', itnain: 'اثنين', '2nain': 'اثنين',
  thalatha: 'ثلاثه', thlatha: 'ثلاثه', tlata: 'ثلاثه', thalath: 'ثلاث', talata: 'ثلاثه',
  arba3a: 'اربعه', arb3a: 'اربعه', arba3: 'اربع', arb3: 'اربع',
  khamsa: 'خمسه', '5amsa': 'خمسه', '5msa': 'خمسه', khams: 'خمس', '5ams': 'خمس',
  // reasons: nobody contacted, asked to visit, still there
  ittasal: 'اتصل', etsal: 'اتصل', ettasal: 'اتصل', itasal: 'اتصل',
  ittasalo: 'اتصلو', etsalo: 'اتصلو', ittaslo: 'اتصلو', etslo: 'اتصلو', itslo: 'اتصلو',
  tawasal: 'تواصل', twasal: 'تواصل', tawasalo: 'تواصلو', twaslo: 'تواصلو', tawaslo: 'تواصلو',
  kalamni: 'كلمني', kallamni: 'كلمني', klmni: 'كلمني', rado: 'ردو', radoo: 'ردو',
  galo: 'قالوا', qalo: 'قالوا', '2alo': 'قالوا', galoo: 'قالوا', qaloo: 'قالوا',
  raje3: 'راجع', rajea: 'راجع', raji3: 'راجع', rage3: 'راجع', mraj3a: 'مراجعه', muraja3a: 'مراجعه',
  alfar3: 'الفرع', elfar3: 'الفرع', far3: 'فرع', lilfar3: 'للفرع', lelfar3: 'للفرع',
  almaktab: 'المكتب', elmaktab: 'المكتب', maktab: 'مكتب', lilmaktab: 'للمكتب',
  zyara: 'زياره', ziyara: 'زياره', ziara: 'زياره', zeyara: 'زياره', azoor: 'ازور', azor: 'ازور',
  aroo7: 'اروح', aro7: 'اروح', a7dhar: 'احضر', a7dar: 'احضر', '7odoor': 'حضور', '7dor': 'حضور',
  mawjooda: 'موجوده', mawjoda: 'موجوده', mojooda: 'موجوده', mwjoda: 'موجوده', mawjodah: 'موجوده',
  mawjood: 'موجود', mawjod: 'موجود', mojood: 'موجود', mwjod: 'موجود',
  almushkila: 'المشكله', almoshkela: 'المشكله', elmshkla: 'المشكله', elmoshkela: 'المشكله', almshkla: 'المشكله',
  mushkila: 'مشكله', moshkela: 'مشكله', mshkla: 'مشكله',
  // keywords: opt-out, opt-in
  iqaf: 'ايقاف', eqaf: 'ايقاف', igaf: 'ايقاف', egaf: 'ايقاف', i2af: 'ايقاف', e2af: 'ايقاف',
  ishtirak: 'اشتراك', eshtirak: 'اشتراك', eshterak: 'اشتراك',
};

/**
 * The normalised reply (lower case, ASCII digits) with every Arabizi phrase and word it knows
 * written in Arabic. Everything else is kept as it was.
 */
export function arabiziToArabic(text: string): string {
  if (!/[a-z]/.test(text)) return text;
  const phrased = PHRASES.reduce((t, [re, arabic]) => t.replace(re, ` ${arabic} `), text);
  return phrased
    .split(/(\s+|[^\p{L}\p{N}'\s]+)/u)
    .map((part) => WORDS[part] ?? part)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
