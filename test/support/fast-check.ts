import path from 'node:path';
import fastCheck, {
  type IAsyncProperty,
  type IProperty,
  type IRawProperty,
  type Parameters,
} from 'fast-check';
import { beforeEach } from 'vitest';

/**
 * fast-check for the suite's property tests: each test runs its properties from a seed of its own
 * (FC_SEED when given, to replay one), and a failed test prints that seed, the counterexample's
 * path when fast-check found one, and the command that replays it. fast-check names the seed itself
 * when a property fails, but not when the test ends first (its deadline passed, a hook failed); then
 * this line is the only way back to the inputs. FC_PATH (with FC_SEED) goes straight to the shrunk
 * counterexample instead of searching and shrinking again.
 *
 * The hooks are registered by test/support/fast-check-seed.ts, a setup file of both vitest
 * projects: the unit project shares modules between files, so a hook registered when this module
 * is first imported would reach the first file only.
 */

function seedFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`FC_SEED must be an integer (a fast-check seed), not "${raw}"`);
  return seed;
}

function pathFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+(:\d+)*$/.test(raw.trim()))
    throw new Error(`FC_PATH must be a fast-check path such as 12:0:3, not "${raw}"`);
  return raw.trim();
}

const replaying = seedFrom(process.env.FC_SEED);
const replayPath = pathFrom(process.env.FC_PATH);
if (replayPath !== undefined && replaying === undefined)
  throw new Error('FC_PATH replays a counterexample of one seed: give FC_SEED with it');

/** fast-check's own failure report: `{ seed: -12, path: "3:0:1", endOnFailure: true }`. */
const REPORTED_PATH = /\{ seed: -?\d+, path: "([\d:]+)"/;

/** Seeds every test's properties and, when the test fails, prints how to replay it. */
export function seedEachTest(): void {
  beforeEach(({ task, onTestFailed }) => {
    const seed = replaying ?? (Math.random() * 2 ** 32) | 0;
    fastCheck.configureGlobal({ ...fastCheck.readConfigureGlobal(), seed });
    onTestFailed(() => {
      const file = path.relative(process.cwd(), task.file.filepath);
      const found = (task.result?.errors ?? [])
        .map((e) => REPORTED_PATH.exec(e.message ?? '')?.[1])
        .find((p) => p !== undefined);
      const env = found ? `FC_SEED=${seed} FC_PATH=${found}` : `FC_SEED=${seed}`;
      console.error(
        `fast-check seed of "${task.name}": ${seed}${found ? `, path ${found}` : ''}; replay: ${env} npx vitest run ${file} -t ${JSON.stringify(task.name)}`,
      );
    });
  });
}

function assert<Ts>(property: IAsyncProperty<Ts>, params?: Parameters<Ts>): Promise<void>;
function assert<Ts>(property: IProperty<Ts>, params?: Parameters<Ts>): void;
function assert<Ts>(property: IRawProperty<Ts>, params?: Parameters<Ts>): Promise<void> | void;
function assert<Ts>(property: IRawProperty<Ts>, params?: Parameters<Ts>): Promise<void> | void {
  return fastCheck.assert(property, replayPath === undefined ? params : { ...params, path: replayPath });
}

/** fast-check itself, but `fc.assert` honours FC_PATH. */
export const fc: typeof fastCheck = { ...fastCheck, assert };
