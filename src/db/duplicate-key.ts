/** MongoDB's E11000: an insert (or upsert) refused by a unique index, the usual "someone was first". */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}
