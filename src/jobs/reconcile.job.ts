import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { observationsForRequest } from '../integrations/jellyseerr/jellyseerr.backfill.js';
import type { JellyseerrClient, JellyseerrMedia } from '../integrations/jellyseerr/jellyseerr.client.js';
import type { JobState } from '../tracker/job-state.js';
import type { Tracker } from '../tracker/tracker.js';
import type { Job } from './job-runner.js';
import { type ArrInstance, reconcileArr } from './reconcile-arr.js';

/** On the very first run, how far back Jellyseerr's requests are read. */
const FIRST_BACKFILL_MS = 7 * 24 * 3_600_000;
/** Read a little before the last run: Jellyseerr stores whole seconds, and clocks differ. */
const OVERLAP_MS = 5 * 60_000;

export interface JellyseerrInstance {
  id: string;
  name: string;
  client: JellyseerrClient;
}

/**
 * The reconcile job (issue 5), every `RECONCILE_INTERVAL_SECONDS`: what webhooks missed is read back
 * from the services and goes through the same door as webhooks. The observations are the ones the
 * webhooks would have produced, so a fact seen both ways is stored once.
 *
 * Jellyseerr: requests created, approved, declined or failed since the last run (7 days back on the
 * first), the bookmark kept across restarts, so the tracker being down loses nothing.
 * Radarr/Sonarr: the whole queue (grabs no webhook told of, blocked imports, failures) and the history
 * since the last run (imports and failures): one queue read (1,000 records a page) and one history
 * read per instance and cycle, however many requests are open.
 */
export function createReconcileJob({
  jellyseerrs,
  arrs,
  completed,
  isKnown,
  state,
  tracker,
  clock,
  logger,
  intervalMs,
}: {
  jellyseerrs: () => JellyseerrInstance[];
  arrs: () => ArrInstance[];
  /** Open requests with downloads complete in the client and not imported: their download keys. */
  completed: () => Array<{ mediaType: 'movie' | 'tv'; downloadKeys: string[] }>;
  /** Whether a request already knows this download key. */
  isKnown: (downloadKey: string) => boolean;
  state: JobState;
  tracker: Tracker;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}): Job & {
  lastCycle(): { jellyseerrRequests: number; observations: number };
  /** Whether the *arr's queue has been seen without this completed download twice in a row. */
  lostByArr(downloadKey: string): boolean;
} {
  let last = { jellyseerrRequests: 0, observations: 0 };

  /** Completed downloads missing from their *arr's queue, and in how many reads in a row. */
  const missingStrikes = new Map<string, number>();

  /**
   * Strike counting for the queue desync (edge case 23): a download the client has completed that its
   * *arr's queue no longer lists, in two reads in a row (the *arr drops a record for a moment while
   * it imports), is evidence that the *arr lost track of it.
   */
  function countMissing(app: 'radarr' | 'sonarr', queued: Set<string>): void {
    for (const request of completed()) {
      if ((request.mediaType === 'movie' ? 'radarr' : 'sonarr') !== app) continue;
      for (const key of request.downloadKeys) {
        if (queued.has(key)) missingStrikes.delete(key);
        else missingStrikes.set(key, (missingStrikes.get(key) ?? 0) + 1);
      }
    }
  }

  async function reconcileArrs(): Promise<number> {
    let count = 0;
    for (const instance of arrs()) {
      try {
        const { observations, queued } = await reconcileArr({ instance, state, isKnown, now: clock.now() });
        if (observations.length > 0) tracker.ingest(observations);
        countMissing(instance.app, queued);
        count += observations.length;
      } catch (error) {
        // Down for now: the history bookmark stays, the next run reads from there.
        logger.warn({ err: error, service: instance.name }, `${instance.name} reconcile failed`);
      }
    }
    return count;
  }

  async function backfill(instance: JellyseerrInstance): Promise<{ requests: number; observations: number }> {
    const key = `jellyseerr-backfill:${instance.id}`;
    const started = clock.now();
    const bookmark = state.get(key);
    const since = new Date(
      (bookmark ? Date.parse(bookmark) : started.getTime() - FIRST_BACKFILL_MS) - OVERLAP_MS,
    ).toISOString();
    const requests = await instance.client.requestsSince({ since });
    const media = new Map<string, JellyseerrMedia>();
    let observations = 0;
    for (const request of requests) {
      const mediaKey = `${request.type}:${request.tmdbId}`;
      let details = media.get(mediaKey);
      if (!details) {
        details = await instance.client.media({ tmdbId: request.tmdbId, type: request.type });
        media.set(mediaKey, details);
      }
      const found = observationsForRequest({ request, media: details });
      if (found.length > 0) tracker.ingest(found);
      observations += found.length;
    }
    // The start of this run, not its end: a request changed while paging is read again next time.
    state.set(key, started.toISOString());
    return { requests: requests.length, observations };
  }

  return {
    name: 'reconcile',
    lastCycle: () => last,
    lostByArr: (key) => (missingStrikes.get(key) ?? 0) >= 2,
    async run(): Promise<number> {
      const totals = { jellyseerrRequests: 0, observations: 0 };
      for (const instance of jellyseerrs()) {
        try {
          const done = await backfill(instance);
          totals.jellyseerrRequests += done.requests;
          totals.observations += done.observations;
        } catch (error) {
          // Down for now: the bookmark stays, the next run reads from there.
          logger.warn({ err: error, service: instance.name }, 'Jellyseerr backfill failed');
        }
      }
      totals.observations += await reconcileArrs();
      last = totals;
      return intervalMs;
    },
  };
}
