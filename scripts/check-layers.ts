/**
 * The layer check: no circle under src/ and no import climbing up the layers of
 * .dependency-cruiser.cjs (docs/architecture.md, "Layers").
 * Usage: npm run check:layers
 * Exit status 0 when every violation found is a listed temporary exception and every listed exception
 * is still found (so the list only shrinks), 1 otherwise.
 *
 * It calls dependency-cruiser's API rather than its `depcruise` command because the command refuses
 * to start on Node 20, which this project supports; the API runs on it.
 */
import { createRequire } from 'node:module';
import { cruise, type ICruiseOptions, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';

type Exception = [rule: string, from: string, to: string];

interface LayerConfig {
  forbidden: IForbiddenRuleType[];
  options: ICruiseOptions;
  temporaryExceptions: Exception[];
}

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as LayerConfig;

const result = await cruise(['src'], {
  ...config.options,
  validate: true,
  ruleSet: { forbidden: config.forbidden },
});
if (typeof result.output === 'string') throw new Error('dependency-cruiser returned a report, not a result');

const key = (rule: string, from: string, to: string): string => `${rule} ${from} → ${to}`;
const listed = new Set(config.temporaryExceptions.map(([rule, from, to]) => key(rule, from, to)));
const found = new Set<string>();
const violations: IViolation[] = [];
for (const v of result.output.summary.violations) {
  const k = key(v.rule.name, v.from, v.to);
  if (listed.has(k)) found.add(k);
  else violations.push(v);
}
const stale = [...listed].filter((k) => !found.has(k));

const modules = result.output.summary.totalCruised;
const deps = result.output.summary.totalDependenciesCruised;
for (const v of violations) {
  const circle = v.cycle?.length ? `  (circle: ${v.from} → ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  console.log(`✗ ${key(v.rule.name, v.from, v.to)}${circle}`);
}
for (const k of stale) console.log(`✗ listed as a temporary exception but no longer found, remove it: ${k}`);
console.log(
  `${modules} modules, ${deps} imports: ${violations.length} violation(s), ` +
    `${found.size} temporary exception(s) in .dependency-cruiser.cjs, ${stale.length} stale.`,
);
process.exitCode = violations.length > 0 || stale.length > 0 ? 1 : 0;
