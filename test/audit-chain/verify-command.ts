import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestSystem } from '../support/system.js';

const run = promisify(execFile);

/** `npm run chain:verify [-- what]` as an operator runs it, against the test system's database. */
export async function verifyCommand(
  sys: TestSystem,
  integrityKey: string,
  ...args: string[]
): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('node', ['--import', 'tsx', 'scripts/verify-chain.ts', ...args], {
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: `${sys.services.mongoUri}${sys.dbName}`,
        INTEGRITY_KEY: integrityKey,
        CHAIN_CHECKPOINT_EVERY: '5',
        LOG_LEVEL: 'silent',
      },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '' };
  }
}
