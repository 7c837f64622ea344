import { expect } from 'vitest';
import type { TestSystem } from '../support/system.js';

/**
 * Every document of every collection of the test's database, found by listing the database, not
 * from a list of models: a collection or field added later is searched too.
 */
export async function everyDocument(sys: TestSystem): Promise<{ collection: string; json: string }[]> {
  const db = sys.ctx.db.conn.db;
  if (!db) throw new Error('no database handle');
  const out: { collection: string; json: string }[] = [];
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  expect(collections.length).toBeGreaterThan(10);
  for (const { name } of collections)
    for (const doc of await db.collection(name).find({}).toArray())
      out.push({ collection: name, json: JSON.stringify(doc) });
  return out;
}

/** Every value stored under the system's Redis prefix (strings, hashes, lists, sets, sorted sets, streams). */
export async function everyRedisValue(sys: TestSystem): Promise<{ key: string; value: string }[]> {
  const redis = sys.ctx.redis;
  const out: { key: string; value: string }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${sys.ctx.config.queuePrefix}*`, 'COUNT', '500');
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      out.push({ key, value: JSON.stringify(value) ?? '' });
    }
  } while (cursor !== '0');
  return out;
}

/** Where a text appears: `collection` or `redis:key` names, for a failure message that says where. */
export async function whereStored(sys: TestSystem, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const d of await everyDocument(sys))
    for (const n of needles) if (d.json.includes(n)) found.push(`${d.collection}: ${n}`);
  for (const r of await everyRedisValue(sys))
    for (const n of needles) if (r.value.includes(n)) found.push(`redis ${r.key}: ${n}`);
  return found;
}

/** The dashboard's figures: the summary API overall and by agency, department and agent, and its integrity signals. */
export async function dashboardFigures(sys: TestSystem, token: string): Promise<unknown[]> {
  const figures: unknown[] = [];
  for (const path of ['', '?groupBy=agency', '?groupBy=department', '?groupBy=agent', '?groupBy=day'].map(
    (q) => `/api/reports/summary${q}`,
  )) {
    const res = await sys.api(path, { token });
    expect(res.status, path).toBe(200);
    figures.push(await res.json());
  }
  const integrity = await sys.api('/api/reports/integrity', { token });
  expect(integrity.status).toBe(200);
  figures.push(await integrity.json());
  return figures;
}

/** The session cookie of a user signed in through the login form, as a browser gets it. */
export async function signInCookie(sys: TestSystem, username: string, password: string): Promise<string> {
  const res = await fetch(`${sys.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
