/**
 * The suite's one deadline policy. A deadline here is only how long a test waits before it gives
 * up on a state that should come: a passing test never waits for one, so they are generous, and
 * a machine whose cores are taken by other work (a shared CI runner) still passes. No test
 * carries a deadline of its own; each wait names its kind below.
 *
 * TEST_TIME_SCALE (default 1) multiplies every deadline, for a machine slower still than a
 * two-core runner with both cores taken (`npm run test:loaded`), which passes at 1.
 */

function timeScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`TEST_TIME_SCALE must be a positive number (it multiplies every deadline), not "${raw}"`);
  return scale;
}

export const TIME_SCALE = timeScale(process.env.TEST_TIME_SCALE);

const scaled = (ms: number) => Math.round(ms * TIME_SCALE);

export const DEADLINE = {
  /** One effect through the queues and workers (`eventually`, `expect.poll`, a stored reply). */
  state: scaled(30_000),
  /** Many effects at once: hundreds of closures worked off, a restarted server caught up. */
  bulk: scaled(240_000),
  /** A child process or server starting (a web or worker process, `npm start`, Redis, MongoDB). */
  process: scaled(120_000),
  /**
   * One Playwright step (a selector, a click, a navigation), so a missing element fails its step
   * naming the selector well before the test's own deadline.
   */
  browser: scaled(30_000),
  /** One test, start to end: longer than the bulk wait a test may hold. */
  test: scaled(300_000),
  /** One beforeAll/afterAll: starting or stopping systems, browsers, servers. */
  hook: scaled(300_000),
} as const;

/** How often a wait on state looks again: small, so a quiet machine is not slowed. */
export const POLL_MS = 25;
