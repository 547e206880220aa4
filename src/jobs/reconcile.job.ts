import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Observation } from '../domain/observations.js';
import { observationsForRequest } from '../integrations/jellyseerr/jellyseerr.backfill.js';
import type { JellyseerrClient, JellyseerrMedia } from '../integrations/jellyseerr/jellyseerr.client.js';
import type { JobState } from '../tracker/job-state.js';
import type { Tracker } from '../tracker/tracker.js';
import type { Job } from './job-runner.js';
import { type ArrInstance, episodeRef, movieMedia, reconcileArr, seriesMedia } from './reconcile-arr.js';

/** How often an approved movie is looked up in Radarr's library while nothing is grabbed for it. */
const LIBRARY_CHECK_EVERY_MS = 3_600_000;
/** On the very first run, how far back Jellyseerr's requests are read. */
const FIRST_BACKFILL_MS = 7 * 24 * 3_600_000;
/** Read a little before the last run: Jellyseerr stores whole seconds, and clocks differ. */
const OVERLAP_MS = 5 * 60_000;

export interface WaitingRequest {
  id: string;
  mediaType: 'movie' | 'tv';
  tmdbId: number | null;
  tvdbId: number | null;
  /** Requested seasons; empty: all. */
  seasons: number[];
}

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
  waitingForGrab,
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
  /** Approved requests nothing was grabbed for yet (the title may be on disk already). */
  waitingForGrab: () => WaitingRequest[];
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

  /** Approved movies already looked up in Radarr, and when (each at most once an hour). */
  const libraryChecked = new Map<string, number>();

  /**
   * A movie already on disk when it is requested: Radarr has its file and grabs nothing, so no
   * webhook ever comes. The file, as Radarr lists it, counts as the import.
   */
  async function alreadyOnDisk(instance: ArrInstance): Promise<Observation[]> {
    const observations: Observation[] = [];
    const now = clock.now().getTime();
    for (const request of waitingForGrab()) {
      const key = `${instance.id}:${request.id}`;
      if (now - (libraryChecked.get(key) ?? Number.NEGATIVE_INFINITY) < LIBRARY_CHECK_EVERY_MS) continue;
      if (instance.app === 'radarr' && request.mediaType === 'movie' && request.tmdbId !== null) {
        libraryChecked.set(key, now);
        observations.push(...(await movieOnDisk(instance, request)));
      }
      if (instance.app === 'sonarr' && request.mediaType === 'tv' && request.tvdbId !== null) {
        libraryChecked.set(key, now);
        observations.push(...(await episodesOnDisk(instance, request)));
      }
    }
    return observations;
  }

  async function movieOnDisk(
    instance: Extract<ArrInstance, { app: 'radarr' }>,
    request: WaitingRequest,
  ): Promise<Observation[]> {
    const movie = await instance.client.movieByTmdbId(request.tmdbId as number);
    if (!movie?.hasFile) return [];
    const files = (await instance.client.movieFiles(movie.id)).filter((f) => f.path);
    if (files.length === 0) return [];
    return [
      {
        kind: 'imported',
        files: files.map((f) => ({ id: f.id, path: f.path as string })),
        isUpgrade: false,
        source: 'radarr',
        at: files[0]?.dateAdded ?? clock.now().toISOString(),
        media: movieMedia(movie, instance.name),
        requestId: request.id,
      },
    ];
  }

  /** The requested seasons' episodes Sonarr has files for: one import per file, naming its episodes. */
  async function episodesOnDisk(
    instance: Extract<ArrInstance, { app: 'sonarr' }>,
    request: WaitingRequest,
  ): Promise<Observation[]> {
    const series = await instance.client.seriesByTvdbId(request.tvdbId as number);
    if (!series) return [];
    const wanted = new Set(request.seasons);
    const episodes = (await instance.client.episodes({ seriesId: series.id })).filter(
      (e) => e.hasFile && e.episodeFileId !== null && (wanted.size === 0 || wanted.has(e.seasonNumber)),
    );
    if (episodes.length === 0) return [];
    const files = new Map(((await instance.client.episodeFiles(series.id)) ?? []).map((f) => [f.id, f]));
    const media = seriesMedia(series, instance.name);
    const byFile = new Map<number, typeof episodes>();
    for (const e of episodes) {
      const fileId = e.episodeFileId as number;
      byFile.set(fileId, [...(byFile.get(fileId) ?? []), e]);
    }
    return [...byFile].flatMap(([fileId, fileEpisodes]): Observation[] => {
      const file = files.get(fileId);
      if (!file?.path) return [];
      return [
        {
          kind: 'imported',
          files: [{ id: file.id, path: file.path }],
          isUpgrade: false,
          source: 'sonarr',
          at: file.dateAdded ?? clock.now().toISOString(),
          media,
          episodes: fileEpisodes.map(episodeRef),
          requestId: request.id,
        },
      ];
    });
  }

  async function reconcileArrs(): Promise<number> {
    let count = 0;
    for (const instance of arrs()) {
      try {
        const { observations, queued } = await reconcileArr({ instance, state, isKnown, now: clock.now() });
        if (observations.length > 0) tracker.ingest(observations);
        // After the queue and history: only what is still waiting for a grab is looked up.
        const onDisk = await alreadyOnDisk(instance);
        if (onDisk.length > 0) tracker.ingest(onDisk);
        count += onDisk.length;
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
