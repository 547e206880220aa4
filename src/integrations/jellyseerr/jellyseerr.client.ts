/**
 * Jellyseerr/Overseerr/Seerr API v1 (contracts.md §3.2, seerr-api.yml): `X-Api-Key` header.
 * `GET /status` answers without a key, so the key is checked on `GET /settings/main` (admin only).
 *
 * Checked against seerr-team/seerr `f74306ed` (spec and `server/routes/request.ts`, `routes/movie.ts`,
 * `routes/tv.ts`, `entity/MediaRequest.ts`, `entity/Media.ts`, `entity/User.ts`) and
 * Fallenbagel/jellyseerr `3b4d6bf5` (2.x: no request status 5, media status 6 is BLACKLISTED):
 * - `GET /request?take&skip&filter=all&sort=modified` lists requests newest-changed first (ties by
 *   id), `pageInfo.results` is the total. The spec's MediaRequest lacks `type` and `seasons`, its
 *   MediaInfo lacks `mediaType`, `imdbId`, `status4k`, `externalServiceId*` and `jellyfinMediaId*`, and
 *   its User lacks `displayName`: the server sends them all (entity columns), so they are read here.
 * - A wrong or missing key is a 403 `{status, error}`; an unknown request id a 404; an unknown TMDB id
 *   on `/movie/{id}` or `/tv/{id}` a 500 ("Unable to retrieve movie.").
 */
import { z } from 'zod';
import type { ServiceConnection } from '../service-connection.js';
import { IntegrationError } from '../shared/integration-error.js';
import {
  createServiceHttp,
  type HttpAnswer,
  parseJsonAnswer,
  type ResilienceOptions,
} from '../shared/service-http.js';
import { nonEmpty, parseWith } from '../shared/webhook-parsing.js';

/** Jellyseerr's `MediaRequestStatus` 1..5 (5, COMPLETED, only in Seerr and later Jellyseerr). */
export type JellyseerrRequestStatus = 'pending' | 'approved' | 'declined' | 'failed' | 'completed';

/**
 * Jellyseerr's `MediaStatus` 1..7. 6 is BLOCKLISTED in Seerr (BLACKLISTED in Jellyseerr 2.x), 7 is
 * DELETED (Seerr); the spec's text "6 = DELETED" is wrong.
 */
export type JellyseerrMediaStatus =
  | 'unknown'
  | 'pending'
  | 'processing'
  | 'partially_available'
  | 'available'
  | 'blocklisted'
  | 'deleted';

const REQUEST_STATUSES: Readonly<Record<number, JellyseerrRequestStatus>> = {
  1: 'pending',
  2: 'approved',
  3: 'declined',
  4: 'failed',
  5: 'completed',
};

const MEDIA_STATUSES: Readonly<Record<number, JellyseerrMediaStatus>> = {
  1: 'unknown',
  2: 'pending',
  3: 'processing',
  4: 'partially_available',
  5: 'available',
  6: 'blocklisted',
  7: 'deleted',
};

/** TMDB poster size Jellyseerr puts in its notifications, so the backfill names the same URL. */
export const TMDB_POSTER_BASE = 'https://image.tmdb.org/t/p/w600_and_h900_bestv2';

/** One Jellyseerr request, normalised. Quality-specific fields are read in the request's quality. */
export interface JellyseerrRequest {
  /** Jellyseerr's request id. */
  id: number;
  status: JellyseerrRequestStatus;
  type: 'movie' | 'tv';
  is4k: boolean;
  tmdbId: number;
  tvdbId: number | null;
  imdbId: string | null;
  /** The media's availability in the request's quality (`status4k` for a 4K request). */
  mediaStatus: JellyseerrMediaStatus;
  /** Requested season numbers, ascending and unique; `[]` for a movie. */
  seasons: number[];
  /** The requester's display name (as Jellyseerr shows it: username, else Plex/Jellyfin name, else email). */
  requestedBy: string | null;
  /** The requester's Jellyseerr user id. */
  requestedById: number;
  /**
   * Who last approved or declined it: null while pending; the requester (or whoever requested on
   * their behalf) when it was approved automatically at creation.
   */
  modifiedById: number | null;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** ISO 8601 UTC: the last change of the request itself (not of its media). */
  updatedAt: string;
  /** The Radarr movie id / Sonarr series id, in the request's quality; null until Jellyseerr added it. */
  externalServiceId: number | null;
  /** The Jellyfin item id (32 hex) Jellyseerr's availability sync found, in the request's quality. */
  jellyfinMediaId: string | null;
}

/** TMDB details of a title as Jellyseerr shows them, with its media record's status. */
export interface JellyseerrMedia {
  type: 'movie' | 'tv';
  tmdbId: number;
  /** Movie `title`, series `name`; null when TMDB has none. */
  title: string | null;
  /** Year of `releaseDate` / `firstAirDate`; null when TMDB has no date. */
  year: number | null;
  /** TMDB poster in the size Jellyseerr's notifications use; null when TMDB has no poster. */
  posterUrl: string | null;
  /** `mediaInfo.status`; null when nobody ever requested the title (no media record). */
  mediaStatus: JellyseerrMediaStatus | null;
  mediaStatus4k: JellyseerrMediaStatus | null;
}

export interface JellyseerrClient extends ServiceConnection {
  /**
   * Every movie and series request changed at or after `since` (all requests without it), newest
   * change first, each once. Pages through `GET /request?sort=modified` and stops at the first page
   * that reaches back past `since`, or at the end. A request that changes while the pages are read
   * jumps to the first page, already read: it is left for the next call, so pass as `since` the
   * time the previous call started, not when it ended. `since` counts from its whole second
   * (Jellyseerr's SQLite times have no milliseconds); a request may so come back twice, which the
   * tracker's fingerprints absorb.
   */
  requestsSince(options?: {
    /** ISO 8601. */
    since?: string | undefined;
    /** Requests per page (`take`); default 100. */
    pageSize?: number | undefined;
  }): Promise<JellyseerrRequest[]>;
  /** `GET /request/{id}`; null when Jellyseerr has no such request or it is not a movie/series request. */
  request(id: number): Promise<JellyseerrRequest | null>;
  /** `GET /movie/{tmdbId}` or `GET /tv/{tmdbId}`. */
  media(ref: { tmdbId: number; type: 'movie' | 'tv' }): Promise<JellyseerrMedia>;
}

const statusSchema = z.looseObject({ version: z.string() });

const userSchema = z.looseObject({
  id: z.number().int(),
  email: z.string().nullish(),
  displayName: z.string().nullish(),
  username: z.string().nullish(),
  plexUsername: z.string().nullish(),
  jellyfinUsername: z.string().nullish(),
});

const mediaInfoSchema = z.looseObject({
  tmdbId: z.number().int(),
  tvdbId: z.number().int().nullish(),
  imdbId: z.string().nullish(),
  status: z.number().int(),
  status4k: z.number().int().nullish(),
  externalServiceId: z.number().int().nullish(),
  externalServiceId4k: z.number().int().nullish(),
  jellyfinMediaId: z.string().nullish(),
  jellyfinMediaId4k: z.string().nullish(),
});

const mediaRequestSchema = z.looseObject({
  id: z.number().int(),
  status: z.number().int(),
  /** Other types (`music`) are set aside before this schema is used. */
  type: z.enum(['movie', 'tv']),
  is4k: z.boolean().nullish(),
  media: mediaInfoSchema,
  seasons: z.array(z.looseObject({ seasonNumber: z.number().int() })).nullish(),
  requestedBy: userSchema,
  /** The spec allows a string too; anything but a user object means "nobody". */
  modifiedBy: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const requestPageSchema = z.looseObject({
  pageInfo: z.looseObject({ results: z.number().int() }),
  results: z.array(z.unknown()),
});

const titleSchema = z.looseObject({
  title: z.string().nullish(),
  name: z.string().nullish(),
  releaseDate: z.string().nullish(),
  firstAirDate: z.string().nullish(),
  posterPath: z.string().nullish(),
  mediaInfo: z.looseObject({ status: z.number().int(), status4k: z.number().int().nullish() }).nullish(),
});

type ApiMediaRequest = z.output<typeof mediaRequestSchema>;

const DEFAULT_PAGE_SIZE = 100;

function badResponse(message: string): IntegrationError {
  return new IntegrationError('bad_response', message);
}

function isoTime(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw badResponse(`${what}: expected an ISO time, got ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
}

function mediaStatusName(value: number, what: string): JellyseerrMediaStatus {
  const name = MEDIA_STATUSES[value];
  if (name === undefined) throw badResponse(`${what}: unknown media status ${value}`);
  return name;
}

/** `"2021-10-22"` → 2021; `""` and other text → null. */
function yearOf(date: string | null | undefined): number | null {
  const match = /^(\d{4})/.exec(date ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}

function displayNameOf(user: z.output<typeof userSchema>): string | null {
  return (
    nonEmpty(user.displayName) ??
    nonEmpty(user.username) ??
    nonEmpty(user.plexUsername) ??
    nonEmpty(user.jellyfinUsername) ??
    nonEmpty(user.email) ??
    null
  );
}

/** A checked movie or series request as a `JellyseerrRequest`. */
function normaliseRequest(raw: ApiMediaRequest, what: string): JellyseerrRequest {
  const status = REQUEST_STATUSES[raw.status];
  if (status === undefined) throw badResponse(`${what}.status: unknown request status ${raw.status}`);
  const is4k = raw.is4k ?? false;
  const media = raw.media;
  const mediaStatus = is4k
    ? mediaStatusName(media.status4k ?? 1, `${what}.media.status4k`)
    : mediaStatusName(media.status, `${what}.media.status`);
  const modifiedBy = userSchema.safeParse(raw.modifiedBy);
  const seasons =
    raw.type === 'tv'
      ? [...new Set((raw.seasons ?? []).map((s) => s.seasonNumber))].sort((a, b) => a - b)
      : [];
  return {
    id: raw.id,
    status,
    type: raw.type,
    is4k,
    tmdbId: media.tmdbId,
    tvdbId: media.tvdbId ?? null,
    imdbId: nonEmpty(media.imdbId) ?? null,
    mediaStatus,
    seasons,
    requestedBy: displayNameOf(raw.requestedBy),
    requestedById: raw.requestedBy.id,
    modifiedById: modifiedBy.success ? modifiedBy.data.id : null,
    createdAt: isoTime(raw.createdAt, `${what}.createdAt`),
    updatedAt: isoTime(raw.updatedAt, `${what}.updatedAt`),
    externalServiceId: (is4k ? media.externalServiceId4k : media.externalServiceId) ?? null,
    jellyfinMediaId: nonEmpty(is4k ? media.jellyfinMediaId4k : media.jellyfinMediaId) ?? null,
  };
}

/** Enough of a request to know whether the tracker follows its type, and when it last changed. */
const requestHeadSchema = z.looseObject({ type: z.string(), updatedAt: z.string() });

/**
 * One API MediaRequest: the normalised request, or null for a type the tracker does not follow
 * (Jellyseerr builds with music send `music`, whose media has no TMDB id); `updatedAt` either way.
 */
function parseRequest(body: unknown, what: string): { request: JellyseerrRequest | null; updatedAt: string } {
  const head = parseWith(requestHeadSchema, body, what);
  if (!head.ok) throw badResponse(`Jellyseerr ${head.error}`);
  const updatedAt = isoTime(head.value.updatedAt, `${what}.updatedAt`);
  if (head.value.type !== 'movie' && head.value.type !== 'tv') return { request: null, updatedAt };
  const parsed = parseWith(mediaRequestSchema, body, what);
  if (!parsed.ok) throw badResponse(`Jellyseerr ${parsed.error}`);
  return { request: normaliseRequest(parsed.value, what), updatedAt };
}

export function createJellyseerrClient({
  url,
  apiKey,
  resilience,
}: {
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}): JellyseerrClient {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { 'X-Api-Key': apiKey, Accept: 'application/json' };
  const ok = (answer: HttpAnswer, what: string) => {
    if (answer.status === 401 || answer.status === 403) {
      throw new IntegrationError('unauthorized', 'Jellyseerr refused the API key', { status: answer.status });
    }
    if (answer.status !== 200) {
      throw new IntegrationError('bad_response', `Jellyseerr ${what} answered HTTP ${answer.status}`, {
        status: answer.status,
      });
    }
    return parseJsonAnswer(answer, `Jellyseerr ${what}`);
  };

  function page({ take, skip }: { take: number; skip: number }) {
    const query = new URLSearchParams({
      take: String(take),
      skip: String(skip),
      filter: 'all',
      sort: 'modified',
    });
    return http.call(`api/v1/request?${query}`, { headers }, (answer) => {
      const parsed = parseWith(requestPageSchema, ok(answer, 'request list'), 'request list');
      if (!parsed.ok) throw badResponse(`Jellyseerr ${parsed.error}`);
      const requests: JellyseerrRequest[] = [];
      // Oldest change on the page, music requests included: it decides whether to read on.
      let oldest = Number.POSITIVE_INFINITY;
      parsed.value.results.forEach((item, index) => {
        const { request, updatedAt } = parseRequest(item, `request list results[${index}]`);
        oldest = Math.min(oldest, Date.parse(updatedAt));
        if (request) requests.push(request);
      });
      return { requests, count: parsed.value.results.length, total: parsed.value.pageInfo.results, oldest };
    });
  }

  return {
    status: http.status,
    async testConnection() {
      await http.call('api/v1/settings/main', { headers }, (answer) => ok(answer, 'settings'));
      return http.call('api/v1/status', { headers }, (answer) => {
        const parsed = statusSchema.safeParse(ok(answer, 'status'));
        if (!parsed.success) throw new IntegrationError('bad_response', 'not a Jellyseerr status answer');
        return { version: parsed.data.version };
      });
    },

    async requestsSince({ since, pageSize = DEFAULT_PAGE_SIZE } = {}) {
      if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
        throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
      }
      const sinceParsed = since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(since);
      if (Number.isNaN(sinceParsed))
        throw new RangeError(`since is not an ISO time: ${JSON.stringify(since)}`);
      // Jellyseerr on SQLite keeps whole seconds: a change at 12:00:00.700 reads as 12:00:00.000.
      const sinceTime = Math.floor(sinceParsed / 1000) * 1000;
      const seen = new Set<number>();
      const found: JellyseerrRequest[] = [];
      for (let skip = 0; ; skip += pageSize) {
        const answer = await page({ take: pageSize, skip });
        for (const request of answer.requests) {
          // A request changed while we page moves to the top and pushes the rest down one place, so
          // the next page can repeat one we have; the first sighting is the newest.
          if (Date.parse(request.updatedAt) < sinceTime || seen.has(request.id)) continue;
          seen.add(request.id);
          found.push(request);
        }
        if (answer.count < pageSize || answer.oldest < sinceTime || skip + pageSize >= answer.total) break;
      }
      return found;
    },

    async request(id) {
      return http.call(`api/v1/request/${encodeURIComponent(String(id))}`, { headers }, (answer) => {
        if (answer.status === 404) return null;
        return parseRequest(ok(answer, `request ${id}`), `request ${id}`).request;
      });
    },

    async media({ tmdbId, type }) {
      const what = `${type} ${tmdbId}`;
      return http.call(`api/v1/${type}/${encodeURIComponent(String(tmdbId))}`, { headers }, (answer) => {
        const parsed = parseWith(titleSchema, ok(answer, what), what);
        if (!parsed.ok) throw badResponse(`Jellyseerr ${parsed.error}`);
        const title = parsed.value;
        const posterPath = nonEmpty(title.posterPath);
        return {
          type,
          tmdbId,
          title: (type === 'movie' ? title.title : title.name) ?? null,
          year: yearOf(type === 'movie' ? title.releaseDate : title.firstAirDate),
          posterUrl: posterPath === undefined ? null : `${TMDB_POSTER_BASE}${posterPath}`,
          mediaStatus: title.mediaInfo
            ? mediaStatusName(title.mediaInfo.status, `${what} mediaInfo.status`)
            : null,
          mediaStatus4k:
            title.mediaInfo?.status4k === undefined || title.mediaInfo.status4k === null
              ? null
              : mediaStatusName(title.mediaInfo.status4k, `${what} mediaInfo.status4k`),
        };
      });
    },
  };
}
