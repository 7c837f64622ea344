/**
 * Reasons read from free text, on the held-out part of the corpus (corpora/reasons, never trained
 * on): each reply goes through the real parser as the answer to the reason question, as an SMS
 * would. Prints precision and recall per reason, accuracy per language, overall, and the targets.
 * Usage: npm run bench -- reasons
 */
import { readCorpus } from '../src/followup/conversation/reasons/corpus.js';
import { REASON_CLASSES } from '../src/followup/conversation/reasons/features.js';
import { shippedModel } from '../src/followup/conversation/reasons/model.js';
import { parseReply } from '../src/followup/conversation/reply-parser.js';
import { readHeldOut, type Reading } from './reasons-lib.js';

const rows = readCorpus();
const model = shippedModel();
const readings: Reading[] = readHeldOut(rows);
const n = readings.length;
const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
console.log(
  `reasons corpus: ${rows.length} replies in ${new Set(rows.map((r) => r.language)).size} files, ` +
    `held out ${n}; model trained on ${model.training.rows} rows (${Object.keys(model.weights).length} n-grams)`,
);
console.log('\nper reason (held out):');
console.log(`${'reason'.padEnd(16)}${'n'.padStart(5)}${'precision'.padStart(11)}${'recall'.padStart(9)}`);
const recalls: number[] = [];
for (const reason of REASON_CLASSES) {
  const truth = readings.filter((r) => r.label === reason);
  const said = readings.filter((r) => r.read === reason);
  const right = truth.filter((r) => r.read === reason).length;
  recalls.push(truth.length ? right / truth.length : 1);
  console.log(
    `${reason.padEnd(16)}${String(truth.length).padStart(5)}${pct(right, said.length).padStart(11)}${pct(right, truth.length).padStart(9)}`,
  );
}
console.log('\nper language (held out):');
for (const language of [...new Set(readings.map((r) => r.language))].sort()) {
  const own = readings.filter((r) => r.language === language);
  const right = own.filter((r) => r.read === r.label).length;
  console.log(
    `${language.padEnd(10)} ${String(right).padStart(3)}/${String(own.length).padEnd(4)} ${pct(right, own.length)}`,
  );
}
const misses = readings.filter((r) => r.read !== r.label);
if (misses.length > 0) {
  console.log('\nmisses:');
  for (const m of misses) console.log(`  ${m.language}\t${m.label} → ${m.read}\t${m.text}`);
}
const accuracy = (n - misses.length) / n;
const lowest = Math.min(...recalls);
console.log(`\noverall accuracy ${n - misses.length}/${n} = ${pct(n - misses.length, n)}`);
console.log(
  `accuracy on held-out replies ${(100 * accuracy).toFixed(1)}% (target ≥ 95%: ${accuracy >= 0.95 ? 'met' : 'NOT met'})`,
);
console.log(
  `lowest recall of a reason ${(100 * lowest).toFixed(1)}% (target ≥ 90% for every reason: ${lowest >= 0.9 ? 'met' : 'NOT met'})`,
);
// A read reply costs microseconds; shown so a slower model would be noticed.
const t0 = performance.now();
for (const r of readings) parseReply(r.text, 'reason');
console.log(`parse time ${(((performance.now() - t0) * 1000) / n).toFixed(0)} µs per reply`);
