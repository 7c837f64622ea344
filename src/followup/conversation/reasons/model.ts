import { readFileSync } from 'node:fs';
import { featureVector, REASON_CLASSES, type ReasonClass } from './features.js';

/**
 * The reasons model as shipped in model.json: weights of a multinomial logistic regression over
 * character n-grams, stored as integers (weight × scale) to keep the file small and exact.
 */
export interface ReasonModel {
  version: 1;
  classes: ReasonClass[];
  ngram: [min: number, max: number];
  /** Weights are stored multiplied by this and rounded. */
  scale: number;
  bias: number[];
  weights: Record<string, number[]>;
  /** How it was trained: enough to check the shipped file against the corpus and the script. */
  training: { seed: number; rows: number; sha256: string; epochs: number; l2: number; minRows: number };
}

export interface Scores {
  best: ReasonClass;
  /** The softmax probability of `best`. */
  confidence: number;
  probabilities: Record<ReasonClass, number>;
  /** How many of the reply's n-grams the model knows: none means it has nothing to go on. */
  known: number;
}

export function score(model: ReasonModel, normalised: string): Scores {
  const x = featureVector(normalised, model.ngram[0], model.ngram[1]);
  const z = model.bias.map((b) => b / model.scale);
  let known = 0;
  for (const [gram, v] of x) {
    const w = model.weights[gram];
    if (!w) continue;
    known += 1;
    for (let k = 0; k < z.length; k++) z[k] = (z[k] ?? 0) + (v * (w[k] ?? 0)) / model.scale;
  }
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / sum);
  let bestIndex = 0;
  p.forEach((v, k) => {
    if (v > (p[bestIndex] ?? 0)) bestIndex = k;
  });
  const probabilities = Object.fromEntries(model.classes.map((c, k) => [c, p[k] ?? 0])) as Record<
    ReasonClass,
    number
  >;
  return { best: model.classes[bestIndex] ?? 'other', confidence: p[bestIndex] ?? 0, probabilities, known };
}

export const MODEL_URL = new URL('./model.json', import.meta.url);

function isModel(value: unknown): value is ReasonModel {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<ReasonModel>;
  return (
    m.version === 1 &&
    Array.isArray(m.classes) &&
    m.classes.length === REASON_CLASSES.length &&
    m.classes.every((c, i) => c === REASON_CLASSES[i]) &&
    Array.isArray(m.bias) &&
    typeof m.scale === 'number' &&
    typeof m.weights === 'object' &&
    m.weights !== null
  );
}

export function parseModel(json: string, where: string): ReasonModel {
  const value: unknown = JSON.parse(json);
  if (!isModel(value))
    throw new Error(`${where} is not a reasons model (version 1, classes ${REASON_CLASSES.join(',')})`);
  return value;
}

let shipped: ReasonModel | undefined;

/** The model shipped beside this file, read once on first use (no download, ever). */
export function shippedModel(): ReasonModel {
  shipped ??= parseModel(readFileSync(MODEL_URL, 'utf8'), MODEL_URL.pathname);
  return shipped;
}
