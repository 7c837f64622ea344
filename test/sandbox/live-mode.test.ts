import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork, TimeTravelRefusedError } from '../../src/sandbox/time-travel.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

const LIVE = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'live-auth-token-of-a-real-account',
  ANSWER_LINK_SECRET: 'a-live-answer-link-secret-of-its-own-000',
  SECRETS_KEY: 'cd'.repeat(32),
};

let live: TestSystem;

beforeAll(async () => {
  live = await startTestSystem({ env: LIVE });
});
afterAll(async () => {
  await live?.stop();
});

describe('live mode has no sandbox', () => {
  it('answers 404 for the phone page, its script, its API and the stand-in API', async () => {
    expect(live.ctx.config.twilio.mode).toBe('live');
    for (const path of ['/sandbox', '/sandbox?lang=en', '/sandbox/phone.js', '/sandbox/api/magic-numbers']) {
      expect((await fetch(`${live.baseUrl}${path}`)).status, path).toBe(404);
    }
    const call = await fetch(`${live.baseUrl}/sandbox/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+966501234567' }),
    });
    expect(call.status).toBe(404);
    const standIn = await fetch(
      `${live.baseUrl}/__twilio/api/2010-04-01/Accounts/${LIVE.TWILIO_ACCOUNT_SID}/Messages.json`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${LIVE.TWILIO_ACCOUNT_SID}:${LIVE.TWILIO_AUTH_TOKEN}`).toString('base64')}`,
        },
      },
    );
    expect(standIn.status).toBe(404);
  });

  it('refuses time travel, in code and on the command line', async () => {
    await expect(runDueWork(live.ctx, 'T-1')).rejects.toBeInstanceOf(TimeTravelRefusedError);
    const run = promisify(execFile)('node', ['--import', 'tsx', 'scripts/due.ts', 'T-1'], {
      env: {
        PATH: process.env.PATH,
        ...LIVE,
        PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
        REDIS_URL: live.services.redisUrl,
      },
    });
    const failure = await run.then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/sandbox only/);
  });
});
