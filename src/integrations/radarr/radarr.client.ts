/**
 * Radarr REST API v3 (contracts.md §2; Radarr v5.28.0.10274 OpenAPI in shared/contracts, same API in
 * v6.1): the shared *arr calls plus the movie library and Radarr's commands.
 *
 * - `GET /movie?tmdbId=` answers an array, empty when the movie is not in the library.
 * - `GET /moviefile?movieId=` answers every file of the movie (v5.3.3+; older versions only the first)
 *   and an empty array for an unknown movie.
 * - `DownloadedMoviesScan` needs `path` (the command fails without it). With a `downloadClientId`
 *   Radarr tracks (exact case), it imports against that download; with an unknown one it falls back to
 *   a plain folder import whose history records carry no downloadId. Nothing imported: the command
 *   still ends `completed`, with `result: "unsuccessful"`.
 */
import { z } from 'zod';
import { radarrMovieFileResourceSchema, radarrMovieResourceSchema } from '../shared/arr-api.schemas.js';
import {
  type ArrClient,
  type ArrClientOptions,
  type ArrCommand,
  type ArrImportMode,
  arrClientOn,
  createArrApi,
} from '../shared/arr-client.js';

/** A movie in Radarr's library. */
export interface RadarrMovie {
  id: number;
  tmdbId: number;
  /** `tt…`. */
  imdbId: string | null;
  title: string | null;
  year: number | null;
  /** The movie's folder as Radarr sees it. */
  path: string | null;
  hasFile: boolean;
  /** Null when the movie has no file. */
  movieFileId: number | null;
  monitored: boolean;
  /** `tba`, `announced`, `inCinemas`, `released`, `deleted` (TMDB dropped it). */
  status: string | null;
  /** Bytes. */
  sizeOnDiskBytes: number;
  /** Tag ids. */
  tags: number[];
}

export interface RadarrMovieFile {
  id: number;
  movieId: number;
  /** Full path as Radarr sees it. */
  path: string | null;
  /** Relative to the movie's folder. */
  relativePath: string | null;
  /** Bytes. */
  sizeBytes: number;
  /** ISO 8601 UTC: when Radarr imported it. */
  dateAdded: string | null;
  /** The release name it was imported from, when known. */
  sceneName: string | null;
  releaseGroup: string | null;
  /** Quality name, e.g. `Bluray-1080p`. */
  quality: string | null;
}

export interface RadarrClient extends ArrClient<'Radarr'> {
  /** `GET /api/v3/movie?tmdbId=`: the library's movie, or null when Radarr does not have it. */
  movieByTmdbId(tmdbId: number): Promise<RadarrMovie | null>;
  /** `GET /api/v3/movie`: every movie (to name the movie of a history record by its id). */
  movies(): Promise<RadarrMovie[]>;
  /** `GET /api/v3/moviefile?movieId=`: the movie's files; [] when none (or no such movie). */
  movieFiles(movieId: number): Promise<RadarrMovieFile[]>;
  /**
   * `{"name":"DownloadedMoviesScan","path":…,"downloadClientId":…}` (+ `importMode` when given):
   * import a finished download. `path` as Radarr sees it (a queue record's `outputPath`);
   * `downloadClientId` in Radarr's case ({@link toArrDownloadId}).
   */
  downloadedMoviesScan(input: {
    path: string;
    downloadClientId?: string | undefined;
    importMode?: ArrImportMode | undefined;
  }): Promise<ArrCommand>;
  /** `{"name":"MoviesSearch","movieIds":[…]}`: search the indexers for these movies now. */
  moviesSearch(movieIds: number[]): Promise<ArrCommand>;
}

export function toRadarrMovie(resource: z.infer<typeof radarrMovieResourceSchema>): RadarrMovie {
  const movieFileId = resource.movieFileId ?? 0;
  return {
    id: resource.id,
    tmdbId: resource.tmdbId,
    imdbId: resource.imdbId ?? null,
    title: resource.title ?? null,
    year: resource.year ?? null,
    path: resource.path ?? null,
    hasFile: resource.hasFile ?? movieFileId > 0,
    movieFileId: movieFileId > 0 ? movieFileId : null,
    monitored: resource.monitored ?? false,
    status: resource.status ?? null,
    sizeOnDiskBytes: resource.sizeOnDisk ?? 0,
    tags: resource.tags ?? [],
  };
}

export function toRadarrMovieFile(resource: z.infer<typeof radarrMovieFileResourceSchema>): RadarrMovieFile {
  return {
    id: resource.id,
    movieId: resource.movieId,
    path: resource.path ?? null,
    relativePath: resource.relativePath ?? null,
    sizeBytes: resource.size ?? 0,
    dateAdded: resource.dateAdded ?? null,
    sceneName: resource.sceneName ?? null,
    releaseGroup: resource.releaseGroup ?? null,
    quality: resource.quality?.quality?.name ?? null,
  };
}

export function createRadarrClient(options: Omit<ArrClientOptions<'Radarr'>, 'app'>): RadarrClient {
  const api = createArrApi({ ...options, app: 'Radarr' });
  const shared = arrClientOn(api);
  return {
    ...shared,
    async movies() {
      const movies = await api.request({
        path: 'api/v3/movie',
        schema: z.array(radarrMovieResourceSchema),
        what: 'movies',
      });
      return movies.map(toRadarrMovie);
    },
    async movieByTmdbId(tmdbId) {
      const movies = await api.request({
        path: 'api/v3/movie',
        query: { tmdbId },
        schema: z.array(radarrMovieResourceSchema),
        what: `movie tmdb:${tmdbId}`,
      });
      const movie = movies.find((candidate) => candidate.tmdbId === tmdbId);
      return movie ? toRadarrMovie(movie) : null;
    },
    async movieFiles(movieId) {
      const files = await api.request({
        path: 'api/v3/moviefile',
        query: { movieId },
        schema: z.array(radarrMovieFileResourceSchema),
        what: `files of movie ${movieId}`,
      });
      return files.filter((file) => file.movieId === movieId).map(toRadarrMovieFile);
    },
    downloadedMoviesScan: ({ path, downloadClientId, importMode }) =>
      shared.command({
        name: 'DownloadedMoviesScan',
        path,
        ...(downloadClientId !== undefined && { downloadClientId }),
        ...(importMode !== undefined && { importMode }),
      }),
    moviesSearch: (movieIds) => shared.command({ name: 'MoviesSearch', movieIds }),
  };
}
