import type { AppContext } from './context.js';
import type { WorkerDefinition } from './queue/workers.js';

/** Every queue this system processes. A worker process runs all of them; scale by running more. */
export function workerDefinitions(_ctx: AppContext): WorkerDefinition[] {
  return [];
}
