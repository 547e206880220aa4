import type { Logger } from 'pino';
import type { ActionExecutor } from '../actions/action-plans.js';
import type { Actions } from '../actions/actions.js';
import type { Outbox } from '../actions/outbox.js';
import type { Job } from './job-runner.js';

/**
 * Sends the outbox's due commands, one at a time, oldest first. A failure is retried with backoff
 * (30 s, 2 min, 10 min, 30 min) and written to the timeline when the command is given up; a success is
 * written to the timeline at once.
 */
export function createRunOutboxJob({
  outbox,
  execute,
  actions,
  logger,
  intervalMs,
}: {
  outbox: Outbox;
  execute: ActionExecutor;
  actions: Actions;
  logger: Logger;
  intervalMs: number;
}): Job {
  // One run at a time, also when a run is asked for while the loop's own is under way: a command
  // is read as due and sent by one run only.
  let previous: Promise<unknown> = Promise.resolve();
  async function sendDue(): Promise<void> {
    for (const row of outbox.due()) {
      try {
        await execute(row);
        outbox.done(row.id);
        actions.finished(row, 'sent');
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        logger.warn({ action: row.action, err: error }, 'outbox command failed');
        if (outbox.failed(row, message)) actions.finished(row, 'failed', message);
      }
    }
  }
  return {
    name: 'run-outbox',
    async run(): Promise<number> {
      const current = previous.then(sendDue);
      previous = current.catch(() => undefined);
      await current;
      return intervalMs;
    },
  };
}
