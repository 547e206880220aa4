/**
 * A contract fake of the Seerr / Jellyseerr API v1 (contracts.md §3.2), for the request backfill.
 *
 * Follows the OpenAPI spec `shared/contracts/seerr/seerr-api.yml` (seerr-team/seerr `f74306ed`) for
 * shapes, and the Seerr server code for behaviour (`server/routes/request.ts`, `routes/movie.ts`,
 * `routes/tv.ts`, `middleware/auth.ts`, `entity/MediaRequest.ts`, `entity/Media.ts`,
 * `entity/User.ts`, `constants/media.ts`). Jellyseerr 2.x (`3b4d6bf5`) answers the same routes with
 * the same shapes, minus request status 5 and media status 7 and the list's `serviceErrors`.
 *
 * - Auth: `X-Api-Key` equal to the main API key acts as user 1 (the admin). Anything else on a route
 *   that needs a user: 403 `{status: 403, error: "You do not have permission to access this endpoint"}`.
 *   `GET /api/v1/status` needs no key.
 * - Query parameters are checked against the spec first (Seerr runs express-openapi-validator before
 *   the routes): a non-number `take`/`skip`/`requestedBy` or an unknown `filter`/`sort`/
 *   `sortDirection`/`mediaType` is a 400 `{message, errors}`, even without a key.
 * - `GET /api/v1/request`: `take` (default 10), `skip` (0), `filter`, `sort` (`added` = createdAt,
 *   `modified` = updatedAt, otherwise id), `sortDirection` (`asc`, otherwise desc; ties broken by id
 *   in the same direction), `mediaType`, `requestedBy`. The filter matrix is Seerr's: request
 *   statuses × media statuses, the media status read in the request's quality (`status4k` for 4K).
 *   `all` (and no filter) leaves out requests whose media is blocklisted (6): Seerr's default media
 *   status list has no BLOCKLISTED. `pageInfo {pages, pageSize, results, page}` with
 *   `page = ceil(skip / pageSize) + 1`; results carry `canRemove` (the key is an admin);
 *   `serviceErrors {radarr: [], sonarr: []}`.
 * - `GET /api/v1/request/{id}`: the MediaRequest; 404 `{message: "Request not found."}`.
 * - MediaRequest: `status` 1 PENDING, 2 APPROVED, 3 DECLINED, 4 FAILED, 5 COMPLETED; nested `media`
 *   (MediaInfo: `status`/`status4k` 1 UNKNOWN … 5 AVAILABLE, 6 BLOCKLISTED, 7 DELETED — the spec text
 *   says 6 = DELETED, the code does not), `seasons` (`{id, seasonNumber, status, createdAt,
 *   updatedAt}`), `requestedBy` and `modifiedBy` (User with `displayName` = username, else Plex
 *   username, else Jellyfin username, else email; `modifiedBy` null until someone approves, or the
 *   requester when their own request was approved automatically).
 * - `GET /api/v1/movie/{tmdbId}`, `/api/v1/tv/{tmdbId}`: TMDB details (`title`/`name`, `releaseDate`/
 *   `firstAirDate`, `posterPath` — null when TMDB has no poster) and `mediaInfo` (with its
 *   `requests`) once something was requested; a title TMDB does not know is a 500
 *   `{message: "Unable to retrieve movie."}` / `"Unable to retrieve series."`, as Seerr answers.
 * - `GET /api/v1/settings/main` (MainSettings).
 * - Unknown paths under `/api/v1`: 404 `{message: "not found"}`.
 *
 * Keys the real service sends that the spec does not define are sent too, and listed (with their
 * source) in `jellyseerr-api.fake.test.ts`, which checks every answer against the spec.
 *
 * Approving a request moves its media to PROCESSING, declining a movie back to UNKNOWN (Seerr's
 * `updateParentStatus`); availability is otherwise set with `updateMedia`.
 *
 * Test controls: `addUser`, `addTitle` (TMDB side), `addRequest` (creates the media record on first
 * use, and the title when given one), `updateRequest`, `updateMedia`, `removeRequest`, `setDown`
 * (503 or refused connections), `calls`, `onCall`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type JellyseerrFakeRequestStatus = 'pending' | 'approved' | 'declined' | 'failed' | 'completed';
export type JellyseerrFakeMediaStatus =
  | 'unknown'
  | 'pending'
  | 'processing'
  | 'partially_available'
  | 'available'
  | 'blocklisted'
  | 'deleted';
export type JellyseerrFakeMediaType = 'movie' | 'tv';

const REQUEST_STATUS: Record<JellyseerrFakeRequestStatus, number> = {
  pending: 1,
  approved: 2,
  declined: 3,
  failed: 4,
  completed: 5,
};
const MEDIA_STATUS: Record<JellyseerrFakeMediaStatus, number> = {
  unknown: 1,
  pending: 2,
  processing: 3,
  partially_available: 4,
  available: 5,
  blocklisted: 6,
  deleted: 7,
};

export interface JellyseerrFakeUser {
  id: number;
  email: string;
  username: string | null;
  plexUsername: string | null;
  jellyfinUsername: string | null;
  /** 1 Plex, 2 local, 3 Jellyfin, 4 Emby. */
  userType: number;
  permissions: number;
  avatar: string;
  createdAt: string;
  updatedAt: string;
}

/** TMDB's side of a title, what `/movie/{id}` and `/tv/{id}` show besides `mediaInfo`. */
export interface JellyseerrFakeTitle {
  mediaType: JellyseerrFakeMediaType;
  tmdbId: number;
  /** `title` (movie) or `name` (series). */
  title: string;
  /** `releaseDate` / `firstAirDate`, `yyyy-MM-dd`, `""` when TMDB has none. */
  date: string;
  /** TMDB poster path (`/abc.jpg`), null when TMDB has none. */
  posterPath: string | null;
  imdbId: string | null;
  tvdbId: number | null;
  /** Series: TMDB season numbers. */
  seasons: number[];
}

/** Seerr's Media entity (`mediaInfo`). */
export interface JellyseerrFakeMedia {
  id: number;
  mediaType: JellyseerrFakeMediaType;
  tmdbId: number;
  tvdbId: number | null;
  imdbId: string | null;
  status: JellyseerrFakeMediaStatus;
  status4k: JellyseerrFakeMediaStatus;
  /** Radarr/Sonarr server id in Seerr's settings. */
  serviceId: number | null;
  serviceId4k: number | null;
  /** Radarr movie id / Sonarr series id. */
  externalServiceId: number | null;
  externalServiceId4k: number | null;
  externalServiceSlug: string | null;
  externalServiceSlug4k: string | null;
  /** Jellyfin item id (32 hex). */
  jellyfinMediaId: string | null;
  jellyfinMediaId4k: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JellyseerrFakeRequest {
  id: number;
  status: JellyseerrFakeRequestStatus;
  type: JellyseerrFakeMediaType;
  is4k: boolean;
  /** The Media entity's id. */
  mediaId: number;
  /** Requested seasons (series), in the order requested. */
  seasons: number[];
  requestedById: number;
  modifiedById: number | null;
  isAutoRequest: boolean;
  serverId: number;
  profileId: number;
  rootFolder: string;
  createdAt: string;
  updatedAt: string;
}

export interface JellyseerrFakeUserInput {
  email?: string;
  username?: string | null;
  plexUsername?: string | null;
  jellyfinUsername?: string | null;
  userType?: number;
  permissions?: number;
}

export interface JellyseerrFakeTitleInput {
  mediaType: JellyseerrFakeMediaType;
  tmdbId: number;
  title: string;
  /** Sets `date` to `<year>-01-01` unless `date` is given. */
  year?: number;
  date?: string;
  /** Default `/poster-<tmdbId>.jpg`, the path `jellyseerr.fake.ts` puts in webhook images. */
  posterPath?: string | null;
  imdbId?: string | null;
  tvdbId?: number | null;
  seasons?: number[];
}

export interface JellyseerrFakeRequestInput {
  mediaType: JellyseerrFakeMediaType;
  tmdbId: number;
  /** Stored on the media record when it is created. */
  tvdbId?: number | null;
  imdbId?: string | null;
  /** Default `pending`. */
  status?: JellyseerrFakeRequestStatus;
  is4k?: boolean;
  /** Series; default `[1]`. */
  seasons?: number[];
  /** User id; default 1 (the admin). */
  requestedBy?: number;
  /** User id or null; default null when pending, else the requester (auto-approval). */
  modifiedBy?: number | null;
  isAutoRequest?: boolean;
  /** ISO; default now. */
  createdAt?: string;
  /** ISO; default `createdAt`. */
  updatedAt?: string;
  /**
   * The media status in the request's quality. Default: what Seerr leaves after the request —
   * pending → `pending`, approved/failed → `processing`, declined → `unknown`,
   * completed → `available`.
   */
  mediaStatus?: JellyseerrFakeMediaStatus;
  /** Adds the TMDB title when there is none yet. */
  title?: string;
  year?: number;
}

export interface JellyseerrFakeRequestPatch {
  status?: JellyseerrFakeRequestStatus;
  modifiedBy?: number | null;
  seasons?: number[];
  /** ISO; default now. */
  updatedAt?: string;
}

export type JellyseerrFakeMediaPatch = Partial<
  Pick<
    JellyseerrFakeMedia,
    | 'tvdbId'
    | 'imdbId'
    | 'status'
    | 'status4k'
    | 'serviceId'
    | 'serviceId4k'
    | 'externalServiceId'
    | 'externalServiceId4k'
    | 'externalServiceSlug'
    | 'externalServiceSlug4k'
    | 'jellyfinMediaId'
    | 'jellyfinMediaId4k'
    | 'updatedAt'
  >
>;

export interface JellyseerrFakeCall {
  method: string;
  /** Path and query as received. */
  path: string;
  /** Whether the right `X-Api-Key` came with it. */
  authorized: boolean;
  status: number;
  /** Response body bytes. */
  bytes: number;
}

export interface JellyseerrApiFakeOptions {
  apiKey?: string;
  /** `/status` `version`. */
  version?: string;
  applicationTitle?: string;
  /** The server's clock, for records created or changed without a time. */
  now?: () => Date;
}

export interface JellyseerrApiFake {
  url: string;
  apiKey: string;
  /** Requests seen, oldest first. */
  calls: JellyseerrFakeCall[];
  clearCalls(): void;
  /** Called after each answer, before the next request is read (to change state between pages). */
  onCall(handler: ((call: JellyseerrFakeCall) => void) | null): void;
  /** User 1 is the admin the API key acts as. */
  addUser(input: JellyseerrFakeUserInput): JellyseerrFakeUser;
  addTitle(input: JellyseerrFakeTitleInput): JellyseerrFakeTitle;
  addRequest(input: JellyseerrFakeRequestInput): JellyseerrFakeRequest;
  /** Changes a request as an approval, decline, failure or completion would; `updatedAt` moves. */
  updateRequest(id: number, patch: JellyseerrFakeRequestPatch): JellyseerrFakeRequest;
  /** Changes the media record of a title (availability sync, *arr ids, Jellyfin id). */
  updateMedia(
    ref: { mediaType: JellyseerrFakeMediaType; tmdbId: number },
    patch: JellyseerrFakeMediaPatch,
  ): JellyseerrFakeMedia;
  removeRequest(id: number): void;
  requests(): JellyseerrFakeRequest[];
  media(ref: { mediaType: JellyseerrFakeMediaType; tmdbId: number }): JellyseerrFakeMedia | undefined;
  /**
   * `unavailable`: every request answers 503 (a reverse proxy in front of a stopped container);
   * `refuse`: the port is closed until `setDown(false)`.
   */
  setDown(down: boolean, mode?: 'unavailable' | 'refuse'): Promise<void>;
  close(): Promise<void>;
}

/** The request statuses and media statuses each `filter` value selects (Seerr `routes/request.ts`). */
const FILTERS: Record<
  string,
  { request: JellyseerrFakeRequestStatus[]; media: JellyseerrFakeMediaStatus[] }
> = {
  approved: {
    request: ['approved'],
    media: ['unknown', 'pending', 'processing', 'partially_available', 'available', 'deleted'],
  },
  processing: { request: ['approved'], media: ['unknown', 'pending', 'processing', 'partially_available'] },
  pending: {
    request: ['pending'],
    media: ['unknown', 'pending', 'processing', 'partially_available', 'available', 'deleted'],
  },
  unavailable: {
    request: ['pending', 'approved'],
    media: ['unknown', 'pending', 'processing', 'partially_available'],
  },
  failed: {
    request: ['failed'],
    media: ['unknown', 'pending', 'processing', 'partially_available', 'available', 'deleted'],
  },
  completed: {
    request: ['completed'],
    media: ['unknown', 'pending', 'processing', 'partially_available', 'available', 'deleted'],
  },
  available: { request: ['completed'], media: ['available'] },
  deleted: { request: ['completed'], media: ['deleted'] },
  all: {
    request: ['pending', 'approved', 'declined', 'failed', 'completed'],
    media: ['unknown', 'pending', 'processing', 'partially_available', 'available', 'deleted'],
  },
};
const FILTER_VALUES = [
  'all',
  'approved',
  'available',
  'pending',
  'processing',
  'unavailable',
  'failed',
  'deleted',
  'completed',
];
const SORT_VALUES = ['added', 'modified'];
const DIRECTION_VALUES = ['asc', 'desc'];
const MEDIA_TYPE_VALUES = ['movie', 'tv', 'all'];

const FORBIDDEN = { status: 403, error: 'You do not have permission to access this endpoint' };

/** `name` as Seerr's User entity computes `displayName` after loading. */
export function fakeDisplayName(user: JellyseerrFakeUser): string {
  return user.username || user.plexUsername || user.jellyfinUsername || user.email;
}

function defaultMediaStatus(status: JellyseerrFakeRequestStatus): JellyseerrFakeMediaStatus {
  switch (status) {
    case 'pending':
      return 'pending';
    case 'approved':
    case 'failed':
      return 'processing';
    case 'declined':
      return 'unknown';
    case 'completed':
      return 'available';
  }
}

class BadQuery extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startJellyseerrApiFake(
  options: JellyseerrApiFakeOptions = {},
): Promise<JellyseerrApiFake> {
  const apiKey = options.apiKey ?? 'MTcwMDAwMDAwMDAwMGZha2Uta2V5LWZvci10ZXN0cw==';
  const version = options.version ?? '3.1.0';
  const applicationTitle = options.applicationTitle ?? 'Seerr';
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();

  const calls: JellyseerrFakeCall[] = [];
  let callHandler: ((call: JellyseerrFakeCall) => void) | null = null;
  const users = new Map<number, JellyseerrFakeUser>();
  const titles = new Map<string, JellyseerrFakeTitle>();
  const medias = new Map<number, JellyseerrFakeMedia>();
  const requests = new Map<number, JellyseerrFakeRequest>();
  /** SeasonRequest ids, stable per request and season. */
  const seasonIds = new Map<string, number>();
  let nextUserId = 1;
  let nextMediaId = 1;
  let nextRequestId = 1;
  let nextSeasonId = 1;
  let down = false;
  let refused = false;

  const titleKey = (mediaType: string, tmdbId: number) => `${mediaType}:${tmdbId}`;

  function addUser(input: JellyseerrFakeUserInput): JellyseerrFakeUser {
    const id = nextUserId++;
    const at = iso();
    const username = input.username === undefined ? (id === 1 ? 'admin' : `user${id}`) : input.username;
    const user: JellyseerrFakeUser = {
      id,
      email: input.email ?? `${username ?? `user${id}`}@example.com`,
      username,
      plexUsername: input.plexUsername ?? null,
      jellyfinUsername: input.jellyfinUsername ?? null,
      userType: input.userType ?? 3,
      // 2 = ADMIN; 32 = REQUEST, Seerr's default permissions for new users.
      permissions: input.permissions ?? (id === 1 ? 2 : 32),
      avatar: `/avatarproxy/${String(id).padStart(16, '0')}`,
      createdAt: at,
      updatedAt: at,
    };
    users.set(id, user);
    return user;
  }

  function addTitle(input: JellyseerrFakeTitleInput): JellyseerrFakeTitle {
    const title: JellyseerrFakeTitle = {
      mediaType: input.mediaType,
      tmdbId: input.tmdbId,
      title: input.title,
      date: input.date ?? (input.year === undefined ? '' : `${input.year}-01-01`),
      posterPath: input.posterPath === undefined ? `/poster-${input.tmdbId}.jpg` : input.posterPath,
      imdbId: input.imdbId ?? null,
      tvdbId: input.tvdbId ?? null,
      seasons: input.seasons ?? (input.mediaType === 'tv' ? [1] : []),
    };
    titles.set(titleKey(input.mediaType, input.tmdbId), title);
    return title;
  }

  function findMedia(ref: { mediaType: string; tmdbId: number }): JellyseerrFakeMedia | undefined {
    return [...medias.values()].find((m) => m.mediaType === ref.mediaType && m.tmdbId === ref.tmdbId);
  }

  function user(id: number): JellyseerrFakeUser {
    const found = users.get(id);
    if (!found) throw new Error(`no user ${id}`);
    return found;
  }

  function addRequest(input: JellyseerrFakeRequestInput): JellyseerrFakeRequest {
    const status = input.status ?? 'pending';
    const requestedById = input.requestedBy ?? 1;
    user(requestedById);
    if (input.modifiedBy !== undefined && input.modifiedBy !== null) user(input.modifiedBy);
    const createdAt = input.createdAt ?? iso();
    const is4k = input.is4k ?? false;
    if (input.title !== undefined && !titles.has(titleKey(input.mediaType, input.tmdbId))) {
      addTitle({
        mediaType: input.mediaType,
        tmdbId: input.tmdbId,
        title: input.title,
        year: input.year,
        imdbId: input.imdbId,
        tvdbId: input.tvdbId,
      });
    }
    let media = findMedia(input);
    if (!media) {
      media = {
        id: nextMediaId++,
        mediaType: input.mediaType,
        tmdbId: input.tmdbId,
        tvdbId: input.tvdbId ?? null,
        imdbId: input.imdbId ?? null,
        status: 'unknown',
        status4k: 'unknown',
        serviceId: null,
        serviceId4k: null,
        externalServiceId: null,
        externalServiceId4k: null,
        externalServiceSlug: null,
        externalServiceSlug4k: null,
        jellyfinMediaId: null,
        jellyfinMediaId4k: null,
        createdAt,
        updatedAt: createdAt,
      };
      medias.set(media.id, media);
    }
    media[is4k ? 'status4k' : 'status'] = input.mediaStatus ?? defaultMediaStatus(status);
    const request: JellyseerrFakeRequest = {
      id: nextRequestId++,
      status,
      type: input.mediaType,
      is4k,
      mediaId: media.id,
      seasons: input.mediaType === 'tv' ? [...(input.seasons ?? [1])] : [],
      requestedById,
      modifiedById:
        input.modifiedBy !== undefined ? input.modifiedBy : status === 'pending' ? null : requestedById,
      isAutoRequest: input.isAutoRequest ?? false,
      serverId: 0,
      profileId: is4k ? 5 : 4,
      rootFolder: input.mediaType === 'movie' ? '/data/movies' : '/data/tv',
      createdAt,
      updatedAt: input.updatedAt ?? createdAt,
    };
    requests.set(request.id, request);
    return request;
  }

  function updateRequest(id: number, patch: JellyseerrFakeRequestPatch): JellyseerrFakeRequest {
    const request = requests.get(id);
    if (!request) throw new Error(`no request ${id}`);
    if (patch.modifiedBy !== undefined && patch.modifiedBy !== null) user(patch.modifiedBy);
    if (patch.modifiedBy !== undefined) request.modifiedById = patch.modifiedBy;
    if (patch.seasons !== undefined) request.seasons = [...patch.seasons];
    request.updatedAt = patch.updatedAt ?? iso();
    if (patch.status !== undefined && patch.status !== request.status) {
      request.status = patch.status;
      updateParentStatus(request);
    }
    return request;
  }

  /** Seerr's `MediaRequestSubscriber.updateParentStatus`: what an approval or decline does to the media. */
  function updateParentStatus(request: JellyseerrFakeRequest): void {
    const media = medias.get(request.mediaId);
    if (!media) return;
    const key = request.is4k ? 'status4k' : 'status';
    if (
      request.status === 'approved' &&
      !['available', 'partially_available', 'processing'].includes(media[key])
    ) {
      media[key] = 'processing';
    } else if (request.status === 'declined' && request.type === 'movie' && media[key] !== 'deleted') {
      media[key] = 'unknown';
    } else if (request.status === 'declined' && request.type === 'tv' && media[key] === 'pending') {
      const otherPending = [...requests.values()].some(
        (r) =>
          r.mediaId === media.id && r.is4k === request.is4k && r.id !== request.id && r.status === 'pending',
      );
      if (!otherPending) media[key] = 'unknown';
    } else {
      return;
    }
    media.updatedAt = request.updatedAt;
  }

  function updateMedia(
    ref: { mediaType: JellyseerrFakeMediaType; tmdbId: number },
    patch: JellyseerrFakeMediaPatch,
  ): JellyseerrFakeMedia {
    const media = findMedia(ref);
    if (!media) throw new Error(`no media ${ref.mediaType} ${ref.tmdbId}`);
    Object.assign(media, patch);
    media.updatedAt = patch.updatedAt ?? iso();
    return media;
  }

  // ---------------------------------------------------------------------------------------------
  // JSON as Seerr serialises its entities

  function userJson(u: JellyseerrFakeUser) {
    return {
      permissions: u.permissions,
      id: u.id,
      email: u.email,
      plexUsername: u.plexUsername,
      jellyfinUsername: u.jellyfinUsername,
      username: u.username,
      userType: u.userType,
      avatar: u.avatar,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
      requestCount: [...requests.values()].filter((r) => r.requestedById === u.id).length,
      displayName: fakeDisplayName(u),
    };
  }

  function mediaJson(m: JellyseerrFakeMedia) {
    return {
      downloadStatus: [],
      downloadStatus4k: [],
      id: m.id,
      mediaType: m.mediaType,
      tmdbId: m.tmdbId,
      tvdbId: m.tvdbId,
      imdbId: m.imdbId,
      status: MEDIA_STATUS[m.status],
      status4k: MEDIA_STATUS[m.status4k],
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      serviceId: m.serviceId,
      serviceId4k: m.serviceId4k,
      externalServiceId: m.externalServiceId,
      externalServiceId4k: m.externalServiceId4k,
      externalServiceSlug: m.externalServiceSlug,
      externalServiceSlug4k: m.externalServiceSlug4k,
      jellyfinMediaId: m.jellyfinMediaId,
      jellyfinMediaId4k: m.jellyfinMediaId4k,
    };
  }

  function seasonId(requestId: number, seasonNumber: number): number {
    const key = `${requestId}:${seasonNumber}`;
    let id = seasonIds.get(key);
    if (id === undefined) {
      id = nextSeasonId++;
      seasonIds.set(key, id);
    }
    return id;
  }

  /** A MediaRequest; `withMedia: false` inside a `mediaInfo.requests` list, where the parent is the media. */
  function requestJson(r: JellyseerrFakeRequest, { withMedia }: { withMedia: boolean }) {
    const media = medias.get(r.mediaId);
    if (!media) throw new Error(`request ${r.id} lost its media`);
    const modifiedBy = r.modifiedById === null ? undefined : users.get(r.modifiedById);
    return {
      id: r.id,
      status: REQUEST_STATUS[r.status],
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      type: r.type,
      is4k: r.is4k,
      serverId: r.serverId,
      profileId: r.profileId,
      rootFolder: r.rootFolder,
      isAutoRequest: r.isAutoRequest,
      ...(withMedia && { media: mediaJson(media) }),
      seasons: r.seasons.map((seasonNumber) => ({
        id: seasonId(r.id, seasonNumber),
        seasonNumber,
        status: REQUEST_STATUS[r.status],
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })),
      requestedBy: userJson(user(r.requestedById)),
      modifiedBy: modifiedBy === undefined ? null : userJson(modifiedBy),
    };
  }

  function mediaInfoJson(m: JellyseerrFakeMedia) {
    return {
      ...mediaJson(m),
      requests: [...requests.values()]
        .filter((r) => r.mediaId === m.id)
        .map((r) => requestJson(r, { withMedia: false })),
    };
  }

  function movieJson(t: JellyseerrFakeTitle) {
    const media = findMedia(t);
    return {
      id: t.tmdbId,
      imdbId: t.imdbId,
      adult: false,
      genres: [],
      originalLanguage: 'en',
      originalTitle: t.title,
      overview: `Overview of ${t.title}.`,
      popularity: 10,
      posterPath: t.posterPath,
      releaseDate: t.date,
      runtime: 120,
      status: 'Released',
      tagline: '',
      title: t.title,
      video: false,
      voteAverage: 7.5,
      voteCount: 100,
      externalIds: { imdbId: t.imdbId },
      ...(media && { mediaInfo: mediaInfoJson(media) }),
      watchProviders: [],
    };
  }

  function tvJson(t: JellyseerrFakeTitle) {
    const media = findMedia(t);
    return {
      id: t.tmdbId,
      posterPath: t.posterPath,
      firstAirDate: t.date,
      genres: [],
      inProduction: false,
      languages: ['en'],
      name: t.title,
      networks: [],
      originalLanguage: 'en',
      originalName: t.title,
      overview: `Overview of ${t.title}.`,
      popularity: 10,
      seasons: t.seasons.map((seasonNumber) => ({
        id: t.tmdbId * 100 + seasonNumber,
        airDate: null,
        episodeCount: 10,
        name: seasonNumber === 0 ? 'Specials' : `Season ${seasonNumber}`,
        overview: '',
        seasonNumber,
      })),
      status: 'Ended',
      tagline: '',
      type: 'Scripted',
      voteAverage: 8,
      voteCount: 100,
      externalIds: { imdbId: t.imdbId, tvdbId: t.tvdbId },
      keywords: [],
      ...(media && { mediaInfo: mediaInfoJson(media) }),
      watchProviders: [],
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Routes

  function numberParam(query: URLSearchParams, name: string): number | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) {
      throw new BadQuery(name, `request/query/${name} must be number`);
    }
    return value;
  }

  function enumParam(query: URLSearchParams, name: string, allowed: string[]): string | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    if (!allowed.includes(raw)) {
      throw new BadQuery(
        name,
        `request/query/${name} must be equal to one of the allowed values: ${allowed.join(', ')}`,
      );
    }
    return raw;
  }

  function listRequests(query: URLSearchParams) {
    const take = numberParam(query, 'take');
    const skipParam = numberParam(query, 'skip');
    const requestedBy = numberParam(query, 'requestedBy');
    const filter = enumParam(query, 'filter', FILTER_VALUES);
    const sort = enumParam(query, 'sort', SORT_VALUES);
    const direction = enumParam(query, 'sortDirection', DIRECTION_VALUES) === 'asc' ? 1 : -1;
    const mediaType = enumParam(query, 'mediaType', MEDIA_TYPE_VALUES) ?? 'all';
    // `take=0` and `skip=0` are falsy in Seerr's `req.query.take ? Number(...) : 10`.
    const pageSize = take ? take : 10;
    const skip = skipParam ? skipParam : 0;
    return { pageSize, skip, requestedBy, filter, sort, direction, mediaType };
  }

  function requestPage(params: ReturnType<typeof listRequests>) {
    const selection = FILTERS[params.filter ?? 'all'] ?? FILTERS.all;
    if (!selection) throw new Error('no filter');
    const sortKey = (r: JellyseerrFakeRequest): number =>
      params.sort === 'modified'
        ? Date.parse(r.updatedAt)
        : params.sort === 'added'
          ? Date.parse(r.createdAt)
          : r.id;
    const matching = [...requests.values()]
      .filter((r) => {
        const media = medias.get(r.mediaId);
        if (!media) return false;
        return (
          selection.request.includes(r.status) &&
          selection.media.includes(r.is4k ? media.status4k : media.status) &&
          (params.requestedBy === undefined ||
            params.requestedBy === 0 ||
            r.requestedById === params.requestedBy) &&
          (params.mediaType === 'all' || r.type === params.mediaType)
        );
      })
      .sort((a, b) => params.direction * (sortKey(a) - sortKey(b) || a.id - b.id));
    const page = matching.slice(params.skip, params.skip + params.pageSize);
    return {
      pageInfo: {
        pages: Math.ceil(matching.length / params.pageSize),
        pageSize: params.pageSize,
        results: matching.length,
        page: Math.ceil(params.skip / params.pageSize) + 1,
      },
      results: page.map((r) => ({ ...requestJson(r, { withMedia: true }), canRemove: true })),
      serviceErrors: { radarr: [], sonarr: [] },
    };
  }

  type Answer = { status: number; body: unknown };

  function route(method: string, url: URL, authorized: boolean): Answer {
    const path = url.pathname.replace(/\/+$/, '');
    if (method === 'GET' && path === '/api/v1/status') {
      return {
        status: 200,
        body: {
          version,
          commitTag: `v${version}`,
          updateAvailable: false,
          commitsBehind: 0,
          restartRequired: false,
        },
      };
    }
    if (method === 'GET' && path === '/api/v1/request') {
      let params: ReturnType<typeof listRequests>;
      try {
        params = listRequests(url.searchParams);
      } catch (error) {
        if (!(error instanceof BadQuery)) throw error;
        return {
          status: 400,
          body: {
            message: error.message,
            errors: [{ path: `/query/${error.parameter}`, message: error.message.replace(/^\S+ /, '') }],
          },
        };
      }
      if (!authorized) return { status: 403, body: FORBIDDEN };
      return { status: 200, body: requestPage(params) };
    }
    const requestMatch = /^\/api\/v1\/request\/([^/]+)$/.exec(path);
    if (method === 'GET' && requestMatch?.[1] !== undefined) {
      if (!authorized) return { status: 403, body: FORBIDDEN };
      const request = requests.get(Number(requestMatch[1]));
      if (!request) return { status: 404, body: { message: 'Request not found.' } };
      return { status: 200, body: requestJson(request, { withMedia: true }) };
    }
    const titleMatch = /^\/api\/v1\/(movie|tv)\/([^/]+)$/.exec(path);
    if (method === 'GET' && titleMatch?.[1] !== undefined && titleMatch[2] !== undefined) {
      if (!authorized) return { status: 403, body: FORBIDDEN };
      const mediaType = titleMatch[1] as JellyseerrFakeMediaType;
      const title = titles.get(titleKey(mediaType, Number(titleMatch[2])));
      if (!title) {
        const message = mediaType === 'movie' ? 'Unable to retrieve movie.' : 'Unable to retrieve series.';
        return { status: 500, body: { message } };
      }
      return { status: 200, body: mediaType === 'movie' ? movieJson(title) : tvJson(title) };
    }
    if (method === 'GET' && path === '/api/v1/settings/main') {
      if (!authorized) return { status: 403, body: FORBIDDEN };
      return {
        status: 200,
        body: {
          apiKey,
          appLanguage: 'en',
          applicationTitle,
          applicationUrl: '',
          hideAvailable: false,
          partialRequestsEnabled: true,
          localLogin: true,
          mediaServerType: 2,
          newPlexLogin: true,
          defaultPermissions: 32,
          enableSpecialEpisodes: false,
        },
      };
    }
    return {
      status: 404,
      body: { message: 'not found', errors: [{ path: url.pathname, message: 'not found' }] },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorized = req.headers['x-api-key'] === apiKey;
    const answer: Answer = down
      ? { status: 503, body: 'Service Unavailable' }
      : route(method, url, authorized);
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const call: JellyseerrFakeCall = {
      method,
      path: req.url ?? '/',
      authorized,
      status: answer.status,
      bytes: Buffer.byteLength(text),
    };
    calls.push(call);
    res.writeHead(answer.status, {
      'Content-Type':
        typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    });
    res.end(text);
    callHandler?.(call);
  }

  addUser({});

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    calls,
    clearCalls: () => {
      calls.length = 0;
    },
    onCall: (handler) => {
      callHandler = handler;
    },
    addUser,
    addTitle,
    addRequest,
    updateRequest,
    updateMedia,
    removeRequest: (id) => {
      requests.delete(id);
    },
    requests: () => [...requests.values()],
    media: (ref) => findMedia(ref),
    async setDown(next, mode = 'unavailable') {
      if (!next) {
        down = false;
        if (refused) {
          await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
          refused = false;
        }
        return;
      }
      if (mode === 'unavailable') {
        down = true;
      } else if (!refused) {
        refused = true;
        await stop();
      }
    },
    close: async () => {
      if (!refused) await stop();
    },
  };
}
