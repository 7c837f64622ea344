import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, ticketEvent } from '../support/followup.js';
import { eventually, POLICY_OFF, startTestSystem, type TestSystem } from '../support/system.js';

const COUNT = 40;
let sys: TestSystem;
const children: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_CHILD_LOG ?? 'warn',
      REDIS_URL: inject('redisUrl'),
      MONGODB_URI: `${inject('mongoUrl')}${sys.dbName}`,
      QUEUE_PREFIX: sys.ctx.config.queuePrefix,
      PUBLIC_BASE_URL: sys.baseUrl,
      SANDBOX_API_URL: sys.baseUrl,
      WORKER_LOCK_MS: '1500',
      ...FAST_FOLLOWUP_ENV,
      ...POLICY_OFF,
      SMS_RATE_PER_SECOND: '15',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  sys = await startTestSystem({ workers: false, env: FAST_FOLLOWUP_ENV });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sys.stop();
});

const phone = (i: number) => `+9665000030${String(i).padStart(2, '0')}`;
const sentCount = () =>
  (sys.ctx.sandbox?.listMessages() ?? []).filter((m) => m.to.startsWith('+9665000030')).length;

describe('a worker killed mid-batch', () => {
  it('neither sends twice nor loses a follow-up', async () => {
    const token = await sys.token('ticket_system');
    for (let i = 0; i < COUNT; i++) await ticketEvent(sys, token, `K-${i}`, 'closed', { phone: phone(i) });

    const first = startWorkerProcess();
    await eventually(() => Promise.resolve(sentCount() >= 10 ? true : undefined), {
      within: 'process',
      what: 'the first sends',
    });
    first.kill('SIGKILL');
    const sentBeforeCrash = sentCount();
    expect(sentBeforeCrash).toBeLessThan(COUNT);

    startWorkerProcess();
    await eventually(
      async () =>
        (await sys.ctx.models.FollowUp.countDocuments({ ticketRef: /^K-/, state: 'awaiting_solved' })) ===
        COUNT
          ? true
          : undefined,
      { within: 'bulk', what: 'every follow-up sent' },
    );
    const perRecipient = new Map<string, number>();
    for (const m of sys.ctx.sandbox?.listMessages() ?? [])
      if (m.to.startsWith('+9665000030')) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(COUNT);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(await sys.ctx.models.FollowUpMessage.countDocuments({ kind: 'initial' })).toBe(COUNT);
    // Two worker processes start and one waits out the other's send lease: more than the default.
  });
});
