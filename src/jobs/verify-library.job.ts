import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { EpisodeRef, Observation } from '../domain/observations.js';
import type {
  JellyfinClient,
  JellyfinItem,
  JellyfinLibrary,
} from '../integrations/jellyfin/jellyfin.client.js';
import {
  type LibraryCandidate,
  type LibraryQueries,
  WAITING_FOR_LIBRARY,
} from '../tracker/library-queries.js';
import type { Tracker } from '../tracker/tracker.js';
import type { AnimeMatcher } from './anime-matcher.js';
import type { Job } from './job-runner.js';

/** Checks of an imported title that Jellyfin still lacks before it is asked once to scan for it. */
const CHECKS_BEFORE_SCAN = 3;
/** Look-ups run at the same time: one index refresh serves them all. */
const CONCURRENCY = 8;

export interface JellyfinInstance {
  name: string;
  client: JellyfinClient;
  library: JellyfinLibrary;
}

/** The end of a path that every mount of the file shares: its folder and its name. */
function pathSuffix(path: string): string {
  return path.replaceAll('\\', '/').split('/').filter(Boolean).slice(-2).join('/');
}

function waitsForLibrary(c: LibraryCandidate): boolean {
  return (
    WAITING_FOR_LIBRARY.includes(c.state) ||
    c.episodes.some((e) => e.inScope && WAITING_FOR_LIBRARY.includes(e.state))
  );
}

/**
 * The verify job (issue 4 §2): every `VERIFY_INTERVAL_SECONDS`, asks Jellyfin about the requests
 * waiting for it (imported, matched by Shoko, or said to be available by Jellyseerr) and, once per
 * request, about titles just requested (they may be in the library already). What Jellyfin has as a
 * playable item becomes an `available` observation. An import Jellyfin still lacks after a few
 * checks gets one nudge (a library scan for its paths), written to the timeline. Anime files Shoko
 * has not matched are looked up in Shoko's REST API on the way (events missed while disconnected).
 */
export function createVerifyLibraryJob({
  jellyfins,
  library,
  tracker,
  clock,
  logger,
  intervalMs,
  anime,
}: {
  jellyfins: () => JellyfinInstance[];
  library: LibraryQueries;
  tracker: Tracker;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  anime: () => AnimeMatcher | null;
}): Job & { lastCycle(): { checked: number; found: number } } {
  const checkedAtRequest = new Set<string>();
  const misses = new Map<string, number>();
  const nudged = new Set<string>();
  let last = { checked: 0, found: 0 };

  const base = (c: LibraryCandidate) => ({
    source: 'jellyfin' as const,
    at: clock.now().toISOString(),
    requestId: c.row.id,
  });

  async function findMovie(jf: JellyfinInstance, c: LibraryCandidate): Promise<JellyfinItem | null> {
    const { row } = c;
    const title = row.title ?? '';
    const byIds =
      row.tmdbId !== null || row.imdbId !== null
        ? await jf.library.findMovie({
            tmdbId: row.tmdbId ?? undefined,
            imdbId: row.imdbId ?? undefined,
            title,
            year: row.year ?? undefined,
          })
        : null;
    if (byIds) return byIds;
    // Shokofin's items may carry no TMDB/IMDb id: the file's path or the title tells.
    for (const path of c.importedPaths) {
      const item = await jf.library.findByPath({ pathSuffix: pathSuffix(path) });
      if (item?.type === 'Movie' && item.playable) return item;
    }
    if (row.isAnime && title) {
      return jf.library.findByTitle({ type: 'movie', title, year: row.year ?? undefined });
    }
    return null;
  }

  async function findSeries(jf: JellyfinInstance, c: LibraryCandidate): Promise<JellyfinItem | null> {
    const { row } = c;
    const title = row.title ?? '';
    const byIds =
      row.tvdbId !== null || row.tmdbId !== null || row.imdbId !== null
        ? await jf.library.findSeries({
            tvdbId: row.tvdbId ?? undefined,
            tmdbId: row.tmdbId ?? undefined,
            imdbId: row.imdbId ?? undefined,
            title,
            year: row.year ?? undefined,
          })
        : null;
    if (byIds) return byIds;
    for (const path of c.importedPaths) {
      const item = await jf.library.findByPath({ pathSuffix: pathSuffix(path) });
      if (item?.type === 'Series') return item;
      if (item?.seriesId) return jf.library.itemById(item.seriesId);
    }
    if (row.isAnime && title)
      return jf.library.findByTitle({ type: 'series', title, year: row.year ?? undefined });
    return null;
  }

  /** The `available` observation Jellyfin supports for this request, or null. */
  async function check(jf: JellyfinInstance, c: LibraryCandidate): Promise<Observation | null> {
    if (c.row.mediaType === 'movie') {
      const movie = await findMovie(jf, c);
      if (!movie?.playable) return null;
      return {
        ...base(c),
        kind: 'available',
        jellyfinId: movie.id,
        media: { mediaType: 'movie', jellyfinId: movie.id },
      };
    }
    const series = await findSeries(jf, c);
    if (!series) return null;
    const seasons = JSON.parse(c.row.requestedSeasons) as number[];
    const playable = (await jf.library.episodes({ seriesId: series.id })).filter((e) => e.playable);
    const has = (season: number, episode: number) =>
      playable.find(
        (e) =>
          e.seasonNumber === season &&
          e.episodeNumber !== null &&
          e.episodeNumber <= episode &&
          episode <= (e.episodeNumberEnd ?? e.episodeNumber),
      );
    let episodes: EpisodeRef[];
    if (c.episodes.length > 0) {
      // The episodes the tracker knows of (from Sonarr), those Jellyfin can play and does not show yet.
      episodes = c.episodes
        .filter((e) => e.inScope && e.state !== 'available')
        .flatMap((e) => {
          const item = has(e.seasonNumber, e.episodeNumber);
          return item
            ? [{ seasonNumber: e.seasonNumber, episodeNumber: e.episodeNumber, jellyfinId: item.id }]
            : [];
        });
    } else {
      // Just requested, no episode known yet: what Jellyfin has of the requested seasons.
      episodes = playable
        .filter(
          (e) => e.seasonNumber !== null && e.episodeNumber !== null && seasons.includes(e.seasonNumber),
        )
        .map((e) => ({
          seasonNumber: e.seasonNumber as number,
          episodeNumber: e.episodeNumber as number,
          jellyfinId: e.id,
        }));
    }
    if (episodes.length === 0) return null;
    return { ...base(c), kind: 'available', episodes, media: { mediaType: 'tv', jellyfinId: series.id } };
  }

  /** One nudge per request: Jellyfin rescans the imported paths (and the title by id). */
  async function nudge(jf: JellyfinInstance, c: LibraryCandidate): Promise<Observation | null> {
    if (nudged.has(c.row.id) || c.importedPaths.length === 0) return null;
    nudged.add(c.row.id);
    await jf.client.notifyMediaUpdated({ paths: c.importedPaths });
    if (c.row.mediaType === 'movie' && c.row.tmdbId !== null)
      await jf.client.notifyMovieUpdated({ tmdbId: c.row.tmdbId });
    if (c.row.mediaType === 'tv' && c.row.tvdbId !== null)
      await jf.client.notifySeriesUpdated({ tvdbId: c.row.tvdbId });
    return {
      ...base(c),
      source: 'tracker',
      kind: 'library_scan_requested',
      service: 'jellyfin',
      paths: c.importedPaths,
      media: { mediaType: c.row.mediaType },
    };
  }

  return {
    name: 'verify-library',
    lastCycle: () => last,
    async run(): Promise<number> {
      const matcher = anime();
      if (matcher) await matcher.catchUp();
      const instances = jellyfins();
      if (instances.length === 0) {
        last = { checked: 0, found: 0 };
        return intervalMs;
      }
      const candidates = library.openRequests().filter((c) => {
        if (waitsForLibrary(c) || c.availableHint) return true;
        const justRequested =
          (c.state === 'requested' || c.state === 'approved') && !checkedAtRequest.has(c.row.id);
        if (justRequested) checkedAtRequest.add(c.row.id);
        return justRequested;
      });
      const observations: Observation[] = [];
      let failed = false;
      // One incremental index refresh per instance and cycle; the look-ups below share it.
      for (const jf of candidates.length > 0 ? instances : []) {
        try {
          await jf.library.refresh();
        } catch (error) {
          failed = true;
          logger.warn({ err: error, service: jf.name }, 'Jellyfin index refresh failed');
        }
      }
      for (let i = 0; i < candidates.length && !failed; i += CONCURRENCY) {
        const chunk = candidates.slice(i, i + CONCURRENCY);
        await Promise.all(
          chunk.map(async (c) => {
            for (const jf of instances) {
              try {
                const found = await check(jf, c);
                if (found) {
                  observations.push(found);
                  misses.delete(c.row.id);
                  return;
                }
              } catch (error) {
                // Jellyfin is down: no conclusion this cycle, the next one tries again.
                failed = true;
                logger.warn({ err: error, service: jf.name }, 'Jellyfin check failed');
                return;
              }
            }
            if (!(c.state === 'importing' || c.episodes.some((e) => e.inScope && e.state === 'importing')))
              return;
            const count = (misses.get(c.row.id) ?? 0) + 1;
            misses.set(c.row.id, count);
            if (count < CHECKS_BEFORE_SCAN) return;
            const jf = instances[0];
            if (!jf) return;
            try {
              const asked = await nudge(jf, c);
              if (asked) observations.push(asked);
            } catch (error) {
              logger.warn({ err: error, service: jf.name }, 'Jellyfin scan request failed');
            }
          }),
        );
      }
      if (observations.length > 0) tracker.ingest(observations);
      const open = new Set(candidates.map((c) => c.row.id));
      for (const id of misses.keys()) if (!open.has(id)) misses.delete(id);
      last = { checked: candidates.length, found: observations.filter((o) => o.kind === 'available').length };
      return intervalMs;
    },
  };
}
