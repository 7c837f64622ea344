import type { ReportLang } from '../../i18n/reports.js';

/**
 * Times and periods as a reader in the Kingdom reads them: in Asia/Riyadh with the zone named, and
 * where a period is named, the Hijri (Umm al-Qura) dates beside the Gregorian ones. Latin digits in
 * both languages, like every figure on the pages (managers copy them into spreadsheets).
 */

const ZONE = 'Asia/Riyadh';
const zoneName = (lang: ReportLang) => (lang === 'ar' ? 'بتوقيت الرياض' : 'Riyadh time');

/** Riyadh time, named, with the Hijri date beside the Gregorian (Umm al-Qura calendar). */
export function riyadhTime(at: string | Date, lang: ReportLang): string {
  const d = new Date(at);
  const locale = lang === 'ar' ? 'ar-SA-u-nu-latn' : 'en-GB';
  const greg = new Intl.DateTimeFormat(locale, {
    timeZone: ZONE,
    dateStyle: 'long',
    timeStyle: 'short',
    calendar: 'gregory',
  }).format(d);
  return `${greg} (${zoneName(lang)}) · ${hijriOf(d, lang)}`;
}

/** A moment's local day in Riyadh, short (for "what happened after" lines). */
export function riyadhDay(at: string | Date, lang: ReportLang): string {
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-SA-u-nu-latn' : 'en-GB', {
    timeZone: ZONE,
    day: 'numeric',
    month: 'short',
    calendar: 'gregory',
  }).format(new Date(at));
}

function hijriOf(d: Date, lang: ReportLang): string {
  return new Intl.DateTimeFormat(`${lang === 'ar' ? 'ar-SA' : 'en'}-u-ca-islamic-umalqura-nu-latn`, {
    timeZone: ZONE,
    dateStyle: 'long',
  }).format(d);
}

/** A local day (YYYY-MM-DD, a Riyadh calendar day) as its noon in Riyadh, so no zone moves it. */
function noonOf(day: string): Date {
  return new Date(`${day}T12:00:00+03:00`);
}

/** The Hijri date of a local day. */
export function hijriDay(day: string, lang: ReportLang): string {
  return hijriOf(noonOf(day), lang);
}

/** A named period, "2026-11-06 – 2026-12-05 (25 Jumada I – 24 Jumada II 1448 AH)". */
export function periodWithHijri(from: string, to: string, lang: ReportLang): string {
  return `${from} – ${to} (${hijriDay(from, lang)} – ${hijriDay(to, lang)})`;
}
