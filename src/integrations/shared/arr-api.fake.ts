/**
 * A contract fake of the Radarr/Sonarr REST API v3, one core for both apps. It follows the official
 * OpenAPI documents in shared/contracts (Radarr v5.28 `openapi-v3.radarr-v5.28.0.10274.json`, Sonarr
 * v4 `openapi-v3.sonarr-v4-main.json`; arr-api.fake.test.ts validates every answer against them, key
 * for key) and, for behaviour the documents do not pin, the Radarr/Sonarr `*.Api.V3` controllers
 * (`QueueController`, `HistoryController`, `CommandController`, `RestController`, `MovieFileController`,
 * `EpisodeFileController`), `CommandQueueManager` and `DownloadedMoviesScanCommandService` as written
 * up in contracts.md §2:
 *
 * - Auth: `X-Api-Key` header or `?apikey=`; otherwise 401 with an empty body. Paths are
 *   case-insensitive. JSON is camelCase, null properties are left out, dates are UTC ISO without
 *   empty fractions, TimeSpans are .NET text (`"00:12:34"`, `"1.02:03:04"`).
 * - `GET /api/v3/queue`: `{page, pageSize, sortKey, sortDirection, totalRecords, records}`; `pageSize`
 *   defaults to 10; a page past the end is not empty: it answers page floor(total / pageSize) (at
 *   least 1) again, with that number, as Radarr's `QueueController` computes it. Sorted by `timeleft` (unknown last) unless `sortKey=title`, then by
 *   progress. Records without a movie/series only with `includeUnknownMovieItems`/
 *   `includeUnknownSeriesItems`; delay-queue items (`status: "delay"`) always. `includeMovie`,
 *   `includeSeries`, `includeEpisode` embed the resources. `movieIds`/`seriesIds`, `protocol`, `status`
 *   filter. Sonarr has one record per episode; record ids are 31-bit hashes like the real ones.
 * - `DELETE /api/v3/queue/{id}?removeFromClient&blocklist&skipRedownload&changeCategory`:
 *   `removeFromClient` defaults to true. Removes every record of the download (a pack's episodes go
 *   together); `blocklist` adds a `downloadFailed` history record per record, neither flag a
 *   `downloadIgnored` one. 200 with an empty body; 404 for an unknown id.
 * - `GET /api/v3/history` (paged, newest first, `eventType` integers, `downloadId` exact and
 *   case-sensitive, `movieIds`/`seriesIds`/`episodeId`, include flags) and `GET /api/v3/history/since`
 *   (`date` at or after, oldest first, `eventType` by name or integer). `data` values may be null.
 * - `POST /api/v3/command`: 201 with the `CommandResource` (`status: "queued"`); the name is matched
 *   case-insensitively against the app's commands (an unknown one is a 500, as in the real app; no
 *   name a 400). The same command while an equal one is queued or running answers that one.
 *   `GET /api/v3/command/{id}` (404 when unknown) and `GET /api/v3/command`. The resource's `body` is
 *   the command with its own properties, as the real `PolymorphicWriteOnlyJsonConverter` writes it
 *   (the OpenAPI `Command` schema lists only the base class).
 * - Radarr: `GET /api/v3/movie[?tmdbId]`, `/movie/{id}`, `GET /api/v3/moviefile?movieId=` (repeatable;
 *   400 without it). Sonarr: `GET /api/v3/series[?tvdbId]`, `/series/{id}`,
 *   `GET /api/v3/episode?seriesId[&seasonNumber]|episodeIds` (400 without), `GET
 *   /api/v3/episodefile?seriesId=` (404 for an unknown series). `GET /api/v3/system/status`.
 *
 * Test controls (see {@link ArrApiFake}): library (`addMovie`, `addMovieFile`, `addSeries`,
 * `addEpisode`, `addEpisodes`, `addEpisodeFile`, `removeMovie`, `removeSeries`), downloads (`addQueueItem`, `grab`, `updateQueueItem`,
 * `removeQueueItem`, `addImportableFolder`), `addHistory`; commands (`commandPosts`, `sentCommands`,
 * `commands`, `onCommand`, `setCommandMode`, `advanceCommand`, `runPendingCommands`, `importDownload`);
 * `removals`; `setDown`, `failNext`; `calls`/`requests`/`clearCalls`. State is plain data, answers are
 * computed per request. radarr/radarr-api.fake.ts and sonarr/sonarr-api.fake.ts give the typed views.
 *
 * How commands run: in `instant` mode (the default) a command is answered `queued`, as the real POST
 * answers, but has already run by the time the answer leaves: the next request sees it `completed`
 * and sees its effects. In `manual` mode commands stay `queued` until `advanceCommand` (queued →
 * started → finished) or `runPendingCommands`. Running a command calls the `onCommand` hook; when the
 * hook returns nothing (or there is none) the built-in behaviour runs:
 * - `DownloadedMoviesScan`/`DownloadedEpisodesScan`: no `path` → `failed` ("A path must be
 *   provided"). Otherwise {@link ArrApiFake.importDownload}: queue records whose `downloadId` equals
 *   `downloadClientId` exactly and whose `outputPath` is, contains or lies in `path` are imported
 *   (file added, movie/episode gets it, `downloadFolderImported` history with the downloadId, records
 *   leave the queue); if the id is not tracked, folders from `addImportableFolder` under `path` are
 *   imported the way a plain folder import is (history without downloadId). Something imported:
 *   `completed`/`successful`; nothing: `completed`/`unsuccessful`, message `Failed to import`.
 * - anything else: `completed`/`successful`, no effect.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type ArrFakeApp = 'Radarr' | 'Sonarr';

/** Radarr `MovieStatusType`. */
export type ArrFakeMovieStatus = 'tba' | 'announced' | 'inCinemas' | 'released' | 'deleted';

export interface ArrFakeMovie {
  id: number;
  tmdbId: number;
  imdbId: string | null;
  title: string;
  year: number;
  /** Radarr's folder for the movie. */
  path: string;
  monitored: boolean;
  status: ArrFakeMovieStatus;
  /** ISO 8601. */
  added: string;
  tags: number[];
}

export interface ArrFakeMovieInput {
  tmdbId: number;
  title: string;
  year: number;
  imdbId?: string;
  /** Default `/movies/<Title> (<year>)`. */
  path?: string;
  /** Default true. */
  monitored?: boolean;
  /** Default `released`. */
  status?: ArrFakeMovieStatus;
  tags?: number[];
  id?: number;
}

export interface ArrFakeMovieFile {
  id: number;
  movieId: number;
  /** Relative to the movie's folder. */
  relativePath: string;
  /** Bytes. */
  size: number;
  /** ISO 8601. */
  dateAdded: string;
  sceneName: string | null;
  releaseGroup: string | null;
}

export interface ArrFakeMovieFileInput {
  movieId: number;
  /** Default `<Title> (<year>).mkv`. */
  relativePath?: string;
  /** Bytes; default 4 GB. */
  size?: number;
  sceneName?: string;
  releaseGroup?: string;
  dateAdded?: string;
  id?: number;
}

export type ArrFakeSeriesType = 'standard' | 'daily' | 'anime';

export interface ArrFakeSeries {
  id: number;
  tvdbId: number;
  /** 0: none, as Sonarr has it. */
  tmdbId: number;
  imdbId: string | null;
  title: string;
  year: number;
  /** Sonarr's folder for the series. */
  path: string;
  monitored: boolean;
  seriesType: ArrFakeSeriesType;
  /** ISO 8601. */
  added: string;
  tags: number[];
}

export interface ArrFakeSeriesInput {
  tvdbId: number;
  title: string;
  year: number;
  tmdbId?: number;
  imdbId?: string;
  /** Default `/tv/<Title> (<year>)`. */
  path?: string;
  monitored?: boolean;
  /** Default `standard`. */
  seriesType?: ArrFakeSeriesType;
  tags?: number[];
  id?: number;
}

export interface ArrFakeEpisode {
  id: number;
  seriesId: number;
  /** The episode's own TVDB id. */
  tvdbId: number;
  seasonNumber: number;
  episodeNumber: number;
  absoluteEpisodeNumber: number | null;
  title: string;
  /** ISO 8601; null when not announced. */
  airDateUtc: string | null;
  monitored: boolean;
  /** 0 without a file, as Sonarr has it. */
  episodeFileId: number;
}

export interface ArrFakeEpisodeInput {
  seriesId: number;
  seasonNumber: number;
  episodeNumber: number;
  /** Default a number derived from the series' and the episode's. */
  tvdbId?: number;
  absoluteEpisodeNumber?: number;
  /** Default `Episode <n>`. */
  title?: string;
  /** Default a week per episode before 2026-01-01; null for "not announced". */
  airDateUtc?: string | null;
  monitored?: boolean;
  id?: number;
}

export interface ArrFakeEpisodeFile {
  id: number;
  seriesId: number;
  seasonNumber: number;
  /** The episodes in the file (several for a multi-episode file). */
  episodeIds: number[];
  /** Relative to the series folder. */
  relativePath: string;
  /** Bytes. */
  size: number;
  dateAdded: string;
  sceneName: string | null;
  releaseGroup: string | null;
}

export interface ArrFakeEpisodeFileInput {
  /** Episodes of one series and season. */
  episodeIds: number[];
  /** Default `Season NN/<Series> - SNNENN.mkv`. */
  relativePath?: string;
  /** Bytes; default 1.5 GB. */
  size?: number;
  sceneName?: string;
  releaseGroup?: string;
  dateAdded?: string;
  id?: number;
}

export type ArrFakeQueueStatus =
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
export type ArrFakeTrackedDownloadStatus = 'ok' | 'warning' | 'error';
export type ArrFakeTrackedDownloadState =
  | 'downloading'
  | 'importBlocked'
  | 'importPending'
  | 'importing'
  | 'imported'
  | 'failedPending'
  | 'failed'
  | 'ignored';
export type ArrFakeProtocol = 'unknown' | 'usenet' | 'torrent';

/** One queue record as the fake stores it (Sonarr: one per episode). */
export interface ArrFakeQueueRecord {
  id: number;
  /** Exact case, as the *arr stores it. Null for a delay-queue item. */
  downloadId: string | null;
  /** Release title. */
  title: string;
  /** Radarr; null for an unknown item. */
  movieId: number | null;
  /** Sonarr; null for an unknown item. */
  seriesId: number | null;
  episodeId: number | null;
  seasonNumber: number | null;
  status: ArrFakeQueueStatus;
  trackedDownloadStatus: ArrFakeTrackedDownloadStatus | null;
  trackedDownloadState: ArrFakeTrackedDownloadState | null;
  statusMessages: Array<{ title: string; messages: string[] }>;
  errorMessage: string | null;
  /** Bytes. */
  size: number;
  /** Bytes left. */
  sizeleft: number;
  /** Seconds; null when unknown. Rendered as a TimeSpan. */
  timeleft: number | null;
  /** ISO 8601; default now + timeleft. */
  estimatedCompletionTime: string | null;
  /** ISO 8601. */
  added: string;
  protocol: ArrFakeProtocol;
  /** The download client's name in the *arr. */
  downloadClient: string | null;
  indexer: string | null;
  /** The content path as the *arr sees it. */
  outputPath: string | null;
}

/** What to put in the queue; unset fields get a downloading torrent's defaults. */
export interface ArrFakeQueueInput {
  /** Radarr: the movie; null or absent for an unknown item. */
  movieId?: number | null;
  /** Sonarr: the series; null or absent for an unknown item. */
  seriesId?: number | null;
  /** Sonarr: one record per episode, all sharing the download. */
  episodeIds?: number[];
  /** Default a random uppercase torrent hash (usenet: `SABnzbd_nzo_…`); null for a delay item. */
  downloadId?: string | null;
  /** Default `<Title>.<year>.1080p.BluRay.x264-GRP` / `<Series>.S01E02.1080p.WEB-DL-GRP`. */
  title?: string;
  /** Default `downloading` (`delay` items default to no tracked state). */
  status?: ArrFakeQueueStatus;
  /** Default `ok`. */
  trackedDownloadStatus?: ArrFakeTrackedDownloadStatus | null;
  /** Default `downloading`. */
  trackedDownloadState?: ArrFakeTrackedDownloadState | null;
  statusMessages?: Array<{ title: string; messages: string[] }>;
  errorMessage?: string | null;
  /** Bytes; default 4 GB. */
  size?: number;
  /** Bytes; default 0 when `completed`, else half the size. */
  sizeleft?: number;
  /** Seconds; default 0 when `completed`, else 600. */
  timeleft?: number | null;
  estimatedCompletionTime?: string | null;
  added?: string;
  /** Default `torrent`. */
  protocol?: ArrFakeProtocol;
  /** Default `qBittorrent` (`SABnzbd` for usenet). */
  downloadClient?: string | null;
  /** Default `Indexer (Prowlarr)`. */
  indexer?: string | null;
  /** Default `/downloads/complete/<title>`. */
  outputPath?: string | null;
}

/** One history record as the fake stores it. */
export interface ArrFakeHistoryRecord {
  id: number;
  /** The app's `HistoryEventType` name: `grabbed`, `downloadFolderImported`, `downloadFailed`, ... */
  eventType: string;
  /** ISO 8601. */
  date: string;
  downloadId: string | null;
  sourceTitle: string;
  /** Camel-cased keys; null values are sent as JSON null, as the real apps do. */
  data: Record<string, string | null>;
  /** Radarr (0 when none). */
  movieId: number;
  /** Sonarr (0 when none). */
  seriesId: number;
  episodeId: number;
}

export interface ArrFakeHistoryInput {
  eventType: string;
  movieId?: number;
  seriesId?: number;
  episodeId?: number;
  downloadId?: string | null;
  /** Default the movie's/episode's title. */
  sourceTitle?: string;
  /** Default now. */
  date?: string;
  data?: Record<string, string | null>;
}

/** Files in a folder the *arr does not track as a download: a scan of the folder imports them. */
export interface ArrFakeImportableFolder {
  path: string;
  /** Radarr. */
  movieId?: number;
  /** Sonarr: one file per episode. */
  seriesId?: number;
  episodeIds?: number[];
  /** The release name; default from the folder. */
  title?: string;
  /** Bytes per file; default 4 GB. */
  size?: number;
}

export type ArrFakeCommandStatus =
  | 'queued'
  | 'started'
  | 'completed'
  | 'failed'
  | 'aborted'
  | 'cancelled'
  | 'orphaned';
export type ArrFakeCommandResult = 'unknown' | 'successful' | 'unsuccessful';

export interface ArrFakeCommand {
  id: number;
  /** The app's name for it (`DownloadedMoviesScan`), whatever case was sent. */
  name: string;
  /** The JSON body of the POST that created it, exactly as sent (parsed). */
  request: Record<string, unknown>;
  status: ArrFakeCommandStatus;
  result: ArrFakeCommandResult;
  message: string | null;
  exception: string | null;
  queued: Date;
  started: Date | null;
  ended: Date | null;
}

/** One `POST /api/v3/command`, answered or not. */
export interface ArrFakeCommandPost {
  /** The request body as text, byte for byte. */
  raw: string;
  /** Parsed, or the raw text when it is not JSON. */
  body: unknown;
  /** The answer's HTTP status. */
  status: number;
  /** The command the answer named (an existing one for a duplicate); null when refused. */
  commandId: number | null;
}

/** What running a command did. `fail`: the command throws (status `failed`). */
export type ArrFakeCommandOutcome =
  | { result?: 'successful' | 'unsuccessful'; message?: string }
  | { fail: string; exception?: string };

/**
 * Called when a command runs (at once in `instant` mode). Return an outcome, or nothing to let the
 * built-in behaviour run; throwing fails the command.
 */
export type ArrFakeCommandHandler = (command: ArrFakeCommand) => ArrFakeCommandOutcome | undefined;

/** One `DELETE /api/v3/queue/{id}` that removed something. */
export interface ArrFakeRemoval {
  queueId: number;
  downloadId: string | null;
  removeFromClient: boolean;
  blocklist: boolean;
  skipRedownload: boolean;
  changeCategory: boolean;
  /** Every record that left the queue. */
  records: ArrFakeQueueRecord[];
}

export interface ArrFakeImported {
  movieId: number | null;
  seriesId: number | null;
  episodeId: number | null;
  fileId: number;
  /** The history record's downloadId: null for an untracked folder import. */
  downloadId: string | null;
}

export interface ArrFakeRequest {
  method: string;
  /** Path as requested, without the query. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, the raw text when not JSON, undefined when empty. */
  body: unknown;
  /** Answered status. */
  status: number;
}

export interface ArrApiFakeOptions {
  app: ArrFakeApp;
  apiKey: string;
  /** Default Radarr `5.28.0.10274`, Sonarr `4.0.19.2849`. */
  version?: string;
  /** The server's clock for every date it writes. Default the real clock. */
  now?: () => Date;
  /** Default `instant`; see the header. */
  commandMode?: 'instant' | 'manual';
  onCommand?: ArrFakeCommandHandler;
}

export interface ArrApiFake {
  app: ArrFakeApp;
  url: string;
  apiKey: string;
  /** Requests seen, oldest first: `METHOD /path?query`. */
  calls: string[];
  /** The same requests with their query, body and answered status. */
  requests: ArrFakeRequest[];
  clearCalls(): void;

  addMovie(input: ArrFakeMovieInput): ArrFakeMovie;
  /** Gives the movie a file (replacing its file: Radarr keeps one per movie). */
  addMovieFile(input: ArrFakeMovieFileInput): ArrFakeMovieFile;
  movies(): ArrFakeMovie[];
  movieFiles(): ArrFakeMovieFile[];
  addSeries(input: ArrFakeSeriesInput): ArrFakeSeries;
  addEpisode(input: ArrFakeEpisodeInput): ArrFakeEpisode;
  /** Episodes 1..count of a season. */
  addEpisodes(input: { seriesId: number; seasonNumber: number; count: number }): ArrFakeEpisode[];
  /** A file for episodes of one season; the episodes get `episodeFileId`. */
  addEpisodeFile(input: ArrFakeEpisodeFileInput): ArrFakeEpisodeFile;
  series(): ArrFakeSeries[];
  episodes(): ArrFakeEpisode[];
  episodeFiles(): ArrFakeEpisodeFile[];
  /** Deletes a movie and its file, as "Delete" with "Delete movie folder" does; queue and history stay. */
  removeMovie(id: number): void;
  /** Deletes a series with its episodes and their files; queue and history stay. */
  removeSeries(id: number): void;

  /** Puts a download in the queue: one record (Radarr) or one per episode (Sonarr). */
  addQueueItem(input: ArrFakeQueueInput): ArrFakeQueueRecord[];
  /**
   * What a grab leaves behind: a `grabbed` history record per movie/episode (data as Radarr/Sonarr
   * write it) and, unless `queued: false` (the *arr failed to track it: edge case 23), the queue
   * records.
   */
  grab(input: ArrFakeQueueInput & { queued?: boolean }): ArrFakeQueueRecord[];
  /** Changes a record in place (progress, state, messages). */
  updateQueueItem(id: number, patch: Partial<Omit<ArrFakeQueueRecord, 'id'>>): ArrFakeQueueRecord;
  /** Drops a record without any history (the download vanished from the client). */
  removeQueueItem(id: number): void;
  queue(): ArrFakeQueueRecord[];
  addImportableFolder(folder: ArrFakeImportableFolder): void;

  addHistory(input: ArrFakeHistoryInput): ArrFakeHistoryRecord;
  history(): ArrFakeHistoryRecord[];

  /** Every POST to /command, in order (duplicates and refused ones included). */
  commandPosts: ArrFakeCommandPost[];
  /** The JSON bodies POSTed, optionally only those naming `name` (case-insensitive). */
  sentCommands(name?: string): unknown[];
  /** Every command created, oldest first (a duplicate POST creates none). */
  commands(): ArrFakeCommand[];
  command(id: number): ArrFakeCommand | undefined;
  onCommand(handler: ArrFakeCommandHandler | null): void;
  setCommandMode(mode: 'instant' | 'manual'): void;
  /** Manual mode: queued → started, started → finished (the hook or built-in runs). */
  advanceCommand(id: number): ArrFakeCommand;
  /** Manual mode: runs every queued or started command to its end. */
  runPendingCommands(): void;
  /** The built-in import of a scan command, for hooks that want it and more. */
  importDownload(input: { path: string; downloadClientId?: string | null }): ArrFakeImported[];

  /** Queue removals through the API, oldest first. */
  removals: ArrFakeRemoval[];

  /**
   * `unavailable`: every request answers 503 (a reverse proxy in front of a stopped *arr); `refuse`:
   * the port is closed (connection refused) until `setDown(false)`.
   */
  setDown(down: boolean, mode?: 'unavailable' | 'refuse'): Promise<void>;
  /** The next `count` requests answer `status` (default 500) with an error body. */
  failNext(input: { count: number; status?: number }): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Wire formats
// ---------------------------------------------------------------------------------------------

/** System.Text.Json's DateTime: no fraction when it is zero. */
function wireDate(value: Date | string): string {
  const iso = typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
  return iso.replace('.000Z', 'Z');
}

/** .NET `TimeSpan.ToString()` ("c"): `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimeSpan(totalSeconds: number): string {
  const negative = totalSeconds < 0;
  let rest = Math.abs(totalSeconds);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  const seconds = Math.floor(rest);
  const ticks = Math.round((rest - seconds) * 10_000_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${negative ? '-' : ''}${days > 0 ? `${days}.` : ''}${two(hours)}:${two(minutes)}:${two(seconds)}${
    ticks > 0 ? `.${String(ticks).padStart(7, '0')}` : ''
  }`;
}

/** `HashConverter.GetHashInt31`-like: a stable positive 31-bit id from a key. */
function hashInt31(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) & 0x7fffffff;
}

function splitCamelCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
}

function cleanTitle(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function pathSegments(path: string): string[] {
  return path
    .replaceAll('\\', '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
}

/** One path is the other, or one lies inside the other (segment-wise). */
function pathsOverlap(a: string, b: string): boolean {
  const left = pathSegments(a);
  const right = pathSegments(b);
  const shorter = left.length <= right.length ? left : right;
  const longer = shorter === left ? right : left;
  return shorter.every((segment, index) => longer[index] === segment);
}

function lastSegment(path: string): string {
  return pathSegments(path).at(-1) ?? path;
}

const LANGUAGES = [{ id: 1, name: 'English' }];
const RADARR_QUALITY = {
  quality: { id: 7, name: 'Bluray-1080p', source: 'bluray', resolution: 1080, modifier: 'none' },
  revision: { version: 1, real: 0, isRepack: false },
};
const SONARR_QUALITY = {
  quality: { id: 3, name: 'WEBDL-1080p', source: 'web', resolution: 1080 },
  revision: { version: 1, real: 0, isRepack: false },
};
/** `DownloadProtocol` as history data writes it (the enum's integer as text). */
const PROTOCOL_NUMBER: Record<ArrFakeProtocol, string> = { unknown: '0', usenet: '1', torrent: '2' };

const HISTORY_EVENT_IDS: Record<ArrFakeApp, Record<string, number>> = {
  Radarr: {
    unknown: 0,
    grabbed: 1,
    downloadFolderImported: 3,
    downloadFailed: 4,
    movieFileDeleted: 6,
    movieFolderImported: 7,
    movieFileRenamed: 8,
    downloadIgnored: 9,
  },
  Sonarr: {
    unknown: 0,
    grabbed: 1,
    seriesFolderImported: 2,
    downloadFolderImported: 3,
    downloadFailed: 4,
    episodeFileDeleted: 5,
    episodeFileRenamed: 6,
    downloadIgnored: 7,
  },
};

/** The commands each app knows, with their own (non-base) properties and defaults for value types. */
interface CommandSpec {
  /** Own properties: name → default for value types (undefined: a reference, left out when absent). */
  fields: Record<string, unknown>;
  /** Overrides of the base class's virtual properties. */
  sendUpdatesToClient?: 'sendUpdates' | true;
  requiresDiskAccess?: boolean;
  isLongRunning?: boolean;
}

const SCAN: CommandSpec = {
  fields: { sendUpdates: false, path: undefined, downloadClientId: undefined, importMode: 'auto' },
  sendUpdatesToClient: 'sendUpdates',
  requiresDiskAccess: true,
  isLongRunning: true,
};
const NO_FIELDS: CommandSpec = { fields: {} };
const COMMANDS: Record<ArrFakeApp, Record<string, CommandSpec>> = {
  Radarr: {
    DownloadedMoviesScan: SCAN,
    RefreshMonitoredDownloads: NO_FIELDS,
    ProcessMonitoredDownloads: NO_FIELDS,
    CheckForFinishedDownload: NO_FIELDS,
    MoviesSearch: { fields: { movieIds: undefined }, sendUpdatesToClient: true },
    RefreshMovie: { fields: { movieIds: undefined, isNewMovie: false }, sendUpdatesToClient: true },
    RssSync: NO_FIELDS,
    MissingMoviesSearch: {
      fields: { filterKey: undefined, filterValue: undefined },
      sendUpdatesToClient: true,
    },
    ManualImport: { fields: { files: undefined, importMode: 'auto' }, sendUpdatesToClient: true },
  },
  Sonarr: {
    DownloadedEpisodesScan: SCAN,
    RefreshMonitoredDownloads: NO_FIELDS,
    ProcessMonitoredDownloads: NO_FIELDS,
    CheckForFinishedDownload: NO_FIELDS,
    EpisodeSearch: { fields: { episodeIds: undefined }, sendUpdatesToClient: true },
    SeasonSearch: { fields: { seriesId: 0, seasonNumber: 0 }, sendUpdatesToClient: true },
    SeriesSearch: { fields: { seriesId: 0 }, sendUpdatesToClient: true },
    RefreshSeries: { fields: { seriesIds: undefined, isNewSeries: false }, sendUpdatesToClient: true },
    RssSync: NO_FIELDS,
    MissingEpisodeSearch: { fields: { monitored: true }, sendUpdatesToClient: true },
    ManualImport: { fields: { files: undefined, importMode: 'auto' }, sendUpdatesToClient: true },
  },
};

/** A request property, matched case-insensitively as System.Text.Json does for *arr commands. */
function property(body: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(body)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function camelEnum(value: unknown): unknown {
  return typeof value === 'string' && value !== '' ? value[0]!.toLowerCase() + value.slice(1) : value;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const badRequest = (message: string) => new HttpError(400, { message });
const notFound = () => new HttpError(404, { message: 'NotFound' });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export async function startArrApiFake({
  app,
  apiKey,
  version = app === 'Radarr' ? '5.28.0.10274' : '4.0.19.2849',
  now = () => new Date(),
  commandMode = 'instant',
  onCommand,
}: ArrApiFakeOptions): Promise<ArrApiFake> {
  const isRadarr = app === 'Radarr';
  const calls: string[] = [];
  const requests: ArrFakeRequest[] = [];
  const movies = new Map<number, ArrFakeMovie>();
  const movieFiles = new Map<number, ArrFakeMovieFile>();
  const seriesById = new Map<number, ArrFakeSeries>();
  const episodes = new Map<number, ArrFakeEpisode>();
  const episodeFiles = new Map<number, ArrFakeEpisodeFile>();
  let queue: ArrFakeQueueRecord[] = [];
  const history: ArrFakeHistoryRecord[] = [];
  const importable: ArrFakeImportableFolder[] = [];
  const commands = new Map<number, ArrFakeCommand>();
  const commandPosts: ArrFakeCommandPost[] = [];
  const removals: ArrFakeRemoval[] = [];
  const next = { movie: 1, movieFile: 1, series: 1, episode: 1, episodeFile: 1, history: 1, command: 1 };
  let mode = commandMode;
  let handler: ArrFakeCommandHandler | null = onCommand ?? null;
  let down: 'unavailable' | null = null;
  let refused = false;
  let failures: { count: number; status: number } = { count: 0, status: 500 };

  const nowIso = () => now().toISOString();
  const takeId = (kind: keyof typeof next, wanted: number | undefined) => {
    const id = wanted ?? next[kind];
    next[kind] = Math.max(next[kind], id + 1);
    return id;
  };
  function need<T>(map: Map<number, T>, id: number, what: string): T {
    const found = map.get(id);
    if (!found) throw new Error(`${app} fake: no ${what} ${id}`);
    return found;
  }
  function onlyFor(expected: ArrFakeApp, what: string): void {
    if (app !== expected) throw new Error(`${app} fake: ${what} is ${expected} only`);
  }

  // --- library -------------------------------------------------------------------------------

  function addMovie(input: ArrFakeMovieInput): ArrFakeMovie {
    onlyFor('Radarr', 'addMovie');
    const movie: ArrFakeMovie = {
      id: takeId('movie', input.id),
      tmdbId: input.tmdbId,
      imdbId: input.imdbId ?? null,
      title: input.title,
      year: input.year,
      path: input.path ?? `/movies/${input.title} (${input.year})`,
      monitored: input.monitored ?? true,
      status: input.status ?? 'released',
      added: nowIso(),
      tags: input.tags ?? [],
    };
    movies.set(movie.id, movie);
    return movie;
  }

  function movieFileOf(movieId: number): ArrFakeMovieFile | undefined {
    for (const file of movieFiles.values()) if (file.movieId === movieId) return file;
    return undefined;
  }

  function addMovieFile(input: ArrFakeMovieFileInput): ArrFakeMovieFile {
    onlyFor('Radarr', 'addMovieFile');
    const movie = need(movies, input.movieId, 'movie');
    const old = movieFileOf(movie.id);
    if (old) movieFiles.delete(old.id);
    const file: ArrFakeMovieFile = {
      id: takeId('movieFile', input.id),
      movieId: movie.id,
      relativePath: input.relativePath ?? `${movie.title} (${movie.year}).mkv`,
      size: input.size ?? 4_000_000_000,
      dateAdded: input.dateAdded ?? nowIso(),
      sceneName: input.sceneName ?? null,
      releaseGroup: input.releaseGroup ?? null,
    };
    movieFiles.set(file.id, file);
    return file;
  }

  function addSeries(input: ArrFakeSeriesInput): ArrFakeSeries {
    onlyFor('Sonarr', 'addSeries');
    const series: ArrFakeSeries = {
      id: takeId('series', input.id),
      tvdbId: input.tvdbId,
      tmdbId: input.tmdbId ?? 0,
      imdbId: input.imdbId ?? null,
      title: input.title,
      year: input.year,
      path: input.path ?? `/tv/${input.title} (${input.year})`,
      monitored: input.monitored ?? true,
      seriesType: input.seriesType ?? 'standard',
      added: nowIso(),
      tags: input.tags ?? [],
    };
    seriesById.set(series.id, series);
    return series;
  }

  function addEpisode(input: ArrFakeEpisodeInput): ArrFakeEpisode {
    onlyFor('Sonarr', 'addEpisode');
    const series = need(seriesById, input.seriesId, 'series');
    const airDefault = new Date(Date.UTC(2026, 0, 1) - (100 - input.episodeNumber) * 7 * 86_400_000);
    const episode: ArrFakeEpisode = {
      id: takeId('episode', input.id),
      seriesId: series.id,
      tvdbId: input.tvdbId ?? series.tvdbId * 1000 + input.seasonNumber * 100 + input.episodeNumber,
      seasonNumber: input.seasonNumber,
      episodeNumber: input.episodeNumber,
      absoluteEpisodeNumber: input.absoluteEpisodeNumber ?? null,
      title: input.title ?? `Episode ${input.episodeNumber}`,
      airDateUtc: input.airDateUtc === undefined ? airDefault.toISOString() : input.airDateUtc,
      monitored: input.monitored ?? true,
      episodeFileId: 0,
    };
    episodes.set(episode.id, episode);
    return episode;
  }

  function addEpisodeFile(input: ArrFakeEpisodeFileInput): ArrFakeEpisodeFile {
    onlyFor('Sonarr', 'addEpisodeFile');
    const covered = input.episodeIds.map((id) => need(episodes, id, 'episode'));
    const first = covered[0];
    if (!first) throw new Error('Sonarr fake: an episode file needs episodes');
    if (covered.some((e) => e.seriesId !== first.seriesId || e.seasonNumber !== first.seasonNumber)) {
      throw new Error('Sonarr fake: an episode file holds episodes of one season');
    }
    const series = need(seriesById, first.seriesId, 'series');
    const code = covered.map((e) => `E${String(e.episodeNumber).padStart(2, '0')}`).join('');
    const season = String(first.seasonNumber).padStart(2, '0');
    const file: ArrFakeEpisodeFile = {
      id: takeId('episodeFile', input.id),
      seriesId: series.id,
      seasonNumber: first.seasonNumber,
      episodeIds: covered.map((e) => e.id),
      relativePath: input.relativePath ?? `Season ${season}/${series.title} - S${season}${code}.mkv`,
      size: input.size ?? 1_500_000_000,
      dateAdded: input.dateAdded ?? nowIso(),
      sceneName: input.sceneName ?? null,
      releaseGroup: input.releaseGroup ?? null,
    };
    for (const episode of covered) {
      const old = episodeFiles.get(episode.episodeFileId);
      if (old) {
        old.episodeIds = old.episodeIds.filter((id) => id !== episode.id);
        if (old.episodeIds.length === 0) episodeFiles.delete(old.id);
      }
      episode.episodeFileId = file.id;
    }
    episodeFiles.set(file.id, file);
    return file;
  }

  // --- queue and history ---------------------------------------------------------------------

  function defaultReleaseTitle(input: ArrFakeQueueInput, episodeId: number | null): string {
    if (isRadarr) {
      const movie = input.movieId ? movies.get(input.movieId) : undefined;
      return movie
        ? `${movie.title.replace(/\s+/g, '.')}.${movie.year}.1080p.BluRay.x264-GRP`
        : 'Unknown.Release.2024.1080p.WEB-DL-GRP';
    }
    const series = input.seriesId ? seriesById.get(input.seriesId) : undefined;
    const episode = episodeId ? episodes.get(episodeId) : undefined;
    if (!series) return 'Unknown.Show.S01E01.1080p.WEB-DL-GRP';
    const name = series.title.replace(/\s+/g, '.');
    const season = String(episode?.seasonNumber ?? 1).padStart(2, '0');
    const many = (input.episodeIds?.length ?? 0) > 1;
    return many
      ? `${name}.S${season}.1080p.WEB-DL-GRP`
      : `${name}.S${season}E${String(episode?.episodeNumber ?? 1).padStart(2, '0')}.1080p.WEB-DL-GRP`;
  }

  function addQueueItem(input: ArrFakeQueueInput): ArrFakeQueueRecord[] {
    if (isRadarr && (input.seriesId !== undefined || input.episodeIds !== undefined)) {
      throw new Error('Radarr fake: queue items are movies');
    }
    if (!isRadarr && input.movieId !== undefined) throw new Error('Sonarr fake: queue items are episodes');
    if (isRadarr && input.movieId) need(movies, input.movieId, 'movie');
    if (!isRadarr && input.seriesId) need(seriesById, input.seriesId, 'series');
    const protocol = input.protocol ?? 'torrent';
    const status = input.status ?? 'downloading';
    const pending = status === 'delay';
    const downloadId =
      input.downloadId !== undefined
        ? input.downloadId
        : pending
          ? null
          : protocol === 'usenet'
            ? `SABnzbd_nzo_${randomBytes(4).toString('hex')}`
            : randomBytes(20).toString('hex').toUpperCase();
    const size = input.size ?? 4_000_000_000;
    const completed = status === 'completed';
    const episodeIds: Array<number | null> =
      isRadarr || !input.seriesId ? [null] : input.episodeIds?.length ? input.episodeIds : [null];
    const downloadClient =
      input.downloadClient !== undefined
        ? input.downloadClient
        : protocol === 'usenet'
          ? 'SABnzbd'
          : 'qBittorrent';
    const title = input.title ?? defaultReleaseTitle(input, episodeIds[0] ?? null);
    const records = episodeIds.map((episodeId): ArrFakeQueueRecord => {
      const episode = episodeId === null ? undefined : need(episodes, episodeId, 'episode');
      if (episode && episode.seriesId !== input.seriesId)
        throw new Error('Sonarr fake: episode of another series');
      const key = `trackedDownload-${downloadClient}-${downloadId ?? `pending-${title}`}${
        isRadarr ? '' : `-ep${episodeId ?? 0}`
      }`;
      const id = hashInt31(key);
      if (queue.some((record) => record.id === id)) throw new Error(`${app} fake: ${key} is already queued`);
      return {
        id,
        downloadId,
        title,
        movieId: isRadarr ? (input.movieId ?? null) : null,
        seriesId: isRadarr ? null : (input.seriesId ?? null),
        episodeId,
        seasonNumber: episode?.seasonNumber ?? null,
        status,
        trackedDownloadStatus:
          input.trackedDownloadStatus !== undefined ? input.trackedDownloadStatus : pending ? null : 'ok',
        trackedDownloadState:
          input.trackedDownloadState !== undefined
            ? input.trackedDownloadState
            : pending
              ? null
              : 'downloading',
        statusMessages: input.statusMessages ?? [],
        errorMessage: input.errorMessage ?? null,
        size,
        sizeleft: input.sizeleft ?? (completed ? 0 : Math.round(size / 2)),
        timeleft: input.timeleft !== undefined ? input.timeleft : completed ? 0 : 600,
        estimatedCompletionTime: input.estimatedCompletionTime ?? null,
        added: input.added ?? nowIso(),
        protocol,
        downloadClient,
        indexer: input.indexer !== undefined ? input.indexer : 'Indexer (Prowlarr)',
        outputPath:
          input.outputPath !== undefined ? input.outputPath : pending ? null : `/downloads/complete/${title}`,
      };
    });
    queue.push(...records);
    return records;
  }

  function addHistory(input: ArrFakeHistoryInput): ArrFakeHistoryRecord {
    if (HISTORY_EVENT_IDS[app][input.eventType] === undefined) {
      throw new Error(`${app} fake: no history event type ${input.eventType}`);
    }
    const movie = input.movieId ? movies.get(input.movieId) : undefined;
    const episode = input.episodeId ? episodes.get(input.episodeId) : undefined;
    const record: ArrFakeHistoryRecord = {
      id: next.history++,
      eventType: input.eventType,
      date: input.date ?? nowIso(),
      downloadId: input.downloadId ?? null,
      sourceTitle: input.sourceTitle ?? movie?.title ?? episode?.title ?? 'Unknown',
      data: input.data ?? {},
      movieId: input.movieId ?? 0,
      seriesId: input.seriesId ?? episode?.seriesId ?? 0,
      episodeId: input.episodeId ?? 0,
    };
    history.push(record);
    return record;
  }

  function grab(input: ArrFakeQueueInput & { queued?: boolean }): ArrFakeQueueRecord[] {
    const { queued = true, ...rest } = input;
    const records = addQueueItem(rest);
    if (!queued) queue = queue.filter((record) => !records.includes(record));
    for (const record of records) {
      const torrent = record.protocol === 'torrent';
      addHistory({
        eventType: 'grabbed',
        ...(isRadarr
          ? { movieId: record.movieId ?? 0 }
          : { seriesId: record.seriesId ?? 0, episodeId: record.episodeId ?? 0 }),
        downloadId: record.downloadId,
        sourceTitle: record.title,
        date: record.added,
        data: {
          indexer: record.indexer,
          releaseGroup: 'GRP',
          age: '0',
          ageHours: '1.5',
          ageMinutes: '90',
          publishedDate: record.added,
          downloadClient: torrent ? 'QBittorrent' : 'Sabnzbd',
          downloadClientName: record.downloadClient,
          size: String(record.size),
          downloadUrl: 'http://prowlarr:9696/1/download?link=abc',
          guid: `https://indexer.example/details/${record.title}`,
          protocol: PROTOCOL_NUMBER[record.protocol],
          customFormatScore: '0',
          indexerFlags: '0',
          ...(torrent && record.downloadId ? { torrentInfoHash: record.downloadId } : {}),
          ...(isRadarr
            ? { tmdbId: String(movies.get(record.movieId ?? 0)?.tmdbId ?? 0), movieMatchType: 'id' }
            : { tvdbId: String(seriesById.get(record.seriesId ?? 0)?.tvdbId ?? 0), seriesMatchType: 'id' }),
        },
      });
    }
    return records;
  }

  function queueRecord(id: number): ArrFakeQueueRecord {
    const record = queue.find((candidate) => candidate.id === id);
    if (!record) throw new Error(`${app} fake: no queue record ${id}`);
    return record;
  }

  // --- imports -------------------------------------------------------------------------------

  function importMovie(input: {
    movieId: number;
    title: string;
    size: number;
    droppedFolder: string;
    downloadId: string | null;
    downloadClient: string | null;
  }): ArrFakeImported {
    const movie = need(movies, input.movieId, 'movie');
    const old = movieFileOf(movie.id);
    if (old) {
      addHistory({
        eventType: 'movieFileDeleted',
        movieId: movie.id,
        sourceTitle: old.sceneName ?? old.relativePath,
        data: { reason: 'Upgrade', releaseGroup: old.releaseGroup, size: String(old.size) },
      });
    }
    const fileName = `${movie.title} (${movie.year}).mkv`;
    const file = addMovieFile({
      movieId: movie.id,
      relativePath: fileName,
      size: input.size,
      sceneName: input.title,
    });
    addHistory({
      eventType: 'downloadFolderImported',
      movieId: movie.id,
      downloadId: input.downloadId,
      sourceTitle: input.title,
      data: importData(
        input,
        `${input.droppedFolder}/${input.title}.mkv`,
        `${movie.path}/${fileName}`,
        file.id,
      ),
    });
    return {
      movieId: movie.id,
      seriesId: null,
      episodeId: null,
      fileId: file.id,
      downloadId: input.downloadId,
    };
  }

  function importEpisode(input: {
    episodeId: number;
    title: string;
    size: number;
    droppedFolder: string;
    downloadId: string | null;
    downloadClient: string | null;
  }): ArrFakeImported {
    const episode = need(episodes, input.episodeId, 'episode');
    const file = addEpisodeFile({ episodeIds: [episode.id], size: input.size, sceneName: input.title });
    const series = need(seriesById, episode.seriesId, 'series');
    addHistory({
      eventType: 'downloadFolderImported',
      seriesId: series.id,
      episodeId: episode.id,
      downloadId: input.downloadId,
      sourceTitle: input.title,
      data: importData(
        input,
        `${input.droppedFolder}/${lastSegment(file.relativePath)}`,
        `${series.path}/${file.relativePath}`,
        file.id,
      ),
    });
    return {
      movieId: null,
      seriesId: series.id,
      episodeId: episode.id,
      fileId: file.id,
      downloadId: input.downloadId,
    };
  }

  function importData(
    input: { size: number; downloadClient: string | null },
    droppedPath: string,
    importedPath: string,
    fileId: number,
  ): Record<string, string | null> {
    return {
      fileId: String(fileId),
      droppedPath,
      importedPath,
      downloadClient: input.downloadClient === null ? null : 'QBittorrent',
      downloadClientName: input.downloadClient,
      releaseGroup: 'GRP',
      customFormatScore: '0',
      size: String(input.size),
      indexerFlags: '0',
    };
  }

  function importDownload({
    path,
    downloadClientId,
  }: {
    path: string;
    downloadClientId?: string | null;
  }): ArrFakeImported[] {
    const imported: ArrFakeImported[] = [];
    const tracked = downloadClientId ? queue.filter((record) => record.downloadId === downloadClientId) : [];
    if (tracked.length > 0) {
      const here = tracked.filter(
        (record) =>
          (record.outputPath === null || pathsOverlap(record.outputPath, path)) &&
          (isRadarr ? record.movieId !== null : record.episodeId !== null),
      );
      for (const record of here) {
        const common = {
          title: record.title,
          size: record.size,
          droppedFolder: path,
          downloadId: record.downloadId,
          downloadClient: record.downloadClient,
        };
        imported.push(
          isRadarr
            ? importMovie({ ...common, movieId: record.movieId! })
            : importEpisode({ ...common, episodeId: record.episodeId! }),
        );
      }
      queue = queue.filter((record) => !here.includes(record));
      return imported;
    }
    for (const folder of [...importable]) {
      if (!pathsOverlap(folder.path, path)) continue;
      const common = {
        title: folder.title ?? lastSegment(folder.path),
        size: folder.size ?? 4_000_000_000,
        droppedFolder: folder.path,
        downloadId: null,
        downloadClient: null,
      };
      if (isRadarr && folder.movieId !== undefined)
        imported.push(importMovie({ ...common, movieId: folder.movieId }));
      for (const episodeId of isRadarr ? [] : (folder.episodeIds ?? [])) {
        imported.push(importEpisode({ ...common, episodeId }));
      }
      importable.splice(importable.indexOf(folder), 1);
    }
    return imported;
  }

  // --- commands ------------------------------------------------------------------------------

  function builtIn(command: ArrFakeCommand): ArrFakeCommandOutcome {
    if (command.name === 'DownloadedMoviesScan' || command.name === 'DownloadedEpisodesScan') {
      const path = property(command.request, 'path');
      if (typeof path !== 'string' || path.trim() === '') {
        return {
          fail: "A path must be provided (Parameter 'path')",
          exception: "System.ArgumentException: A path must be provided (Parameter 'path')",
        };
      }
      const downloadClientId = property(command.request, 'downloadClientId');
      const imported = importDownload({
        path,
        downloadClientId: typeof downloadClientId === 'string' ? downloadClientId : null,
      });
      return imported.length > 0
        ? { result: 'successful', message: 'Completed' }
        : { result: 'unsuccessful', message: 'Failed to import' };
    }
    return { result: 'successful', message: 'Completed' };
  }

  function start(command: ArrFakeCommand): void {
    if (command.status !== 'queued') return;
    command.status = 'started';
    command.started = now();
  }

  function finish(command: ArrFakeCommand): void {
    start(command);
    if (command.status !== 'started') return;
    let outcome: ArrFakeCommandOutcome;
    try {
      outcome = handler?.(command) ?? builtIn(command);
    } catch (error) {
      outcome = { fail: error instanceof Error ? error.message : String(error) };
    }
    command.ended = now();
    if ('fail' in outcome) {
      command.status = 'failed';
      command.message = outcome.fail;
      command.exception = outcome.exception ?? `System.Exception: ${outcome.fail}`;
      return;
    }
    command.status = 'completed';
    command.result = outcome.result ?? 'successful';
    command.message = outcome.message ?? 'Completed';
  }

  /** Own properties only, keys lower-cased: what `CommandEqualityComparer` compares. */
  function ownSignature(name: string, request: Record<string, unknown>): string {
    const spec = COMMANDS[app][name] ?? NO_FIELDS;
    const own = Object.keys(spec.fields).map((field) => [field, property(request, field)]);
    return JSON.stringify(own);
  }

  function postCommand(raw: string): { status: number; body: unknown } {
    const post: ArrFakeCommandPost = { raw, body: raw, status: 0, commandId: null };
    commandPosts.push(post);
    const answer = (status: number, body: unknown, commandId: number | null = null) => {
      post.status = status;
      post.commandId = commandId;
      return { status, body };
    };
    let request: unknown;
    try {
      request = JSON.parse(raw);
      post.body = request;
    } catch {
      return answer(400, { message: 'Invalid request body' });
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return answer(400, { message: 'Invalid request body' });
    }
    const body = request as Record<string, unknown>;
    const sentName = property(body, 'name');
    if (typeof sentName !== 'string' || sentName.trim() === '') {
      return answer(400, [
        {
          propertyName: 'Name',
          errorMessage: "'Name' must not be empty.",
          attemptedValue: sentName ?? null,
          severity: 'error',
        },
      ]);
    }
    const name = Object.keys(COMMANDS[app]).find((known) => known.toLowerCase() === sentName.toLowerCase());
    if (!name) {
      return answer(500, {
        message: 'Sequence contains no matching element',
        description: 'System.InvalidOperationException: Sequence contains no matching element',
      });
    }
    const signature = ownSignature(name, body);
    const existing = [...commands.values()].find(
      (command) =>
        command.name === name &&
        (command.status === 'queued' || command.status === 'started') &&
        ownSignature(name, command.request) === signature,
    );
    if (existing) return answer(201, commandResource(existing), existing.id);
    const command: ArrFakeCommand = {
      id: next.command++,
      name,
      request: body,
      status: 'queued',
      result: 'unknown',
      message: null,
      exception: null,
      queued: now(),
      started: null,
      ended: null,
    };
    commands.set(command.id, command);
    const queued = commandResource(command);
    if (mode === 'instant') finish(command);
    return answer(201, queued, command.id);
  }

  // --- resources -----------------------------------------------------------------------------

  function commandBody(command: ArrFakeCommand): Record<string, unknown> {
    const spec = COMMANDS[app][command.name] ?? NO_FIELDS;
    const own: Record<string, unknown> = {};
    for (const [field, fallback] of Object.entries(spec.fields)) {
      const sent = property(command.request, field);
      const value =
        sent === undefined || sent === null ? fallback : field === 'importMode' ? camelEnum(sent) : sent;
      if (value !== undefined) own[field] = value;
    }
    const sentUpdates = property(command.request, 'sendUpdatesToClient') === true;
    const sendUpdatesToClient =
      spec.sendUpdatesToClient === 'sendUpdates'
        ? own.sendUpdates === true
        : (spec.sendUpdatesToClient ?? true);
    // The controller sets SuppressMessages from the value the body gave before forcing updates on.
    const suppressMessages = spec.sendUpdatesToClient === undefined ? !sentUpdates : !sendUpdatesToClient;
    return {
      ...own,
      sendUpdatesToClient,
      updateScheduledTask: true,
      requiresDiskAccess: spec.requiresDiskAccess ?? false,
      isExclusive: false,
      ...(isRadarr && { isTypeExclusive: false }),
      isLongRunning: spec.isLongRunning ?? false,
      name: command.name,
      ...(command.started && { lastStartTime: wireDate(command.started) }),
      trigger: 'manual',
      suppressMessages,
    };
  }

  function commandResource(command: ArrFakeCommand): Record<string, unknown> {
    const body = commandBody(command);
    const stateChange = command.started ?? command.ended;
    return {
      id: command.id,
      name: command.name,
      commandName: splitCamelCase(command.name),
      ...(command.message !== null && { message: command.message }),
      body,
      priority: 'normal',
      status: command.status,
      result: command.result,
      queued: wireDate(command.queued),
      ...(command.started && { started: wireDate(command.started) }),
      ...(command.ended && { ended: wireDate(command.ended) }),
      ...(command.started &&
        command.ended && {
          duration: formatTimeSpan((command.ended.getTime() - command.started.getTime()) / 1000),
        }),
      ...(command.exception !== null && { exception: command.exception }),
      trigger: 'manual',
      ...(stateChange && { stateChangeTime: wireDate(stateChange) }),
      sendUpdatesToClient: body.sendUpdatesToClient,
      updateScheduledTask: true,
    };
  }

  function movieFileResource(file: ArrFakeMovieFile): Record<string, unknown> {
    const movie = need(movies, file.movieId, 'movie');
    return {
      id: file.id,
      movieId: file.movieId,
      relativePath: file.relativePath,
      path: `${movie.path}/${file.relativePath}`,
      size: file.size,
      dateAdded: wireDate(file.dateAdded),
      ...(file.sceneName !== null && { sceneName: file.sceneName }),
      ...(file.releaseGroup !== null && { releaseGroup: file.releaseGroup }),
      edition: '',
      languages: LANGUAGES,
      quality: RADARR_QUALITY,
      customFormats: [],
      customFormatScore: 0,
      indexerFlags: 0,
      qualityCutoffNotMet: false,
    };
  }

  function movieResource(movie: ArrFakeMovie): Record<string, unknown> {
    const file = movieFileOf(movie.id);
    const folder = lastSegment(movie.path);
    const root = movie.path.slice(0, movie.path.length - folder.length).replace(/\/$/, '') || '/';
    return {
      id: movie.id,
      title: movie.title,
      originalTitle: movie.title,
      originalLanguage: LANGUAGES[0],
      alternateTitles: [],
      secondaryYearSourceId: 0,
      sortTitle: movie.title.toLowerCase(),
      sizeOnDisk: file?.size ?? 0,
      status: movie.status,
      overview: '',
      images: [],
      year: movie.year,
      path: movie.path,
      qualityProfileId: 1,
      hasFile: file !== undefined,
      movieFileId: file?.id ?? 0,
      monitored: movie.monitored,
      minimumAvailability: 'released',
      isAvailable: true,
      folderName: movie.path,
      runtime: 120,
      cleanTitle: cleanTitle(movie.title),
      ...(movie.imdbId !== null && { imdbId: movie.imdbId }),
      tmdbId: movie.tmdbId,
      titleSlug: `${slug(movie.title)}-${movie.tmdbId}`,
      rootFolderPath: root,
      genres: [],
      keywords: [],
      tags: movie.tags,
      added: wireDate(movie.added),
      ratings: {},
      ...(file && { movieFile: movieFileResource(file) }),
      popularity: 0,
      statistics: {
        movieFileCount: file ? 1 : 0,
        sizeOnDisk: file?.size ?? 0,
        releaseGroups: file?.releaseGroup ? [file.releaseGroup] : [],
      },
    };
  }

  function episodeFileResource(file: ArrFakeEpisodeFile): Record<string, unknown> {
    const series = need(seriesById, file.seriesId, 'series');
    return {
      id: file.id,
      seriesId: file.seriesId,
      seasonNumber: file.seasonNumber,
      relativePath: file.relativePath,
      path: `${series.path}/${file.relativePath}`,
      size: file.size,
      dateAdded: wireDate(file.dateAdded),
      ...(file.sceneName !== null && { sceneName: file.sceneName }),
      ...(file.releaseGroup !== null && { releaseGroup: file.releaseGroup }),
      languages: LANGUAGES,
      quality: SONARR_QUALITY,
      customFormats: [],
      customFormatScore: 0,
      indexerFlags: 0,
      releaseType: file.episodeIds.length > 1 ? 'multiEpisode' : 'singleEpisode',
      qualityCutoffNotMet: false,
    };
  }

  function episodeResource(episode: ArrFakeEpisode): Record<string, unknown> {
    return {
      id: episode.id,
      seriesId: episode.seriesId,
      tvdbId: episode.tvdbId,
      episodeFileId: episode.episodeFileId,
      seasonNumber: episode.seasonNumber,
      episodeNumber: episode.episodeNumber,
      title: episode.title,
      ...(episode.airDateUtc !== null && {
        airDate: episode.airDateUtc.slice(0, 10),
        airDateUtc: wireDate(episode.airDateUtc),
      }),
      runtime: 24,
      hasFile: episode.episodeFileId > 0,
      monitored: episode.monitored,
      ...(episode.absoluteEpisodeNumber !== null && { absoluteEpisodeNumber: episode.absoluteEpisodeNumber }),
      unverifiedSceneNumbering: false,
    };
  }

  function seriesResource(series: ArrFakeSeries): Record<string, unknown> {
    const own = [...episodes.values()].filter((episode) => episode.seriesId === series.id);
    const files = [...episodeFiles.values()].filter((file) => file.seriesId === series.id);
    const statistics = (list: ArrFakeEpisode[], seasonFiles: ArrFakeEpisodeFile[]) => {
      const withFile = list.filter((episode) => episode.episodeFileId > 0).length;
      const counted = list.filter((episode) => episode.monitored || episode.episodeFileId > 0).length;
      return {
        episodeFileCount: withFile,
        episodeCount: counted,
        totalEpisodeCount: list.length,
        sizeOnDisk: seasonFiles.reduce((sum, file) => sum + file.size, 0),
        releaseGroups: [
          ...new Set(seasonFiles.flatMap((file) => (file.releaseGroup ? [file.releaseGroup] : []))),
        ],
        percentOfEpisodes: counted === 0 ? 0 : (withFile / counted) * 100,
      };
    };
    const seasonNumbers = [...new Set(own.map((episode) => episode.seasonNumber))].sort((a, b) => a - b);
    const folder = lastSegment(series.path);
    const root = series.path.slice(0, series.path.length - folder.length).replace(/\/$/, '') || '/';
    return {
      id: series.id,
      title: series.title,
      alternateTitles: [],
      sortTitle: series.title.toLowerCase(),
      status: 'continuing',
      ended: false,
      overview: '',
      images: [],
      originalLanguage: LANGUAGES[0],
      seasons: seasonNumbers.map((seasonNumber) => ({
        seasonNumber,
        monitored: series.monitored,
        statistics: statistics(
          own.filter((episode) => episode.seasonNumber === seasonNumber),
          files.filter((file) => file.seasonNumber === seasonNumber),
        ),
      })),
      year: series.year,
      path: series.path,
      qualityProfileId: 1,
      seasonFolder: true,
      monitored: series.monitored,
      monitorNewItems: 'all',
      useSceneNumbering: false,
      runtime: 24,
      tvdbId: series.tvdbId,
      tvRageId: 0,
      tvMazeId: 0,
      tmdbId: series.tmdbId,
      seriesType: series.seriesType,
      cleanTitle: cleanTitle(series.title),
      ...(series.imdbId !== null && { imdbId: series.imdbId }),
      titleSlug: slug(series.title),
      rootFolderPath: root,
      genres: [],
      tags: series.tags,
      added: wireDate(series.added),
      ratings: { votes: 0, value: 0 },
      statistics: {
        seasonCount: seasonNumbers.filter((n) => n > 0).length,
        ...statistics(own, files),
      },
    };
  }

  function queueResource(record: ArrFakeQueueRecord, include: URLSearchParams): Record<string, unknown> {
    const eta =
      record.estimatedCompletionTime ??
      (record.timeleft === null ? null : new Date(now().getTime() + record.timeleft * 1000).toISOString());
    const movie = record.movieId === null ? undefined : movies.get(record.movieId);
    const series = record.seriesId === null ? undefined : seriesById.get(record.seriesId);
    const episode = record.episodeId === null ? undefined : episodes.get(record.episodeId);
    return {
      id: record.id,
      ...(isRadarr
        ? {
            ...(record.movieId !== null && { movieId: record.movieId }),
            ...(movie && flag(include, 'includeMovie') && { movie: movieResource(movie) }),
          }
        : {
            ...(record.seriesId !== null && { seriesId: record.seriesId }),
            ...(record.episodeId !== null && { episodeId: record.episodeId }),
            ...(record.seasonNumber !== null && { seasonNumber: record.seasonNumber }),
            ...(series && flag(include, 'includeSeries') && { series: seriesResource(series) }),
            ...(episode && flag(include, 'includeEpisode') && { episode: episodeResource(episode) }),
          }),
      languages: LANGUAGES,
      quality: isRadarr ? RADARR_QUALITY : SONARR_QUALITY,
      customFormats: [],
      customFormatScore: 0,
      size: record.size,
      title: record.title,
      ...(eta !== null && { estimatedCompletionTime: wireDate(eta) }),
      added: wireDate(record.added),
      status: record.status,
      ...(record.trackedDownloadStatus !== null && { trackedDownloadStatus: record.trackedDownloadStatus }),
      ...(record.trackedDownloadState !== null && { trackedDownloadState: record.trackedDownloadState }),
      statusMessages: record.statusMessages,
      ...(record.errorMessage !== null && { errorMessage: record.errorMessage }),
      ...(record.downloadId !== null && { downloadId: record.downloadId }),
      protocol: record.protocol,
      ...(record.downloadClient !== null && { downloadClient: record.downloadClient }),
      downloadClientHasPostImportCategory: false,
      ...(record.indexer !== null && { indexer: record.indexer }),
      ...(record.outputPath !== null && { outputPath: record.outputPath }),
      ...(!isRadarr && { episodeHasFile: (episode?.episodeFileId ?? 0) > 0 }),
      sizeleft: record.sizeleft,
      ...(record.timeleft !== null && { timeleft: formatTimeSpan(record.timeleft) }),
    };
  }

  function historyResource(record: ArrFakeHistoryRecord, include: URLSearchParams): Record<string, unknown> {
    const movie = movies.get(record.movieId);
    const series = seriesById.get(record.seriesId);
    const episode = episodes.get(record.episodeId);
    return {
      id: record.id,
      ...(isRadarr
        ? { movieId: record.movieId }
        : { episodeId: record.episodeId, seriesId: record.seriesId }),
      sourceTitle: record.sourceTitle,
      languages: LANGUAGES,
      quality: isRadarr ? RADARR_QUALITY : SONARR_QUALITY,
      customFormats: [],
      customFormatScore: 0,
      qualityCutoffNotMet: false,
      date: wireDate(record.date),
      ...(record.downloadId !== null && { downloadId: record.downloadId }),
      eventType: record.eventType,
      data: record.data,
      ...(isRadarr && movie && flag(include, 'includeMovie') && { movie: movieResource(movie) }),
      ...(!isRadarr && episode && flag(include, 'includeEpisode') && { episode: episodeResource(episode) }),
      ...(!isRadarr && series && flag(include, 'includeSeries') && { series: seriesResource(series) }),
    };
  }

  function systemStatus(): Record<string, unknown> {
    return {
      appName: app,
      instanceName: app,
      version,
      buildTime: '2025-11-01T00:00:00Z',
      isDebug: false,
      isProduction: true,
      isAdmin: false,
      isUserInteractive: false,
      startupPath: `/app/${app.toLowerCase()}/bin`,
      appData: '/config',
      osName: 'debian',
      osVersion: '12',
      isNetCore: true,
      isLinux: true,
      isOsx: false,
      isWindows: false,
      isDocker: true,
      mode: 'console',
      branch: isRadarr ? 'master' : 'main',
      databaseType: 'sqLite',
      databaseVersion: '3.46.1',
      authentication: 'forms',
      migrationVersion: isRadarr ? 242 : 215,
      urlBase: '',
      runtimeVersion: '8.0.12',
      runtimeName: '.NET',
      startTime: '2026-03-01T08:00:00Z',
      packageUpdateMechanism: 'docker',
    };
  }

  // --- query parsing -------------------------------------------------------------------------

  /** ASP.NET binds query names case-insensitively; a list is the repeated parameter. */
  function values(query: URLSearchParams, name: string): string[] {
    const wanted = name.toLowerCase();
    const found: string[] = [];
    for (const [key, value] of query) if (key.toLowerCase() === wanted) found.push(value);
    return found;
  }
  function single(query: URLSearchParams, name: string): string | undefined {
    return values(query, name)[0];
  }
  function flag(query: URLSearchParams, name: string, fallback = false): boolean {
    const value = single(query, name);
    if (value === undefined || value === '') return fallback;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new HttpError(400, { message: `The value '${value}' is not valid for ${name}.` });
  }
  function integer(query: URLSearchParams, name: string): number | undefined {
    const value = single(query, name);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value))
      throw new HttpError(400, { message: `The value '${value}' is not valid for ${name}.` });
    return Number(value);
  }
  function integers(query: URLSearchParams, name: string): number[] {
    return values(query, name).map((value) => {
      if (!/^-?\d+$/.test(value)) throw new HttpError(400, { message: `The value '${value}' is not valid.` });
      return Number(value);
    });
  }

  function paging(
    query: URLSearchParams,
    defaultSortKey: string,
  ): {
    page: number;
    pageSize: number;
    sortKey: string;
    descending: boolean;
    sortDirection: string;
  } {
    const page = Math.max(integer(query, 'page') ?? 1, 1);
    const requestedSize = integer(query, 'pageSize') ?? 10;
    const pageSize = requestedSize > 0 ? requestedSize : 10;
    const sortKey = single(query, 'sortKey') || defaultSortKey;
    const direction = (single(query, 'sortDirection') ?? '').toLowerCase();
    const descending =
      direction === 'descending' ||
      ((direction === '' || direction === 'default') && defaultSortKey === 'date');
    return { page, pageSize, sortKey, descending, sortDirection: descending ? 'descending' : 'ascending' };
  }

  // --- routes --------------------------------------------------------------------------------

  function getQueue(query: URLSearchParams): unknown {
    const includeUnknown = flag(query, isRadarr ? 'includeUnknownMovieItems' : 'includeUnknownSeriesItems');
    const mediaIds = integers(query, isRadarr ? 'movieIds' : 'seriesIds');
    const protocol = single(query, 'protocol')?.toLowerCase();
    const statuses = values(query, 'status').map((status) => status.toLowerCase());
    const mediaOf = (record: ArrFakeQueueRecord) => (isRadarr ? record.movieId : record.seriesId);
    const selected = queue.filter(
      (record) =>
        (includeUnknown || mediaOf(record) !== null || record.status === 'delay') &&
        (mediaIds.length === 0 || mediaIds.includes(mediaOf(record) ?? -1)) &&
        (protocol === undefined || record.protocol === protocol) &&
        (statuses.length === 0 || statuses.includes(record.status.toLowerCase())),
    );
    const { page, pageSize, sortKey, descending, sortDirection } = paging(query, 'timeleft');
    const progress = (record: ArrFakeQueueRecord) =>
      record.size === 0 ? 0 : 100 - (record.sizeleft / record.size) * 100;
    const primary =
      sortKey.toLowerCase() === 'title'
        ? (a: ArrFakeQueueRecord, b: ArrFakeQueueRecord) => a.title.localeCompare(b.title, 'en')
        : (a: ArrFakeQueueRecord, b: ArrFakeQueueRecord) =>
            (a.timeleft ?? Number.POSITIVE_INFINITY) - (b.timeleft ?? Number.POSITIVE_INFINITY) || 0;
    const ordered = [...selected].sort(
      (a, b) => (descending ? -primary(a, b) : primary(a, b)) || progress(b) - progress(a),
    );
    let answeredPage = page;
    let records = ordered.slice((page - 1) * pageSize, page * pageSize);
    if (records.length === 0 && page > 1) {
      // QueueController: integer division, then Ceiling, so this is the floor of the last page.
      answeredPage = Math.max(Math.floor(ordered.length / pageSize), 1);
      records = ordered.slice((answeredPage - 1) * pageSize, answeredPage * pageSize);
    }
    return {
      page: answeredPage,
      pageSize,
      sortKey,
      sortDirection,
      totalRecords: ordered.length,
      records: records.map((record) => queueResource(record, query)),
    };
  }

  function deleteQueue(id: number, query: URLSearchParams): void {
    if (id <= 0) throw badRequest(`${id} is not a valid ID`);
    const removeFromClient = flag(query, 'removeFromClient', true);
    const blocklist = flag(query, 'blocklist');
    const skipRedownload = flag(query, 'skipRedownload');
    const changeCategory = flag(query, 'changeCategory');
    const record = queue.find((candidate) => candidate.id === id);
    if (!record) throw notFound();
    const removed =
      record.downloadId === null || record.status === 'delay'
        ? [record]
        : queue.filter((candidate) => candidate.downloadId === record.downloadId);
    const event = blocklist ? 'downloadFailed' : !removeFromClient ? 'downloadIgnored' : null;
    if (event !== null && record.status !== 'delay') {
      for (const gone of removed) {
        addHistory({
          eventType: event,
          ...(isRadarr
            ? { movieId: gone.movieId ?? 0 }
            : { seriesId: gone.seriesId ?? 0, episodeId: gone.episodeId ?? 0 }),
          downloadId: gone.downloadId,
          sourceTitle: gone.title,
          data: {
            downloadClient: gone.protocol === 'torrent' ? 'QBittorrent' : 'Sabnzbd',
            downloadClientName: gone.downloadClient,
            message: blocklist ? 'Manually marked as failed' : 'Manually ignored',
            releaseGroup: 'GRP',
            size: String(gone.size),
            ...(blocklist && { indexer: gone.indexer }),
          },
        });
      }
    }
    queue = queue.filter((candidate) => !removed.includes(candidate));
    removals.push({
      queueId: id,
      downloadId: record.downloadId,
      removeFromClient,
      blocklist,
      skipRedownload,
      changeCategory,
      records: removed,
    });
  }

  function getHistory(query: URLSearchParams): unknown {
    const eventTypes = integers(query, 'eventType');
    const downloadId = single(query, 'downloadId');
    const mediaIds = integers(query, isRadarr ? 'movieIds' : 'seriesIds');
    const episodeId = isRadarr ? undefined : integer(query, 'episodeId');
    const ids = HISTORY_EVENT_IDS[app];
    const selected = history.filter(
      (record) =>
        (eventTypes.length === 0 || eventTypes.includes(ids[record.eventType] ?? -1)) &&
        (downloadId === undefined || downloadId.trim() === '' || record.downloadId === downloadId) &&
        (mediaIds.length === 0 || mediaIds.includes(isRadarr ? record.movieId : record.seriesId)) &&
        (episodeId === undefined || record.episodeId === episodeId),
    );
    const { page, pageSize, sortKey, descending, sortDirection } = paging(query, 'date');
    const ordered = [...selected].sort((a, b) => {
      const order = Date.parse(a.date) - Date.parse(b.date) || a.id - b.id;
      return descending ? -order : order;
    });
    return {
      page,
      pageSize,
      sortKey,
      sortDirection,
      totalRecords: ordered.length,
      records: ordered
        .slice((page - 1) * pageSize, page * pageSize)
        .map((record) => historyResource(record, query)),
    };
  }

  function getHistorySince(query: URLSearchParams): unknown {
    const dateText = single(query, 'date');
    const since = dateText === undefined || dateText === '' ? Number.NEGATIVE_INFINITY : Date.parse(dateText);
    if (Number.isNaN(since))
      throw new HttpError(400, { message: `The value '${dateText}' is not valid for date.` });
    const eventText = single(query, 'eventType');
    const ids = HISTORY_EVENT_IDS[app];
    let eventType: string | undefined;
    if (eventText !== undefined && eventText !== '') {
      eventType = /^\d+$/.test(eventText)
        ? Object.keys(ids).find((name) => ids[name] === Number(eventText))
        : Object.keys(ids).find((name) => name.toLowerCase() === eventText.toLowerCase());
      if (eventType === undefined) {
        throw new HttpError(400, { message: `The value '${eventText}' is not valid for eventType.` });
      }
    }
    return history
      .filter(
        (record) =>
          Date.parse(record.date) >= since && (eventType === undefined || record.eventType === eventType),
      )
      .sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.id - b.id)
      .map((record) => historyResource(record, query));
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    raw: string,
  ): { status: number; body?: unknown } {
    const segments = path.toLowerCase().replace(/\/+$/, '').split('/').filter(Boolean);
    if (segments[0] !== 'api' || segments[1] !== 'v3') throw notFound();
    const [resource, sub, extra] = segments.slice(2);
    const idOf = (text: string | undefined) => {
      if (text === undefined || !/^-?\d+$/.test(text)) throw notFound();
      return Number(text);
    };
    const ok = (body: unknown) => ({ status: 200, body });
    if (extra !== undefined) throw notFound();
    switch (`${method} ${resource}${sub === undefined ? '' : `/${/^-?\d+$/.test(sub) ? '{id}' : sub}`}`) {
      case 'GET system/status':
        return ok(systemStatus());
      case 'GET queue':
        return ok(getQueue(query));
      case 'DELETE queue/{id}':
        deleteQueue(idOf(sub), query);
        return { status: 200 };
      case 'GET history':
        return ok(getHistory(query));
      case 'GET history/since':
        return ok(getHistorySince(query));
      case 'GET command':
        return ok([...commands.values()].map(commandResource));
      case 'POST command':
        return postCommand(raw);
      case 'GET command/{id}': {
        const command = commands.get(idOf(sub));
        if (!command) throw notFound();
        return ok(commandResource(command));
      }
      case 'GET movie': {
        if (!isRadarr) throw notFound();
        const tmdbId = integer(query, 'tmdbId');
        const list = [...movies.values()].filter((movie) => tmdbId === undefined || movie.tmdbId === tmdbId);
        return ok(list.map(movieResource));
      }
      case 'GET movie/{id}': {
        const movie = isRadarr ? movies.get(idOf(sub)) : undefined;
        if (!movie) throw notFound();
        return ok(movieResource(movie));
      }
      case 'GET moviefile': {
        if (!isRadarr) throw notFound();
        const movieIds = integers(query, 'movieId');
        const fileIds = integers(query, 'movieFileIds');
        if (movieIds.length === 0 && fileIds.length === 0)
          throw badRequest('movieId or movieFileIds must be provided');
        const list = [...movieFiles.values()].filter((file) =>
          movieIds.length > 0 ? movieIds.includes(file.movieId) : fileIds.includes(file.id),
        );
        return ok(list.map(movieFileResource));
      }
      case 'GET series': {
        if (isRadarr) throw notFound();
        const tvdbId = integer(query, 'tvdbId');
        const list = [...seriesById.values()].filter(
          (series) => tvdbId === undefined || series.tvdbId === tvdbId,
        );
        return ok(list.map(seriesResource));
      }
      case 'GET series/{id}': {
        const series = isRadarr ? undefined : seriesById.get(idOf(sub));
        if (!series) throw notFound();
        return ok(seriesResource(series));
      }
      case 'GET episode': {
        if (isRadarr) throw notFound();
        const seriesId = integer(query, 'seriesId');
        const seasonNumber = integer(query, 'seasonNumber');
        const episodeIds = integers(query, 'episodeIds');
        const episodeFileId = integer(query, 'episodeFileId');
        const all = [...episodes.values()];
        let list: ArrFakeEpisode[];
        if (seriesId !== undefined) {
          list = all.filter(
            (episode) =>
              episode.seriesId === seriesId &&
              (seasonNumber === undefined || episode.seasonNumber === seasonNumber),
          );
        } else if (episodeIds.length > 0) list = all.filter((episode) => episodeIds.includes(episode.id));
        else if (episodeFileId !== undefined)
          list = all.filter((episode) => episode.episodeFileId === episodeFileId);
        else throw badRequest('seriesId or episodeIds must be provided');
        list.sort((a, b) => a.seasonNumber - b.seasonNumber || a.episodeNumber - b.episodeNumber);
        return ok(list.map(episodeResource));
      }
      case 'GET episodefile': {
        if (isRadarr) throw notFound();
        const seriesId = integer(query, 'seriesId');
        const fileIds = integers(query, 'episodeFileIds');
        if (seriesId === undefined && fileIds.length === 0) {
          throw badRequest('seriesId or episodeFileIds must be provided');
        }
        if (seriesId !== undefined && !seriesById.has(seriesId)) throw notFound();
        const list = [...episodeFiles.values()].filter((file) =>
          seriesId !== undefined ? file.seriesId === seriesId : fileIds.includes(file.id),
        );
        return ok(list.map(episodeFileResource));
      }
      default:
        throw notFound();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const logged: ArrFakeRequest = { method, path: url.pathname, query: url.searchParams, body, status: 0 };
    calls.push(`${method} ${url.pathname}${url.search}`);
    requests.push(logged);
    const send = (status: number, answer?: unknown, type = 'application/json; charset=utf-8') => {
      logged.status = status;
      if (answer === undefined) {
        res.writeHead(status).end();
        return;
      }
      res
        .writeHead(status, { 'Content-Type': type })
        .end(
          typeof answer === 'string' && !type.startsWith('application/json')
            ? answer
            : JSON.stringify(answer),
        );
    };
    if (down === 'unavailable') {
      send(503, 'Service Unavailable', 'text/plain; charset=utf-8');
      return;
    }
    const key = req.headers['x-api-key'] ?? url.searchParams.get('apikey');
    if (key !== apiKey) {
      send(401);
      return;
    }
    if (failures.count > 0) {
      failures.count--;
      send(failures.status, { message: `injected failure (HTTP ${failures.status})` });
      return;
    }
    try {
      const answer = route(method, url.pathname, url.searchParams, raw);
      send(answer.status, answer.body);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, error.body);
      else throw error;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: String(error) }));
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
    app,
    url: `http://127.0.0.1:${port}`,
    apiKey,
    calls,
    requests,
    clearCalls: () => {
      calls.length = 0;
      requests.length = 0;
    },
    addMovie,
    addMovieFile,
    movies: () => [...movies.values()],
    movieFiles: () => [...movieFiles.values()],
    addSeries,
    addEpisode,
    addEpisodes: ({ seriesId, seasonNumber, count }) =>
      Array.from({ length: count }, (_, index) =>
        addEpisode({ seriesId, seasonNumber, episodeNumber: index + 1 }),
      ),
    addEpisodeFile,
    series: () => [...seriesById.values()],
    episodes: () => [...episodes.values()],
    episodeFiles: () => [...episodeFiles.values()],
    removeMovie(id) {
      onlyFor('Radarr', 'removeMovie');
      need(movies, id, 'movie');
      movies.delete(id);
      for (const file of [...movieFiles.values()]) if (file.movieId === id) movieFiles.delete(file.id);
    },
    removeSeries(id) {
      onlyFor('Sonarr', 'removeSeries');
      need(seriesById, id, 'series');
      seriesById.delete(id);
      for (const episode of [...episodes.values()]) if (episode.seriesId === id) episodes.delete(episode.id);
      for (const file of [...episodeFiles.values()]) if (file.seriesId === id) episodeFiles.delete(file.id);
    },
    addQueueItem,
    grab,
    updateQueueItem(id, patch) {
      const record = queueRecord(id);
      Object.assign(record, patch);
      return record;
    },
    removeQueueItem(id) {
      const record = queueRecord(id);
      queue = queue.filter((candidate) => candidate !== record);
    },
    queue: () => [...queue],
    addImportableFolder: (folder) => {
      importable.push({ ...folder });
    },
    addHistory,
    history: () => [...history],
    commandPosts,
    sentCommands: (name) =>
      commandPosts
        .map((post) => post.body)
        .filter((body) => {
          if (name === undefined) return true;
          if (typeof body !== 'object' || body === null) return false;
          const sent = property(body as Record<string, unknown>, 'name');
          return typeof sent === 'string' && sent.toLowerCase() === name.toLowerCase();
        }),
    commands: () => [...commands.values()],
    command: (id) => commands.get(id),
    onCommand: (nextHandler) => {
      handler = nextHandler;
    },
    setCommandMode: (nextMode) => {
      mode = nextMode;
    },
    advanceCommand(id) {
      const command = commands.get(id);
      if (!command) throw new Error(`${app} fake: no command ${id}`);
      if (command.status === 'queued') start(command);
      else finish(command);
      return command;
    },
    runPendingCommands() {
      for (const command of commands.values()) finish(command);
    },
    importDownload,
    removals,
    async setDown(isDown, downMode = 'unavailable') {
      if (!isDown) {
        down = null;
        if (refused) {
          await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
          refused = false;
        }
        return;
      }
      if (downMode === 'unavailable') down = 'unavailable';
      else if (!refused) {
        refused = true;
        await stop();
      }
    },
    failNext({ count, status = 500 }) {
      failures = { count, status };
    },
    close: async () => {
      if (!refused) await stop();
    },
  };
}
