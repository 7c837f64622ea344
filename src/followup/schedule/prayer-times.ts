import { CalculationMethod, Coordinates, PrayerTimes } from 'adhan';
import type { Place } from '../../config/places.js';

// The places are read by the configuration too, so they live below it; re-exported for the send window's readers.
export { CITIES, PlaceError, placeOf, type Place } from '../../config/places.js';

/**
 * The five daily prayers and Ramadan, as the send window needs them. Prayer times come from `adhan`
 * (the Umm al-Qura method, the Kingdom's own); whether a day is in Ramadan comes from the Umm al-Qura
 * calendar that ICU ships with Node (`islamic-umalqura`), so neither is computed by hand.
 */

const umalqura = new Map<string, Intl.DateTimeFormat>();

function hijriMonth(at: Date, timeZone: string): number {
  let format = umalqura.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { month: 'numeric', timeZone });
    umalqura.set(timeZone, format);
  }
  return Number(format.formatToParts(at).find((p) => p.type === 'month')?.value);
}

/** Whether the local day containing `at` is in Ramadan, the ninth month of the Umm al-Qura calendar. */
export function isRamadan(at: Date, timeZone: string): boolean {
  return hijriMonth(at, timeZone) === 9;
}

// Why: docs/decisions/0011-prayer-times-and-ramadan.md
/**
 * The five prayers' times (fajr, dhuhr, asr, maghrib, isha) of one local calendar day, as instants.
 * `adhan` reads the day from a Date's own (process-local) year, month and day, so the day is handed
 * over in those fields whatever the process's zone.
 */
export function prayerTimes(
  place: Place,
  localDay: { year: number; month: number; day: number },
  ramadan: boolean,
): Date[] {
  const params = CalculationMethod.UmmAlQura();
  // Umm al-Qura's isha is 90 minutes after maghrib, and 120 in Ramadan: adhan leaves that to us.
  if (ramadan) params.ishaInterval = 120;
  const times = new PrayerTimes(
    new Coordinates(place.latitude, place.longitude),
    new Date(localDay.year, localDay.month - 1, localDay.day),
    params,
  );
  return [times.fajr, times.dhuhr, times.asr, times.maghrib, times.isha];
}
