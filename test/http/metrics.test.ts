import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWUP_QUEUE } from '../../src/followup/queue.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 16, item 1: GET /metrics in Prometheus format.
const LIVE = {
  TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'live-auth-token-of-a-real-account',
  ANSWER_LINK_SECRET: 'a-live-answer-link-secret-of-its-own-000',
  SECRETS_KEY: 'cd'.repeat(32),
};
const PHONE = '+966501110101';

let full: TestSystem;
let webOnly: TestSystem;

beforeAll(async () => {
  full = await startTestSystem({ workers: true, env: { ...FAST_FOLLOWUP_ENV, METRICS_CACHE_SECONDS: '0' } });
  webOnly = await startTestSystem({ env: { ...FAST_FOLLOWUP_ENV, METRICS_PORT: '0' } });
});
afterAll(async () => {
  await full?.stop();
  await webOnly?.stop();
});

async function scrape(sys: TestSystem, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample, matched by its name and every label given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** V8's collector, reachable once --expose-gc is set at run time. */
function fullCollection(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('GET /metrics', () => {
  it('the heap after a full collection follows what the process holds, not its garbage', async () => {
    const gc = fullCollection();
    const live = async () => sample(await scrape(full), 'verisat_nodejs_heap_after_major_gc_bytes') ?? 0;
    // The value is taken when V8 reports the collection, a moment after it.
    const afterCollecting = async (differs: (v: number) => boolean) => {
      gc();
      return eventually(async () => {
        const v = await live();
        return differs(v) ? v : (gc(), undefined);
      });
    };
    const before = await afterCollecting(() => true);
    // Garbage in the old generation (large arrays go there) stays in the heap until a full
    // collection: the heap in use grows by it, this figure does not.
    let garbage: number[][] | undefined = Array.from({ length: 64 }, () =>
      new Array<number>(100_000).fill(2.5),
    );
    expect(garbage.length).toBe(64);
    garbage = undefined;
    expect(v8.getHeapStatistics().used_heap_size).toBeGreaterThan(before + 30e6);
    expect(await live()).toBeLessThan(before + 30e6);
    expect(garbage).toBeUndefined();
    let held: number[][] | undefined = Array.from({ length: 64 }, () => new Array<number>(100_000).fill(1.5));
    const holding = await afterCollecting((v) => v > before + 30e6);
    expect(held.length).toBe(64);
    held = undefined;
    const released = await afterCollecting((v) => v < holding - 30e6);
    expect(released).toBeLessThan(holding - 30e6);
    expect(held).toBeUndefined();
  });

  it('times requests by route pattern, never by the raw path, the token or the number', async () => {
    const admin = await full.token('admin');
    await ticketEvent(full, admin, 'T-M1', 'closed', { phone: PHONE });
    const [msg] = await waitForMessages(full, PHONE, 1);
    const link = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0] ?? '';
    expect((await fetch(`${full.baseUrl}${link}`)).status).toBe(200);
    await fetch(`${full.baseUrl}/no/such/${PHONE}`);

    const text = await scrape(full);
    expect(
      sample(text, 'verisat_http_request_duration_seconds_count', {
        route: '/f/:token',
        method: 'GET',
        status: '2xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'verisat_http_request_duration_seconds_count', {
        route: '/api/tickets/:ref/events',
        status: '2xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'verisat_http_request_duration_seconds_count', { route: 'unmatched' })).toBe(1);
    expect(text).not.toContain(link.slice(3));
    expect(text).not.toContain(PHONE.slice(1));
    expect(text).not.toContain('T-M1');
    expect(text).toContain('process="web+workers"');
    expect(sample(text, 'verisat_process_resident_memory_bytes')).toBeGreaterThan(0);
    // What a leak grows: the heap after a full collection, never more than the process holds.
    const live = sample(text, 'verisat_nodejs_heap_after_major_gc_bytes');
    expect(live).toBeGreaterThan(1_000_000);
    expect(live).toBeLessThan(sample(text, 'verisat_process_resident_memory_bytes') ?? 0);
  });

  it('labels a route one way whatever the case of the path that reached it (issue 23, item 12)', async () => {
    const admin = await full.token('admin');
    const variants = [
      '/sandbox/api/magic-numbers',
      '/SANDBOX/API/magic-numbers',
      '/Sandbox/Api/Magic-Numbers',
    ];
    for (const path of variants) expect((await full.api(path, { token: admin })).status, path).toBe(200);
    const text = await scrape(full);
    const routes = new Set(
      [...text.matchAll(/verisat_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map(
        (m) => m[1],
      ),
    );
    expect([...routes].filter((r) => r?.toLowerCase().includes('magic-numbers'))).toEqual([
      '/sandbox/api/magic-numbers',
    ]);
    expect(
      sample(text, 'verisat_http_request_duration_seconds_count', {
        route: '/sandbox/api/magic-numbers',
        method: 'GET',
        status: '2xx',
      }),
    ).toBe(3);
  });

  it('counts messages by status and answers by outcome and channel, from the database', async () => {
    const admin = await full.token('admin');
    const phone = '+966501110102';
    await ticketEvent(full, admin, 'T-M2', 'closed', { phone });
    await waitForMessages(full, phone, 1);
    await reply(full, phone, '1');
    await reply(full, phone, '5');
    const text = await eventually(async () => {
      const t = await scrape(full);
      return (sample(t, 'verisat_answers', { outcome: 'confirmed_solved', channel: 'sms' }) ?? 0) >= 1 &&
        (sample(t, 'verisat_messages', { status: 'delivered' }) ?? 0) >= 1
        ? t
        : undefined;
    });
    const stored = await full.ctx.models.FollowUpMessage.countDocuments({
      direction: 'outbound',
      status: 'delivered',
    });
    const counted = text
      .split('\n')
      .filter((l) => l.startsWith('verisat_messages{') && l.includes('status="delivered"'))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(counted).toBe(stored);
  });

  it('counts a finished verification call by its final status, and a refused number as no job failure', async () => {
    const admin = await full.token('admin');
    const sandbox = full.ctx.sandbox;
    if (!sandbox) throw new Error('the stand-in is not running');
    await full.ctx.models.Agency.create({
      code: 'MVC',
      name: { ar: 'جهة', en: 'Agency' },
      channels: ['voice'],
    });
    const phone = '+966501110104';
    await ticketEvent(full, admin, 'T-M4', 'closed', { phone, agency: 'MVC' });
    const call = await eventually(() =>
      Promise.resolve(sandbox.calls.list({ to: phone }).find((c) => c.status === 'ringing')),
    );
    await sandbox.calls.answer(call.sid, 'machine_start');
    const text = await eventually(async () => {
      const t = await scrape(full);
      return (sample(t, 'verisat_messages', { status: 'completed', channel: 'voice' }) ?? 0) >= 1
        ? t
        : undefined;
    });
    expect(sample(text, 'verisat_messages', { status: 'ringing', channel: 'voice' })).toBeUndefined();

    await ticketEvent(full, admin, 'T-M5', 'closed', { phone: '+15005550001' });
    await eventually(
      async () =>
        (await full.ctx.models.VerifiedScore.findOne({
          ticketRef: 'T-M5',
          outcome: 'undeliverable',
        }).lean()) ?? undefined,
    );
    // One read of the job once it has finished: a copy read while it still ran has no return value
    // even if its state, read a moment later, is completed (seen on a loaded machine).
    const job = await eventually(async () => {
      const j = await full.ctx.queues.get(FOLLOWUP_QUEUE).getJob('fu-send-T-M5-1');
      return j?.finishedOn !== undefined ? j : undefined;
    });
    expect(job.returnvalue).toMatchObject({ outcome: 'undeliverable' });
    const after = await scrape(full);
    expect(sample(after, 'verisat_queue_job_failures_total', { queue: FOLLOWUP_QUEUE }) ?? 0).toBe(0);
  });

  it('reports queue depth and the age of the oldest due job, which grows while no worker runs', async () => {
    const admin = await webOnly.token('admin');
    await ticketEvent(webOnly, admin, 'T-M3', 'closed', { phone: '+966501110103' });
    const first = await eventually(async () => {
      const t = await scrape(webOnly);
      const age = sample(t, 'verisat_queue_oldest_due_job_age_seconds', { queue: FOLLOWUP_QUEUE }) ?? 0;
      return age > 0 ? { t, age } : undefined;
    });
    const depth =
      (sample(first.t, 'verisat_queue_jobs', { queue: FOLLOWUP_QUEUE, state: 'waiting' }) ?? 0) +
      (sample(first.t, 'verisat_queue_jobs', { queue: FOLLOWUP_QUEUE, state: 'delayed' }) ?? 0);
    const inRedis = await webOnly.ctx.queues.get(FOLLOWUP_QUEUE).getJobCountByTypes('waiting', 'delayed');
    expect(depth).toBe(inRedis);
    expect(depth).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const age = sample(await scrape(webOnly), 'verisat_queue_oldest_due_job_age_seconds', {
        queue: FOLLOWUP_QUEUE,
      });
      return (age ?? 0) > first.age ? true : undefined;
    });
    // The same figures on the loopback-only port, without a token.
    expect(webOnly.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const local = await (await fetch(webOnly.metricsUrl ?? '')).text();
    expect(sample(local, 'verisat_queue_jobs', { queue: FOLLOWUP_QUEUE, state: 'failed' })).toBe(0);
    expect(local).toContain('process="web"');
  });

  it('counts job failures per queue in the process that ran them', async () => {
    const queue = full.ctx.queues.get('sms-inbound');
    const before =
      sample(await scrape(full), 'verisat_queue_job_failures_total', { queue: 'sms-inbound' }) ?? 0;
    // A job the inbound worker cannot read fails (a malformed payload, as a bad deploy could queue).
    await queue.add('inbound', { nonsense: true }, { jobId: 'metrics-bad-job', attempts: 1 });
    await eventually(async () => {
      const n = sample(await scrape(full), 'verisat_queue_job_failures_total', { queue: 'sms-inbound' }) ?? 0;
      return n > before ? true : undefined;
    });
  });
});

describe('metrics in live mode', () => {
  let live: TestSystem | undefined;
  afterAll(async () => {
    await live?.stop();
  });

  it('are not on the public port without a token, and need the token when one is set', async () => {
    const bare = await startTestSystem({ env: LIVE });
    try {
      expect((await fetch(`${bare.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await bare.stop();
    }
    const token = 'metrics-token-of-this-deployment';
    live = await startTestSystem({ env: { ...LIVE, METRICS_TOKEN: token } });
    const none = await fetch(`${live.baseUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('verisat_');
    expect(
      (await fetch(`${live.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    expect(await scrape(live, { authorization: `Bearer ${token}` })).toContain(
      'verisat_http_request_duration',
    );
  });
});
