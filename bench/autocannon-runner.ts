/**
 * Child process for bench/lib.ts `autocannonEach`: sends each prepared request exactly once with
 * `connections` in flight, so load generation never shares the measured server's event loop, and
 * prints autocannon's result plus the wall time it measured itself (autocannon's own duration has
 * one-second ticks, too coarse for a fixed count).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface Spec {
  url: string;
  connections: number;
  requests: { body: string; headers: Record<string, string> }[];
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Spec;
let next = 0;
const started = performance.now();
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  amount: spec.requests.length,
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const r = spec.requests[next++ % spec.requests.length];
        return { ...req, body: r?.body ?? '', headers: { ...req.headers, ...r?.headers } };
      },
    },
  ],
});
const wallMs = performance.now() - started;
process.stdout.write(JSON.stringify({ result, wallMs }));
