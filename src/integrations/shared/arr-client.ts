/**
 * Radarr/Sonarr REST API v3 (contracts.md §2; Radarr v5.28 / Sonarr v4 OpenAPI in shared/contracts):
 * the part every *arr client shares. Auth is the `X-Api-Key` header. The app-specific calls are in
 * radarr/radarr.client.ts and sonarr/sonarr.client.ts, built on {@link createArrApi}.
 *
 * What shaped this client (read from Radarr/Sonarr `*.Api.V3` controllers):
 * - The queue is paged (`pageSize` defaults to 10) and a page past the end is not empty: Radarr and
 *   Sonarr answer page floor(total / pageSize) again, with that page number. So pages are followed
 *   until `page * pageSize >= totalRecords`, never "until an empty page", and records are
 *   de-duplicated by id.
 * - The queue is sorted by `title` rather than the default `timeleft`: time left changes between two
 *   page requests and would move records across the page boundary.
 * - `downloadId` filters are exact, case-sensitive matches: torrent hashes are uppercase in *arr
 *   ({@link toArrDownloadId}).
 * - The history list filters `eventType` by integer, and the integers differ between the apps;
 *   `history/since` takes the enum name.
 * - `POST /command` answers 201 (the OpenAPI says 200); sending the same command while an equal one is
 *   queued or running returns that one. `DELETE /queue/{id}` defaults `removeFromClient` to true, so
 *   every flag is always sent.
 * - Null properties are omitted, and `history.data` values can be JSON null.
 */
import type { z } from 'zod';
import type { ServiceConnection } from '../service-connection.js';
import {
  type ArrHistoryResource,
  type ArrQueueResource,
  arrCommandResourceSchema,
  arrErrorSchema,
  arrHistoryResourceSchema,
  arrPagingSchema,
  arrQueueResourceSchema,
  arrSystemStatusSchema,
} from './arr-api.schemas.js';
import { IntegrationError } from './integration-error.js';
import {
  createServiceHttp,
  type HttpAnswer,
  parseJsonAnswer,
  type ResilienceOptions,
  type ServiceHttp,
} from './service-http.js';

export type ArrApp = 'Radarr' | 'Sonarr';

export interface ArrClientOptions<A extends ArrApp = ArrApp> {
  app: A;
  /** Base URL including any URL base, e.g. `http://radarr:7878` or `https://host/radarr`. */
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}

// ---------------------------------------------------------------------------------------------
// Normalised items
// ---------------------------------------------------------------------------------------------

/** `QueueStatus`: the download client's view, as the *arr maps it. */
export type ArrQueueStatus =
  | 'unknown'
  | 'queued'
  | 'paused'
  | 'downloading'
  | 'completed'
  | 'failed'
  | 'warning'
  | 'delay'
  | 'downloadClientUnavailable'
  | 'fallback';
export type ArrTrackedDownloadStatus = 'ok' | 'warning' | 'error';
/** The *arr's own view of the download: `importBlocked`/`importPending` are the stuck-import cases. */
export type ArrTrackedDownloadState =
  | 'downloading'
  | 'importBlocked'
  | 'importPending'
  | 'importing'
  | 'imported'
  | 'failedPending'
  | 'failed'
  | 'ignored';
export type ArrProtocol = 'unknown' | 'usenet' | 'torrent';

const QUEUE_STATUSES: readonly ArrQueueStatus[] = [
  'unknown',
  'queued',
  'paused',
  'downloading',
  'completed',
  'failed',
  'warning',
  'delay',
  'downloadClientUnavailable',
  'fallback',
];
const TRACKED_STATUSES: readonly ArrTrackedDownloadStatus[] = ['ok', 'warning', 'error'];
const TRACKED_STATES: readonly ArrTrackedDownloadState[] = [
  'downloading',
  'importBlocked',
  'importPending',
  'importing',
  'imported',
  'failedPending',
  'failed',
  'ignored',
];
const PROTOCOLS: readonly ArrProtocol[] = ['unknown', 'usenet', 'torrent'];

/** One queue record. Values the *arr did not send are null. */
export interface ArrQueueItemBase {
  /** The queue record's id (a hash of client and download id, per episode in Sonarr): for removeFromQueue. */
  id: number;
  /**
   * The download id exactly as the *arr has it (uppercase torrent hash, SABnzbd `nzo_…`, NZBGet's
   * `drone` GUID). Null for a release still waiting in the delay queue.
   */
  downloadId: string | null;
  /** Release title. */
  title: string | null;
  /** Unknown values read as `unknown`. */
  status: ArrQueueStatus;
  /** Null for pending (delay) items and unknown values. */
  trackedDownloadStatus: ArrTrackedDownloadStatus | null;
  /** Null for pending (delay) items and unknown values. */
  trackedDownloadState: ArrTrackedDownloadState | null;
  /** Human-readable reasons, e.g. why an import is blocked. Titles are often the file name. */
  statusMessages: Array<{ title: string | null; messages: string[] }>;
  /** The download client's own message. */
  errorMessage: string | null;
  /** Bytes. */
  sizeBytes: number;
  /** Bytes still to download. */
  sizeLeftBytes: number;
  /** Seconds left as the download client estimates them; null when unknown (stalled, queued). */
  timeLeft: number | null;
  /** ISO 8601 UTC. */
  estimatedCompletionTime: string | null;
  /** ISO 8601 UTC: when the *arr first saw the download. */
  added: string | null;
  protocol: ArrProtocol;
  /** The download client's *name* in the *arr's settings. */
  downloadClient: string | null;
  /** The content path as the *arr sees it (after remote path mapping): what DownloadedMoviesScan wants. */
  outputPath: string | null;
  indexer: string | null;
}

/** The movie a Radarr queue or history record is about (from `includeMovie=true`). */
export interface RadarrMovieRef {
  id: number;
  tmdbId: number;
  /** `tt…`. */
  imdbId: string | null;
  title: string | null;
  year: number | null;
}

export interface RadarrQueueItem extends ArrQueueItemBase {
  /** Null for an item Radarr cannot match to a movie (`includeUnknownMovieItems`). */
  movieId: number | null;
  movie: RadarrMovieRef | null;
}

export interface SonarrSeriesRef {
  id: number;
  tvdbId: number;
  /** 0 in Sonarr means none; read as null. */
  tmdbId: number | null;
  imdbId: string | null;
  title: string | null;
  year: number | null;
  /** `standard`, `daily` or `anime`. */
  seriesType: string | null;
}

export interface SonarrEpisodeRef {
  id: number;
  tvdbId: number | null;
  seasonNumber: number;
  episodeNumber: number;
  title: string | null;
}

/** Sonarr's queue is per episode: a season pack is one record per episode, all with one downloadId. */
export interface SonarrQueueItem extends ArrQueueItemBase {
  /** Null for an item Sonarr cannot match (`includeUnknownSeriesItems`). */
  seriesId: number | null;
  episodeId: number | null;
  seasonNumber: number | null;
  /** Whether the episode already has a file (an upgrade in flight). */
  episodeHasFile: boolean | null;
  series: SonarrSeriesRef | null;
  episode: SonarrEpisodeRef | null;
}

/** Radarr `MovieHistoryEventType` names and the integers the history list's `eventType` filter takes. */
export const RADARR_HISTORY_EVENT_TYPE_IDS = {
  unknown: 0,
  grabbed: 1,
  downloadFolderImported: 3,
  downloadFailed: 4,
  movieFileDeleted: 6,
  movieFolderImported: 7,
  movieFileRenamed: 8,
  downloadIgnored: 9,
} as const;
/** Sonarr `EpisodeHistoryEventType`: the same names do not have the same integers as Radarr's. */
export const SONARR_HISTORY_EVENT_TYPE_IDS = {
  unknown: 0,
  grabbed: 1,
  seriesFolderImported: 2,
  downloadFolderImported: 3,
  downloadFailed: 4,
  episodeFileDeleted: 5,
  episodeFileRenamed: 6,
  downloadIgnored: 7,
} as const;
export type RadarrHistoryEventType = keyof typeof RADARR_HISTORY_EVENT_TYPE_IDS;
export type SonarrHistoryEventType = keyof typeof SONARR_HISTORY_EVENT_TYPE_IDS;

export interface ArrHistoryRecordBase {
  id: number;
  /** ISO 8601 UTC. */
  date: string;
  /** Exact case as the *arr has it; null for imports the *arr did not track (manual, folder scan). */
  downloadId: string | null;
  /** Release title (grabbed, failed) or the file's name (imported, deleted). */
  sourceTitle: string | null;
  /**
   * The event's details, camelCased keys, string values (`downloadClient`, `downloadClientName`,
   * `droppedPath`, `importedPath`, `message`, `torrentInfoHash`, ...). Null values are left out.
   */
  data: Record<string, string>;
}

export interface RadarrHistoryRecord extends ArrHistoryRecordBase {
  /** Unknown names read as `unknown`. */
  eventType: RadarrHistoryEventType;
  movieId: number | null;
}

export interface SonarrHistoryRecord extends ArrHistoryRecordBase {
  eventType: SonarrHistoryEventType;
  seriesId: number | null;
  episodeId: number | null;
}

export type ArrCommandStatus =
  | 'queued'
  | 'started'
  | 'completed'
  | 'failed'
  | 'aborted'
  | 'cancelled'
  | 'orphaned';
/** `unsuccessful` with status `completed`: the command ran but did nothing (e.g. nothing imported). */
export type ArrCommandResult = 'unknown' | 'successful' | 'unsuccessful';

const COMMAND_STATUSES: readonly ArrCommandStatus[] = [
  'queued',
  'started',
  'completed',
  'failed',
  'aborted',
  'cancelled',
  'orphaned',
];
const FINISHED: ReadonlySet<ArrCommandStatus> = new Set([
  'completed',
  'failed',
  'aborted',
  'cancelled',
  'orphaned',
]);

export interface ArrCommand {
  id: number;
  /** As the *arr names it (`DownloadedMoviesScan`, whatever case was sent). */
  name: string;
  /** An unknown status reads as `started`: not finished, keep polling. */
  status: ArrCommandStatus;
  result: ArrCommandResult;
  /** True once the status can no longer change. */
  finished: boolean;
  /** The last progress message, e.g. `Failed to import`. */
  message: string | null;
  /** Why a `failed` command failed. */
  exception: string | null;
  /** ISO 8601 UTC. */
  queued: string | null;
  started: string | null;
  ended: string | null;
}

/** The `ImportMode` of the scan commands: `auto` moves usenet downloads and copies (hardlinks) torrents. */
export type ArrImportMode = 'auto' | 'move' | 'copy';

/** A command body: `name` plus the command's own properties in camelCase. */
export interface ArrCommandBody {
  name: string;
  [property: string]: unknown;
}

export interface RemoveFromQueueInput {
  /** The queue record id (not the download id). */
  id: number;
  /** Also delete the download (and its data) from the download client. The *arr's default is true. */
  removeFromClient: boolean;
  /** Mark the release failed and blocklist it; a new search follows unless `skipRedownload`. */
  blocklist: boolean;
  /** With `blocklist`: do not search for a replacement. Default false. */
  skipRedownload?: boolean | undefined;
  /** Move the download to the client's post-import category instead of removing it. */
  changeCategory?: boolean | undefined;
}

interface ArrTypes {
  Radarr: { queueItem: RadarrQueueItem; history: RadarrHistoryRecord; eventType: RadarrHistoryEventType };
  Sonarr: { queueItem: SonarrQueueItem; history: SonarrHistoryRecord; eventType: SonarrHistoryEventType };
}
export type ArrQueueItemOf<A extends ArrApp> = ArrTypes[A]['queueItem'];
export type ArrHistoryRecordOf<A extends ArrApp> = ArrTypes[A]['history'];
export type ArrHistoryEventTypeOf<A extends ArrApp> = ArrTypes[A]['eventType'];

/** The calls Radarr and Sonarr share. Each HTTP request goes through the instance's resilience policy. */
export interface ArrClient<A extends ArrApp = ArrApp> extends ServiceConnection {
  app: A;
  /**
   * The whole queue, unknown items included, with the movie (series and episode) of each record: one
   * request per 1000 records.
   */
  queue(): Promise<Array<ArrQueueItemOf<A>>>;
  /** Every history record of a download, newest first; `downloadId` must be in the *arr's exact case. */
  historyForDownload(input: {
    downloadId: string;
    eventType?: ArrHistoryEventTypeOf<A> | undefined;
  }): Promise<Array<ArrHistoryRecordOf<A>>>;
  /**
   * History records dated at or after `date`, oldest first (one request, not paged). Ask with some
   * overlap and de-duplicate by id: the *arr's clock is not ours.
   */
  historySince(input: {
    date: Date | string;
    eventType?: ArrHistoryEventTypeOf<A> | undefined;
  }): Promise<Array<ArrHistoryRecordOf<A>>>;
  /** `POST /api/v3/command` with this exact body. */
  command(body: ArrCommandBody): Promise<ArrCommand>;
  /** `GET /api/v3/command/{id}`; null when the *arr no longer knows it (restarted, cleaned up). */
  commandStatus(id: number): Promise<ArrCommand | null>;
  /** `{"name":"RefreshMonitoredDownloads"}`: re-poll the download clients and re-process tracked downloads. */
  refreshMonitoredDownloads(): Promise<ArrCommand>;
  /** `DELETE /api/v3/queue/{id}` with every flag explicit; false when the record is already gone (404). */
  removeFromQueue(input: RemoveFromQueueInput): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/**
 * A .NET `TimeSpan` text (`"00:12:34"`, `"1.02:03:04"`, `"00:00:05.1234567"`) in seconds; null when
 * absent or not a TimeSpan. A negative span (an ETA already past) reads as 0.
 */
export function parseTimeSpan(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const match = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!match) return null;
  const [, negative, days, hours, minutes, seconds, fraction] = match;
  const total =
    Number(days ?? 0) * 86_400 +
    Number(hours) * 3_600 +
    Number(minutes) * 60 +
    Number(seconds) +
    (fraction ? Number(`0.${fraction}`) : 0);
  return negative ? 0 : total;
}

/**
 * The form of a download client's id that the *arrs store: torrent info hashes (40 or 64 hex) in
 * upper case; anything else (SABnzbd `nzo_…`, NZBGet's 32-hex `drone` GUID) unchanged.
 */
export function toArrDownloadId(clientId: string): string {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(clientId) ? clientId.toUpperCase() : clientId;
}

function pick<T extends string>(value: string | null | undefined, known: readonly T[]): T | null {
  return value !== null && value !== undefined && (known as readonly string[]).includes(value)
    ? (value as T)
    : null;
}

function baseQueueItem(record: ArrQueueResource): ArrQueueItemBase {
  return {
    id: record.id,
    downloadId: record.downloadId ?? null,
    title: record.title ?? null,
    status: pick(record.status, QUEUE_STATUSES) ?? 'unknown',
    trackedDownloadStatus: pick(record.trackedDownloadStatus, TRACKED_STATUSES),
    trackedDownloadState: pick(record.trackedDownloadState, TRACKED_STATES),
    statusMessages: (record.statusMessages ?? []).map((message) => ({
      title: message.title ?? null,
      messages: message.messages ?? [],
    })),
    errorMessage: record.errorMessage ?? null,
    sizeBytes: record.size ?? 0,
    sizeLeftBytes: record.sizeleft ?? record.sizeLeft ?? 0,
    timeLeft: parseTimeSpan(record.timeleft ?? record.timeLeft),
    estimatedCompletionTime: record.estimatedCompletionTime ?? null,
    added: record.added ?? null,
    protocol: pick(record.protocol, PROTOCOLS) ?? 'unknown',
    downloadClient: record.downloadClient ?? null,
    outputPath: record.outputPath ?? null,
    indexer: record.indexer ?? null,
  };
}

export function toRadarrQueueItem(record: ArrQueueResource): RadarrQueueItem {
  const movie = record.movie;
  return {
    ...baseQueueItem(record),
    movieId: record.movieId ?? null,
    movie: movie
      ? {
          id: movie.id,
          tmdbId: movie.tmdbId,
          imdbId: movie.imdbId ?? null,
          title: movie.title ?? null,
          year: movie.year ?? null,
        }
      : null,
  };
}

export function toSonarrQueueItem(record: ArrQueueResource): SonarrQueueItem {
  const { series, episode } = record;
  return {
    ...baseQueueItem(record),
    seriesId: record.seriesId ?? null,
    episodeId: record.episodeId ?? null,
    seasonNumber: record.seasonNumber ?? null,
    episodeHasFile: record.episodeHasFile ?? null,
    series: series
      ? {
          id: series.id,
          tvdbId: series.tvdbId,
          tmdbId: series.tmdbId ? series.tmdbId : null,
          imdbId: series.imdbId ?? null,
          title: series.title ?? null,
          year: series.year ?? null,
          seriesType: series.seriesType ?? null,
        }
      : null,
    episode: episode
      ? {
          id: episode.id,
          tvdbId: episode.tvdbId ?? null,
          seasonNumber: episode.seasonNumber,
          episodeNumber: episode.episodeNumber,
          title: episode.title ?? null,
        }
      : null,
  };
}

function historyData(data: ArrHistoryResource['data']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) if (value !== null) out[key] = value;
  return out;
}

function baseHistoryRecord(record: ArrHistoryResource): ArrHistoryRecordBase {
  return {
    id: record.id,
    date: record.date,
    downloadId: record.downloadId ?? null,
    sourceTitle: record.sourceTitle ?? null,
    data: historyData(record.data),
  };
}

function eventTypeOf<T extends string>(value: string, ids: Record<T, number>): T {
  return Object.hasOwn(ids, value) ? (value as T) : ('unknown' as T);
}

export function toRadarrHistoryRecord(record: ArrHistoryResource): RadarrHistoryRecord {
  return {
    ...baseHistoryRecord(record),
    eventType: eventTypeOf(record.eventType, RADARR_HISTORY_EVENT_TYPE_IDS),
    movieId: record.movieId ?? null,
  };
}

export function toSonarrHistoryRecord(record: ArrHistoryResource): SonarrHistoryRecord {
  return {
    ...baseHistoryRecord(record),
    eventType: eventTypeOf(record.eventType, SONARR_HISTORY_EVENT_TYPE_IDS),
    seriesId: record.seriesId ?? null,
    episodeId: record.episodeId ?? null,
  };
}

export function toArrCommand(resource: z.infer<typeof arrCommandResourceSchema>): ArrCommand {
  const status = pick(resource.status, COMMAND_STATUSES) ?? 'started';
  return {
    id: resource.id,
    name: resource.name ?? '',
    status,
    result: pick(resource.result, ['unknown', 'successful', 'unsuccessful'] as const) ?? 'unknown',
    finished: FINISHED.has(status),
    message: resource.message ?? null,
    exception: resource.exception ?? null,
    queued: resource.queued ?? null,
    started: resource.started ?? null,
    ended: resource.ended ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** Query values; arrays are sent as repeated parameters (ASP.NET's list binding). */
export type ArrQuery = Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined>;

export interface ArrRequest<T> {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Under the base URL, without a leading slash: `api/v3/queue`. */
  path: string;
  query?: ArrQuery;
  /** Sent as JSON. */
  body?: unknown;
  schema: z.ZodType<T>;
  /** Names the call in error messages. */
  what: string;
}

/** One *arr instance's requests: auth, JSON, error kinds, and the answer checked against a schema. */
export interface ArrApi<A extends ArrApp = ArrApp> {
  app: A;
  http: ServiceHttp;
  /** Answers 200/201 parsed with the schema; anything else throws an IntegrationError. */
  request<T>(input: ArrRequest<T>): Promise<T>;
  /** Like {@link request}, but a 404 (no such resource) is null. */
  requestOrNull<T>(input: ArrRequest<T>): Promise<T | null>;
  /** A `DELETE` whose answer has no body: true when done (200), false when there was nothing (404). */
  remove(input: { path: string; query?: ArrQuery; what: string }): Promise<boolean>;
  /**
   * Every record of a paged list: pages of `pageSize` until `totalRecords` are read, de-duplicated
   * by id (records can move between pages while they are read).
   */
  allPages<T extends { id: number }>(
    input: Omit<ArrRequest<T>, 'method' | 'body'> & { pageSize: number },
  ): Promise<T[]>;
}

/** Pages read before giving up on an answer whose totals never add up. */
const MAX_PAGES = 1000;
/** Records per page of the queue and history: a home queue fits in one request. */
export const ARR_PAGE_SIZE = 1000;

function queryString(query: ArrQuery | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function errorText(answer: HttpAnswer): string {
  try {
    const parsed = arrErrorSchema.safeParse(JSON.parse(answer.text));
    if (parsed.success) {
      return Array.isArray(parsed.data)
        ? parsed.data.map((failure) => failure.errorMessage).join('; ')
        : parsed.data.message;
    }
  } catch {
    // not JSON: the raw text says more than nothing
  }
  return answer.text.slice(0, 200);
}

export function createArrApi<A extends ArrApp>({
  app,
  url,
  apiKey,
  resilience,
}: ArrClientOptions<A>): ArrApi<A> {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { 'X-Api-Key': apiKey, Accept: 'application/json' };

  /** Throws for refused keys and unexpected statuses; returns false for an allowed 404. */
  function accept(answer: HttpAnswer, what: string, allowMissing: boolean): boolean {
    if (answer.status === 401 || answer.status === 403) {
      throw new IntegrationError('unauthorized', `${app} refused the API key`, { status: answer.status });
    }
    if (allowMissing && answer.status === 404) return false;
    if (answer.status !== 200 && answer.status !== 201) {
      const detail = errorText(answer);
      throw new IntegrationError(
        'bad_response',
        `${app} ${what}: HTTP ${answer.status}${detail ? `: ${detail}` : ''}`,
        {
          status: answer.status,
        },
      );
    }
    return true;
  }

  function parse<T>(answer: HttpAnswer, input: ArrRequest<T>): T {
    const parsed = input.schema.safeParse(parseJsonAnswer(answer, `${app} ${input.what}`));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'answer'}: ${issue.message}` : 'shape';
    throw new IntegrationError('bad_response', `${app} ${input.what}: unexpected answer (${where})`, {
      status: answer.status,
    });
  }

  function call<T>(
    input: { method?: 'GET' | 'POST' | 'DELETE'; path: string; query?: ArrQuery; body?: unknown },
    read: (answer: HttpAnswer) => T,
  ): Promise<T> {
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);
    return http.call(
      `${input.path}${queryString(input.query)}`,
      {
        method: input.method ?? 'GET',
        headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        ...(body !== undefined && { body }),
      },
      read,
    );
  }

  const request = <T>(input: ArrRequest<T>): Promise<T> =>
    call(input, (answer) => {
      accept(answer, input.what, false);
      return parse(answer, input);
    });

  return {
    app,
    http,
    request,
    requestOrNull: (input) =>
      call(input, (answer) => (accept(answer, input.what, true) ? parse(answer, input) : null)),
    remove: (input) => call({ ...input, method: 'DELETE' }, (answer) => accept(answer, input.what, true)),
    async allPages({ path, query, schema, what, pageSize }) {
      const pageSchema = arrPagingSchema(schema);
      const byId = new Map<number, z.infer<typeof schema>>();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await request({
          path,
          query: { ...query, page, pageSize },
          schema: pageSchema,
          what: `${what} page ${page}`,
        });
        const records = answer.records ?? [];
        for (const record of records) if (!byId.has(record.id)) byId.set(record.id, record);
        // A page past the end comes back as the last page again, with its own page number.
        if (answer.page !== page || records.length === 0) break;
        if (page * Math.max(answer.pageSize, 1) >= answer.totalRecords) break;
      }
      return [...byId.values()];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The shared client
// ---------------------------------------------------------------------------------------------

const QUEUE_PARAMS: Record<ArrApp, ArrQuery> = {
  Radarr: { includeUnknownMovieItems: true, includeMovie: true },
  Sonarr: { includeUnknownSeriesItems: true, includeSeries: true, includeEpisode: true },
};

function historyEventId(app: ArrApp, eventType: string | undefined): number | undefined {
  if (eventType === undefined) return undefined;
  const ids: Record<string, number> =
    app === 'Radarr' ? RADARR_HISTORY_EVENT_TYPE_IDS : SONARR_HISTORY_EVENT_TYPE_IDS;
  const id = ids[eventType];
  if (id === undefined) throw new TypeError(`${app} has no history event type ${eventType}`);
  return id;
}

/** The shared calls on an existing {@link ArrApi} (the app clients add theirs to the same instance). */
export function arrClientOn<A extends ArrApp>(api: ArrApi<A>): ArrClient<A> {
  const { app } = api;
  const toQueueItem = (app === 'Radarr' ? toRadarrQueueItem : toSonarrQueueItem) as (
    record: ArrQueueResource,
  ) => ArrQueueItemOf<A>;
  const toHistory = (app === 'Radarr' ? toRadarrHistoryRecord : toSonarrHistoryRecord) as (
    record: ArrHistoryResource,
  ) => ArrHistoryRecordOf<A>;

  const command = async (body: ArrCommandBody): Promise<ArrCommand> =>
    toArrCommand(
      await api.request({
        method: 'POST',
        path: 'api/v3/command',
        body,
        schema: arrCommandResourceSchema,
        what: `command ${body.name}`,
      }),
    );

  return {
    app,
    status: api.http.status,
    testConnection: () => testConnection(api),
    async queue() {
      const records = await api.allPages({
        path: 'api/v3/queue',
        query: { ...QUEUE_PARAMS[app], sortKey: 'title', sortDirection: 'ascending' },
        schema: arrQueueResourceSchema,
        what: 'queue',
        pageSize: ARR_PAGE_SIZE,
      });
      return records.map(toQueueItem);
    },
    async historyForDownload({ downloadId, eventType }) {
      const records = await api.allPages({
        path: 'api/v3/history',
        query: {
          downloadId,
          eventType: historyEventId(app, eventType),
          sortKey: 'date',
          sortDirection: 'descending',
        },
        schema: arrHistoryResourceSchema,
        what: 'history',
        pageSize: ARR_PAGE_SIZE,
      });
      return records.map(toHistory);
    },
    async historySince({ date, eventType }) {
      const records = await api.request({
        path: 'api/v3/history/since',
        query: { date: typeof date === 'string' ? date : date.toISOString(), eventType },
        schema: arrHistoryResourceSchema.array(),
        what: 'history since',
      });
      return records.map(toHistory);
    },
    command,
    async commandStatus(id) {
      const resource = await api.requestOrNull({
        path: `api/v3/command/${id}`,
        schema: arrCommandResourceSchema,
        what: `command ${id}`,
      });
      return resource === null ? null : toArrCommand(resource);
    },
    refreshMonitoredDownloads: () => command({ name: 'RefreshMonitoredDownloads' }),
    removeFromQueue: ({ id, removeFromClient, blocklist, skipRedownload = false, changeCategory }) =>
      api.remove({
        path: `api/v3/queue/${id}`,
        query: { removeFromClient, blocklist, skipRedownload, changeCategory },
        what: `queue removal ${id}`,
      }),
  };
}

async function testConnection(api: ArrApi): Promise<{ version: string }> {
  const status = await api.request({
    path: 'api/v3/system/status',
    schema: arrSystemStatusSchema,
    what: 'system/status',
  });
  if (status.appName.toLowerCase() !== api.app.toLowerCase()) {
    throw new IntegrationError('bad_response', `this is ${status.appName}, not ${api.app}`);
  }
  return { version: status.version };
}

export function createArrClient(options: ArrClientOptions<'Radarr'>): ArrClient<'Radarr'>;
export function createArrClient(options: ArrClientOptions<'Sonarr'>): ArrClient<'Sonarr'>;
export function createArrClient(options: ArrClientOptions): ArrClient;
export function createArrClient(options: ArrClientOptions): ArrClient {
  return arrClientOn(createArrApi(options));
}
