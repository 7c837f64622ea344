/**
 * SMS segment counting as carriers bill it. One character outside the GSM-7 alphabet (any Arabic
 * letter, an emoji) turns the whole message into UCS-2: 70 UTF-16 units in one segment, 67 per
 * segment once concatenated (the rest is the concatenation header). GSM-7 allows 160/153 septets,
 * with extension-table characters (€ [ ] { } ~ ^ \ |) taking two. Phones never split an escape pair or
 * a surrogate pair across two segments, so a segment can carry one unit less than the nominal size.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** Units per segment: [alone, each part of a concatenated message]. */
const SEGMENT_SIZE: Readonly<Record<SmsEncoding, readonly [number, number]>> = {
  'GSM-7': [160, 153],
  'UCS-2': [70, 67],
};

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** Segments billed; an empty message still costs one. */
  segments: number;
}

/** Units each character takes, or undefined when the text cannot be sent as GSM-7. */
function gsm7Units(text: string): number[] | undefined {
  const units: number[] = [];
  for (const ch of text) {
    if (basic.has(ch)) units.push(1);
    else if (extension.has(ch)) units.push(2);
    else return undefined;
  }
  return units;
}

/** Fills segments greedily with indivisible characters, the way handsets and carriers split them. */
function packSegments(units: readonly number[], size: number): number {
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > size) {
      segments += 1;
      used = 0;
    }
    used += u;
  }
  return segments;
}

export function countSegments(text: string): SegmentCount {
  const gsm = gsm7Units(text);
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  // A UCS-2 character is one UTF-16 unit, or two for a surrogate pair (most emoji), as on the wire.
  const perChar = gsm ?? Array.from(text, (ch) => ch.length);
  const units = perChar.reduce((a, b) => a + b, 0);
  const [single, concatenated] = SEGMENT_SIZE[encoding];
  const segments = units <= single ? 1 : packSegments(perChar, concatenated);
  return { encoding, units, segments };
}
