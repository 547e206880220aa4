/**
 * What each simulated service does as a request moves on, the way the real one would: every step
 * changes that service's fake (so what the tracker reads back through the API agrees) and sends the
 * webhook the service would send, over HTTP with the token. Jellyseerr asks and approves, Radarr and
 * Sonarr grab (queue + history) and import (file + history), qBittorrent downloads (transfers.ts),
 * Shoko matches anime files over SignalR, Jellyfin adds the items.
 */
import { randomBytes } from 'node:crypto';
import {
  jellyfinItemAddedEpisode,
  jellyfinItemAddedMovie,
} from '../../src/integrations/jellyfin/jellyfin.fake.js';
import { jellyseerrNotification } from '../../src/integrations/jellyseerr/jellyseerr.fake.js';
import {
  type RadarrFakeMovie,
  radarrDownload,
  radarrGrab,
} from '../../src/integrations/radarr/radarr.fake.js';
import type {
  ArrFakeEpisode,
  ArrFakeMovie,
  ArrFakeSeries,
} from '../../src/integrations/shared/arr-api.fake.js';
import {
  type SonarrFakeEpisode,
  type SonarrFakeSeries,
  sonarrDownloadFile,
  sonarrGrab,
  sonarrImportComplete,
} from '../../src/integrations/sonarr/sonarr.fake.js';
import {
  type DemoMovie,
  type DemoSeries,
  type DemoTitle,
  posterUrl,
  REQUESTERS,
  type Requester,
} from './catalog.js';
import type { Pacer } from './pacer.js';
import { type DemoStack, SHOKO_FOLDERS } from './stack.js';
import type { ArrQueue, Transfer, Transfers } from './transfers.js';

export interface JellyseerrRequest {
  id: number;
  title: DemoTitle;
  by: Requester;
}

export interface RadarrMovie {
  title: DemoMovie;
  movie: ArrFakeMovie;
  /** Releases grabbed so far: a new grab after a failure is another release. */
  grabs: number;
}

export interface SonarrSeason {
  title: DemoSeries;
  series: ArrFakeSeries;
  episodes: ArrFakeEpisode[];
  /** The series' Jellyfin item, once Jellyfin has the first episode. */
  jellyfinSeriesId?: string;
}

/** One grabbed release on its way. */
export interface Download {
  /** As the *arr has it: the upper-case torrent hash. */
  id: string;
  release: string;
  sizeBytes: number;
  /** Where the client puts it, as the *arr sees it. */
  outputPath: string;
  transfer: Transfer;
}

export interface GrabPlan {
  sizeBytes: number;
  /** Mean speed, bytes per demo second. */
  bytesPerSecond: number;
  /** Already complete when grabbed (the history played at the start). */
  complete?: boolean;
}

const SAVE_PATH = '/data/downloads/complete';
const INDEXERS = ['Torznab (Prowlarr)', 'IPTorrents (Prowlarr)', 'Nyaa.si (Prowlarr)'];
const MOVIE_RELEASES = [
  '1080p.BluRay.x264-SPARKS',
  '1080p.WEB-DL.DDP5.1.H.264-FLUX',
  '1080p.BluRay.x264-AMIABLE',
];
const ANIME_MOVIE_RELEASES = ['1080p.BluRay.x265-Judas', '1080p.BluRay.FLAC.x264-Arid'];

/** A folder name as Radarr/Sonarr write it: characters Windows forbids are dropped. */
function folderName(title: { title: string; year: number }): string {
  return `${title.title.replace(/[<>:"/\\|?*]/g, '')} (${title.year})`;
}

function dotted(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, '.').replace(/^\.+|\.+$/g, '');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Where Jellyfin sees a library file: the same library, mounted at /media instead of /data/media. */
function jellyfinPath(arrPath: string): string {
  return arrPath.replace(/^\/data\/media\//, '/media/');
}

/** The part of a library path below the anime root, which is what Shoko's import folder holds. */
function shokoRelativePath(arrPath: string): string {
  return arrPath.replace(/^\/data\/media\/anime\/(movies|tv)\//, '');
}

function queueOf(arr: DemoStack['fakes']['radarr'] | DemoStack['fakes']['sonarr'], id: string): ArrQueue {
  const records = () => arr.queue().filter((record) => record.downloadId === id);
  return {
    update(patch) {
      for (const record of records()) arr.updateQueueItem(record.id, patch);
    },
    present: () => records().length > 0,
  };
}

export function createServices({
  stack,
  pacer,
  transfers,
}: {
  stack: DemoStack;
  pacer: Pacer;
  transfers: Transfers;
}) {
  const { jellyseerr, radarr, sonarr, jellyfin, shoko } = stack.fakes;
  const userIds = new Map<Requester, number>(
    REQUESTERS.map((name) => [name, jellyseerr.addUser({ username: name, jellyfinUsername: name }).id]),
  );
  const hook = stack.hook;

  function radarrMovie({ title, movie }: RadarrMovie): RadarrFakeMovie {
    return {
      movieId: movie.id,
      tmdbId: title.tmdbId,
      imdbId: title.imdbId,
      title: title.title,
      year: title.year,
      tags: title.anime ? ['anime'] : [],
      folderPath: movie.path,
    };
  }

  function sonarrSeries({ title, series }: SonarrSeason): SonarrFakeSeries {
    return {
      seriesId: series.id,
      tvdbId: title.tvdbId,
      tmdbId: title.tmdbId,
      imdbId: title.imdbId,
      title: title.title,
      year: title.year,
      type: title.anime ? 'anime' : 'standard',
      path: series.path,
    };
  }

  function sonarrEpisode(episode: ArrFakeEpisode): SonarrFakeEpisode {
    return {
      id: episode.id,
      seasonNumber: episode.seasonNumber,
      episodeNumber: episode.episodeNumber,
      tvdbId: episode.tvdbId,
      title: episode.title,
      ...(episode.airDateUtc && { airDate: episode.airDateUtc.slice(0, 10) }),
    };
  }

  /**
   * A grab as Radarr and Sonarr both do it: `record` puts the release in the *arr's queue and history,
   * the torrent goes to qBittorrent, then `announce` sends the *arr's Grab webhook.
   */
  async function grab(
    arr: typeof radarr | typeof sonarr,
    { release, category, plan }: { release: string; category: string; plan: GrabPlan },
    record: (queued: ReturnType<typeof queuedRelease>) => void,
    announce: (downloadId: string) => Promise<void>,
  ): Promise<Download> {
    const id = randomBytes(20).toString('hex').toUpperCase();
    const outputPath = `${SAVE_PATH}/${release}`;
    const queue = queueOf(arr, id);
    record(queuedRelease(id, release, outputPath, plan));
    const transfer = transfers.start({
      hash: id,
      name: release,
      sizeBytes: plan.sizeBytes,
      category,
      bytesPerSecond: plan.bytesPerSecond,
      queue,
      progress: plan.complete ? 1 : 0,
    });
    await announce(id);
    return { id, release, sizeBytes: plan.sizeBytes, outputPath, transfer };
  }

  /** The queue record's fields a grab sets alike in Radarr and Sonarr. */
  function queuedRelease(downloadId: string, title: string, outputPath: string, plan: GrabPlan) {
    return {
      downloadId,
      title,
      outputPath,
      size: plan.sizeBytes,
      sizeleft: plan.sizeBytes,
      timeleft: null,
      status: 'queued' as const,
      indexer: INDEXERS[Math.floor(pacer.random() * INDEXERS.length)] ?? null,
    };
  }

  return {
    /**
     * Forgets a title played in an earlier round (deleted with its files from Radarr/Sonarr and
     * Jellyfin), so asking for it again goes through the whole story.
     */
    forget(title: DemoTitle): void {
      if (title.mediaType === 'movie') {
        for (const movie of radarr.movies()) if (movie.tmdbId === title.tmdbId) radarr.removeMovie(movie.id);
      } else {
        for (const series of sonarr.series())
          if (series.tvdbId === title.tvdbId) sonarr.removeSeries(series.id);
      }
      const key = title.mediaType === 'movie' ? 'Tmdb' : 'Tvdb';
      const id = String(title.mediaType === 'movie' ? title.tmdbId : title.tvdbId);
      for (const item of jellyfin.items()) {
        if ((item.type === 'Movie' || item.type === 'Series') && item.providerIds[key] === id) {
          jellyfin.remove(item.id);
        }
      }
    },

    // --- Jellyseerr -----------------------------------------------------------------------------

    /** Someone asks in Jellyseerr; approved at once unless `pending` (then an admin must approve). */
    async request(title: DemoTitle, { by, pending = false }: { by: Requester; pending?: boolean }) {
      jellyseerr.addTitle({
        mediaType: title.mediaType,
        tmdbId: title.tmdbId,
        title: title.title,
        year: title.year,
        posterPath: title.poster,
        imdbId: title.imdbId,
        ...(title.mediaType === 'tv' && { tvdbId: title.tvdbId, seasons: [title.season] }),
      });
      const request = jellyseerr.addRequest({
        mediaType: title.mediaType,
        tmdbId: title.tmdbId,
        imdbId: title.imdbId,
        status: pending ? 'pending' : 'approved',
        requestedBy: userIds.get(by),
        ...(title.mediaType === 'tv' && { tvdbId: title.tvdbId, seasons: [title.season] }),
      });
      await hook(
        'jellyseerr',
        notification(pending ? 'MEDIA_PENDING' : 'MEDIA_AUTO_APPROVED', request.id, title, by),
      );
      return { id: request.id, title, by } satisfies JellyseerrRequest;
    },

    /** An admin approves a pending request. */
    async approve(request: JellyseerrRequest): Promise<void> {
      jellyseerr.updateRequest(request.id, { status: 'approved', modifiedBy: 1 });
      await hook('jellyseerr', notification('MEDIA_APPROVED', request.id, request.title, request.by));
    },

    /** Jellyseerr's availability sync saw the title in Jellyfin. */
    async available(request: JellyseerrRequest): Promise<void> {
      jellyseerr.updateMedia(
        { mediaType: request.title.mediaType, tmdbId: request.title.tmdbId },
        { status: 'available' },
      );
      await hook('jellyseerr', notification('MEDIA_AVAILABLE', request.id, request.title, request.by));
    },

    // --- Radarr ---------------------------------------------------------------------------------

    /** Jellyseerr sent the movie to Radarr. */
    addMovie(title: DemoMovie): RadarrMovie {
      const root = title.anime ? '/data/media/anime/movies' : '/data/media/movies';
      const movie = radarr.addMovie({
        tmdbId: title.tmdbId,
        imdbId: title.imdbId,
        title: title.title,
        year: title.year,
        path: `${root}/${folderName(title)}`,
      });
      return { title, movie, grabs: 0 };
    },

    /** Radarr grabs a release: queue and history, the torrent in qBittorrent, the Grab webhook. */
    async grabMovie(ref: RadarrMovie, plan: GrabPlan): Promise<Download> {
      const releases = ref.title.anime ? ANIME_MOVIE_RELEASES : MOVIE_RELEASES;
      const quality = releases[ref.grabs++ % releases.length];
      const release = `${dotted(ref.title.title)}.${ref.title.year}.${quality}`;
      return grab(
        radarr,
        { release, category: 'radarr', plan },
        (queued) => radarr.grab({ movieId: ref.movie.id, ...queued }),
        (downloadId) =>
          hook(
            'radarr',
            radarrGrab({ ...radarrMovie(ref), downloadId, releaseTitle: release, size: plan.sizeBytes }),
          ),
      );
    },

    /** Radarr imports the completed download; returns the movie file's library path. */
    async importMovie(ref: RadarrMovie, download: Download): Promise<string> {
      radarr.importDownload({ path: download.outputPath, downloadClientId: download.id });
      // Already imported when someone pressed "Import the completed download" first.
      const file = radarr.movieFiles().find((f) => f.movieId === ref.movie.id);
      if (!file) throw new Error(`Radarr fake did not import ${download.release}`);
      const path = `${ref.movie.path}/${file.relativePath}`;
      await hook(
        'radarr',
        radarrDownload({
          ...radarrMovie(ref),
          downloadId: download.id,
          movieFileId: file.id,
          path,
          sourcePath: `${download.outputPath}/${download.release}.mkv`,
          releaseTitle: download.release,
          size: download.sizeBytes,
        }),
      );
      return path;
    },

    /** Radarr gives up on a download the client reports failed: history, blocklist, removed from the client. */
    failMovie(ref: RadarrMovie, download: Download): void {
      radarr.addHistory({
        eventType: 'downloadFailed',
        movieId: ref.movie.id,
        downloadId: download.id,
        sourceTitle: download.release,
        data: {
          message: 'qBittorrent is reporting an error',
          downloadClient: 'QBittorrent',
          downloadClientName: 'qBittorrent',
          size: String(download.sizeBytes),
          protocol: '2',
        },
      });
      for (const record of radarr.queue())
        if (record.downloadId === download.id) radarr.removeQueueItem(record.id);
      download.transfer.remove();
    },

    // --- Sonarr ---------------------------------------------------------------------------------

    /** Jellyseerr sent the series to Sonarr, which knows the season's episodes. */
    addSeries(title: DemoSeries): SonarrSeason {
      const root = title.anime ? '/data/media/anime/tv' : '/data/media/tv';
      const series = sonarr.addSeries({
        tvdbId: title.tvdbId,
        tmdbId: title.tmdbId,
        imdbId: title.imdbId,
        title: title.title,
        year: title.year,
        path: `${root}/${folderName(title)}`,
        seriesType: title.anime ? 'anime' : 'standard',
      });
      const first = Date.parse(`${title.firstAired}T02:00:00Z`);
      const episodes = Array.from({ length: title.episodes }, (_, i) =>
        sonarr.addEpisode({
          seriesId: series.id,
          seasonNumber: title.season,
          episodeNumber: i + 1,
          ...(title.episodeTitles?.[i] !== undefined && { title: title.episodeTitles[i] }),
          airDateUtc: new Date(first + i * 7 * 86_400_000).toISOString(),
        }),
      );
      return { title, series, episodes };
    },

    /** Sonarr grabs a release of these episodes (one, or the season's pack). */
    async grabEpisodes(ref: SonarrSeason, episodes: ArrFakeEpisode[], plan: GrabPlan): Promise<Download> {
      const first = episodes[0];
      if (!first) throw new Error('a grab needs episodes');
      const code =
        episodes.length === 1
          ? `S${pad(first.seasonNumber)}E${pad(first.episodeNumber)}`
          : `S${pad(first.seasonNumber)}`;
      const quality = ref.title.anime ? '1080p.WEB-DL.x265-SubsPlease' : '720p.BluRay.x264-DEMAND';
      const release = `${dotted(ref.title.title)}.${code}.${quality}`;
      return grab(
        sonarr,
        { release, category: 'tv-sonarr', plan },
        (queued) =>
          sonarr.grab({ seriesId: ref.series.id, episodeIds: episodes.map((e) => e.id), ...queued }),
        (downloadId) =>
          hook(
            'sonarr',
            sonarrGrab({
              ...sonarrSeries(ref),
              episodes: episodes.map(sonarrEpisode),
              downloadId,
              releaseTitle: release,
              size: plan.sizeBytes,
            }),
          ),
      );
    },

    /**
     * Sonarr imports the completed download: one "On File Import" webhook for a single episode, one
     * "On Import Complete" for a pack. Returns the library paths per episode id.
     */
    async importEpisodes(
      ref: SonarrSeason,
      episodes: ArrFakeEpisode[],
      download: Download,
    ): Promise<Map<number, string>> {
      sonarr.importDownload({ path: download.outputPath, downloadClientId: download.id });
      const files = sonarr.episodeFiles();
      const paths = new Map<number, string>();
      const fileIds = new Map<number, number>();
      for (const episode of episodes) {
        const file = files.find((f) => f.episodeIds.includes(episode.id));
        if (!file) throw new Error(`Sonarr fake did not import ${download.release}`);
        paths.set(episode.id, `${ref.series.path}/${file.relativePath}`);
        fileIds.set(episode.id, file.id);
      }
      const common = {
        ...sonarrSeries(ref),
        episodes: episodes.map(sonarrEpisode),
        downloadId: download.id,
        releaseTitle: download.release,
        size: download.sizeBytes,
      };
      const [only] = episodes;
      await hook(
        'sonarr',
        episodes.length === 1 && only
          ? sonarrDownloadFile({
              ...common,
              episodeFileId: fileIds.get(only.id) ?? 0,
              path: paths.get(only.id) ?? '',
              sourcePath: `${download.outputPath}/${paths.get(only.id)?.split('/').pop()}`,
            })
          : sonarrImportComplete({
              ...common,
              episodeFiles: episodes.map((e) => ({
                id: fileIds.get(e.id) ?? 0,
                path: paths.get(e.id) ?? '',
              })),
              sourcePath: download.outputPath,
            }),
      );
      return paths;
    },

    // --- Shoko ----------------------------------------------------------------------------------

    /** Shoko finds the imported anime files, hashes them and matches them on AniDB. */
    async match(title: DemoTitle, paths: string[], pace = 1): Promise<void> {
      const folderId = title.mediaType === 'movie' ? SHOKO_FOLDERS.movies : SHOKO_FOLDERS.tv;
      for (const [index, path] of paths.entries()) {
        const file = shoko.addFile({
          relativePath: shokoRelativePath(path),
          folderId,
          matched: false,
          crossReferences: [
            { anidbAnimeId: title.anidbId ?? 1, anidbEpisodeId: (title.anidbId ?? 1) * 100 + index + 1 },
          ],
        });
        shoko.emitDetected(file);
        await pacer.wait(0.5 * pace);
        shoko.emitHashed(file);
        await pacer.wait(1 * pace);
        shoko.emitMatched(file);
      }
    },

    // --- Jellyfin -------------------------------------------------------------------------------

    /** Jellyfin's library monitor picks the movie up; the Webhook plugin sends ItemAdded. */
    async addToLibrary(ref: RadarrMovie, path: string): Promise<void> {
      const { title } = ref;
      const item = jellyfin.addMovie({
        name: title.title,
        year: title.year,
        tmdbId: title.tmdbId,
        imdbId: title.imdbId,
        path: jellyfinPath(path),
        premiereDate: `${title.year}-01-01T00:00:00.000Z`,
        ...(title.anime && title.anidbId !== undefined && { shoko: { seriesId: title.anidbId } }),
      });
      await hook(
        'jellyfin',
        jellyfinItemAddedMovie({
          itemId: item.id,
          name: title.title,
          year: title.year,
          tmdbId: title.tmdbId,
          imdbId: title.imdbId,
        }),
      );
    },

    /** Jellyfin adds the episodes (and the series with the first one); ItemAdded for each. */
    async addEpisodesToLibrary(
      ref: SonarrSeason,
      episodes: ArrFakeEpisode[],
      paths: Map<number, string>,
      pace = 1,
    ) {
      const { title } = ref;
      if (!ref.jellyfinSeriesId) {
        ref.jellyfinSeriesId = jellyfin.addSeries({
          name: title.title,
          year: title.year,
          tvdbId: title.tvdbId,
          tmdbId: title.tmdbId,
          imdbId: title.imdbId,
          path: jellyfinPath(ref.series.path),
          premiereDate: `${title.firstAired}T00:00:00.000Z`,
          ...(title.anime && title.anidbId !== undefined && { shoko: { seriesId: title.anidbId } }),
        }).id;
      }
      for (const episode of episodes) {
        const item = jellyfin.addEpisode({
          seriesId: ref.jellyfinSeriesId,
          seasonNumber: episode.seasonNumber,
          episodeNumber: episode.episodeNumber,
          name: episode.title,
          tvdbId: episode.tvdbId,
          path: jellyfinPath(paths.get(episode.id) ?? ''),
          ...(episode.airDateUtc && { premiereDate: episode.airDateUtc }),
        });
        await hook(
          'jellyfin',
          jellyfinItemAddedEpisode({
            itemId: item.id,
            seriesId: ref.jellyfinSeriesId,
            seriesName: title.title,
            year: title.year,
            seasonNumber: episode.seasonNumber,
            episodeNumber: episode.episodeNumber,
            name: episode.title,
            episodeTvdbId: episode.tvdbId,
          }),
        );
        await pacer.wait(0.2 * pace);
      }
    },
  };

  function notification(
    type: 'MEDIA_PENDING' | 'MEDIA_AUTO_APPROVED' | 'MEDIA_APPROVED' | 'MEDIA_AVAILABLE',
    requestId: number,
    title: DemoTitle,
    by: Requester,
  ) {
    return jellyseerrNotification({
      type,
      mediaType: title.mediaType,
      tmdbId: title.tmdbId,
      requestId,
      title: title.title,
      year: title.year,
      requestedBy: by,
      image: posterUrl(title),
      ...(title.mediaType === 'tv' && { tvdbId: title.tvdbId, seasons: [title.season] }),
    });
  }
}

export type Services = ReturnType<typeof createServices>;
