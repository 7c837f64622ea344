import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';

/**
 * Starts Redis and a MongoDB-wire server as child processes on free loopback ports, for development
 * and tests. Production points REDIS_URL / MONGODB_URI at real servers and never comes here.
 */

export interface EmbeddedService {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops the process; safe to call twice. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Folder for the server's data; created if missing. */
  dataDir: string;
  /** Directories searched for binaries, in order (usually PATH plus the Go bin folder). */
  searchPath: string[];
  /** Keep data on disk between runs (development) or not (tests). */
  persistent: boolean;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /** A fixed port (a restart in tests must come back where clients expect it); default: a free one. */
  port?: number;
}

export class ServiceStartError extends Error {
  constructor(
    service: string,
    reason: string,
    readonly hint?: string,
  ) {
    super(`${service} could not start: ${reason}${hint ? `\n  ${hint}` : ''}`);
    this.name = 'ServiceStartError';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A crashed or interrupted parent must not leave servers behind holding ports and data folders. */
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export function findExecutable(name: string, searchPath: string[]): string | undefined {
  for (const dir of searchPath) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  return undefined;
}

export async function findFreePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read a free port');
  return address.port;
}

function spawnServer(
  name: string,
  bin: string,
  args: string[],
): { child: ChildProcess; output: () => string } {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  killChildrenOnExit();
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', () => running.delete(child));
  child.on('error', (err) => {
    tail += `\n${name} spawn error: ${err.message}`;
  });
  return { child, output: () => tail };
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = delay(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitUntil(
  name: string,
  child: ChildProcess,
  output: () => string,
  probe: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceStartError(
        name,
        `exited early (code ${child.exitCode ?? child.signalCode}).\n${output()}`,
      );
    }
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await delay(100);
  }
  await stopChild(child);
  throw new ServiceStartError(name, `did not answer within ${timeoutMs} ms (${lastError}).\n${output()}`);
}

export async function startRedis(opts: ServiceOptions): Promise<EmbeddedService> {
  const bin = findExecutable('redis-server', opts.searchPath);
  if (!bin) {
    throw new ServiceStartError(
      'Redis',
      'redis-server was not found on PATH',
      'Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to a running Redis.',
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const port = await findFreePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    path.resolve(opts.dataDir),
    '--daemonize',
    'no',
    // BullMQ requires that Redis never evicts its keys.
    '--maxmemory-policy',
    'noeviction',
    '--save',
    opts.persistent ? '60 1' : '',
    '--appendonly',
    opts.persistent ? 'yes' : 'no',
    '--protected-mode',
    'yes',
  ];
  const { child, output } = spawnServer('redis', bin, args);
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil(
    'Redis',
    child,
    output,
    async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // connect() rejects with the same error; the listener only stops ioredis printing it as unhandled.
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
      } finally {
        probe.disconnect();
      }
    },
    opts.startTimeoutMs ?? 15_000,
  );
  return { name: 'redis', url, pid: child.pid, stop: () => stopChild(child) };
}

export async function startMongo(opts: ServiceOptions): Promise<EmbeddedService> {
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await findFreePort());
  const dir = path.resolve(opts.dataDir);
  const mongod = findExecutable('mongod', opts.searchPath);
  const ferretdb = findExecutable('ferretdb', opts.searchPath);
  let name: string;
  let spawned: ReturnType<typeof spawnServer>;
  if (mongod) {
    name = 'mongod';
    spawned = spawnServer(name, mongod, [
      '--port',
      String(port),
      '--bind_ip',
      '127.0.0.1',
      '--dbpath',
      dir,
      '--quiet',
    ]);
  } else if (ferretdb) {
    name = 'FerretDB';
    spawned = spawnServer(name, ferretdb, [
      '--handler=sqlite',
      // WAL with synchronous=NORMAL: a commit is durable once the WAL is synced at checkpoints, as
      // MongoDB's journal is flushed every 100 ms; FULL fsyncs every commit (measured: 1,284 vs
      // 3,437 inserts/s at 20 concurrent). An app crash loses nothing; a power cut the last moments.
      `--sqlite-url=file:${dir}/?_pragma=synchronous(normal)`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      // The default debug address and state folder collide between instances; telemetry would call out.
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ]);
  } else {
    throw new ServiceStartError(
      'MongoDB',
      'neither mongod nor ferretdb was found on PATH or in the Go bin folder',
      'Run scripts/install-deps.sh (builds FerretDB v1.24.2 with Go), install mongod, or set MONGODB_URI.',
    );
  }
  const url = `mongodb://127.0.0.1:${port}/`;
  await waitUntil(
    name,
    spawned.child,
    spawned.output,
    async () => {
      const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: 500 });
      try {
        await conn.asPromise();
        await conn.db?.admin().ping();
      } finally {
        await conn.close();
      }
    },
    opts.startTimeoutMs ?? 30_000,
  );
  const child = spawned.child;
  return { name, url, pid: child.pid, stop: () => stopChild(child) };
}
