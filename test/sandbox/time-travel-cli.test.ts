import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

const run = promisify(execFile);
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  // The default three-day delay: only time travel makes the follow-up due during the test.
  sys = await startTestSystem({ workers: true, env: { SEND_WINDOW: '00:00-24:00' } });
  token = await sys.token('ticket_system');
});
afterAll(async () => {
  await sys?.stop();
});

/** `npm run due` as a developer runs it, against this test's Redis, database and queue prefix. */
function due(args: string[]) {
  return run('node', ['--import', 'tsx', 'scripts/due.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: sys.services.redisUrl,
      MONGODB_URI: `${sys.services.mongoUri}${sys.dbName}`,
      QUEUE_PREFIX: sys.ctx.config.queuePrefix,
      SEND_WINDOW: '00:00-24:00',
    },
  });
}

describe('npm run due', () => {
  it("lists a ticket's delayed send, then runs it now through BullMQ's promote", async () => {
    const phone = '+966501119900';
    await ticketEvent(sys, token, 'T-DUE-1', 'closed', { phone });
    const listed = await due(['T-DUE-1', '--list']);
    expect(listed.stdout).toMatch(/closure 1 send\s+delayed, would run at 20\d\d-/);

    const ran = await due(['T-DUE-1']);
    expect(ran.stdout).toMatch(/running now\n\s+closure 1 send/);
    const [message] = await waitForMessages(sys, phone, 1);
    expect(message?.body).toMatch(/T-DUE-1/);
    // The job ran as itself: same id, completed, not a copy added beside it.
    // Completed also means its reminder and expiry are scheduled (they are added before it returns).
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    await eventually(
      async () =>
        (await queue.getJobState(followUpJobId('send', 'T-DUE-1', 1))) === 'completed' ? true : undefined,
      { what: 'the promoted send job completed' },
    );

    const again = await due(['T-DUE-1', '--list']);
    expect(again.stdout).toMatch(/closure 1 reminder\s+delayed/);
    expect(again.stdout).toMatch(/closure 1 expire\s+delayed/);
  });

  it('says so when a ticket has nothing delayed, and refuses a malformed ref', async () => {
    expect((await due(['T-NONE'])).stdout).toContain('T-NONE: nothing delayed to run now');
    const bad = await due(['../x']).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain('usage: npm run due');
  });
});
