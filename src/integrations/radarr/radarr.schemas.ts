import { z } from 'zod';
import {
  arrDownloadClientFields,
  arrEnvelopeSchema,
  arrImageSchema,
  arrManualInteractionFields,
} from '../shared/arr-webhook.schemas.js';
import { optionalText } from '../shared/webhook-parsing.js';

/**
 * Radarr v5.28 / v6 webhook payloads (design/contracts.md §1; `Notifications/Webhook/*.cs`, unchanged
 * between v5.28.0.10274 and v6.1). Newtonsoft, camelCase, nulls omitted: every reference-typed field is
 * optional here, value types are required where the contract says they are always sent, and every
 * object tolerates unknown keys. Only the fields the normaliser reads are declared.
 */

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
  images: z.array(arrImageSchema).nullish(),
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

export const radarrGrabSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  release: radarrReleaseSchema,
  ...arrDownloadClientFields,
});

export const radarrDownloadSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  movieFile: radarrMovieFileSchema,
  /** Always sent by Radarr; absent in some hand-edited captures, then false. */
  isUpgrade: z.boolean().nullish(),
  release: radarrReleaseSchema.nullish(),
  /** Not sent by Radarr (it is inside `movieFile`), but present in third-party captures. */
  sourcePath: optionalText,
  ...arrDownloadClientFields,
});

export const radarrManualInteractionRequiredSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  remoteMovie: radarrRemoteMovieSchema.nullish(),
  ...arrManualInteractionFields,
  release: radarrReleaseSchema.nullish(),
  ...arrDownloadClientFields,
});

export const radarrMovieAddedSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  addMethod: optionalText,
});

export const radarrMovieDeleteSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  deletedFiles: z.boolean().nullish(),
});

export const radarrMovieFileDeleteSchema = arrEnvelopeSchema.extend({
  movie: radarrMovieSchema,
  movieFile: radarrMovieFileSchema,
  deleteReason: optionalText,
});

export type RadarrMovie = z.output<typeof radarrMovieSchema>;
export type RadarrRemoteMovie = z.output<typeof radarrRemoteMovieSchema>;
export type RadarrRelease = z.output<typeof radarrReleaseSchema>;
