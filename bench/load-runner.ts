/**
 * Child process for bench/lib.ts `loadEach`: sends each prepared request exactly once over
 * `connections` keep-alive sockets (one request in flight per socket), so load generation never
 * shares the measured server's event loop. Requests are serialised up front and responses are read
 * by Content-Length only: autocannon's per-request `setupRequest` cost so much CPU that, on two
 * cores, it capped a bare Express route at the generator's speed. Prints the same shape as
 * autocannon's result plus the wall time.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

interface Spec {
  url: string;
  /** Closed loop: this many sockets, each sending its next request when the last is answered. */
  connections: number;
  /**
   * Open loop instead: requests offered at this many per second whatever the answers, on as many
   * sockets as are busy (at most `connections` × 8), each latency counted from when its request was
   * due, so a stalled server shows as the wait it caused (no coordinated omission).
   */
  rate?: number;
  /** `path` (with query) overrides the URL's, for requests to different resources. */
  requests: { path?: string; body: string; headers: Record<string, string> }[];
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Spec;
const url = new URL(spec.url);
const wire = spec.requests.map((r) =>
  Buffer.from(
    `POST ${r.path ?? url.pathname + url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${Buffer.byteLength(r.body)}\r\n` +
      Object.entries(r.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `\r\n${r.body}`,
  ),
);
const HEADER_END = Buffer.from('\r\n\r\n');

/** One whole response off the front of what a socket received (read by Content-Length), if there is one. */
function takeResponse(received: Buffer): { status?: number; rest: Buffer } {
  const headerEnd = received.indexOf(HEADER_END);
  if (headerEnd < 0) return { rest: received };
  const head = received.subarray(0, headerEnd).toString('latin1');
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  if (received.length < headerEnd + 4 + length) return { rest: received };
  return { status: Number(head.slice(9, 12)), rest: received.subarray(headerEnd + 4 + length) };
}
const latencies: number[] = [];
let next = 0;
let non2xx = 0;

function connection(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    const sendNext = () => {
      const request = wire[next++];
      if (!request) {
        socket.end();
        resolve();
        return;
      }
      sentAt = performance.now();
      socket.write(request);
    };
    socket.on('connect', sendNext);
    socket.on('data', (chunk: Buffer) => {
      const response = takeResponse(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      pending = response.rest;
      if (response.status === undefined) return;
      if (response.status < 200 || response.status > 299) non2xx += 1;
      latencies.push(performance.now() - sentAt);
      sendNext();
    });
    socket.on('error', reject);
    // The server may close a connection (a restart, a timeout): its request in flight counts as an
    // error and the others go on, where waiting for a response that cannot come would hang the run.
    socket.on('close', () => resolve());
  });
}

/** A keep-alive socket for the open loop: sends one request, calls back with its answer's status. */
interface Lane {
  send(request: Buffer, done: (status: number) => void): void;
  close(): void;
  /** False once the server has closed it (an idle keep-alive socket times out after 5 s). */
  open: boolean;
}

function lane(): Promise<Lane> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let onAnswer: ((status: number) => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      const response = takeResponse(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      pending = response.rest;
      if (response.status === undefined) return;
      const answer = onAnswer;
      onAnswer = undefined;
      answer?.(response.status);
    });
    const self: Lane = {
      open: true,
      send: (request, done) => {
        onAnswer = done;
        socket.write(request);
      },
      close: () => socket.end(),
    };
    socket.on('close', () => {
      self.open = false;
      const answer = onAnswer;
      onAnswer = undefined;
      answer?.(0);
    });
    socket.on('error', (err) => (onAnswer ? undefined : reject(err)));
    socket.on('connect', () => resolve(self));
  });
}

async function openLoop(rate: number): Promise<void> {
  const idle: Lane[] = [];
  const all: Lane[] = [];
  const maxLanes = spec.connections * 8;
  const backlog: { request: Buffer; due: number }[] = [];
  let answered = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  // A request whose socket closed has no latency: it counts among the errors.
  const record = (due: number, status: number) => {
    if (status !== 0) {
      if (status < 200 || status > 299) non2xx += 1;
      latencies.push(performance.now() - due);
    }
    answered += 1;
    if (answered === wire.length) finish();
  };
  const dispatch = (l: Lane) => {
    const next = backlog.shift();
    if (!next) {
      idle.push(l);
      return;
    }
    l.send(next.request, (status) => {
      record(next.due, status);
      if (status !== 0) return dispatch(l);
      // Closed by the server: the backlog goes on over a new socket.
      all.splice(all.indexOf(l), 1);
      if (backlog.length > 0)
        void lane().then(
          (fresh) => {
            all.push(fresh);
            dispatch(fresh);
          },
          (err: unknown) => {
            throw err;
          },
        );
    });
  };
  const start = performance.now();
  for (let i = 0; i < wire.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    backlog.push({ request: wire[i] as Buffer, due });
    let free = idle.pop();
    while (free && !free.open) {
      all.splice(all.indexOf(free), 1);
      free = idle.pop();
    }
    if (free) dispatch(free);
    else if (all.length < maxLanes) {
      const l = await lane();
      all.push(l);
      dispatch(l);
    }
  }
  await finished;
  for (const l of all) l.close();
}

const started = performance.now();
if (spec.rate) await openLoop(spec.rate);
else await Promise.all(Array.from({ length: spec.connections }, connection));
const wallMs = performance.now() - started;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
const result = {
  requests: { total: latencies.length },
  latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0 },
  non2xx,
  errors: spec.requests.length - latencies.length,
};
process.stdout.write(JSON.stringify({ result, wallMs }));
