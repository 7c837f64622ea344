import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/index.js';
import { startMongo, startRedis, type EmbeddedService } from '../src/services/embedded.js';
import type { TestSystem } from '../test/support/system.js';

/** Latency percentiles in milliseconds from a list of samples. */
export function percentiles(samples: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

export interface LoadResult {
  label: string;
  requests: number;
  seconds: number;
  perSecond: number;
  latency: ReturnType<typeof percentiles>;
  errors: number;
}

/** Runs `count` calls of `fn` with `concurrency` in flight; bounded in count, never open-ended. */
export async function runLoad(
  label: string,
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const samples: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const ok = await fn(i).catch((err: unknown) => {
          firstError ??= err instanceof Error ? err.message : String(err);
          return false;
        });
        samples.push(performance.now() - t0);
        if (!ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (firstError) console.error(`${label}: ${errors} error(s), first: ${firstError}`);
  return {
    label,
    requests: count,
    seconds,
    perSecond: count / seconds,
    latency: percentiles(samples),
    errors,
  };
}

/** Runs `total` jobs of a fresh raw queue through `processor` (concurrency 20), timing each. */
export async function rawDrain(
  redisUrl: string,
  label: string,
  total: number,
  processor: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const name = `raw-${label.replace(/\W+/g, '-')}-${Date.now()}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: redis, prefix: 'rawbench' });
  await queue.addBulk(Array.from({ length: total }, (_, i) => ({ name: 'send', data: { i } })));
  const samples: number[] = [];
  let failed = 0;
  const started = performance.now();
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    name,
    async (job) => {
      const t0 = performance.now();
      await processor((job.data as { i: number }).i);
      samples.push(performance.now() - t0);
    },
    {
      connection: workerConnection,
      prefix: 'rawbench',
      concurrency: 20,
    },
  );
  worker.on('failed', (_job, err) => {
    failed += 1;
    if (failed === 1) console.error(`${label}: ${err.message}`);
  });
  while (samples.length + failed < total) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  workerConnection.disconnect();
  return {
    label,
    requests: total,
    seconds,
    perSecond: total / seconds,
    latency: percentiles(samples),
    errors: failed,
  };
}

/** A first message of the usual length, for the raw processors. */
export const SMS_BODY =
  'أمانة منطقة الرياض: أُغلق طلبك S-12345. هل حُلّت مشكلتك؟ رد 1 نعم أو 2 لا، أو أجب هنا: https://verisat.example/f/AbCdEfGhIjKlMnOpQrStUvWxYz012345';

/**
 * The send baselines' HTTP call: one POST to the stand-in's Messages resource by `fetch`, no SDK and
 * no logic, with the parameters a follow-up sends so the request is the same size. Turns the
 * stand-in's status callbacks off: a minute after each round they would reach the webhook during a
 * later one, and handling them is measured with the inbound webhook.
 */
export function bareSender(sys: TestSystem): (to: string) => Promise<void> {
  sys.ctx.sandbox?.close();
  const { accountSid, authToken } = sys.ctx.config.twilio;
  const url = `${sys.baseUrl}/__twilio/api/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  return async (to) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        To: to,
        From: '+966920000000',
        Body: SMS_BODY,
        StatusCallback: `${sys.baseUrl}/sms/status`,
        ValidityPeriod: '36000',
      }).toString(),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`stand-in answered ${res.status}`);
  };
}

/** The middle value (the lower middle of an even count), so one noisy round does not decide. */
export function medianBy<T>(items: T[], value: (item: T) => number): T {
  const middle = [...items].sort((a, b) => value(a) - value(b))[Math.floor((items.length - 1) / 2)];
  if (middle === undefined) throw new Error('median of nothing');
  return middle;
}

/** The run with the median throughput, its own latencies with it. */
export function median(results: LoadResult[]): LoadResult {
  return medianBy(results, (r) => r.perSecond);
}

export function report(result: LoadResult): void {
  const l = result.latency;
  console.log(
    `${result.label.padEnd(46)} ${result.perSecond.toFixed(0).padStart(7)}/s  p50 ${l.p50.toFixed(2)} ms  p90 ${l.p90.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(1)} ms  errors ${result.errors}`,
  );
}

export function ratio(label: string, ours: number, baseline: number, target?: number): void {
  const r = ours / baseline;
  console.log(
    `${label.padEnd(46)} ratio ${(r * 100).toFixed(1)}%${target !== undefined ? `  (target ≥ ${target * 100}%: ${r >= target ? 'met' : 'NOT met'})` : ''}`,
  );
}

/** Fresh Redis and MongoDB-wire server for one benchmark run, removed afterwards. */
export async function benchServices(opts: { javaHeap?: string } = {}): Promise<{
  redisUrl: string;
  mongoUrl: string;
  /** Process ids of the servers, for benchmarks that sample their memory. */
  pids: { redis: number | undefined; mongo: number | undefined };
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-bench-'));
  const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
  const started: EmbeddedService[] = [];
  const redis = await startRedis({ dataDir: path.join(dir, 'redis'), searchPath, persistent: false });
  started.push(redis);
  const mongo = process.env.MONGODB_URI
    ? undefined
    : await startMongo({
        dataDir: path.join(dir, 'mongo'),
        searchPath,
        persistent: false,
        ...(opts.javaHeap ? { javaHeap: opts.javaHeap } : {}),
      });
  if (mongo) started.push(mongo);
  return {
    redisUrl: redis.url,
    mongoUrl: process.env.MONGODB_URI ?? mongo?.url ?? '',
    pids: { redis: redis.pid, mongo: mongo?.pid },
    stop: async () => {
      await Promise.allSettled(started.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Load from a second process (autocannon), so the load generator does not share the event loop (or
 * much of the CPU) of the server it measures. One fixed request for `seconds`, `connections` at once
 * (a fixed duration: autocannon's clock has one-second ticks, too coarse for a fixed count).
 */
export async function autocannon(
  label: string,
  url: string,
  opts: { body: string; headers: Record<string, string>; seconds: number; connections: number },
): Promise<LoadResult> {
  const args = [
    'node_modules/autocannon/autocannon.js',
    '-j',
    '-n',
    '-m',
    'POST',
    '-c',
    String(opts.connections),
    '-d',
    String(opts.seconds),
    '-b',
    opts.body,
  ];
  for (const [k, v] of Object.entries(opts.headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const r = JSON.parse(await runChild('autocannon', args)) as LoadReport & { duration: number };
  return toLoadResult(label, r, r.duration);
}

/** The part of autocannon's JSON report (and of bench/load-runner.ts's) that a LoadResult needs. */
interface LoadReport {
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

function toLoadResult(label: string, r: LoadReport, seconds: number): LoadResult {
  return {
    label,
    requests: r.requests.total,
    seconds,
    perSecond: r.requests.total / seconds,
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    errors: r.non2xx + r.errors,
  };
}

/** Runs a Node script in a child process and returns what it printed. */
async function runChild(name: string, args: string[]): Promise<string> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`${name} exited ${code}`);
  return out;
}

/**
 * Like `autocannon`, but with a different request each time, each sent once (bench/load-runner.ts):
 * for webhooks whose bodies must differ (message ids, senders) and so carry their own signatures.
 * With `rate`, offered at that many per second (open loop) instead of as fast as answered.
 */
export async function loadEach(
  label: string,
  url: string,
  requests: { path?: string; body: string; headers: Record<string, string> }[],
  connections: number,
  opts: { rate?: number } = {},
): Promise<LoadResult> {
  const { writeFileSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-load-'));
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify({ url, connections, requests, ...opts }));
  try {
    const out = await runChild('load runner', ['--import', 'tsx', 'bench/load-runner.ts', specFile]);
    const { result, wallMs } = JSON.parse(out) as { result: LoadReport; wallMs: number };
    return toLoadResult(label, result, wallMs / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * With BENCH_CPU_PROFILE=<dir>, records a V8 CPU profile of this process for one measured phase
 * (open it in Chrome's DevTools); without it, costs nothing. The phase's name names the file.
 */
export async function profilePhase<T>(name: string, phase: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`cpu profile of ${name}: ${file}`);
    session.disconnect();
  }
}
