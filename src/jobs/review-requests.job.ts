import { notInArray } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { Tracker } from '../tracker/tracker.js';
import type { Job } from './job-runner.js';

/** Requests derived again per transaction. */
const SLICE = 100;

/**
 * Time passing is evidence too: once a minute every open request is derived again with the current
 * time, so "stalled for 30 minutes" or "imported an hour ago and not in Jellyfin" shows up (and
 * clears) even when no webhook or poll brings anything new.
 */
export function createReviewRequestsJob({
  db,
  tracker,
  intervalMs,
  afterReview,
}: {
  db: Db;
  tracker: Tracker;
  intervalMs: number;
  /** Runs after each review: the automatic fixes of the problems found. */
  afterReview?: (() => void) | undefined;
}): Job & { lastCycle(): { reviewed: number; changed: number } } {
  let last = { reviewed: 0, changed: 0 };
  return {
    name: 'review-requests',
    lastCycle: () => last,
    async run(): Promise<number> {
      const ids = db
        .select({ id: schema.requests.id })
        .from(schema.requests)
        .where(notInArray(schema.requests.state, ['available', 'declined', 'deleted']))
        .all()
        .map((row) => row.id);
      // In slices, yielding between them: a large backlog never holds the event loop for long.
      let changed = 0;
      for (let i = 0; i < ids.length; i += SLICE) {
        changed += tracker.refresh(ids.slice(i, i + SLICE));
        await new Promise((resolve) => setImmediate(resolve));
      }
      last = { reviewed: ids.length, changed };
      afterReview?.();
      return intervalMs;
    },
  };
}
