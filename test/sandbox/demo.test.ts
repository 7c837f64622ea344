import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connection.js';
import { isDemoData, markDemoData } from '../../src/sandbox/demo/marker.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { DEADLINE } from '../support/time.js';

const run = promisify(execFile);
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'verisat-demo-test-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** The demo as CI runs it: a child process on the run's Redis and MongoDB-wire server. */
function demo(args: string[]) {
  return run('node', ['--import', 'tsx', 'scripts/demo.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      JAVA_HOME: process.env.JAVA_HOME,
      REDIS_URL: inject('redisUrl'),
      MONGODB_URI: inject('mongoUrl'),
      // No running `npm start` is found here: the demo starts a system of its own.
      DATA_DIR: dataDir,
    },
    // The whole scenario, start to end: bulk work, not only a start.
    timeout: DEADLINE.bulk,
  });
}

describe('npm run demo', () => {
  it('plays the whole scenario through the signed webhooks and finds every expected record', async () => {
    const { stdout } = await demo([]);
    expect(stdout).toContain('Demo passed: every expected record is there.');
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/DEMO-\w+-1\s+disputed\s+solved=false rating=1 reason=no_contact post-call=5/);
    expect(stdout).toMatch(/DEMO-\w+-2\s+confirmed_solved/);
    expect(stdout).toMatch(/DEMO-\w+-3\s+opted_out/);
    expect(stdout).toMatch(/brush-off gap\s+100\.0% \(n=1\)/);
    expect(stdout).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard/);
  });

  describe('--month', () => {
    let db: Database;
    beforeAll(async () => {
      const { stdout, stderr } = await demo(['--month', '--exit', '--days', '4']);
      expect(stdout).toMatch(/Wrote \d+ closures/);
      expect(stderr).toContain('day 4/4');
      db = await connectDatabase(`${inject('mongoUrl')}verisat_demo`);
    });
    afterAll(async () => {
      await db?.conn.dropDatabase().catch(() => undefined);
      await db?.close();
    });

    it('writes a marked database whose daily sums agree with its records, with a brush-off agent', async () => {
      expect(await isDemoData(db.conn)).toBe(true);
      const { VerifiedScore, DailySum, Agency } = db.models;
      const records = await VerifiedScore.countDocuments();
      expect(records).toBeGreaterThan(100);
      const sums = await DailySum.collection
        .aggregate<{ closures: number }>([{ $group: { _id: null, closures: { $sum: '$all.closures' } } }])
        .toArray();
      expect(sums[0]?.closures).toBe(records);
      expect(await Agency.countDocuments({ code: { $in: ['MOMAH', 'MOH', 'NWC'] } })).toBe(3);

      const brushOff = await VerifiedScore.find({ agentId: 'momah-r-02' }).lean();
      const rated = brushOff.filter((s) => s.postCallRating != null);
      expect(rated.length).toBeGreaterThan(0);
      expect(rated.every((s) => s.postCallRating === 5)).toBe(true);
      const answered = brushOff.filter((s) => s.solved != null);
      expect(answered.filter((s) => s.solved === false).length).toBeGreaterThan(answered.length / 2);
      const outcomes = new Set(
        (await VerifiedScore.find().select({ outcome: 1 }).lean()).map((s) => s.outcome),
      );
      expect(outcomes.size).toBeGreaterThanOrEqual(5);
    });
  });
});

describe('demo data is marked on every page', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(async () => {
    await sys?.stop();
  });

  it('shows no banner until the database is marked, then one in both languages on every page', async () => {
    const page = (p: string) => fetch(`${sys.baseUrl}${p}`).then((r) => r.text());
    expect(await page('/public')).not.toContain('data-demo-banner');
    // The mark is read at most every few seconds: a fresh system reads it at once.
    const fresh = await startTestSystem();
    try {
      await markDemoData(fresh.ctx.db.conn, 'test');
      for (const p of ['/public', '/public?lang=en', '/login', '/sandbox', `/f/${'A'.repeat(32)}`]) {
        const html = await fetch(`${fresh.baseUrl}${p}`).then((r) => r.text());
        expect(html, p).toContain('data-demo-banner');
        expect(html, p).toContain('بيانات تجريبية');
        expect(html, p).toContain('Demo data');
      }
      const api = await fetch(`${fresh.baseUrl}/healthz`).then((r) => r.text());
      expect(api).not.toContain('data-demo-banner');
    } finally {
      await fresh.stop();
    }
  });
});
