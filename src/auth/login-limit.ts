import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RedisConnection } from '../queue/connection.js';
import { redisRateLimitStore } from '../http/redis-rate-limit.js';

/**
 * Two limits on sign-in, counted in Redis so every web process shares them: failed attempts per
 * username from one address (guessing one account's password), and all attempts per client address
 * (trying many accounts, or paying an Argon2 hash per guess). The first is per username *and*
 * address: counted per username alone, anyone could lock any manager out with ten wrong passwords,
 * while the owner, from another address, still signs in. Successful sign-ins do not count against it.
 */
export function loginLimiters(opts: {
  redis: RedisConnection;
  keyPrefix: string;
  maxAttempts: number;
  windowMinutes: number;
  onLimited: RequestHandler;
}): RequestHandler[] {
  const windowMs = opts.windowMinutes * 60_000;
  const store = (name: string) => redisRateLimitStore(opts.redis, `${opts.keyPrefix}:login-limit:${name}:`);
  const usernameOf = (req: Request): string => {
    const body: unknown = req.body;
    const raw = typeof body === 'object' && body !== null && 'username' in body ? body.username : '';
    return typeof raw === 'string' ? raw.trim().toLowerCase().slice(0, 64) : '';
  };
  return [
    rateLimit({
      windowMs,
      limit: opts.maxAttempts * 5,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: store('ip'),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: (req, res, next) => opts.onLimited(req, res, next),
    }),
    rateLimit({
      windowMs,
      limit: opts.maxAttempts,
      standardHeaders: false,
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      store: store('user'),
      keyGenerator: (req) => `u:${usernameOf(req)}|${ipKeyGenerator(req.ip ?? 'unknown')}`,
      handler: (req, res, next) => opts.onLimited(req, res, next),
    }),
  ];
}

/** Responses whose request was a wrong guess; only those count against the password-guess limit. */
const wrongGuesses = new WeakSet<Response>();
export function countAsWrongGuess(res: Response): void {
  wrongGuesses.add(res);
}

/**
 * Wrong current passwords on a password change, per user: a session left open on a shared desk must
 * not become an unlimited oracle for the password (issue 23, finding 12). The sign-in limit's
 * numbers; only a request marked with countAsWrongGuess counts (a weak new password is no guess).
 */
export function passwordGuessLimiter(opts: {
  redis: RedisConnection;
  keyPrefix: string;
  maxAttempts: number;
  windowMinutes: number;
  userOf: (req: Request, res: Response) => string;
  onLimited: RequestHandler;
}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMinutes * 60_000,
    limit: opts.maxAttempts,
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => !wrongGuesses.has(res),
    store: redisRateLimitStore(opts.redis, `${opts.keyPrefix}:login-limit:password:`),
    keyGenerator: (req, res) => `u:${opts.userOf(req, res)}`,
    handler: (req, res, next) => opts.onLimited(req, res, next),
  });
}
