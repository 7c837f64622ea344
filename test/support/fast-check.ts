import path from 'node:path';
import fc from 'fast-check';
import { beforeEach } from 'vitest';

/**
 * fast-check for the suite's property tests: each test runs its properties from a seed of its own
 * (FC_SEED when given, to replay one), and a failed test prints that seed with the command that
 * replays it. fast-check names the seed itself when a property fails, but not when the test ends
 * first (its deadline passed, a hook failed); then this line is the only way back to the inputs.
 */

function seedFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`FC_SEED must be an integer (a fast-check seed), not "${raw}"`);
  return seed;
}

const replaying = seedFrom(process.env.FC_SEED);

beforeEach(({ task, onTestFailed }) => {
  const seed = replaying ?? (Math.random() * 2 ** 32) | 0;
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
  onTestFailed(() => {
    const file = path.relative(process.cwd(), task.file.filepath);
    console.error(
      `fast-check seed of "${task.name}": ${seed}; replay: FC_SEED=${seed} npx vitest run ${file} -t ${JSON.stringify(task.name)}`,
    );
  });
});

export { fc };
