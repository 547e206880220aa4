/**
 * Radarr/Sonarr REST API v3 resources (contracts.md §2), the fields the tracker reads. Names are
 * camelCase as in the OpenAPI documents (shared/contracts/radarr/openapi-v3.radarr-v5.28.0.10274.json,
 * shared/contracts/sonarr/openapi-v3.sonarr-v4-main.json), including the lowercase `l` of the queue's
 * `sizeleft`/`timeleft`.
 *
 * Loose on purpose: the *arrs omit null properties (System.Text.Json `WhenWritingNull`), so every
 * nullable field is optional here, and enums stay strings (a new upstream value must not make a whole
 * queue unreadable; the client maps them). Unknown keys pass through.
 */
import { z } from 'zod';

const int = z.number().int();
const text = z.string().nullish();
const count = z.number().nullish();

/** `SystemResource`. */
export const arrSystemStatusSchema = z.looseObject({
  appName: z.string(),
  version: z.string(),
  instanceName: text,
});

/** `PagingResource<T>`: `records` may be absent when empty (null omitted). */
export function arrPagingSchema<T extends z.ZodType>(record: T) {
  return z.looseObject({
    page: int,
    pageSize: int,
    totalRecords: int,
    records: z.array(record).nullish(),
  });
}

/** `TrackedDownloadStatusMessage`: why an import is blocked or a download is in warning. */
export const arrStatusMessageSchema = z.looseObject({
  title: text,
  messages: z.array(z.string()).nullish(),
});

/** `QualityModel`, only the name is read. */
const qualityModelSchema = z.looseObject({
  quality: z.looseObject({ name: text }).nullish(),
});

/** The parts of `MovieResource` embedded in queue and history records (`includeMovie=true`). */
export const radarrMovieResourceSchema = z.looseObject({
  id: int,
  tmdbId: int,
  imdbId: text,
  title: text,
  year: int.nullish(),
  path: text,
  hasFile: z.boolean().nullish(),
  movieFileId: int.nullish(),
  monitored: z.boolean().nullish(),
  status: text,
  sizeOnDisk: count,
  tags: z.array(int).nullish(),
  added: text,
});

export const radarrMovieFileResourceSchema = z.looseObject({
  id: int,
  movieId: int,
  relativePath: text,
  path: text,
  size: count,
  dateAdded: text,
  sceneName: text,
  releaseGroup: text,
  quality: qualityModelSchema.nullish(),
});

export const sonarrSeasonResourceSchema = z.looseObject({
  seasonNumber: int,
  monitored: z.boolean().nullish(),
  statistics: z
    .looseObject({
      episodeFileCount: count,
      episodeCount: count,
      totalEpisodeCount: count,
    })
    .nullish(),
});

export const sonarrSeriesResourceSchema = z.looseObject({
  id: int,
  tvdbId: int,
  tmdbId: int.nullish(),
  imdbId: text,
  title: text,
  year: int.nullish(),
  path: text,
  monitored: z.boolean().nullish(),
  seriesType: text,
  seasons: z.array(sonarrSeasonResourceSchema).nullish(),
  tags: z.array(int).nullish(),
});

export const sonarrEpisodeResourceSchema = z.looseObject({
  id: int,
  seriesId: int,
  tvdbId: int.nullish(),
  episodeFileId: int.nullish(),
  seasonNumber: int,
  episodeNumber: int,
  absoluteEpisodeNumber: int.nullish(),
  title: text,
  airDateUtc: text,
  hasFile: z.boolean().nullish(),
  monitored: z.boolean().nullish(),
});

export const sonarrEpisodeFileResourceSchema = z.looseObject({
  id: int,
  seriesId: int,
  seasonNumber: int.nullish(),
  relativePath: text,
  path: text,
  size: count,
  dateAdded: text,
  sceneName: text,
  releaseGroup: text,
  quality: qualityModelSchema.nullish(),
});

/** `QueueResource` of either app: Radarr has `movieId`, Sonarr `seriesId`/`episodeId`/`seasonNumber`. */
export const arrQueueResourceSchema = z.looseObject({
  id: int,
  movieId: int.nullish(),
  movie: radarrMovieResourceSchema.nullish(),
  seriesId: int.nullish(),
  episodeId: int.nullish(),
  seasonNumber: int.nullish(),
  series: sonarrSeriesResourceSchema.nullish(),
  episode: sonarrEpisodeResourceSchema.nullish(),
  episodeHasFile: z.boolean().nullish(),
  title: text,
  status: text,
  trackedDownloadStatus: text,
  trackedDownloadState: text,
  statusMessages: z.array(arrStatusMessageSchema).nullish(),
  errorMessage: text,
  downloadId: text,
  protocol: text,
  downloadClient: text,
  indexer: text,
  outputPath: text,
  size: count,
  sizeleft: count,
  timeleft: text,
  /** The names API v5 (Sonarr v5, unreleased) uses; read when the v3 ones are absent. */
  sizeLeft: count,
  timeLeft: text,
  estimatedCompletionTime: text,
  added: text,
});
export type ArrQueueResource = z.infer<typeof arrQueueResourceSchema>;

/**
 * `HistoryResource` of either app. `data` is a string map whose values can be JSON null: System.Text.Json
 * does not drop null dictionary values the way it drops null properties.
 */
export const arrHistoryResourceSchema = z.looseObject({
  id: int,
  movieId: int.nullish(),
  seriesId: int.nullish(),
  episodeId: int.nullish(),
  sourceTitle: text,
  date: z.string(),
  downloadId: text,
  eventType: z.string(),
  data: z.record(z.string(), z.string().nullable()).nullish(),
});
export type ArrHistoryResource = z.infer<typeof arrHistoryResourceSchema>;

/** `CommandResource`. `body` is the command itself, its own properties included. */
export const arrCommandResourceSchema = z.looseObject({
  id: int,
  name: text,
  commandName: text,
  message: text,
  status: z.string(),
  result: text,
  queued: text,
  started: text,
  ended: text,
  exception: text,
  body: z.looseObject({}).nullish(),
});
export type ArrCommandResource = z.infer<typeof arrCommandResourceSchema>;

/** The error bodies: `{message, description}` from the error handler, or FluentValidation failures. */
export const arrErrorSchema = z.union([
  z.looseObject({ message: z.string() }),
  z.array(z.looseObject({ propertyName: text, errorMessage: z.string() })).min(1),
]);
