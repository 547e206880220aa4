/**
 * Sonarr REST API v3 (contracts.md §2; Sonarr v4 `main` OpenAPI in shared/contracts): the shared *arr
 * calls plus series, episodes, episode files and Sonarr's commands.
 *
 * - `GET /series?tvdbId=` answers an array, empty when the series is not in the library.
 * - `GET /episode?seriesId=` answers [] for an unknown series; `episodeFileId` is 0 without a file.
 * - `GET /episodefile?seriesId=` answers 404 for an unknown series (it loads the series first).
 * - `DownloadedEpisodesScan` behaves like Radarr's `DownloadedMoviesScan` (path required; a tracked
 *   `downloadClientId` imports against that download and, once every episode of the grab is in, sends
 *   the "Import Complete" webhook; nothing imported: `completed` with `result: "unsuccessful"`).
 */
import { z } from 'zod';
import {
  sonarrEpisodeFileResourceSchema,
  sonarrEpisodeResourceSchema,
  sonarrSeriesResourceSchema,
} from '../shared/arr-api.schemas.js';
import {
  type ArrClient,
  type ArrClientOptions,
  type ArrCommand,
  type ArrImportMode,
  arrClientOn,
  createArrApi,
} from '../shared/arr-client.js';

export interface SonarrSeason {
  seasonNumber: number;
  monitored: boolean;
  /** Episodes with a file. */
  episodeFileCount: number | null;
  /** Aired (or monitored) episodes Sonarr expects. */
  episodeCount: number | null;
  /** All episodes, future ones included. */
  totalEpisodeCount: number | null;
}

export interface SonarrSeries {
  id: number;
  tvdbId: number;
  /** Null when Sonarr has none (0). */
  tmdbId: number | null;
  /** `tt…`. */
  imdbId: string | null;
  title: string | null;
  year: number | null;
  /** The series folder as Sonarr sees it. */
  path: string | null;
  monitored: boolean;
  /** `standard`, `daily` or `anime`: anime goes through Shoko. */
  seriesType: string | null;
  seasons: SonarrSeason[];
  /** Tag ids. */
  tags: number[];
}

export interface SonarrEpisode {
  id: number;
  seriesId: number;
  /** The episode's own TVDB id. */
  tvdbId: number | null;
  seasonNumber: number;
  episodeNumber: number;
  /** Anime's absolute number, when Sonarr has one. */
  absoluteEpisodeNumber: number | null;
  title: string | null;
  /** ISO 8601 UTC; null when not announced. */
  airDateUtc: string | null;
  hasFile: boolean;
  monitored: boolean;
  /** Null without a file (Sonarr sends 0). A multi-episode file is shared by its episodes. */
  episodeFileId: number | null;
}

export interface SonarrEpisodeFile {
  id: number;
  seriesId: number;
  seasonNumber: number | null;
  /** Full path as Sonarr sees it. */
  path: string | null;
  /** Relative to the series folder. */
  relativePath: string | null;
  /** Bytes. */
  sizeBytes: number;
  /** ISO 8601 UTC: when Sonarr imported it. */
  dateAdded: string | null;
  sceneName: string | null;
  releaseGroup: string | null;
  /** Quality name, e.g. `WEBDL-1080p`. */
  quality: string | null;
}

export interface SonarrClient extends ArrClient<'Sonarr'> {
  /** `GET /api/v3/series?tvdbId=`: the library's series, or null when Sonarr does not have it. */
  seriesByTvdbId(tvdbId: number): Promise<SonarrSeries | null>;
  /** `GET /api/v3/series`: every series (to name the series of a history record by its id). */
  allSeries(): Promise<SonarrSeries[]>;
  /** `GET /api/v3/episode?seriesId=[&seasonNumber=]`: [] for an unknown series. */
  episodes(input: { seriesId: number; seasonNumber?: number | undefined }): Promise<SonarrEpisode[]>;
  /** `GET /api/v3/episodefile?seriesId=`: null when Sonarr has no such series (404). */
  episodeFiles(seriesId: number): Promise<SonarrEpisodeFile[] | null>;
  /**
   * `{"name":"DownloadedEpisodesScan","path":…,"downloadClientId":…}` (+ `importMode` when given).
   * `path` as Sonarr sees it (a queue record's `outputPath`); `downloadClientId` in Sonarr's case.
   */
  downloadedEpisodesScan(input: {
    path: string;
    downloadClientId?: string | undefined;
    importMode?: ArrImportMode | undefined;
  }): Promise<ArrCommand>;
  /** `{"name":"EpisodeSearch","episodeIds":[…]}`. */
  episodeSearch(episodeIds: number[]): Promise<ArrCommand>;
  /** `{"name":"SeasonSearch","seriesId":…,"seasonNumber":…}`: looks for a season pack first. */
  seasonSearch(input: { seriesId: number; seasonNumber: number }): Promise<ArrCommand>;
}

export function toSonarrSeries(resource: z.infer<typeof sonarrSeriesResourceSchema>): SonarrSeries {
  return {
    id: resource.id,
    tvdbId: resource.tvdbId,
    tmdbId: resource.tmdbId ? resource.tmdbId : null,
    imdbId: resource.imdbId ?? null,
    title: resource.title ?? null,
    year: resource.year ?? null,
    path: resource.path ?? null,
    monitored: resource.monitored ?? false,
    seriesType: resource.seriesType ?? null,
    seasons: (resource.seasons ?? []).map((season) => ({
      seasonNumber: season.seasonNumber,
      monitored: season.monitored ?? false,
      episodeFileCount: season.statistics?.episodeFileCount ?? null,
      episodeCount: season.statistics?.episodeCount ?? null,
      totalEpisodeCount: season.statistics?.totalEpisodeCount ?? null,
    })),
    tags: resource.tags ?? [],
  };
}

export function toSonarrEpisode(resource: z.infer<typeof sonarrEpisodeResourceSchema>): SonarrEpisode {
  const episodeFileId = resource.episodeFileId ?? 0;
  return {
    id: resource.id,
    seriesId: resource.seriesId,
    tvdbId: resource.tvdbId ? resource.tvdbId : null,
    seasonNumber: resource.seasonNumber,
    episodeNumber: resource.episodeNumber,
    absoluteEpisodeNumber: resource.absoluteEpisodeNumber ?? null,
    title: resource.title ?? null,
    airDateUtc: resource.airDateUtc ?? null,
    hasFile: resource.hasFile ?? episodeFileId > 0,
    monitored: resource.monitored ?? false,
    episodeFileId: episodeFileId > 0 ? episodeFileId : null,
  };
}

export function toSonarrEpisodeFile(
  resource: z.infer<typeof sonarrEpisodeFileResourceSchema>,
): SonarrEpisodeFile {
  return {
    id: resource.id,
    seriesId: resource.seriesId,
    seasonNumber: resource.seasonNumber ?? null,
    path: resource.path ?? null,
    relativePath: resource.relativePath ?? null,
    sizeBytes: resource.size ?? 0,
    dateAdded: resource.dateAdded ?? null,
    sceneName: resource.sceneName ?? null,
    releaseGroup: resource.releaseGroup ?? null,
    quality: resource.quality?.quality?.name ?? null,
  };
}

export function createSonarrClient(options: Omit<ArrClientOptions<'Sonarr'>, 'app'>): SonarrClient {
  const api = createArrApi({ ...options, app: 'Sonarr' });
  const shared = arrClientOn(api);
  return {
    ...shared,
    async allSeries() {
      const series = await api.request({
        path: 'api/v3/series',
        schema: z.array(sonarrSeriesResourceSchema),
        what: 'series',
      });
      return series.map(toSonarrSeries);
    },
    async seriesByTvdbId(tvdbId) {
      const series = await api.request({
        path: 'api/v3/series',
        query: { tvdbId },
        schema: z.array(sonarrSeriesResourceSchema),
        what: `series tvdb:${tvdbId}`,
      });
      const found = series.find((candidate) => candidate.tvdbId === tvdbId);
      return found ? toSonarrSeries(found) : null;
    },
    async episodes({ seriesId, seasonNumber }) {
      const episodes = await api.request({
        path: 'api/v3/episode',
        query: { seriesId, seasonNumber },
        schema: z.array(sonarrEpisodeResourceSchema),
        what: `episodes of series ${seriesId}`,
      });
      return episodes
        .filter((episode) => seasonNumber === undefined || episode.seasonNumber === seasonNumber)
        .map(toSonarrEpisode);
    },
    async episodeFiles(seriesId) {
      const files = await api.requestOrNull({
        path: 'api/v3/episodefile',
        query: { seriesId },
        schema: z.array(sonarrEpisodeFileResourceSchema),
        what: `episode files of series ${seriesId}`,
      });
      return files === null ? null : files.map(toSonarrEpisodeFile);
    },
    downloadedEpisodesScan: ({ path, downloadClientId, importMode }) =>
      shared.command({
        name: 'DownloadedEpisodesScan',
        path,
        ...(downloadClientId !== undefined && { downloadClientId }),
        ...(importMode !== undefined && { importMode }),
      }),
    episodeSearch: (episodeIds) => shared.command({ name: 'EpisodeSearch', episodeIds }),
    seasonSearch: ({ seriesId, seasonNumber }) =>
      shared.command({ name: 'SeasonSearch', seriesId, seasonNumber }),
  };
}
