import type { Clock } from '../clock.js';
import type { Inbox } from '../tracker/inbox.js';
import type { Job } from './job-runner.js';

const DAY_MS = 86_400_000;
/** Rows per statement: each batch is a short write, so webhooks never wait long behind it. */
const BATCH = 1_000;

/**
 * Keeps the database small on a NAS or a Pi: the raw bodies of webhooks applied more than
 * `retentionDays` ago are emptied (the observations made from them stay). Runs hourly.
 */
export function createHousekeepingJob({
  inbox,
  clock,
  retentionDays,
  intervalMs = 3_600_000,
}: {
  inbox: Pick<Inbox, 'pruneBodies'>;
  clock: Clock;
  /** 0 keeps every body. */
  retentionDays: number;
  intervalMs?: number;
}): Job & { lastPruned: () => number } {
  let lastPruned = 0;
  return {
    name: 'housekeeping',
    lastPruned: () => lastPruned,
    async run() {
      lastPruned = 0;
      if (retentionDays <= 0) return intervalMs;
      const before = new Date(clock.now().getTime() - retentionDays * DAY_MS).toISOString();
      for (;;) {
        const pruned = inbox.pruneBodies({ before, limit: BATCH });
        lastPruned += pruned;
        if (pruned < BATCH) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return intervalMs;
    },
  };
}
