import { z } from 'zod';
import {
  arrDownloadClientFields,
  arrEnvelopeSchema,
  arrImageSchema,
  arrManualInteractionFields,
} from '../shared/arr-webhook.schemas.js';
import { optionalText } from '../shared/webhook-parsing.js';

/**
 * Sonarr v4 (4.0.19, `main`) webhook payloads (design/contracts.md §1, §1.7, §1.8;
 * `Notifications/Webhook/*.cs`). Newtonsoft, camelCase, nulls omitted: reference-typed fields are
 * optional, value types are required where the contract says they are always sent (relaxed where the
 * captures omit them), and every object tolerates unknown keys (v5 adds `malIds`, `finaleType`, ...).
 * Only the fields the normaliser reads are declared.
 */

/** `WebhookSeries`. */
export const sonarrSeriesSchema = z.looseObject({
  id: z.int(),
  title: optionalText,
  titleSlug: optionalText,
  /** Series folder (Radarr calls it `folderPath`). */
  path: optionalText,
  /** 0 when unknown. */
  tvdbId: z.int(),
  /** 0 when unknown; absent in the abridged import capture. */
  tmdbId: z.int().nullish(),
  tvMazeId: z.int().nullish(),
  imdbId: optionalText,
  /** `standard` | `daily` | `anime`. */
  type: optionalText,
  year: z.int().nullish(),
  images: z.array(arrImageSchema).nullish(),
  tags: z.array(z.string()).nullish(),
});

/** `WebhookEpisode`. `tvdbId` is the episode's own TVDB id. */
export const sonarrEpisodeSchema = z.looseObject({
  id: z.int(),
  episodeNumber: z.int(),
  seasonNumber: z.int(),
  title: optionalText,
  overview: optionalText,
  /** `yyyy-MM-dd`. */
  airDate: optionalText,
  /** ISO 8601 UTC. */
  airDateUtc: optionalText,
  seriesId: z.int().nullish(),
  tvdbId: z.int().nullish(),
});

/** `WebhookEpisodeFile`. `id` is always sent by Sonarr but missing from the abridged capture. */
export const sonarrEpisodeFileSchema = z.looseObject({
  id: z.int().nullish(),
  path: z.string(),
  relativePath: optionalText,
  /** Per-file Download only: where the file was in the download folder. */
  sourcePath: optionalText,
  size: z.number().nullish(),
});

/** `WebhookRelease` (Grab) and `WebhookGrabbedRelease` (Download, ManualInteractionRequired). */
export const sonarrReleaseSchema = z.looseObject({
  releaseTitle: optionalText,
  indexer: optionalText,
  quality: optionalText,
  /** Bytes; nullable on the grabbed-release shape. */
  size: z.number().nullish(),
  /** `unknown` | `singleEpisode` | `multiEpisode` | `seasonPack` (grabbed release only). */
  releaseType: optionalText,
});

const seriesEpisodes = {
  series: sonarrSeriesSchema,
  episodes: z.array(sonarrEpisodeSchema),
};

export const sonarrGrabSchema = arrEnvelopeSchema.extend({
  ...seriesEpisodes,
  release: sonarrReleaseSchema,
  ...arrDownloadClientFields,
});

/** `Download` sent per imported file ("On File Import"). */
export const sonarrDownloadFileSchema = arrEnvelopeSchema.extend({
  ...seriesEpisodes,
  episodeFile: sonarrEpisodeFileSchema,
  /** Always sent by Sonarr on this shape; treated as false when absent. */
  isUpgrade: z.boolean().nullish(),
  release: sonarrReleaseSchema.nullish(),
  ...arrDownloadClientFields,
});

/** `Download` sent once per download ("On Import Complete"): `episodeFiles[]`, no `isUpgrade`. */
export const sonarrImportCompleteSchema = arrEnvelopeSchema.extend({
  ...seriesEpisodes,
  episodeFiles: z.array(sonarrEpisodeFileSchema),
  fileCount: z.int().nullish(),
  release: sonarrReleaseSchema.nullish(),
  /** The download's output path (folder for a pack). */
  sourcePath: optionalText,
  destinationPath: optionalText,
  ...arrDownloadClientFields,
});

export const sonarrManualInteractionRequiredSchema = arrEnvelopeSchema.extend({
  ...seriesEpisodes,
  ...arrManualInteractionFields,
  release: sonarrReleaseSchema.nullish(),
  ...arrDownloadClientFields,
});

export const sonarrSeriesAddSchema = arrEnvelopeSchema.extend({
  series: sonarrSeriesSchema,
});

export const sonarrSeriesDeleteSchema = arrEnvelopeSchema.extend({
  series: sonarrSeriesSchema,
  deletedFiles: z.boolean().nullish(),
});

export const sonarrEpisodeFileDeleteSchema = arrEnvelopeSchema.extend({
  ...seriesEpisodes,
  episodeFile: sonarrEpisodeFileSchema.extend({ id: z.int() }),
  deleteReason: optionalText,
});

export type SonarrSeries = z.output<typeof sonarrSeriesSchema>;
export type SonarrEpisode = z.output<typeof sonarrEpisodeSchema>;
export type SonarrRelease = z.output<typeof sonarrReleaseSchema>;
