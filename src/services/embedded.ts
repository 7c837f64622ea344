import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** Directories searched for binaries, in order (usually PATH, then JAVA_HOME/bin). */
  searchPath: string[];
  /** Keep data on disk between runs (development) or not (tests). */
  persistent: boolean;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /** A fixed port (a restart in tests must come back where clients expect it); default: a free one. */
  port?: number;
}

export interface RedisServiceOptions extends ServiceOptions {
  /**
   * How often Redis syncs its append-only file: `everysec` (the default, what BullMQ's production
   * guide and most deployments use: a crash loses at most the last second) or `always`.
   */
  appendfsync?: 'always' | 'everysec';
  /** Extra `redis-server` arguments (the cluster harness adds cluster-enabled and its node file). */
  extraArgs?: string[];
}

export interface MongoOptions extends ServiceOptions {
  /** mongo-java-server's JVM heap (-Xmx), e.g. 512m (the default). */
  javaHeap?: string;
  /**
   * How often mongo-java-server commits its H2 file (ms, default 50): what a crash of it loses at
   * most. 0 commits before every reply, so nothing acknowledged is lost (writes about 10-25% slower).
   */
  commitMs?: number;
  /** Where scripts/install-deps.sh put the jars and the compiled launcher; default: the repo's .deps. */
  javaDepsDir?: string;
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
  opts: { stdinPipe?: boolean } = {},
): { child: ChildProcess; output: () => string } {
  // A piped stdin that only we hold: a server that watches it sees it close when we die, even by SIGKILL.
  const child = spawn(bin, args, { stdio: [opts.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
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

export async function startRedis(opts: RedisServiceOptions): Promise<EmbeddedService> {
  const bin = findExecutable('redis-server', opts.searchPath);
  if (!bin) {
    throw new ServiceStartError(
      'Redis',
      'redis-server was not found on PATH',
      'Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to a running Redis.',
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await findFreePort());
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
    // Append-only persistence always, tests included (BullMQ's production guide asks for it): a
    // Redis killed and restarted comes back with its delayed jobs, and the fault suite proves it.
    '--appendonly',
    'yes',
    '--appendfsync',
    opts.appendfsync ?? 'everysec',
    // Snapshots only where the data is kept between runs; a test's AOF alone covers a restart.
    '--save',
    opts.persistent ? '60 1' : '',
    '--protected-mode',
    'yes',
    ...(opts.extraArgs ?? []),
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

const defaultJavaDepsDir = fileURLToPath(new URL('../../.deps/mongo-java-server', import.meta.url));
const installHint = 'Run scripts/install-deps.sh, install mongod, or set MONGODB_URI.';

/** Resolves with the port once the launcher prints `listening 127.0.0.1:PORT`; rejects if it exits first. */
function listeningPort(name: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  return new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      finish();
      void stopChild(child);
      reject(new ServiceStartError(name, `did not listen within ${timeoutMs} ms.\n${output()}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = /^listening 127\.0\.0\.1:(\d+)$/m.exec(seen);
      if (match) {
        finish();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish();
      reject(new ServiceStartError(name, `exited early (code ${code ?? signal}).\n${output()}`, installHint));
    };
    const finish = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

// Why: docs/decisions/0001-mongo-java-server.md
/**
 * mongod when it is on the search path (the real thing wins); otherwise mongo-java-server through
 * our launcher (scripts/mongo-java-server/): in memory when not persistent, else an H2 file in dataDir.
 */
export async function startMongo(opts: MongoOptions): Promise<EmbeddedService> {
  mkdirSync(opts.dataDir, { recursive: true });
  const dir = path.resolve(opts.dataDir);
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const started = Date.now();
  const mongod = findExecutable('mongod', opts.searchPath);
  let name: string;
  let spawned: ReturnType<typeof spawnServer>;
  let port: number;
  if (mongod) {
    name = 'mongod';
    port = opts.port ?? (await findFreePort());
    spawned = spawnServer(name, mongod, [
      '--port',
      String(port),
      '--bind_ip',
      '127.0.0.1',
      '--dbpath',
      dir,
      '--quiet',
    ]);
  } else {
    name = 'mongo-java-server';
    const java = findExecutable('java', opts.searchPath);
    if (!java) {
      throw new ServiceStartError(
        name,
        `neither mongod nor java was found (searched ${opts.searchPath.join(':')})`,
        `mongo-java-server needs Java 17+. ${installHint}`,
      );
    }
    const deps = opts.javaDepsDir ?? defaultJavaDepsDir;
    const launcher = path.join(deps, 'classes', 'VerisatMongoServer.class');
    if (!existsSync(launcher) || !existsSync(path.join(deps, 'lib'))) {
      throw new ServiceStartError(name, `its jars or launcher are missing (no ${launcher})`, installHint);
    }
    spawned = spawnServer(
      name,
      java,
      [
        `-Xmx${opts.javaHeap ?? '512m'}`,
        // Short collections over throughput: every request waits while the JVM collects. G1 keeps at
        // least 5% of the heap young by default, and with the benchmarks' 14 GB heap each young
        // collection took 60–560 ms (GC log) while the purge's updates ran, the webhooks' whole p99;
        // at 1% and a 10 ms goal the longest was 111 ms and that p99 fell to 14.7 ms
        // (bench/results/2026-12-06-retention.md).
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=10',
        '-XX:+UnlockExperimentalVMOptions',
        '-XX:G1NewSizePercent=1',
        // Its routine connection logs would fill the output tail that start-up errors show.
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${path.join(deps, 'classes')}${path.delimiter}${path.join(deps, 'lib', '*')}`,
        'VerisatMongoServer',
        // Port 0 lets the server pick a free one and say which, so no other process can take it meanwhile.
        '--port',
        String(opts.port ?? 0),
        ...(opts.persistent
          ? [
              '--h2-file',
              path.join(dir, 'mongo-java-server.mv.db'),
              '--commit-ms',
              String(opts.commitMs ?? 50),
            ]
          : ['--memory']),
      ],
      { stdinPipe: true },
    );
    port = await listeningPort(name, spawned.child, spawned.output, timeoutMs);
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
    Math.max(timeoutMs - (Date.now() - started), 1000),
  );
  const child = spawned.child;
  return { name, url, pid: child.pid, stop: () => stopChild(child) };
}
