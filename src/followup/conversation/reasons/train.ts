import { createHash } from 'node:crypto';
import { featureVector, REASON_CLASSES, type ReasonClass } from './features.js';
import type { ReasonModel } from './model.js';

/** One labelled reply, its text already through `normaliseReply`. */
export interface TrainingRow {
  text: string;
  label: ReasonClass;
}

export const TRAINING = {
  seed: 20261205,
  ngram: [2, 5] as [number, number],
  epochs: 80,
  learningRate: 0.5,
  l2: 1e-4,
  /** Every n-gram seen in training may carry weight (2 lost three points in cross-validation). */
  minRows: 1,
  /** Weights are kept to two decimals: finer changed no reading in cross-validation. */
  scale: 100,
  /**
   * An n-gram none of whose weights reaches 0.25 is dropped: it keeps the file near 250 KB instead of
   * 600 KB for half a point of cross-validated accuracy.
   */
  keepAbove: 25,
};

/** The training rows' fingerprint, recorded in the model so a test can tell a stale one. */
export function corpusHash(rows: readonly TrainingRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.text}\t${r.label}\n`);
  return h.digest('hex');
}

/** A small seeded generator (mulberry32): the same seed gives the same order on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression by stochastic gradient descent, in a seeded order, with L2 decay
 * on the weights each example touches. Deterministic: the same rows give the same model, so the
 * shipped model.json can be checked against this function.
 */
export function trainModel(rows: readonly TrainingRow[]): ReasonModel {
  const [min, max] = TRAINING.ngram;
  const K = REASON_CLASSES.length;
  const vectors = rows.map((r) => featureVector(r.text, min, max));
  const df = new Map<string, number>();
  for (const v of vectors) for (const g of v.keys()) df.set(g, (df.get(g) ?? 0) + 1);
  const vocab = [...df.entries()]
    .filter(([, n]) => n >= TRAINING.minRows)
    .map(([g]) => g)
    .sort();
  const index = new Map(vocab.map((g, i) => [g, i]));
  const examples = rows.map((r, i) => {
    const x: [number, number][] = [];
    for (const [g, v] of vectors[i] ?? []) {
      const j = index.get(g);
      if (j !== undefined) x.push([j, v]);
    }
    x.sort((a, b) => a[0] - b[0]);
    return { x, y: REASON_CLASSES.indexOf(r.label) };
  });
  const w = new Float64Array(vocab.length * K);
  const b = new Float64Array(K);
  const next = random(TRAINING.seed);
  const order = examples.map((_, i) => i);
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < TRAINING.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    const lr = TRAINING.learningRate / (1 + epoch / 10);
    for (const n of order) {
      const ex = examples[n];
      if (!ex) continue;
      for (let k = 0; k < K; k++) {
        let s = b[k] ?? 0;
        for (const [j, v] of ex.x) s += v * (w[j * K + k] ?? 0);
        z[k] = s;
      }
      const top = Math.max(...z);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp((z[k] ?? 0) - top);
      for (let k = 0; k < K; k++) {
        const g = (z[k] ?? 0) / sum - (k === ex.y ? 1 : 0);
        b[k] = (b[k] ?? 0) - lr * g;
        for (const [j, v] of ex.x) {
          const at = j * K + k;
          const wv = w[at] ?? 0;
          w[at] = wv - lr * (g * v + TRAINING.l2 * wv);
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  vocab.forEach((g, j) => {
    const row = Array.from({ length: K }, (_, k) => Math.round((w[j * K + k] ?? 0) * TRAINING.scale) + 0);
    if (row.some((v) => Math.abs(v) >= TRAINING.keepAbove)) weights[g] = row;
  });
  return {
    version: 1,
    classes: [...REASON_CLASSES],
    ngram: [min, max],
    scale: TRAINING.scale,
    bias: Array.from(b, (v) => Math.round(v * TRAINING.scale) + 0),
    weights,
    training: {
      seed: TRAINING.seed,
      rows: rows.length,
      sha256: corpusHash(rows),
      epochs: TRAINING.epochs,
      l2: TRAINING.l2,
      minRows: TRAINING.minRows,
    },
  };
}
