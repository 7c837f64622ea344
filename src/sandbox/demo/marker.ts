import type { Connection } from 'mongoose';

/**
 * A database holding generated demo data says so in one document, so every page that shows its
 * figures can carry a banner (src/sandbox/demo/banner.ts) whatever process serves it.
 */
const COLLECTION = 'demo_data';
const MARKER_ID = 'demo';

export async function markDemoData(conn: Connection, what: string): Promise<void> {
  // Created explicitly: the embedded server raced on implicit collection creation.
  // Why: docs/decisions/0001-mongo-java-server.md
  const exists = (await conn.db?.listCollections({ name: COLLECTION }).toArray())?.length ?? 0;
  if (exists === 0) await conn.createCollection(COLLECTION).catch(() => undefined);
  await conn
    .collection<{ _id: string; what: string; at: Date }>(COLLECTION)
    .updateOne({ _id: MARKER_ID }, { $set: { what, at: new Date() } }, { upsert: true });
}

export async function isDemoData(conn: Connection): Promise<boolean> {
  const doc = await conn.collection<{ _id: string }>(COLLECTION).findOne({ _id: MARKER_ID });
  return doc !== null;
}
