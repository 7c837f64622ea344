/**
 * Canonical JSON: keys sorted at every level, dates as ISO strings, ObjectIds as hex, Mongoose's
 * `__v` dropped, undefined left out. Two reads of one stored document give the same string, which
 * is what lets the chain compare a record with the copy it sealed.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    if ('toHexString' in value && typeof value.toHexString === 'function')
      return String((value as { toHexString(): string }).toHexString());
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (key === '__v' || v === undefined) continue;
      out[key] = normalise(v);
    }
    return out;
  }
  return value;
}
