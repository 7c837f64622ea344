/** MongoDB's E11000: an insert (or upsert) refused by a unique index, the usual "someone was first". */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}

/**
 * An unordered bulk write whose every refused item was a duplicate key: each of those was already
 * stored by someone first, and every other item went in.
 */
export function isOnlyDuplicateKeys(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (!('writeErrors' in err)) return isDuplicateKey(err);
  const { writeErrors } = err;
  const list: unknown[] = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every((e) => isDuplicateKey(e));
}
