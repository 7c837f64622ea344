/**
 * Runs every benchmark in bench/ one after another (each on its own fresh servers, as
 * `npm run bench` does) and writes bench/results/<date>.md: the machine it ran on, every figure
 * printed as a ratio to its baseline in the same run, and each benchmark's whole output. The soak
 * writes its plot (SVG) and samples (JSON) beside it.
 *
 * Usage: npm run bench:all                 full sizes (the soak alone takes about 15 minutes)
 *        npm run bench:all -- --smoke      small sizes, to check that everything runs; the file is
 *                                          named <date>-smoke.md and says it is not a measurement
 *        npm run bench:all -- --only voice,soak
 *        npm run bench:all -- --only soak --label soak-6x   names the files <date>-soak-6x…
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { smoke: { type: 'boolean' }, only: { type: 'string' }, label: { type: 'string' } },
});
const smoke = args.smoke === true;

/** Sizes small enough for a busy machine in a few minutes; every benchmark still runs end to end. */
const SMOKE_ENV: Record<string, string> = {
  BENCH_SECONDS: '2',
  BENCH_EVENTS: '300',
  BENCH_SENDS: '200',
  BENCH_REPLIES: '300',
  BENCH_ROUNDS: '1',
  BENCH_EXPORT_ROWS: '5000',
  BENCH_SUMMARY_SIZES: '1000,5000',
  BENCH_SUMMARY_BASELINE_MAX: '5000',
  BENCH_REDIS_SIZES: '10000',
  SOAK_CLOSURES: '2000',
  SOAK_CALLS: '3000',
  SOAK_SECONDS: '30',
  SOAK_MAX_SECONDS: '90',
  SOAK_JAVA_HEAP: '512m',
};

// A label names a run beside others of the same day (e.g. `--label soak-6x`).
const label = args.label?.replace(/[^\w.-]+/g, '-');
const stamp = `${new Date().toISOString().slice(0, 10)}${label ? `-${label}` : ''}${smoke ? '-smoke' : ''}`;
const resultsDir = 'bench/results';
mkdirSync(resultsDir, { recursive: true });
const soakOut = path.join(resultsDir, `${stamp}-soak`);

const all = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  // The soak last: it is the longest, and the others should not run beside its leftovers.
  .sort((a, b) => Number(a === 'soak') - Number(b === 'soak') || a.localeCompare(b));
const only = args.only?.split(',').map((s) => s.trim());
const names = only ? all.filter((n) => only.includes(n)) : all;
if (only && names.length !== only.length)
  throw new Error(
    `unknown benchmark(s): ${only.filter((n) => !all.includes(n)).join(', ')} (have ${all.join(', ')})`,
  );

/** The first line a tool prints about its version (java prints it on stderr). */
function version(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.error) return `${cmd}: not found`;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '';
}

const cpus = os.cpus();
const machine = [
  `CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
  `memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  `OS: ${os.type()} ${os.release()} (${os.arch()})`,
  `Node.js ${process.version}; ${version('redis-server', ['--version'])}; ${version('java', ['-version'])}`,
  `commit: ${version('git', ['rev-parse', '--short', 'HEAD'])}`,
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
];

interface Run {
  name: string;
  code: number | null;
  seconds: number;
  output: string;
}

async function runBench(name: string): Promise<Run> {
  console.log(`== bench/${name}.bench.ts`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`], {
    env: { ...process.env, ...(smoke ? SMOKE_ENV : {}), SOAK_OUT: soakOut },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
    output += chunk.toString();
    to.write(chunk);
  };
  child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
  child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { name, code, seconds: (performance.now() - started) / 1000, output };
}

const runs: Run[] = [];
for (const name of names) runs.push(await runBench(name));
machine.push(
  `load average at end: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);

// Every benchmark prints its comparisons as "<label> ratio <n>%[  (target ...)]" (bench/lib.ts
// ratio()), or as a factor ("<label> ratio <n> (...)").
const figures = runs.flatMap((r) =>
  [...r.output.matchAll(/^(.+?)\s+ratio\s+([\d.]+)(%?)(.*)$/gm)].map((m) => ({
    bench: r.name,
    label: (m[1] ?? '').trim(),
    // A percentage (ours ÷ baseline), or a plain factor (the summary's "p50 ratio 1.08").
    ratio: m[3] ? `${m[2] ?? ''}%` : `${m[2] ?? ''}×`,
    note: (m[4] ?? '').trim().replace(/^\(|\)$/g, ''),
  })),
);

const lines = [
  `# Benchmarks, ${new Date().toISOString().slice(0, 10)}${smoke ? ' — SMOKE RUN' : ''}`,
  '',
  ...(smoke
    ? [
        '> **Smoke run, not a measurement.** Small sizes (`npm run bench:all -- --smoke`) on a machine',
        '> shared with other work: it shows that every benchmark runs end to end and what it reports,',
        '> nothing about speed. The figures that count come from `npm run bench:all` on a quiet machine.',
        '',
      ]
    : []),
  `Command: \`npm run bench:all${smoke ? ' -- --smoke' : ''}\`${only ? ` (only ${names.join(', ')})` : ''}.`,
  '',
  '## Machine',
  '',
  ...machine.map((m) => `- ${m}`),
  ...(smoke
    ? [
        '',
        'Sizes: ' +
          Object.entries(SMOKE_ENV)
            .map(([k, v]) => `\`${k}=${v}\``)
            .join(', '),
      ]
    : []),
  '',
  '## Every figure as a ratio to its baseline in the same run',
  '',
  '| benchmark | figure | ratio | target |',
  '| --- | --- | --- | --- |',
  ...figures.map((f) => `| ${f.bench} | ${f.label} | ${f.ratio} | ${f.note} |`),
  '',
  '| benchmark | exit | seconds |',
  '| --- | --- | --- |',
  ...runs.map((r) => `| ${r.name} | ${r.code} | ${r.seconds.toFixed(0)} |`),
  '',
  ...(names.includes('soak')
    ? [
        `Soak plot: [${path.basename(soakOut)}.svg](${path.basename(soakOut)}.svg) (samples in ${path.basename(soakOut)}.json)`,
        '',
        `![soak](${path.basename(soakOut)}.svg)`,
        '',
      ]
    : []),
  '## Output of each benchmark',
  '',
  ...runs.flatMap((r) => [`### ${r.name}`, '', '```', r.output.trimEnd(), '```', '']),
];
const file = path.join(resultsDir, `${stamp}.md`);
writeFileSync(file, lines.join('\n'));
console.log(`wrote ${file}`);
process.exit(runs.every((r) => r.code === 0) ? 0 : 1);
