import { z } from 'zod';
import { area, optionalUrl } from './area.js';

/** MongoDB: a given server, or the embedded mongo-java-server and how it is bounded. */
export const mongo = area(
  {
    MONGODB_URI: optionalUrl,
    MONGO_JAVA_HEAP: z
      .string()
      .regex(/^[1-9]\d*[kmgKMG]$/, 'a JVM size such as 512m or 2g')
      .default('512m'),
    MONGO_COMMIT_MS: z.coerce.number().int().min(0).max(10_000).default(0),
  },
  (e) => ({
    mongodbUri: e.MONGODB_URI,
    /** mongo-java-server, started when neither MONGODB_URI nor mongod is there. */
    embeddedMongo: {
      /** The JVM's -Xmx: the JVM takes all it is allowed, so it is bounded. */
      javaHeap: e.MONGO_JAVA_HEAP,
      /** How often the H2 store is committed (what a crash of it can lose); 0: before every reply. */
      commitMs: e.MONGO_COMMIT_MS,
    },
  }),
);
