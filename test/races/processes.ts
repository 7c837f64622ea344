import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { inject } from 'vitest';
import type { Queue } from 'bullmq';
import { findFreePort } from '../../src/services/embedded.js';
import { FAST_FOLLOWUP_ENV } from '../support/followup.js';
import { eventually, POLICY_OFF, type TestSystem } from '../support/system.js';

/**
 * Real processes for the race suite. The in-test system (startTestSystem) is always the web tier
 * that holds the Twilio stand-in, so the test can read what was "sent"; the processes spawned here
 * share its Redis, database and queue prefix, and reach the stand-in through SANDBOX_API_URL, exactly
 * as a separate production worker reaches Twilio.
 */

/** The run's MongoDB URI with this file's database in it (a query string such as ?replicaSet= kept). */
export function databaseUri(dbName: string): string {
  const url = new URL(inject('mongoUrl'));
  url.pathname = `/${dbName}`;
  return url.toString();
}

export class Processes {
  private readonly children: ChildProcess[] = [];

  constructor(
    private readonly sys: TestSystem,
    private readonly env: Record<string, string> = {},
  ) {}

  private baseEnv(): Record<string, string | undefined> {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      REDIS_URL: inject('redisUrl'),
      MONGODB_URI: databaseUri(this.sys.dbName),
      QUEUE_PREFIX: this.sys.ctx.config.queuePrefix,
      SANDBOX_API_URL: this.sys.baseUrl,
      // BullMQ's lock and the send lease: short, so a stalled job is taken over within one test.
      WORKER_LOCK_MS: '5000',
      ...FAST_FOLLOWUP_ENV,
      ...POLICY_OFF,
      ...this.env,
    };
  }

  /**
   * A worker process (`workers/main.ts`), resolved once it logs that its workers run, so a test
   * never races against a process still connecting.
   */
  async worker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: {
        ...this.baseEnv(),
        // Info only to see the "workers running" line; the rest is drained and dropped.
        LOG_LEVEL: 'info',
        PUBLIC_BASE_URL: this.sys.baseUrl,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        if (seen === 'ready') return;
        seen = (seen + chunk.toString()).slice(-4096);
        if (seen.includes('"msg":"workers running"')) {
          seen = 'ready';
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
    return child;
  }

  /** A second web process (`src/main.ts`, no workers in it); resolves with its URL once /healthz answers. */
  async web(): Promise<string> {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...this.baseEnv(),
        LOG_LEVEL: process.env.TEST_CHILD_LOG ?? 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_BASE_URL: url,
        RUN_WORKERS_IN_WEB: 'false',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.children.push(child);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`web process exited (${child.exitCode})`);
        const res = await fetch(`${url}/healthz`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      { within: 'process', what: 'the web process' },
    );
    return url;
  }

  /** Asks every child to drain (SIGTERM), and kills whichever has not exited after a few seconds. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** Waits until a queue has nothing left to run (its delayed retries included). */
export async function drained(queue: Queue, what: string): Promise<void> {
  await eventually(
    async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(c).every((n) => n === 0) ? true : undefined;
    },
    { within: 'bulk', what: `${what} drained` },
  );
}
