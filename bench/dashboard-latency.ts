/**
 * The dashboard's latency as a signed-in manager sees it, against a running server (the month demo:
 * `npm run demo -- --month`, which prints the URL and the demo-admin password):
 *
 *   node --import tsx bench/dashboard-latency.ts <base-url> <password> [requests=60] [path=/dashboard]
 *
 * Signs in once, warms up with three requests, then times the requests one after another and
 * prints the median, p95 and maximum in milliseconds.
 */
const [base, password, countArg, pathArg] = process.argv.slice(2);
if (!base || !password) {
  process.stderr.write('usage: dashboard-latency.ts <base-url> <password> [requests] [path]\n');
  process.exit(2);
}
const count = Number(countArg ?? 60);
const path = pathArg ?? '/dashboard';

const login = await fetch(`${base}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(base).origin },
  body: new URLSearchParams({ username: 'demo-admin', password, next: '/dashboard' }).toString(),
});
const cookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
if (login.status !== 303 && login.status !== 302) throw new Error(`sign-in answered ${login.status}`);

async function once(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
  return performance.now() - started;
}

for (let i = 0; i < 3; i++) await once();
const times: number[] = [];
for (let i = 0; i < count; i++) times.push(await once());
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
process.stdout.write(
  `${path}: ${count} requests, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms\n`,
);
