/**
 * Where the command-line tools find the system: REDIS_URL and MONGODB_URI, or the embedded services
 * of a running `npm start` (its state file under DATA_DIR).
 */
import type { Config } from '../src/config/index.js';
import { createContext, type AppContext } from '../src/context.js';
import { readServicesState } from '../src/services/state-file.js';

export function runningServices(config: Config): { redisUrl: string; mongoUri: string } {
  const running = readServicesState(config.dataDir);
  const redisUrl = config.redisUrl ?? running?.redisUrl;
  const mongoUri = config.mongodbUri ?? running?.mongoUri;
  if (!redisUrl || !mongoUri)
    throw new Error('no running system found: start it with `npm start` (or set REDIS_URL and MONGODB_URI)');
  return { redisUrl, mongoUri };
}

/** Runs `work` with a context on the running system's services, and closes it after. */
export async function withRunningContext<T>(
  config: Config,
  work: (ctx: AppContext) => Promise<T>,
): Promise<T> {
  const ctx = await createContext(config, runningServices(config));
  try {
    return await work(ctx);
  } finally {
    await ctx.queues.close();
    await ctx.redis.quit().catch(() => undefined);
    await ctx.db.close();
  }
}
