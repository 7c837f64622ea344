import { createHash, randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { RedisConnection } from '../queue/connection.js';
import { z } from 'zod';

/**
 * Server-side sessions in Redis, referenced by a random cookie. Chosen over a signed cookie because a
 * session must end the moment a user signs out or an admin disables the account, on every web
 * process at once; Redis is already required (BullMQ), expires keys by itself and answers in well
 * under a millisecond. Only a SHA-256 of the session id is stored, so a Redis dump holds no usable
 * cookie.
 */

export const SESSION_COOKIE = 'verisat_session';

const sessionSchema = z.object({ userId: z.string(), createdAt: z.number() });
export type SessionData = z.infer<typeof sessionSchema>;

export class SessionStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(id: string): string {
    return `${this.keyPrefix}:session:${createHash('sha256').update(id).digest('hex')}`;
  }

  /** A new id on every sign-in, so a session id planted before sign-in is worthless (fixation). */
  async create(userId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const data: SessionData = { userId, createdAt: Date.now() };
    await this.redis.set(this.key(id), JSON.stringify(data), 'EX', this.ttlSeconds);
    return id;
  }

  /** The session, with its idle timeout restarted; undefined when unknown or expired. */
  async get(id: string): Promise<SessionData | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const key = this.key(id);
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    const parsed = sessionSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    await this.redis.expire(key, this.ttlSeconds);
    return parsed.data;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  get maxAgeMs(): number {
    return this.ttlSeconds * 1000;
  }
}

/** Reads one cookie without a cookie-parsing middleware (one cookie is all these pages use). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site POSTs, so no cross-site
 * form can act as the user, while links to the dashboard from mail still work), Secure whenever the
 * service is reached over HTTPS (directly or through a proxy that says so).
 */
function sessionCookieOptions(req: Request, publicBaseUrl: string, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure || publicBaseUrl.startsWith('https:'),
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  };
}

export function setSessionCookie(
  req: Request,
  res: Response,
  publicBaseUrl: string,
  id: string,
  maxAgeMs: number,
): void {
  res.cookie(SESSION_COOKIE, id, sessionCookieOptions(req, publicBaseUrl, maxAgeMs));
}

export function clearSessionCookie(req: Request, res: Response, publicBaseUrl: string): void {
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req, publicBaseUrl));
}
