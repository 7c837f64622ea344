/**
 * Trains the reasons model on the training split of corpora/reasons/*.tsv and writes
 * src/followup/conversation/reasons/model.json. Rows added without a split get one first (and the
 * .tsv files are rewritten with it), so adding rows is: append them, run this, commit both.
 * Usage: npm run train:reasons            train and write the model
 *        npm run train:reasons -- --cv    5-fold cross-validation on the training split only, to
 *                                         tune without looking at the held-out part
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  assignSplits,
  CORPUS_DIR,
  formatCorpusFile,
  readCorpus,
  type CorpusRow,
} from '../src/followup/conversation/reasons/corpus.js';
import { readReason } from '../src/followup/conversation/reasons/classifier.js';
import { MODEL_URL } from '../src/followup/conversation/reasons/model.js';
import { trainingRowsWith } from '../src/followup/conversation/reasons/training-rows.js';
import { trainModel } from '../src/followup/conversation/reasons/train.js';
import { normaliseReply } from '../src/followup/conversation/reply-parser.js';

const read = readCorpus();
const seen = new Map<string, CorpusRow>();
for (const r of read) {
  const key = normaliseReply(r.text);
  const first = seen.get(key);
  if (first)
    throw new Error(
      `${r.language}.tsv:${r.line} repeats ${first.language}.tsv:${first.line} ("${r.text}"): one of them must go, or it is in both splits`,
    );
  seen.set(key, r);
}
const rows = assignSplits(read);
if (rows.some((r, i) => r.split !== read[i]?.split)) {
  for (const language of new Set(rows.map((r) => r.language))) {
    const own = rows.filter((r) => r.language === language);
    writeFileSync(path.join(CORPUS_DIR, `${language}.tsv`), formatCorpusFile(own));
  }
  console.log(`gave a split to ${rows.filter((r, i) => r.split !== read[i]?.split).length} new row(s)`);
}

if (process.argv.includes('--cv')) {
  const train = rows.filter((r) => r.split === 'train');
  const folds = 5;
  let right = 0;
  const misses: string[] = [];
  for (let f = 0; f < folds; f++) {
    const model = trainModel(
      trainingRowsWith(
        train.filter((_, i) => i % folds !== f),
        normaliseReply,
      ),
    );
    train.forEach((r, i) => {
      if (i % folds !== f) return;
      const got = readReason(normaliseReply(r.text), model);
      if (got.reason === r.label) right += 1;
      else
        misses.push(
          `${r.language}\t${r.label}\t→ ${got.reason} (${got.by} ${got.confidence.toFixed(2)})\t${r.text}`,
        );
    });
  }
  console.log(misses.join('\n'));
  console.log(
    `cross-validated on the training split: ${right}/${train.length} = ${((100 * right) / train.length).toFixed(1)}%`,
  );
} else {
  const model = trainModel(trainingRowsWith(rows, normaliseReply));
  const json = `${JSON.stringify(model)}\n`;
  writeFileSync(MODEL_URL, json);
  console.log(
    `trained on ${model.training.rows} rows: ${Object.keys(model.weights).length} n-grams, ${(json.length / 1024).toFixed(0)} KB → ${MODEL_URL.pathname}`,
  );
}
