import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { createLogger } from '../../src/log.js';
import { startSystem } from '../../src/system.js';
import { ticketEvent } from '../support/followup.js';
import { logSink } from '../support/log-sink.js';
import { POLICY_OFF, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * AGENCY_SAMPLE_RATES names agencies by code, and codes compare exactly (as the events API
 * compares them): a code that matches a known agency only when case is ignored is refused at
 * start-up instead of leaving that agency at the default rate without a word.
 */

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ env: { FOLLOWUP_DELAY_HOURS: '72' } });
  token = await sys.token('ticket_system');
  // One agency in the directory, one known only from its ticket events (listed as an unknown code).
  await sys.ctx.models.Agency.create({ code: 'SMPL', name: { ar: 'جهة العينة', en: 'Sample agency' } });
  await ticketEvent(sys, token, 'SRC-EV', 'closed', { agency: 'Ev.Only', phone: '+966501110001' });
});
afterAll(async () => {
  await sys?.stop();
});

/** Starts a second system on the first one's database with these rates; its log lines are kept. */
function startWith(rates: string) {
  const { lines, sink } = logSink();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    QUEUE_PREFIX: `${sys.ctx.config.queuePrefix}b`,
    ...POLICY_OFF,
    PATH: process.env.PATH,
    AGENCY_SAMPLE_RATES: rates,
  });
  const started = startSystem(config, {
    web: false,
    workers: false,
    services: { ...sys.services, dbName: sys.dbName },
    log: createLogger({ level: 'warn', destination: sink }),
    reconcileEveryMs: 0,
  });
  return { started, lines };
}

describe('AGENCY_SAMPLE_RATES codes', () => {
  it('refuses to start when a code matches a known agency only in another case, naming the agency meant', async () => {
    for (const [rates, meant] of [
      ['smpl=0.5', 'SMPL'],
      ['ev.only=0.5', 'Ev.Only'],
    ] as const) {
      const { started } = startWith(rates);
      const err = await started.then(
        async (s) => {
          await s.stop();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err, rates).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(`did you mean "${meant}"?`);
    }
  });

  it('starts with the exact codes, and a closure of that agency is drawn at its own rate', async () => {
    const { started } = startWith('SMPL=0.5,Ev.Only=0.25');
    const other = await started;
    await other.stop();
    // The first system, with the same setting, records the rate on the follow-up it schedules.
    const rated = await startTestSystem({
      env: { FOLLOWUP_DELAY_HOURS: '72', AGENCY_SAMPLE_RATES: 'SMPL=0.5' },
    });
    try {
      await ticketEvent(rated, await rated.token('ticket_system'), 'SRC-1', 'closed', {
        agency: 'SMPL',
        phone: '+966501110002',
      });
      const f = await rated.ctx.models.FollowUp.findOne({ ticketRef: 'SRC-1' }).lean<FollowUpDoc>();
      expect(f?.sampleRate).toBe(0.5);
    } finally {
      await rated.stop();
    }
  });

  it('starts with a code no agency has yet, and says so in the log', async () => {
    const { started, lines } = startWith('later=0.5');
    const other = await started;
    await other.stop();
    const warning = lines
      .map((l) => JSON.parse(l) as { msg: string; agency?: string })
      .find((l) => l.agency === 'later');
    expect(warning?.msg).toMatch(/neither the directory nor any ticket event knows yet/);
  });
});
