import { LRUCache } from 'lru-cache';
import type { Models } from './models/index.js';

/**
 * An in-process LRU cache kept per database (per set of models), so systems sharing one process
 * (tests, benchmarks) never see each other's entries. The first caller for a database sets its
 * size and age limits.
 */
export function perDatabaseCache<V extends object>(): (
  models: Models,
  limits: { max: number; ttlMs: number },
) => LRUCache<string, V> {
  const caches = new WeakMap<Models, LRUCache<string, V>>();
  return (models, limits) => {
    let cache = caches.get(models);
    if (!cache) {
      cache = new LRUCache<string, V>({ max: limits.max, ttl: Math.max(1, limits.ttlMs) });
      caches.set(models, cache);
    }
    return cache;
  };
}
