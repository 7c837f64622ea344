/**
 * Where prayer times are computed, as PRAYER_CITY names it. Here, below the configuration, so the
 * configuration can refuse an unknown place at start-up and the send window
 * (followup/schedule/prayer-times.ts) reads the same table.
 */

export interface Place {
  latitude: number;
  longitude: number;
}

/** Where agencies' citizens live, by the name configuration uses (PRAYER_CITY). */
// prettier-ignore
export const CITIES: Readonly<Record<string, Place>> = {
  riyadh: { latitude: 24.7136, longitude: 46.6753 },
  jeddah: { latitude: 21.4858, longitude: 39.1925 },
  makkah: { latitude: 21.3891, longitude: 39.8579 },
  madinah: { latitude: 24.5247, longitude: 39.5692 },
  dammam: { latitude: 26.4207, longitude: 50.0888 },
  khobar: { latitude: 26.2172, longitude: 50.1971 },
  taif: { latitude: 21.2703, longitude: 40.4158 },
  tabuk: { latitude: 28.3835, longitude: 36.5662 },
  abha: { latitude: 18.2164, longitude: 42.5053 },
  buraidah: { latitude: 26.326, longitude: 43.975 },
  hail: { latitude: 27.5114, longitude: 41.7208 },
  jazan: { latitude: 16.8894, longitude: 42.5706 },
  najran: { latitude: 17.4933, longitude: 44.1277 },
  hofuf: { latitude: 25.3647, longitude: 49.5669 },
  arar: { latitude: 30.9753, longitude: 41.0381 },
  sakaka: { latitude: 29.9697, longitude: 40.2064 },
  albaha: { latitude: 20.0129, longitude: 41.4677 },
};

export class PlaceError extends Error {
  override name = 'PlaceError';
}

/** A city of the table or "latitude,longitude"; "none" is no place (no prayer pauses). */
export function placeOf(spec: string): Place | undefined {
  const name = spec.trim().toLowerCase();
  if (name === 'none' || name === 'off') return undefined;
  const city = CITIES[name];
  if (city) return city;
  const m = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(name);
  const latitude = Number(m?.[1]);
  const longitude = Number(m?.[2]);
  if (!m || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
    throw new PlaceError(
      `"${spec}" is neither a city (${Object.keys(CITIES).join(', ')}), "latitude,longitude", nor "none"`,
    );
  return { latitude, longitude };
}
