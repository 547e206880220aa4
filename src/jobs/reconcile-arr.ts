import { downloadKey, type EpisodeRef, type MediaRef, type Observation } from '../domain/observations.js';
import type { RadarrClient, RadarrMovie } from '../integrations/radarr/radarr.client.js';
import type {
  RadarrHistoryRecord,
  RadarrQueueItem,
  SonarrHistoryRecord,
  SonarrQueueItem,
} from '../integrations/shared/arr-client.js';
import type { SonarrClient, SonarrEpisode, SonarrSeries } from '../integrations/sonarr/sonarr.client.js';
import type { JobState } from '../tracker/job-state.js';

/** On the very first run, how far back the *arr's history is read. */
const FIRST_HISTORY_MS = 24 * 3_600_000;
/** Read a little before the last run: clocks differ, and history/since compares local times. */
const OVERLAP_MS = 5 * 60_000;

export type ArrInstance =
  | { id: string; name: string; app: 'radarr'; client: RadarrClient }
  | { id: string; name: string; app: 'sonarr'; client: SonarrClient };

/** The *arr's movie or series as the observations' MediaRef (the instance name keys its ids). */
type MovieLike = Pick<RadarrMovie, 'id' | 'tmdbId' | 'imdbId' | 'title' | 'year'>;
type SeriesLike = Pick<SonarrSeries, 'id' | 'tvdbId' | 'imdbId' | 'title' | 'year' | 'seriesType'>;
type EpisodeLike = Pick<SonarrEpisode, 'id' | 'seasonNumber' | 'episodeNumber' | 'tvdbId' | 'title'> & {
  airDateUtc?: string | null;
};

export function movieMedia(m: MovieLike, instance: string): MediaRef {
  return {
    mediaType: 'movie',
    tmdbId: m.tmdbId,
    imdbId: m.imdbId ?? undefined,
    title: m.title ?? undefined,
    year: m.year ?? undefined,
    arr: { app: 'radarr', instance, id: m.id },
  };
}

export function seriesMedia(s: SeriesLike, instance: string): MediaRef {
  return {
    mediaType: 'tv',
    tvdbId: s.tvdbId,
    imdbId: s.imdbId ?? undefined,
    title: s.title ?? undefined,
    year: s.year ?? undefined,
    isAnime: s.seriesType === 'anime' ? true : undefined,
    arr: { app: 'sonarr', instance, id: s.id },
  };
}

export function episodeRef(e: EpisodeLike): EpisodeRef {
  return {
    seasonNumber: e.seasonNumber,
    episodeNumber: e.episodeNumber,
    sonarrEpisodeId: e.id,
    tvdbId: e.tvdbId ?? undefined,
    title: e.title ?? undefined,
    airDateUtc: e.airDateUtc ?? undefined,
  };
}

function mediaOf(
  item: RadarrQueueItem | SonarrQueueItem,
  instance: string,
): { media: MediaRef; episodes?: EpisodeRef[] } {
  if ('movie' in item)
    return { media: item.movie ? movieMedia(item.movie, instance) : { mediaType: 'movie' } };
  return {
    media: item.series ? seriesMedia(item.series, instance) : { mediaType: 'tv' },
    episodes: item.episode ? [episodeRef(item.episode)] : undefined,
  };
}

/**
 * Names the movie (or series and episode) of a history record, which carries only the *arr's ids.
 * The library is read at most once per cycle, and only when a record needs it.
 */
function historyNamer(instance: ArrInstance) {
  let movies: Map<number, RadarrMovie> | undefined;
  let series: Map<number, SonarrSeries> | undefined;
  const episodes = new Map<number, SonarrEpisode[]>();
  return async (
    record: RadarrHistoryRecord | SonarrHistoryRecord,
  ): Promise<{ media: MediaRef; episodes?: EpisodeRef[] } | null> => {
    if (instance.app === 'radarr' && 'movieId' in record && record.movieId !== null) {
      movies ??= new Map((await instance.client.movies()).map((m) => [m.id, m]));
      const m = movies.get(record.movieId);
      return m ? { media: movieMedia(m, instance.name) } : null;
    }
    if (instance.app === 'sonarr' && 'seriesId' in record && record.seriesId !== null) {
      series ??= new Map((await instance.client.allSeries()).map((s) => [s.id, s]));
      const s = series.get(record.seriesId);
      if (!s) return null;
      let list = episodes.get(s.id);
      if (!list) {
        list = await instance.client.episodes({ seriesId: s.id });
        episodes.set(s.id, list);
      }
      const e = list.find((candidate) => candidate.id === record.episodeId);
      return { media: seriesMedia(s, instance.name), episodes: e ? [episodeRef(e)] : undefined };
    }
    return null;
  };
}

/**
 * One *arr instance read back: its queue (grabs the tracker never heard of, blocked imports with
 * the *arr's own messages, failed downloads) and its history since the last run (imports and
 * failures of downloads). The observations are those the webhooks would have given.
 */
export async function reconcileArr({
  instance,
  state,
  isKnown,
  now,
}: {
  instance: ArrInstance;
  state: JobState;
  /** Whether a request already knows this download key. */
  isKnown: (downloadKey: string) => boolean;
  now: Date;
}): Promise<{ observations: Observation[]; queued: Set<string> }> {
  const at = now.toISOString();
  const source = instance.app;
  const mediaType = instance.app === 'radarr' ? 'movie' : 'tv';
  const observations: Observation[] = [];

  const queue: Array<RadarrQueueItem | SonarrQueueItem> = await instance.client.queue();
  const inQueue = new Set<string>();
  for (const item of queue) {
    if (!item.downloadId) continue; // a release still waiting in the delay queue
    inQueue.add(downloadKey(item.downloadId));
    const { media, episodes } = mediaOf(item, instance.name);
    const base = { source, at, media, episodes } as const;
    const download = {
      id: item.downloadId,
      client: item.downloadClient ?? undefined,
      name: item.title ?? undefined,
      sizeBytes: item.sizeBytes > 0 ? item.sizeBytes : undefined,
    };
    if (!isKnown(downloadKey(item.downloadId))) {
      observations.push({
        ...base,
        kind: 'grabbed',
        download,
        releaseTitle: item.title ?? undefined,
        indexer: item.indexer ?? undefined,
      });
    }
    const messages = item.statusMessages.flatMap((m) =>
      m.messages.length > 0 ? m.messages : m.title ? [m.title] : [],
    );
    const state = item.trackedDownloadState;
    if (state === 'failed' || state === 'failedPending' || item.status === 'failed') {
      const reason =
        item.errorMessage ?? (messages.join('; ') || `${instance.name} marked the download as failed`);
      observations.push({ ...base, kind: 'download_failed', download, reason });
    } else if ((state === 'importBlocked' || state === 'importPending') && messages.length > 0) {
      observations.push({ ...base, kind: 'import_blocked', download, messages });
    }
  }

  const bookmarkKey = `arr-history:${instance.id}`;
  const bookmark = state.get(bookmarkKey);
  const since = new Date((bookmark ? Date.parse(bookmark) : now.getTime() - FIRST_HISTORY_MS) - OVERLAP_MS);
  const history = await instance.client.historySince({ date: since.toISOString() });
  const name = historyNamer(instance);
  for (const record of history) {
    if (!record.downloadId) continue; // manual imports: the Download webhook or a file check tells
    const download = { id: record.downloadId };
    const base = { source, at: record.date, media: { mediaType } } as const;
    // A grab no webhook and no queue read told of (imported or failed since): named by the history.
    const key = downloadKey(record.downloadId);
    if (record.eventType === 'grabbed' && !inQueue.has(key) && !isKnown(key)) {
      const named = await name(record);
      if (named) {
        observations.push({
          source,
          at: record.date,
          ...named,
          kind: 'grabbed',
          download: {
            ...download,
            client: record.data.downloadClientName,
            name: record.sourceTitle ?? undefined,
          },
          releaseTitle: record.sourceTitle ?? undefined,
        });
      }
    }
    if (record.eventType === 'downloadFolderImported' && record.data.importedPath) {
      observations.push({
        ...base,
        kind: 'imported',
        download,
        files: [{ path: record.data.importedPath, sourcePath: record.data.droppedPath }],
        isUpgrade: false,
      });
    }
    if (record.eventType === 'downloadFailed') {
      observations.push({
        ...base,
        kind: 'download_failed',
        download,
        reason: record.data.message ?? 'download failed',
      });
    }
  }
  state.set(bookmarkKey, at);
  return { observations, queued: inQueue };
}
