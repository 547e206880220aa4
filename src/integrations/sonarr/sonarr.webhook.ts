import { hasAnimeTag, isAnimePath } from '../../domain/anime.js';
import type {
  EpisodeRef,
  ImportedFile,
  MediaRef,
  Observation,
  ObservationFact,
} from '../../domain/observations.js';
import {
  arrDownloadRef,
  arrPosterUrl,
  arrStatusMessages,
  checkArrEnvelope,
  parseArrHealth,
} from '../shared/arr-webhook.js';
import { nonEmpty, parseWith, positive } from '../shared/webhook-parsing.js';
import type { ParseContext, WebhookParse, WebhookParser } from '../webhook.types.js';
import {
  type SonarrEpisode,
  type SonarrSeries,
  sonarrDownloadFileSchema,
  sonarrEpisodeFileDeleteSchema,
  sonarrGrabSchema,
  sonarrImportCompleteSchema,
  sonarrManualInteractionRequiredSchema,
  sonarrSeriesAddSchema,
  sonarrSeriesDeleteSchema,
} from './sonarr.schemas.js';

/**
 * Sonarr v4 webhook → observations. Checked against design/contracts.md §1.7–§1.8: `Download` comes
 * in two shapes (per file with `episodeFile`, and "On Import Complete" with `episodeFiles[]`), and
 * there is no DownloadFailure/ImportFailure webhook. Pure: the same body and context always give the
 * same result.
 */

const SERVICE = 'Sonarr';

export const parseSonarrWebhook: WebhookParser = (input, context) => {
  const envelope = checkArrEnvelope({
    body: input,
    service: SERVICE,
    ownKey: 'series',
    foreignKeys: ['movie', 'remoteMovie'],
  });
  if (!envelope.ok) return envelope;
  const { eventType, body } = envelope;

  switch (eventType) {
    case 'Test':
      return { ok: true, kind: 'test', eventType };
    case 'Grab':
      return parseGrab(body, context);
    case 'Download':
      if (body.episodeFiles !== undefined && body.episodeFiles !== null)
        return parseImportComplete(body, context);
      if (body.episodeFile === undefined || body.episodeFile === null) {
        return {
          ok: false,
          error:
            'Download: episodeFile: missing, expected an object (or episodeFiles[] for "On Import Complete")',
        };
      }
      return parseDownloadFile(body, context);
    case 'ManualInteractionRequired':
      return parseManualInteractionRequired(body, context);
    case 'SeriesAdd': {
      const parsed = parseWith(sonarrSeriesAddSchema, body, eventType);
      if (!parsed.ok) return parsed;
      return event(eventType, [observe({ kind: 'added' }, seriesMedia(parsed.value), context)]);
    }
    case 'SeriesDelete': {
      const parsed = parseWith(sonarrSeriesDeleteSchema, body, eventType);
      if (!parsed.ok) return parsed;
      return event(eventType, [observe({ kind: 'deleted' }, seriesMedia(parsed.value), context)]);
    }
    case 'EpisodeFileDelete': {
      const parsed = parseWith(sonarrEpisodeFileDeleteSchema, body, eventType);
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      const fact: ObservationFact = {
        kind: 'file_deleted',
        fileIds: [p.episodeFile.id],
        reason: nonEmpty(p.deleteReason) ?? 'unknown',
      };
      return event(eventType, [observe(fact, seriesMedia(p), context, episodeRefs(p.episodes))]);
    }
    case 'Health':
    case 'HealthRestored':
      return parseArrHealth(body, eventType);
    default:
      // Rename, ApplicationUpdate and whatever future versions add: recorded, not used.
      return event(eventType, []);
  }
};

function parseGrab(body: unknown, context: ParseContext): WebhookParse {
  const parsed = parseWith(sonarrGrabSchema, body, 'Grab');
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const download = arrDownloadRef({ payload: p, release: p.release, fallbackToRelease: true });
  if (!download) {
    return {
      ok: false,
      error: 'Grab: downloadId: missing, and no release.releaseTitle to name the download',
    };
  }
  const fact: ObservationFact = {
    kind: 'grabbed',
    download,
    releaseTitle: nonEmpty(p.release.releaseTitle),
    indexer: nonEmpty(p.release.indexer),
    tags: p.series.tags ?? undefined,
  };
  return event('Grab', [observe(fact, seriesMedia(p), context, episodeRefs(p.episodes))]);
}

/** "On File Import": one webhook per imported episode file. */
function parseDownloadFile(body: unknown, context: ParseContext): WebhookParse {
  const parsed = parseWith(sonarrDownloadFileSchema, body, 'Download');
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const file: ImportedFile = {
    id: p.episodeFile.id ?? undefined,
    path: p.episodeFile.path,
    sourcePath: nonEmpty(p.episodeFile.sourcePath),
  };
  const fact: ObservationFact = {
    kind: 'imported',
    download: arrDownloadRef({ payload: p, release: p.release, fallbackToRelease: false }),
    files: [file],
    isUpgrade: p.isUpgrade ?? false,
  };
  return event('Download', [observe(fact, seriesMedia(p), context, episodeRefs(p.episodes))]);
}

/** "On Import Complete": one webhook per download, every imported file in `episodeFiles[]`. */
function parseImportComplete(body: unknown, context: ParseContext): WebhookParse {
  const parsed = parseWith(sonarrImportCompleteSchema, body, 'Download');
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const topSourcePath = nonEmpty(p.sourcePath);
  const files = p.episodeFiles.map(
    (f): ImportedFile => ({
      id: f.id ?? undefined,
      path: f.path,
      sourcePath: nonEmpty(f.sourcePath) ?? topSourcePath,
    }),
  );
  const fact: ObservationFact = {
    kind: 'imported',
    download: arrDownloadRef({ payload: p, release: p.release, fallbackToRelease: false }),
    files,
    // ImportComplete has no isUpgrade; upgrades are reported by the per-file shape.
    isUpgrade: false,
  };
  return event('Download', [observe(fact, seriesMedia(p), context, episodeRefs(p.episodes))]);
}

function parseManualInteractionRequired(body: unknown, context: ParseContext): WebhookParse {
  const eventType = 'ManualInteractionRequired';
  const parsed = parseWith(sonarrManualInteractionRequiredSchema, body, eventType);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const download = arrDownloadRef({
    payload: p,
    release: p.release,
    downloadInfo: p.downloadInfo,
    fallbackToRelease: true,
  });
  if (!download) {
    return {
      ok: false,
      error: `${eventType}: downloadId: missing, and no release title to name the download`,
    };
  }
  const fact: ObservationFact = {
    kind: 'import_blocked',
    download,
    messages: arrStatusMessages(p.downloadStatusMessages),
  };
  return event(eventType, [observe(fact, seriesMedia(p), context, episodeRefs(p.episodes))]);
}

function episodeRefs(episodes: readonly SonarrEpisode[]): EpisodeRef[] {
  return episodes.map((e) => ({
    seasonNumber: e.seasonNumber,
    episodeNumber: e.episodeNumber,
    sonarrEpisodeId: e.id,
    tvdbId: positive(e.tvdbId),
    title: nonEmpty(e.title),
    airDate: nonEmpty(e.airDate),
    airDateUtc: nonEmpty(e.airDateUtc),
  }));
}

interface SeriesFields {
  series: SonarrSeries;
  instanceName?: string | null | undefined;
}

function seriesMedia(p: SeriesFields): MediaRef {
  const { series } = p;
  const isAnime =
    series.type?.toLowerCase() === 'anime' ||
    hasAnimeTag(series.tags ?? undefined) ||
    isAnimePath(nonEmpty(series.path));
  return {
    mediaType: 'tv',
    tvdbId: positive(series.tvdbId),
    tmdbId: positive(series.tmdbId),
    imdbId: nonEmpty(series.imdbId),
    title: nonEmpty(series.title),
    year: positive(series.year),
    arr: { app: 'sonarr', instance: nonEmpty(p.instanceName) ?? SERVICE, id: series.id },
    isAnime: isAnime ? true : undefined,
    posterUrl: arrPosterUrl(series.images),
  };
}

function observe(
  fact: ObservationFact,
  media: MediaRef,
  context: ParseContext,
  episodes?: EpisodeRef[],
): Observation {
  return { ...fact, source: 'sonarr', at: context.receivedAt, media, ...(episodes && { episodes }) };
}

function event(eventType: string, observations: Observation[]): WebhookParse {
  return { ok: true, kind: 'event', eventType, observations };
}
