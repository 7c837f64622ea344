/**
 * The features the reasons model reads: character n-grams of a reply already folded by the
 * parser's `normaliseReply`. Character n-grams read every script alike (Arabic, Devanagari, Bengali,
 * Urdu, Latin), survive misspellings and missing spaces, and need no word list per language.
 */

/**
 * The four answers to "why was it not solved?", in the order the question numbers them: the parser's
 * REASONS, repeated here because the parser imports this folder (a test keeps the two equal).
 */
export const REASON_CLASSES = ['no_contact', 'still_exists', 'asked_to_visit', 'other'] as const;
export type ReasonClass = (typeof REASON_CLASSES)[number];

/**
 * One spelling for the ways people stretch a word: "مااااحد", "اتصلوووا" and "nothinggg" are read
 * as the word. Arabic never doubles a letter in writing (the shadda is a mark), so a run of one
 * Arabic letter is one letter; in Latin "still" keeps its two.
 */
export function foldForFeatures(normalised: string): string {
  return normalised
    .replace(/[^\p{L}\p{N}\p{M}']+/gu, ' ')
    .replace(/(\p{Script=Arabic})\1{2,}/gu, '$1')
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Character n-grams (min..max, spaces included so word edges count), sublinear in their counts
 * and scaled to unit length, so a long message does not outvote a short one.
 */
export function featureVector(normalised: string, min: number, max: number): Map<string, number> {
  const text = ` ${foldForFeatures(normalised)} `;
  const chars = [...text];
  const counts = new Map<string, number>();
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      if (gram.trim() === '') continue;
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  // Whole words and word pairs beside the n-grams: "kuch nahi badla" is more than its letters.
  const tokens = text.trim().split(' ').filter(Boolean);
  tokens.forEach((t, i) => {
    counts.set(`w:${t}`, (counts.get(`w:${t}`) ?? 0) + 1);
    const next = tokens[i + 1];
    if (next) counts.set(`b:${t} ${next}`, (counts.get(`b:${t} ${next}`) ?? 0) + 1);
  });
  let norm = 0;
  for (const [gram, c] of counts) {
    const v = 1 + Math.log(c);
    counts.set(gram, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [gram, v] of counts) counts.set(gram, v / norm);
  return counts;
}
