import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE, followUpJobId } from '../../src/followup/queue.js';
import { DateTime } from 'luxon';
import { ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, POLICY_OFF, startTestSystem, type TestSystem } from '../support/system.js';

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
      ...POLICY_OFF,
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

  it("lists a send deferred to its agency's window at the time it was moved to, and names that window", async () => {
    // The agency's own hours start two hours from now and last one: the configured window is all day.
    const local = DateTime.now().setZone(sys.ctx.config.timeZone).startOf('hour');
    const start = local.plus({ hours: 2 });
    const end = start.hour === 23 ? '24:00' : `${String(start.hour + 1).padStart(2, '0')}:00`;
    await sys.ctx.models.Agency.create({
      code: 'tt',
      name: { ar: 'جهة', en: 'Agency' },
      sendWindow: `${String(start.hour).padStart(2, '0')}:00-${end}`,
    });
    const opensAt = new Date(start.toMillis()).toISOString();
    await ticketEvent(sys, token, 'T-DUE-2', 'closed', { phone: '+966501119901', agency: 'tt' });
    const queue = sys.ctx.queues.get(FOLLOWUP_QUEUE);
    const firstDue = (await queue.getJob(followUpJobId('send', 'T-DUE-2', 1)))!;
    const original = new Date(firstDue.timestamp + firstDue.delay).toISOString();
    expect(original).not.toBe(opensAt);

    const ran = await due(['T-DUE-2']);
    expect(ran.stdout).toMatch(/running now\n\s+closure 1 send/);
    expect(ran.stdout).toContain(
      `outside the send window of agency tt: the message goes out when it opens, at ${opensAt}`,
    );
    // The worker takes it, finds the agency's window closed and moves it there (window-wait.ts).
    await eventually(
      async () => {
        const job = await queue.getJob(followUpJobId('send', 'T-DUE-2', 1));
        return job?.processedOn !== undefined && (await job.getState()) === 'delayed' ? true : undefined;
      },
      { what: 'the promoted send deferred to the window' },
    );
    const listed = await due(['T-DUE-2', '--list']);
    expect(listed.stdout).toContain(`closure 1 send     delayed, would run at ${opensAt}`);
    expect(listed.stdout).not.toContain(original);
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
