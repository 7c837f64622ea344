/**
 * The dashboard's latency as a signed-in manager sees it, against running servers (the month demo:
 * `npm run demo -- --month`, which prints the URL and the demo-admin password):
 *
 *   node --import tsx bench/dashboard-latency.ts <path> <requests> <base-url> <password> [<base-url> <password> …]
 *
 * Signs in to each server once, warms each up with three requests, then times the requests one after
 * another, taking the servers in turn, so two builds compared side by side (before and after) see the
 * same machine load. Prints the median, p95 and maximum in milliseconds per server.
 */
const [path, countArg, ...pairs] = process.argv.slice(2);
if (!path || !countArg || pairs.length < 2 || pairs.length % 2 !== 0) {
  process.stderr.write('usage: dashboard-latency.ts <path> <requests> <base-url> <password> [...]\n');
  process.exit(2);
}
const count = Number(countArg);

async function signIn(base: string, password: string): Promise<string> {
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(base).origin },
    body: new URLSearchParams({ username: 'demo-admin', password, next: '/dashboard' }).toString(),
  });
  if (login.status !== 303 && login.status !== 302)
    throw new Error(`sign-in to ${base} answered ${login.status}`);
  return login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

const servers: { base: string; cookie: string; times: number[] }[] = [];
for (let i = 0; i < pairs.length; i += 2) {
  const base = pairs[i]!;
  servers.push({ base, cookie: await signIn(base, pairs[i + 1]!), times: [] });
}

async function once(s: { base: string; cookie: string }): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${s.base}${path}`, { headers: { cookie: s.cookie } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${s.base}${path} answered ${res.status}: ${body.slice(0, 200)}`);
  return performance.now() - started;
}

for (const s of servers) for (let i = 0; i < 3; i++) await once(s);
for (let i = 0; i < count; i++) for (const s of servers) s.times.push(await once(s));
for (const s of servers) {
  const times = [...s.times].sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  process.stdout.write(
    `${s.base}${path}: ${count} requests, median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms\n`,
  );
}
