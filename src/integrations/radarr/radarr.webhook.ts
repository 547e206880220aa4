import { hasAnimeTag, isAnimePath } from '../../domain/anime.js';
import type { MediaRef, Observation, ObservationFact } from '../../domain/observations.js';
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
  type RadarrMovie,
  type RadarrRemoteMovie,
  radarrDownloadSchema,
  radarrGrabSchema,
  radarrManualInteractionRequiredSchema,
  radarrMovieAddedSchema,
  radarrMovieDeleteSchema,
  radarrMovieFileDeleteSchema,
} from './radarr.schemas.js';

/**
 * Radarr (v5.28/v6) webhook → observations. Checked against design/contracts.md §1 (Radarr has no
 * DownloadFailure/ImportFailure webhook; failures come from polling). Pure: the same body and
 * context always give the same result.
 */

const SERVICE = 'Radarr';

export const parseRadarrWebhook: WebhookParser = (input, context) => {
  const envelope = checkArrEnvelope({
    body: input,
    service: SERVICE,
    ownKey: 'movie',
    foreignKeys: ['series', 'episodes'],
  });
  if (!envelope.ok) return envelope;
  const { eventType, body } = envelope;

  switch (eventType) {
    case 'Test':
      return { ok: true, kind: 'test', eventType };
    case 'Grab':
      return parseGrab(body, context);
    case 'Download':
      return parseDownload(body, context);
    case 'ManualInteractionRequired':
      return parseManualInteractionRequired(body, context);
    case 'MovieAdded': {
      const parsed = parseWith(radarrMovieAddedSchema, body, eventType);
      if (!parsed.ok) return parsed;
      return event(eventType, [observe({ kind: 'added' }, movieMedia(parsed.value), context)]);
    }
    case 'MovieDelete': {
      const parsed = parseWith(radarrMovieDeleteSchema, body, eventType);
      if (!parsed.ok) return parsed;
      return event(eventType, [observe({ kind: 'deleted' }, movieMedia(parsed.value), context)]);
    }
    case 'MovieFileDelete': {
      const parsed = parseWith(radarrMovieFileDeleteSchema, body, eventType);
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      const fact: ObservationFact = {
        kind: 'file_deleted',
        fileIds: [p.movieFile.id],
        reason: nonEmpty(p.deleteReason) ?? 'unknown',
      };
      return event(eventType, [observe(fact, movieMedia(p), context)]);
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
  const parsed = parseWith(radarrGrabSchema, body, 'Grab');
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
    tags: p.movie.tags ?? undefined,
  };
  return event('Grab', [observe(fact, movieMedia(p), context)]);
}

function parseDownload(body: unknown, context: ParseContext): WebhookParse {
  const parsed = parseWith(radarrDownloadSchema, body, 'Download');
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const fact: ObservationFact = {
    kind: 'imported',
    download: arrDownloadRef({ payload: p, release: p.release, fallbackToRelease: false }),
    files: [
      {
        id: p.movieFile.id,
        path: p.movieFile.path,
        sourcePath: nonEmpty(p.movieFile.sourcePath) ?? nonEmpty(p.sourcePath),
      },
    ],
    isUpgrade: p.isUpgrade ?? false,
  };
  return event('Download', [observe(fact, movieMedia(p), context)]);
}

function parseManualInteractionRequired(body: unknown, context: ParseContext): WebhookParse {
  const eventType = 'ManualInteractionRequired';
  const parsed = parseWith(radarrManualInteractionRequiredSchema, body, eventType);
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
  const messages = arrStatusMessages(p.downloadStatusMessages);
  const fact: ObservationFact = { kind: 'import_blocked', download, messages };
  return event(eventType, [observe(fact, movieMedia(p), context)]);
}

interface MovieFields {
  movie: RadarrMovie;
  remoteMovie?: RadarrRemoteMovie | null | undefined;
  instanceName?: string | null | undefined;
}

function movieMedia(p: MovieFields): MediaRef {
  const { movie, remoteMovie } = p;
  const folderPath = nonEmpty(movie.folderPath);
  const isAnime = hasAnimeTag(movie.tags ?? undefined) || isAnimePath(folderPath);
  return {
    mediaType: 'movie',
    tmdbId: positive(movie.tmdbId) ?? positive(remoteMovie?.tmdbId),
    imdbId: nonEmpty(movie.imdbId) ?? nonEmpty(remoteMovie?.imdbId),
    title: nonEmpty(movie.title),
    year: positive(movie.year),
    arr: { app: 'radarr', instance: nonEmpty(p.instanceName) ?? SERVICE, id: movie.id },
    isAnime: isAnime ? true : undefined,
    posterUrl: arrPosterUrl(movie.images),
  };
}

function observe(fact: ObservationFact, media: MediaRef, context: ParseContext): Observation {
  return { ...fact, source: 'radarr', at: context.receivedAt, media };
}

function event(eventType: string, observations: Observation[]): WebhookParse {
  return { ok: true, kind: 'event', eventType, observations };
}
