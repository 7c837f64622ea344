import { z } from 'zod';
import { area } from './area.js';

/** The embedded services (redis-server, mongod or mongo-java-server): where their data and binaries are. */
export const services = area(
  {
    DATA_DIR: z.string().default('.data'),
    PATH: z.string().default('/usr/local/bin:/usr/bin:/bin'),
    JAVA_HOME: z.string().optional(),
  },
  (e) => ({
    dataDir: e.DATA_DIR,
    /** Where embedded services' binaries are looked for: PATH, then JAVA_HOME/bin (mongo-java-server). */
    binSearchPath: [...e.PATH.split(':'), ...(e.JAVA_HOME ? [`${e.JAVA_HOME}/bin`] : [])].filter(
      (p) => p !== '',
    ),
  }),
);
