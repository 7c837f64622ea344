/**
 * The sums rebuild from records alone (bench/sums-rebuild.ts; national-year.bench.ts runs the same
 * after its views): 20 agencies, 40 departments, 2,000 agents over a year.
 *
 * Usage: node --import tsx bench/sums-rebuild.bench.ts
 *        BENCH_REBUILD_SIZES=1000000,2000000,10000000 nice -n 10 node --import tsx bench/sums-rebuild.bench.ts
 * Env: BENCH_REBUILD_SIZES (default 1000000,2000000), BENCH_REBUILD_HEAP (mongo-java-server heap;
 *      default heapFor the largest size: 14g at 10,000,000),
 *      BENCH_REBUILD_FLOOR=0 skips the floor and the database-grouping measurements,
 *      BENCH_REBUILD_GROUP_MAX (30000): the database's grouping is measured up to this size only.
 */
import { loadAverage, measureSumsRebuild } from './sums-rebuild.js';

const sizes = (process.env.BENCH_REBUILD_SIZES ?? '1000000,2000000').split(',').map(Number);

console.log(`load average at start: ${loadAverage()}`);
measureSumsRebuild({
  shape: { from: '2025-01-01', to: '2025-12-31', agencies: 20, departments: 40, agents: 2000 },
  sizes,
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
