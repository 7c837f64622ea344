import { type ReasonClass } from './features.js';
import { score, shippedModel, type ReasonModel } from './model.js';
import { ruleReasons } from './rules.js';

/**
 * Reads a typed reason ("they closed it without calling me", "المشكله مستمره", "abhi tak problem
 * hai") as one of the three reasons, or as `other` when it is none of them, gives two, or the model
 * is not sure. Only for the reason question: "solved?" is never read by a model (a guessed "no" is a
 * false dispute). See docs/decisions/0022-reasons-classifier.md.
 */
// Why: docs/decisions/0022-reasons-classifier.md

/** Below this probability the model's reason is not taken; the words are kept as `other`. */
export const CONFIDENCE_THRESHOLD = 0.5;
/** Fewer letters than this say nothing the model could read ("ok", "no"). */
const MIN_LETTERS = 3;

export interface ReasonReading {
  reason: ReasonClass;
  confidence: number;
  /** What decided: a phrase, two phrases of different reasons, the model, or nothing readable. */
  by: 'rule' | 'mixed' | 'model' | 'unsure' | 'too_short';
}

/** `normalised` is the reply after the parser's `normaliseReply`. Pure and total. */
export function readReason(normalised: string, model: ReasonModel = shippedModel()): ReasonReading {
  if ((normalised.match(/\p{L}/gu) ?? []).length < MIN_LETTERS)
    return { reason: 'other', confidence: 0, by: 'too_short' };
  const ruled = ruleReasons(normalised);
  const [only] = ruled;
  if (ruled.length === 1 && only) return { reason: only, confidence: 1, by: 'rule' };
  // Two reasons in one reply: which one mattered is the citizen's to say, so their words are kept.
  if (ruled.length > 1) return { reason: 'other', confidence: 1, by: 'mixed' };
  const s = score(model, normalised);
  if (s.known === 0 || s.confidence < CONFIDENCE_THRESHOLD)
    return { reason: 'other', confidence: s.probabilities.other, by: 'unsure' };
  return { reason: s.best, confidence: s.confidence, by: 'model' };
}

/**
 * The reason the parser takes from words: the classifier's, else the parser's own reason phrase when
 * it found exactly one ("zyara"), so what the parser read before is still read; a reply giving two
 * reasons stays the citizen's words. Undefined means `other`, words kept.
 */
export function reasonFromWords(
  read: ReasonReading,
  parserPhrases: readonly ReasonClass[],
): Exclude<ReasonClass, 'other'> | undefined {
  if (read.reason !== 'other') return read.reason;
  const [only] = parserPhrases;
  return read.by !== 'mixed' && parserPhrases.length === 1 && only !== 'other' ? only : undefined;
}
