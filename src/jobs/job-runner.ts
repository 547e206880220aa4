import type { Logger } from 'pino';

export interface Job {
  name: string;
  /** One run; returns how long to wait before the next one, in milliseconds. */
  run(): Promise<number>;
}

/**
 * Runs a job in a loop: one run at a time, the next after the delay the run asked for, or at once
 * when woken. A failing run is logged and the loop goes on: a silently dead job is the worst bug a
 * tracker can have.
 */
export function startJob({ job, logger }: { job: Job; logger: Logger }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let wakeAgain = false;
  let stopped = false;

  async function tick(): Promise<void> {
    timer = undefined;
    const started = performance.now();
    let delay = 1_000;
    try {
      delay = await job.run();
      logger.debug({ job: job.name, ms: Math.round(performance.now() - started) }, 'job run');
    } catch (error) {
      logger.error({ job: job.name, err: error }, 'job run failed');
    }
    if (stopped) return;
    if (wakeAgain) {
      wakeAgain = false;
      delay = 0;
    }
    timer = setTimeout(() => {
      running = tick();
    }, delay);
    timer.unref?.();
  }

  running = tick();

  return {
    /** Run now (or right after the current run). */
    wake(): void {
      if (stopped) return;
      if (timer) {
        clearTimeout(timer);
        running = tick();
      } else {
        wakeAgain = true;
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    /** Resolves when the run in progress (if any) has finished. */
    settled: (): Promise<void> => running ?? Promise.resolve(),
  };
}

export type RunningJob = ReturnType<typeof startJob>;
