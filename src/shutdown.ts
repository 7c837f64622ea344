import type { Logger } from './log.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * Runs steps in order, once. One failing step is logged and does not stop the rest: a Redis that is
 * already gone must not keep MongoDB connections open.
 */
export function createShutdown(log: Logger): { add(step: ShutdownStep): void; run(): Promise<void> } {
  const steps: ShutdownStep[] = [];
  let running: Promise<void> | undefined;
  return {
    add: (step) => {
      steps.push(step);
    },
    run: () => {
      running ??= (async () => {
        for (const step of steps) {
          try {
            await step.run();
            log.debug({ step: step.name }, 'shutdown step done');
          } catch (err) {
            log.error({ err, step: step.name }, 'shutdown step failed');
          }
        }
      })();
      return running;
    },
  };
}
