import { z } from 'zod';
import { optionalText } from '../shared/webhook-parsing.js';

/**
 * Radarr v5.28 / v6 webhook payloads (design/contracts.md §1; `Notifications/Webhook/*.cs`, unchanged
 * between v5.28.0.10274 and v6.1). Newtonsoft, camelCase, nulls omitted: every reference-typed field is
 * optional here, value types are required where the contract says they are always sent, and every
 * object tolerates unknown keys. Only the fields the normaliser reads are declared.
 */

export const radarrImageSchema = z.looseObject({
  coverType: optionalText,
  url: optionalText,
  remoteUrl: optionalText,
});

/** `WebhookMovie`. */
export const radarrMovieSchema = z.looseObject({
  id: z.int(),
  title: optionalText,
  year: z.int(),
  /** 0 on the Test event; then `remoteMovie.tmdbId` is the one to use. */
  tmdbId: z.int(),
  imdbId: optionalText,
  folderPath: optionalText,
  releaseDate: optionalText,
  images: z.array(radarrImageSchema).nullish(),
  /** Tag labels, sorted. */
  tags: z.array(z.string()).nullish(),
});

/** `WebhookRemoteMovie`: what the release was parsed as. */
export const radarrRemoteMovieSchema = z.looseObject({
  tmdbId: z.int().nullish(),
  imdbId: optionalText,
  title: optionalText,
  year: z.int().nullish(),
});

/** `WebhookRelease` (Grab) and `WebhookGrabbedRelease` (Download, ManualInteractionRequired). */
export const radarrReleaseSchema = z.looseObject({
  releaseTitle: optionalText,
  indexer: optionalText,
  quality: optionalText,
  /** Bytes; 0 when there is no grab history. */
  size: z.number().nullish(),
});

/** `WebhookMovieFile`. */
export const radarrMovieFileSchema = z.looseObject({
  id: z.int(),
  path: z.string(),
  relativePath: optionalText,
  /** Only on Download: where the file was in the download folder. */
  sourcePath: optionalText,
  size: z.number().nullish(),
});

export const radarrEnvelopeSchema = z.looseObject({
  eventType: z.string(),
  instanceName: optionalText,
  applicationUrl: optionalText,
});

const downloadClientFields = {
  downloadClient: optionalText,
  downloadClientType: optionalText,
  downloadId: optionalText,
};

export const radarrGrabSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  release: radarrReleaseSchema,
  ...downloadClientFields,
});

export const radarrDownloadSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  movieFile: radarrMovieFileSchema,
  /** Always sent by Radarr; absent in some hand-edited captures, then false. */
  isUpgrade: z.boolean().nullish(),
  release: radarrReleaseSchema.nullish(),
  /** Not sent by Radarr (it is inside `movieFile`), but present in third-party captures. */
  sourcePath: optionalText,
  ...downloadClientFields,
});

export const radarrDownloadStatusMessageSchema = z.looseObject({
  title: optionalText,
  messages: z.array(z.string()).nullish(),
});

export const radarrManualInteractionRequiredSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  downloadInfo: z
    .looseObject({
      title: optionalText,
      size: z.number().nullish(),
      quality: optionalText,
    })
    .nullish(),
  downloadStatus: optionalText,
  downloadStatusMessages: z.array(radarrDownloadStatusMessageSchema).nullish(),
  release: radarrReleaseSchema.nullish(),
  ...downloadClientFields,
});

export const radarrMovieAddedSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  addMethod: optionalText,
});

export const radarrMovieDeleteSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  deletedFiles: z.boolean().nullish(),
});

export const radarrMovieFileDeleteSchema = radarrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  movieFile: radarrMovieFileSchema,
  deleteReason: optionalText,
});

export type RadarrMovie = z.output<typeof radarrMovieSchema>;
export type RadarrRemoteMovie = z.output<typeof radarrRemoteMovieSchema>;
export type RadarrRelease = z.output<typeof radarrReleaseSchema>;
