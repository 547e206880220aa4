/**
 * A contract fake of the Jellyfin REST API as 10.10/10.11 answer a server API key (contracts.md §4.2),
 * read from jellyfin/jellyfin: `ItemsController.GetItems`, `BaseItemRepository.GetItems`/
 * `TranslateQuery`/`GetCleanValue`, `TvShowsController`, `UserLibraryController`, `LibraryController`,
 * `DtoService.AttachBasicFields`, `QueryResult`, `CommaDelimitedArrayModelBinder`, `AuthorizationContext`.
 *
 * - Auth: `Authorization: MediaBrowser Token="…"` (or the `Emby` scheme; quotes optional; values
 *   URL-decoded), `?ApiKey=`; with `legacyAuthorization` (10.11's default, off in Jellyfin 12) also
 *   `X-Emby-Token`, `X-MediaBrowser-Token`, `X-Emby-Authorization` and `?api_key=`. No or a wrong
 *   token: 401 with an empty body. `/System/Info/Public` and `/System/Ping` need none.
 * - Routes and query parameter names are case-insensitive (ASP.NET). Unknown parameters (Emby's
 *   `AnyProviderIdEquals`, a typo) are ignored: the filter silently does not happen. Lists are
 *   comma-separated or repeated; an element that does not parse (a type `Movies`, a malformed id) is
 *   dropped, so `includeItemTypes=Movies` lists every type. A scalar that does not parse (`limit=x`,
 *   `hasTmdbId=yes`) is a 400.
 * - `GET /Items`: `QueryResult` `{Items, TotalRecordCount, StartIndex}`. Without `recursive`, `ids` or
 *   `parentId` it lists the library folders only. Filters: includeItemTypes, excludeItemTypes, ids,
 *   parentId (+recursive: descendants), years, hasTmdbId/hasTvdbId/hasImdbId, searchTerm, isMissing,
 *   minDateLastSaved, parentIndexNumber; startIndex/limit; sorted by sort name (leading article
 *   dropped). `searchTerm` is a contains match on the clean name or the lower-cased original title:
 *   `cleanNames: 'punctuation-as-space'` (10.11: diacritics removed, punctuation turned into spaces,
 *   on both sides) or `'punctuation-kept'` (10.10/early 10.11: the name loses diacritics but keeps
 *   punctuation, the term is only lower-cased, `%`/`_` are LIKE wildcards). With
 *   `enableTotalRecordCount=false`, or neither `limit` nor `startIndex`, `TotalRecordCount` is the
 *   page's length.
 * - `BaseItemDto`: PascalCase, GUIDs in `N` format, nulls left out (except `ChannelId`), dates as
 *   `yyyy-MM-ddTHH:mm:ss.fffffffZ`. `ProviderIds`, `Path`, `OriginalTitle`, `DateCreated`,
 *   `ParentId` only when named in `fields`; `LocationType` always (`Virtual` for a missing episode).
 *   There is no `IsMissing` key: 10.10/10.11's `BaseItemDto` has none. `enableImages=false` drops
 *   `ImageTags`/`BackdropImageTags` and empties `ImageBlurHashes`.
 * - `GET /Items/{id}` and `/Users/{userId}/Items/{id}`: every field, but only with the `userId` of a
 *   user; an API key alone gets 404 (10.9+ `UserLibraryController.GetItem`).
 * - `GET /Shows/{id}/Episodes` (`season`, `seasonId`, `isMissing`, `startIndex`, `limit`, `fields`):
 *   an API key also gets virtual episodes unless `isMissing=false`; an unknown season number gives
 *   `[]`, an unknown series 404. `GET /Shows/{id}/Seasons`.
 * - `POST /Library/Movies/Updated` (`tmdbId`/`imdbId`) and `/Library/Series/Updated` (`tvdbId`)
 *   rescan the folders of items that already have that id, and nothing else;
 *   `POST /Library/Media/Updated` `{Updates:[{Path, UpdateType}]}` rescans the nearest known folder
 *   of each path; `POST /Library/Refresh` scans everything. All 204. A rescan reveals the `pending`
 *   items under the scanned folder (their DateLastSaved becomes "now") and calls the `onScan` hook.
 * - `GET /System/Info` (`Version`, `ServerName`, `Id`, ...).
 * - Signing people in, read from `UserController.AuthenticateUserByName`,
 *   `SessionManager.AuthenticateNewSessionInternal`/`GetAuthorizationToken`/`Logout`,
 *   `UserManager.AuthenticateUser`, `AuthorizationContext.GetAuthorizationDictionary` and
 *   `ExceptionMiddleware`: `POST /Users/AuthenticateByName` `{Username, Pw}` needs no token but the
 *   `MediaBrowser` header's `Client`, `Device`, `DeviceId` and `Version` (400 without one, or without
 *   a `Username`). The name matches case-insensitively. A wrong name or password: 401, a disabled
 *   user: 403, both `text/plain` "Error processing request." (a production server hides the
 *   message). Success: 200 `AuthenticationResult` `{User: UserDto with Policy.IsAdministrator,
 *   SessionInfo, AccessToken, ServerId}`; the new token replaces any earlier token of the same user on
 *   the same `DeviceId`. `POST /Sessions/Logout` with a person's token ends that session (204).
 *   Such a token opens none of the routes above: they are the API key's here.
 *
 * Test controls: `addMovie`/`addSeries`/`addEpisode` (`missing: true` for a virtual episode,
 * `shoko: {...}` for a Shokofin item that has only `Shoko Series`/`Shoko Episode`/`Shoko File` ids,
 * `pending: true` for a file Jellyfin has not scanned yet), `update`, `remove`, `setDown` (503 or
 * refused connections), `calls` (with response bytes), `onScan`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type JellyfinFakeItemType = 'CollectionFolder' | 'Movie' | 'Series' | 'Season' | 'Episode';

/** An item as the fake stores it. */
export interface JellyfinFakeItem {
  /** 32 lowercase hex. */
  id: string;
  type: JellyfinFakeItemType;
  name: string;
  originalTitle: string | null;
  year: number | null;
  /** ISO 8601. */
  premiereDate: string | null;
  providerIds: Record<string, string>;
  path: string | null;
  parentId: string | null;
  seriesId: string | null;
  seriesName: string | null;
  seasonId: string | null;
  seasonName: string | null;
  parentIndexNumber: number | null;
  indexNumber: number | null;
  indexNumberEnd: number | null;
  /** A missing episode (or a season of only missing episodes): `LocationType: "Virtual"`, no path. */
  virtual: boolean;
  /** On disk but not scanned yet: invisible until a library update covers its path. */
  pending: boolean;
  dateCreated: Date;
  /** Null while pending. */
  dateLastSaved: Date | null;
}

/** A Jellyfin user who may sign in. */
export interface JellyfinFakeUserInput {
  name: string;
  /** Empty: a user without a password (Jellyfin allows it). */
  password: string;
  isAdmin?: boolean;
  /** `Policy.IsDisabled`: signing in is refused with 403. */
  disabled?: boolean;
  /** 32 hex; derived from the name by default. */
  id?: string;
}

/** A person's Jellyfin session, opened by `AuthenticateByName`. */
export interface JellyfinFakeSession {
  accessToken: string;
  userId: string;
  userName: string;
  client: string;
  device: string;
  deviceId: string;
  version: string;
}

/** Ids to give an item. Numbers become strings, as Jellyfin stores them. */
export interface JellyfinFakeIds {
  tmdbId?: number | string;
  tvdbId?: number | string;
  imdbId?: string;
  /** Shokofin's keys (with spaces): `Shoko Series`, `Shoko Episode`, `Shoko File`. */
  shoko?: { seriesId?: number | string; episodeId?: number | string; fileId?: number | string };
  /** Any other keys, verbatim. */
  providerIds?: Record<string, string>;
}

export interface JellyfinFakeMovieInput extends JellyfinFakeIds {
  name: string;
  year?: number;
  originalTitle?: string;
  /** Default `/media/movies/<Name> (<year>)/<Name> (<year>).mkv`. */
  path?: string;
  premiereDate?: string;
  id?: string;
  pending?: boolean;
}

export interface JellyfinFakeSeriesInput extends JellyfinFakeIds {
  name: string;
  year?: number;
  originalTitle?: string;
  /** The series folder; default `/media/tv/<Name> (<year>)`. */
  path?: string;
  premiereDate?: string;
  id?: string;
  pending?: boolean;
}

export interface JellyfinFakeEpisodeInput extends JellyfinFakeIds {
  seriesId: string;
  seasonNumber: number;
  episodeNumber: number;
  episodeNumberEnd?: number;
  /** Default `Episode <n>`. */
  name?: string;
  /** Default `<series folder>/Season NN/<Series> - SNNENN.mkv`; none for a missing episode. */
  path?: string;
  premiereDate?: string;
  /** Jellyfin knows the episode from metadata only (`LocationType: "Virtual"`). */
  missing?: boolean;
  id?: string;
  pending?: boolean;
}

export interface JellyfinFakeUpdate extends JellyfinFakeIds {
  name?: string;
  originalTitle?: string | null;
  year?: number | null;
  path?: string | null;
  premiereDate?: string | null;
  missing?: boolean;
}

/** A library update Jellyfin was asked for. */
export interface JellyfinFakeScan {
  kind: 'movies' | 'series' | 'media' | 'refresh';
  tmdbId?: string;
  imdbId?: string;
  tvdbId?: string;
  /** `media`: the paths sent; `movies`/`series`: the folders of the items with that id. */
  paths: string[];
  /** Pending items the scan made visible. */
  revealed: JellyfinFakeItem[];
}

export interface JellyfinFakeCall {
  method: string;
  /** Path and query as received. */
  path: string;
  status: number;
  /** Response body bytes. */
  bytes: number;
  /** Parsed JSON request body, when there was one. */
  body?: unknown;
}

export interface JellyfinApiFakeOptions {
  apiKey?: string;
  /** `System/Info` `Version`. */
  version?: string;
  serverName?: string;
  serverId?: string;
  /** The one user, for `/Items/{id}?userId=`. */
  userId?: string;
  /** People who may sign in with `/Users/AuthenticateByName` (none by default). */
  users?: JellyfinFakeUserInput[];
  /** Accept the legacy token forms (10.11 default true; Jellyfin 12 migrates it to false). */
  legacyAuthorization?: boolean;
  /** How `searchTerm` compares; see the header. Default `punctuation-as-space` (10.11). */
  cleanNames?: 'punctuation-as-space' | 'punctuation-kept';
  /** The server's clock: DateLastSaved, the `Date` header, aired-or-not. */
  now?: () => Date;
}

export interface JellyfinApiFake {
  url: string;
  apiKey: string;
  serverId: string;
  userId: string;
  /** Requests seen, oldest first. */
  calls: JellyfinFakeCall[];
  clearCalls(): void;
  /** Requests and response bytes since the last `clearCalls`. */
  traffic(): { calls: number; bytes: number };
  addMovie(input: JellyfinFakeMovieInput): JellyfinFakeItem;
  addSeries(input: JellyfinFakeSeriesInput): JellyfinFakeItem;
  /** Adds the season (`Season N`) on first use. */
  addEpisode(input: JellyfinFakeEpisodeInput): JellyfinFakeItem;
  /** Changes an item as a metadata refresh would; DateLastSaved becomes now. */
  update(id: string, patch: JellyfinFakeUpdate): JellyfinFakeItem;
  /** Deletes an item and everything below it. */
  remove(id: string): void;
  item(id: string): JellyfinFakeItem | undefined;
  items(): JellyfinFakeItem[];
  /** Called after every library update request, after pending items were revealed. */
  onScan(handler: ((scan: JellyfinFakeScan) => void) | null): void;
  /** A person who may sign in; returns the user's id. */
  addUser(input: JellyfinFakeUserInput): string;
  /** People's sessions still open (signed in and not logged out). */
  sessions(): JellyfinFakeSession[];
  /**
   * `unavailable`: every request answers 503 (a reverse proxy in front of a stopped Jellyfin, or
   * Jellyfin starting); `refuse`: the port is closed (connection refused) until `setDown(false)`; a
   * client's idle keep-alive connection sees "other side closed" first, as when Jellyfin stops.
   */
  setDown(down: boolean, mode?: 'unavailable' | 'refuse'): Promise<void>;
  close(): Promise<void>;
}

const BLURHASH = 'WF6[U8xvZ$s9Sho}x]ofaJjFbbkW4TM{kDRks:V@DiRjkqX8niV@';
const KINDS: readonly JellyfinFakeItemType[] = ['CollectionFolder', 'Movie', 'Series', 'Season', 'Episode'];
/** Every `BaseItemKind` a client may name; unknown names are dropped like unparsable enums. */
const ALL_KINDS = new Map(
  [
    ...KINDS,
    'AggregateFolder',
    'Audio',
    'AudioBook',
    'BasePluginFolder',
    'Book',
    'BoxSet',
    'Channel',
    'ChannelFolderItem',
    'Folder',
    'Genre',
    'LiveTvChannel',
    'LiveTvProgram',
    'ManualPlaylistsFolder',
    'MusicAlbum',
    'MusicArtist',
    'MusicGenre',
    'MusicVideo',
    'Person',
    'Photo',
    'PhotoAlbum',
    'Playlist',
    'PlaylistsFolder',
    'Program',
    'Recording',
    'Studio',
    'Trailer',
    'TvChannel',
    'TvProgram',
    'UserRootFolder',
    'UserView',
    'Video',
    'Year',
  ].map((kind) => [kind.toLowerCase(), kind]),
);
const WILDCARDS = /[%_[\]^]/;
const MOVIES_ROOT = '/media/movies';
const SHOWS_ROOT = '/media/tv';

class BadRequest extends Error {}

function md5Id(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function parseGuid(value: string): string | null {
  const compact = value
    .trim()
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '')
    .toLowerCase();
  return /^[0-9a-f]{32}$/.test(compact) ? compact : null;
}

function stripDiacritics(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** 10.11 `GetCleanValue`: no diacritics, punctuation and symbols as single spaces, lower case. */
function cleanAsSpace(text: string): string {
  return stripDiacritics(text)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function sortNameOf(name: string): string {
  return name.toLowerCase().replace(/^(?:the|a|an)\s+/, '');
}

/** SQL LIKE with `%` and `_`, case-insensitive. */
function likeMatches(value: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is').test(value);
}

function jellyfinDate(date: Date | string): string {
  const iso = (typeof date === 'string' ? new Date(date) : date).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}0000Z`;
}

function safeName(name: string): string {
  return name.replace(/[\\/:*?"<>|]/g, '').trim();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function withYear(name: string, year: number | undefined): string {
  return year === undefined ? safeName(name) : `${safeName(name)} (${year})`;
}

function providerIdsOf(input: JellyfinFakeIds): Record<string, string> {
  const ids: Record<string, string> = {};
  if (input.tmdbId !== undefined) ids.Tmdb = String(input.tmdbId);
  if (input.tvdbId !== undefined) ids.Tvdb = String(input.tvdbId);
  if (input.imdbId !== undefined) ids.Imdb = input.imdbId;
  if (input.shoko?.seriesId !== undefined) ids['Shoko Series'] = String(input.shoko.seriesId);
  if (input.shoko?.episodeId !== undefined) ids['Shoko Episode'] = String(input.shoko.episodeId);
  if (input.shoko?.fileId !== undefined) ids['Shoko File'] = String(input.shoko.fileId);
  return { ...ids, ...input.providerIds };
}

function hasProvider(item: JellyfinFakeItem, key: string): boolean {
  return Object.entries(item.providerIds).some(([name, value]) => name.toLowerCase() === key && value !== '');
}

function folderSegments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function isUnder(path: string, folder: string): boolean {
  const inner = folderSegments(path);
  const outer = folderSegments(folder);
  return outer.length <= inner.length && outer.every((segment, index) => inner[index] === segment);
}

function parentFolder(path: string): string {
  return `/${folderSegments(path).slice(0, -1).join('/')}`;
}

/**
 * The fields of a `MediaBrowser`/`Emby` authorization header under lower-cased names (quotes
 * optional, values URL-decoded); null for another scheme.
 */
function mediaBrowserFields(header: string | undefined): Map<string, string> | null {
  const match = /^\s*(mediabrowser|emby)\s+(.*)$/is.exec(header ?? '');
  if (!match) return null;
  const fields = new Map<string, string>();
  for (const part of (match[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const raw = part
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '');
    fields.set(part.slice(0, eq).trim().toLowerCase(), decodeURIComponent(raw.replace(/\+/g, ' ')));
  }
  return fields;
}

/** A JSON property as ASP.NET binds it: the name compared case-insensitively. */
function property(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  return Object.entries(body).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Query parameters under lower-cased names, every value kept (ASP.NET binds names case-insensitively). */
class Query {
  private readonly values = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [key, value] of params) {
      const name = key.toLowerCase();
      this.values.set(name, [...(this.values.get(name) ?? []), value]);
    }
  }

  first(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  list(name: string): string[] {
    return (this.values.get(name.toLowerCase()) ?? [])
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value !== '');
  }

  bool(name: string): boolean | undefined {
    const value = this.first(name);
    if (value === undefined || value === '') return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new BadRequest(`The value '${value}' is not valid for ${name}.`);
  }

  int(name: string): number | undefined {
    const value = this.first(name);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d+$/.test(value.trim())) throw new BadRequest(`The value '${value}' is not valid for ${name}.`);
    return Number(value);
  }

  date(name: string): Date | undefined {
    const value = this.first(name);
    if (value === undefined || value === '') return undefined;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new BadRequest(`The value '${value}' is not valid for ${name}.`);
    return new Date(parsed);
  }

  guid(name: string): string | undefined {
    const value = this.first(name);
    if (value === undefined || value === '') return undefined;
    const id = parseGuid(value);
    if (id === null) throw new BadRequest(`The value '${value}' is not valid for ${name}.`);
    return id;
  }
}

export async function startJellyfinApiFake(options: JellyfinApiFakeOptions = {}): Promise<JellyfinApiFake> {
  const apiKey = options.apiKey ?? 'fake-jellyfin-api-key-0123456789abcdef';
  const version = options.version ?? '10.11.6';
  const serverName = options.serverName ?? 'jellyfin-fake';
  const serverId = options.serverId ?? 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const userId = options.userId ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const legacyAuthorization = options.legacyAuthorization ?? true;
  const cleanNames = options.cleanNames ?? 'punctuation-as-space';
  const now = options.now ?? (() => new Date());

  const items = new Map<string, JellyfinFakeItem>();
  const calls: JellyfinFakeCall[] = [];
  let scanHandler: ((scan: JellyfinFakeScan) => void) | null = null;
  let down: 'unavailable' | null = null;
  let refused = false;
  let counter = 0;
  const users = new Map<string, Required<JellyfinFakeUserInput>>();
  const userSessions = new Map<string, JellyfinFakeSession>();

  function addUser(input: JellyfinFakeUserInput): string {
    const id = input.id === undefined ? md5Id(`User:${input.name}`) : parseGuid(input.id);
    if (id === null) throw new Error(`not a Jellyfin id: ${input.id}`);
    users.set(id, { isAdmin: false, disabled: false, ...input, id });
    return id;
  }
  for (const user of options.users ?? []) addUser(user);

  function folder(name: string, path: string): JellyfinFakeItem {
    const item = blank({ type: 'CollectionFolder', name, id: md5Id(`CollectionFolder:${path}`) });
    item.path = path;
    items.set(item.id, item);
    return item;
  }

  function blank({
    type,
    name,
    id,
    pending = false,
  }: {
    type: JellyfinFakeItemType;
    name: string;
    id?: string | undefined;
    pending?: boolean | undefined;
  }): JellyfinFakeItem {
    counter += 1;
    const itemId = id === undefined ? md5Id(`${type}:${name}:${counter}`) : parseGuid(id);
    if (itemId === null) throw new Error(`not a Jellyfin id: ${id}`);
    if (items.has(itemId)) throw new Error(`the fake already has an item ${itemId}`);
    const created = now();
    return {
      id: itemId,
      type,
      name,
      originalTitle: null,
      year: null,
      premiereDate: null,
      providerIds: {},
      path: null,
      parentId: null,
      seriesId: null,
      seriesName: null,
      seasonId: null,
      seasonName: null,
      parentIndexNumber: null,
      indexNumber: null,
      indexNumberEnd: null,
      virtual: false,
      pending,
      dateCreated: created,
      dateLastSaved: pending ? null : created,
    };
  }

  const moviesFolder = folder('Movies', MOVIES_ROOT);
  const showsFolder = folder('Shows', SHOWS_ROOT);

  function addMovie(input: JellyfinFakeMovieInput): JellyfinFakeItem {
    const item = blank({ type: 'Movie', name: input.name, id: input.id, pending: input.pending });
    const folderName = withYear(input.name, input.year);
    Object.assign(item, {
      originalTitle: input.originalTitle ?? null,
      year: input.year ?? null,
      premiereDate: input.premiereDate ?? (input.year === undefined ? null : `${input.year}-01-01T00:00:00Z`),
      providerIds: providerIdsOf(input),
      path: input.path ?? `${MOVIES_ROOT}/${folderName}/${folderName}.mkv`,
      parentId: moviesFolder.id,
    });
    items.set(item.id, item);
    return item;
  }

  function addSeries(input: JellyfinFakeSeriesInput): JellyfinFakeItem {
    const item = blank({ type: 'Series', name: input.name, id: input.id, pending: input.pending });
    Object.assign(item, {
      originalTitle: input.originalTitle ?? null,
      year: input.year ?? null,
      premiereDate: input.premiereDate ?? (input.year === undefined ? null : `${input.year}-01-01T00:00:00Z`),
      providerIds: providerIdsOf(input),
      path: input.path ?? `${SHOWS_ROOT}/${withYear(input.name, input.year)}`,
      parentId: showsFolder.id,
    });
    items.set(item.id, item);
    return item;
  }

  function seasonOf(
    series: JellyfinFakeItem,
    seasonNumber: number,
    episode: JellyfinFakeItem,
  ): JellyfinFakeItem {
    const existing = [...items.values()].find(
      (item) => item.type === 'Season' && item.seriesId === series.id && item.indexNumber === seasonNumber,
    );
    if (existing) {
      if (!episode.virtual) existing.virtual = false;
      if (!episode.pending) existing.pending = false;
      existing.dateLastSaved ??= existing.pending ? null : now();
      return existing;
    }
    const name = seasonNumber === 0 ? 'Specials' : `Season ${seasonNumber}`;
    const season = blank({ type: 'Season', name, pending: episode.pending });
    Object.assign(season, {
      path: series.path === null ? null : `${series.path}/Season ${pad(seasonNumber)}`,
      parentId: series.id,
      seriesId: series.id,
      seriesName: series.name,
      indexNumber: seasonNumber,
      year: series.year,
      virtual: episode.virtual,
    });
    items.set(season.id, season);
    return season;
  }

  function addEpisode(input: JellyfinFakeEpisodeInput): JellyfinFakeItem {
    const seriesId = parseGuid(input.seriesId);
    const series = seriesId === null ? undefined : items.get(seriesId);
    if (series?.type !== 'Series') throw new Error(`no series ${input.seriesId} in the fake`);
    const episodeName = input.name ?? `Episode ${input.episodeNumber}`;
    const item = blank({ type: 'Episode', name: episodeName, id: input.id, pending: input.pending });
    const virtual = input.missing ?? false;
    item.virtual = virtual;
    const season = seasonOf(series, input.seasonNumber, item);
    const code = `S${pad(input.seasonNumber)}E${pad(input.episodeNumber)}${
      input.episodeNumberEnd === undefined ? '' : `-E${pad(input.episodeNumberEnd)}`
    }`;
    Object.assign(item, {
      premiereDate: input.premiereDate ?? null,
      year: input.premiereDate === undefined ? null : new Date(input.premiereDate).getUTCFullYear(),
      providerIds: providerIdsOf(input),
      path: virtual
        ? null
        : (input.path ?? `${season.path ?? series.path}/${safeName(series.name)} - ${code}.mkv`),
      parentId: season.id,
      seriesId: series.id,
      seriesName: series.name,
      seasonId: season.id,
      seasonName: season.name,
      parentIndexNumber: input.seasonNumber,
      indexNumber: input.episodeNumber,
      indexNumberEnd: input.episodeNumberEnd ?? null,
    });
    items.set(item.id, item);
    return item;
  }

  function mustGet(id: string): JellyfinFakeItem {
    const itemId = parseGuid(id);
    const item = itemId === null ? undefined : items.get(itemId);
    if (!item) throw new Error(`no item ${id} in the fake`);
    return item;
  }

  function update(id: string, patch: JellyfinFakeUpdate): JellyfinFakeItem {
    const item = mustGet(id);
    if (patch.name !== undefined) item.name = patch.name;
    if (patch.originalTitle !== undefined) item.originalTitle = patch.originalTitle;
    if (patch.year !== undefined) item.year = patch.year;
    if (patch.path !== undefined) item.path = patch.path;
    if (patch.premiereDate !== undefined) item.premiereDate = patch.premiereDate;
    if (patch.missing !== undefined) item.virtual = patch.missing;
    const ids = providerIdsOf(patch);
    if (Object.keys(ids).length > 0) item.providerIds = { ...item.providerIds, ...ids };
    if (!item.pending) item.dateLastSaved = now();
    return item;
  }

  function remove(id: string): void {
    const item = mustGet(id);
    const doomed = [item.id];
    for (let i = 0; i < doomed.length; i++) {
      for (const child of items.values()) if (child.parentId === doomed[i]) doomed.push(child.id);
    }
    for (const doomedId of doomed) items.delete(doomedId);
  }

  // -----------------------------------------------------------------------------------------------
  // Reading
  // -----------------------------------------------------------------------------------------------

  function visible(): JellyfinFakeItem[] {
    return [...items.values()].filter((item) => !item.pending);
  }

  function isDescendant(item: JellyfinFakeItem, ancestorId: string): boolean {
    let parent = item.parentId;
    while (parent !== null) {
      if (parent === ancestorId) return true;
      parent = items.get(parent)?.parentId ?? null;
    }
    return false;
  }

  function searchMatches(item: JellyfinFakeItem, term: string): boolean {
    const original = item.originalTitle?.toLowerCase() ?? null;
    if (cleanNames === 'punctuation-as-space') {
      const cleanTerm = cleanAsSpace(term);
      return cleanAsSpace(item.name).includes(cleanTerm) || (original?.includes(term.toLowerCase()) ?? false);
    }
    const cleanName = stripDiacritics(item.name).toLowerCase();
    const lowered = term.toLowerCase();
    if (WILDCARDS.test(lowered)) {
      const pattern = `%${lowered.replace(/^%+|%+$/g, '')}%`;
      return likeMatches(cleanName, pattern) || (original !== null && likeMatches(original, pattern));
    }
    return cleanName.includes(lowered) || (original?.includes(lowered) ?? false);
  }

  function dto(item: JellyfinFakeItem, fields: Set<string>, enableImages: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { Name: item.name, ServerId: serverId, Id: item.id };
    if (fields.has('datecreated')) out.DateCreated = jellyfinDate(item.dateCreated);
    if (fields.has('originaltitle') && item.originalTitle !== null) out.OriginalTitle = item.originalTitle;
    out.ChannelId = null;
    if (item.premiereDate !== null) out.PremiereDate = jellyfinDate(item.premiereDate);
    if (fields.has('path') && item.path !== null) out.Path = item.path;
    if (item.year !== null) out.ProductionYear = item.year;
    if (item.indexNumber !== null) out.IndexNumber = item.indexNumber;
    if (item.indexNumberEnd !== null) out.IndexNumberEnd = item.indexNumberEnd;
    if (item.parentIndexNumber !== null) out.ParentIndexNumber = item.parentIndexNumber;
    if (fields.has('providerids')) out.ProviderIds = { ...item.providerIds };
    const isVideo = item.type === 'Movie' || item.type === 'Episode';
    out.IsFolder = !isVideo;
    if (fields.has('parentid') && item.parentId !== null) out.ParentId = item.parentId;
    out.Type = item.type;
    if (item.type === 'CollectionFolder') {
      out.CollectionType = item.id === moviesFolder.id ? 'movies' : 'tvshows';
    }
    if (item.seriesName !== null) out.SeriesName = item.seriesName;
    if (item.seriesId !== null) out.SeriesId = item.seriesId;
    if (item.seasonId !== null) out.SeasonId = item.seasonId;
    if (item.seasonName !== null) out.SeasonName = item.seasonName;
    if (isVideo && !item.virtual) {
      out.RunTimeTicks = item.type === 'Movie' ? 72_000_000_000 : 14_400_000_000;
      out.VideoType = 'VideoFile';
      out.Container = 'mkv';
    }
    const tag = md5Id(`image:${item.id}`);
    if (enableImages) {
      out.ImageTags = { Primary: tag };
      out.BackdropImageTags = item.type === 'Movie' || item.type === 'Series' ? [tag] : [];
      out.ImageBlurHashes = { Primary: { [tag]: BLURHASH } };
    } else {
      out.ImageBlurHashes = {};
    }
    out.LocationType = item.virtual ? 'Virtual' : 'FileSystem';
    out.MediaType = isVideo ? 'Video' : 'Unknown';
    return out;
  }

  function fieldsOf(query: Query): Set<string> {
    return new Set(query.list('fields').map((field) => field.toLowerCase()));
  }

  function kindsOf(query: Query, name: string): Set<string> {
    const kinds = new Set<string>();
    for (const value of query.list(name)) {
      const kind = ALL_KINDS.get(value.toLowerCase());
      if (kind !== undefined) kinds.add(kind);
    }
    return kinds;
  }

  function queryResult(
    list: JellyfinFakeItem[],
    startIndex: number | undefined,
    total: number,
    query: Query,
  ) {
    const enableImages = query.bool('enableImages') ?? true;
    const fields = fieldsOf(query);
    return {
      Items: list.map((item) => dto(item, fields, enableImages)),
      TotalRecordCount: total,
      StartIndex: startIndex ?? 0,
    };
  }

  function getItems(query: Query) {
    const ids = query
      .list('ids')
      .map(parseGuid)
      .filter((id): id is string => id !== null);
    const recursive = query.bool('recursive') ?? false;
    const parentId = query.guid('parentId');
    const startIndex = query.int('startIndex');
    const limit = query.int('limit');
    const enableTotal = query.bool('enableTotalRecordCount') ?? true;
    const hasTmdb = query.bool('hasTmdbId');
    const hasTvdb = query.bool('hasTvdbId');
    const hasImdb = query.bool('hasImdbId');
    const isMissing = query.bool('isMissing');
    const minSaved = query.date('minDateLastSaved');
    const parentIndexNumber = query.int('parentIndexNumber');
    const searchTerm = query.first('searchTerm');
    const include = kindsOf(query, 'includeItemTypes');
    const exclude = kindsOf(query, 'excludeItemTypes');
    const years = new Set(
      query
        .list('years')
        .filter((year) => /^\d+$/.test(year))
        .map(Number),
    );

    if (!recursive && ids.length === 0 && parentId === undefined) {
      const roots = [moviesFolder, showsFolder];
      return queryResult(roots, startIndex, roots.length, query);
    }

    let list = visible();
    if (parentId !== undefined) {
      list = list.filter((item) => (recursive ? isDescendant(item, parentId) : item.parentId === parentId));
    }
    if (ids.length > 0) {
      const wanted = new Set(ids);
      list = list.filter((item) => wanted.has(item.id));
    }
    if (include.size > 0) list = list.filter((item) => include.has(item.type));
    else list = list.filter((item) => item.type !== 'CollectionFolder' && !exclude.has(item.type));
    if (years.size > 0) list = list.filter((item) => item.year !== null && years.has(item.year));
    if (hasTmdb !== undefined) list = list.filter((item) => hasProvider(item, 'tmdb') === hasTmdb);
    if (hasTvdb !== undefined) list = list.filter((item) => hasProvider(item, 'tvdb') === hasTvdb);
    if (hasImdb !== undefined) list = list.filter((item) => hasProvider(item, 'imdb') === hasImdb);
    if (isMissing !== undefined) list = list.filter((item) => item.virtual === isMissing);
    if (minSaved !== undefined) {
      list = list.filter((item) => item.dateLastSaved !== null && item.dateLastSaved >= minSaved);
    }
    if (parentIndexNumber !== undefined) {
      list = list.filter((item) => item.parentIndexNumber === parentIndexNumber);
    }
    if (searchTerm !== undefined && searchTerm !== '') {
      list = list.filter((item) => searchMatches(item, searchTerm));
    }
    list.sort(
      (a, b) =>
        sortNameOf(a.name).localeCompare(sortNameOf(b.name)) ||
        a.name.localeCompare(b.name) ||
        a.id.localeCompare(b.id),
    );
    const total = list.length;
    const from = Math.max(0, startIndex ?? 0);
    const page = limit === undefined ? list.slice(from) : list.slice(from, from + Math.max(0, limit));
    const countPage = !enableTotal || ((limit ?? 0) === 0 && (startIndex ?? 0) === 0);
    return queryResult(page, startIndex, countPage ? page.length : total, query);
  }

  function byEpisodeOrder(a: JellyfinFakeItem, b: JellyfinFakeItem): number {
    return (
      (a.parentIndexNumber ?? 0) - (b.parentIndexNumber ?? 0) || (a.indexNumber ?? 0) - (b.indexNumber ?? 0)
    );
  }

  function getEpisodes(seriesIdText: string, query: Query): { status: number; body: unknown } {
    const seriesId = parseGuid(seriesIdText);
    const season = query.int('season');
    const seasonId = query.guid('seasonId');
    const isMissing = query.bool('isMissing');
    const startIndex = query.int('startIndex');
    const limit = query.int('limit');
    let episodes: JellyfinFakeItem[];
    const live = visible();
    if (seasonId !== undefined) {
      const seasonItem = items.get(seasonId);
      if (!seasonItem || seasonItem.pending || seasonItem.type !== 'Season') {
        return { status: 404, body: `No season exists with Id ${seasonId}` };
      }
      episodes = live.filter((item) => item.type === 'Episode' && item.seasonId === seasonId);
    } else {
      const series = seriesId === null ? undefined : items.get(seriesId);
      if (!series || series.pending || series.type !== 'Series')
        return { status: 404, body: 'Series not found' };
      const all = live.filter((item) => item.type === 'Episode' && item.seriesId === series.id);
      if (season !== undefined) {
        const seasonItem = live.find(
          (item) => item.type === 'Season' && item.seriesId === series.id && item.indexNumber === season,
        );
        episodes = seasonItem === undefined ? [] : all.filter((item) => item.seasonId === seasonItem.id);
      } else {
        episodes = all;
      }
    }
    // An API key counts as a user who displays missing episodes.
    if (isMissing !== undefined) episodes = episodes.filter((item) => item.virtual === isMissing);
    episodes.sort(byEpisodeOrder);
    const from = Math.max(0, startIndex ?? 0);
    const page = limit === undefined ? episodes.slice(from) : episodes.slice(from, from + Math.max(0, limit));
    return { status: 200, body: { ...queryResult(page, startIndex, episodes.length, query) } };
  }

  function getSeasons(seriesIdText: string, query: Query): { status: number; body: unknown } {
    const seriesId = parseGuid(seriesIdText);
    const series = seriesId === null ? undefined : items.get(seriesId);
    if (!series || series.pending || series.type !== 'Series')
      return { status: 404, body: 'Series not found' };
    const isMissing = query.bool('isMissing');
    let seasons = visible()
      .filter((item) => item.type === 'Season' && item.seriesId === series.id)
      .sort((a, b) => (a.indexNumber ?? 0) - (b.indexNumber ?? 0));
    if (isMissing !== undefined) seasons = seasons.filter((item) => item.virtual === isMissing);
    return { status: 200, body: queryResult(seasons, undefined, seasons.length, query) };
  }

  // -----------------------------------------------------------------------------------------------
  // Library updates
  // -----------------------------------------------------------------------------------------------

  /** The folder Jellyfin rescans for a changed path: the deepest known item path containing it. */
  function scanRootFor(path: string): string | null {
    let best: string | null = null;
    for (const item of visible()) {
      if (item.path === null || item.type === 'Movie' || item.type === 'Episode') continue;
      if (isUnder(path, item.path) && (best === null || item.path.length > best.length)) best = item.path;
    }
    return best;
  }

  function reveal(folders: string[]): JellyfinFakeItem[] {
    const revealed: JellyfinFakeItem[] = [];
    const stamp = now();
    const shown = (item: JellyfinFakeItem) => {
      if (!item.pending) return;
      item.pending = false;
      item.dateCreated = stamp;
      item.dateLastSaved = stamp;
      revealed.push(item);
    };
    for (const item of [...items.values()]) {
      if (!item.pending || item.path === null) continue;
      if (folders.some((folderPath) => isUnder(item.path ?? '', folderPath))) shown(item);
    }
    // A scanned episode brings its season and series with it; a new series' metadata brings its
    // missing (virtual) episodes.
    for (const item of [...revealed]) {
      for (const parentId of [item.seasonId, item.seriesId]) {
        const parent = parentId === null ? undefined : items.get(parentId);
        if (parent) shown(parent);
      }
    }
    const newSeries = new Set(revealed.filter((item) => item.type === 'Series').map((item) => item.id));
    for (const item of [...items.values()]) {
      if (!item.pending || !item.virtual || item.seriesId === null || !newSeries.has(item.seriesId)) continue;
      shown(item);
      const season = item.seasonId === null ? undefined : items.get(item.seasonId);
      if (season) shown(season);
    }
    return revealed;
  }

  function scan(kind: JellyfinFakeScan['kind'], folders: string[], extra: Partial<JellyfinFakeScan>): void {
    const roots = kind === 'refresh' ? ['/'] : folders;
    const revealed = reveal(roots);
    scanHandler?.({ kind, paths: folders, revealed, ...extra });
  }

  // -----------------------------------------------------------------------------------------------
  // HTTP
  // -----------------------------------------------------------------------------------------------

  function tokenOf(req: IncomingMessage, query: Query): string | undefined {
    const fromHeader = (value: string | undefined) => mediaBrowserFields(value)?.get('token');
    const header = (name: string) => headerOf(req, name);
    const modern = fromHeader(header('authorization')) ?? query.first('ApiKey');
    if (modern !== undefined || !legacyAuthorization) return modern;
    return (
      fromHeader(header('x-emby-authorization')) ??
      header('x-emby-token') ??
      header('x-mediabrowser-token') ??
      query.first('api_key')
    );
  }

  function headerOf(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** The client fields of the request's `MediaBrowser` header (`X-Emby-Authorization` with legacy auth). */
  function clientFields(req: IncomingMessage): Map<string, string> {
    return (
      mediaBrowserFields(headerOf(req, 'authorization')) ??
      (legacyAuthorization ? mediaBrowserFields(headerOf(req, 'x-emby-authorization')) : null) ??
      new Map()
    );
  }

  function userDto(user: Required<JellyfinFakeUserInput>) {
    return {
      Name: user.name,
      ServerId: serverId,
      Id: user.id,
      HasPassword: user.password !== '',
      HasConfiguredPassword: user.password !== '',
      HasConfiguredEasyPassword: false,
      EnableAutoLogin: false,
      LastLoginDate: jellyfinDate(now()),
      LastActivityDate: jellyfinDate(now()),
      Configuration: { PlayDefaultAudioTrack: true, SubtitleMode: 'Default', EnableLocalPassword: false },
      Policy: {
        IsAdministrator: user.isAdmin,
        IsHidden: true,
        IsDisabled: user.disabled,
        EnableRemoteAccess: true,
        EnableMediaPlayback: true,
        EnableAllFolders: true,
        InvalidLoginAttemptCount: 0,
        LoginAttemptsBeforeLockout: -1,
        AuthenticationProviderId: 'Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider',
        PasswordResetProviderId: 'Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider',
        SyncPlayAccess: 'CreateAndJoinGroups',
      },
    };
  }

  /** `POST /Users/AuthenticateByName`; undefined when the request is a 400. */
  function authenticateByName(
    req: IncomingMessage,
    body: unknown,
  ): { status: number; body?: unknown } | undefined {
    const fields = clientFields(req);
    const [client, device, deviceId, appVersion] = ['client', 'device', 'deviceid', 'version'].map(
      (name) => fields.get(name) ?? '',
    );
    const username = property(body, 'Username');
    const password = property(body, 'Pw');
    if (!client || !device || !deviceId || !appVersion) return undefined;
    if (typeof username !== 'string' || username.trim() === '') return undefined;
    const user = [...users.values()].find((u) => u.name.toLowerCase() === username.toLowerCase());
    if (!user || user.password !== (typeof password === 'string' ? password : '')) return { status: 401 };
    if (user.disabled) return { status: 403 };
    for (const [token, session] of userSessions) {
      if (session.userId === user.id && session.deviceId === deviceId) userSessions.delete(token);
    }
    counter += 1;
    const accessToken = md5Id(`AccessToken:${user.id}:${deviceId}:${counter}`);
    const session: JellyfinFakeSession = {
      accessToken,
      userId: user.id,
      userName: user.name,
      client,
      device,
      deviceId,
      version: appVersion,
    };
    userSessions.set(accessToken, session);
    return {
      status: 200,
      body: {
        User: userDto(user),
        SessionInfo: {
          PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: 'RepeatNone' },
          AdditionalUsers: [],
          RemoteEndPoint: '127.0.0.1',
          PlayableMediaTypes: [],
          Id: md5Id(`Session:${accessToken}`),
          UserId: user.id,
          UserName: user.name,
          Client: client,
          LastActivityDate: jellyfinDate(now()),
          DeviceName: device,
          DeviceId: deviceId,
          ApplicationVersion: appVersion,
          IsActive: true,
          SupportsMediaControl: false,
          SupportsRemoteControl: false,
          HasCustomDeviceName: false,
          ServerId: serverId,
          SupportedCommands: [],
        },
        AccessToken: accessToken,
        ServerId: serverId,
      },
    };
  }

  function systemInfo(address: string) {
    return {
      OperatingSystemDisplayName: 'Linux',
      HasPendingRestart: false,
      IsShuttingDown: false,
      SupportsLibraryMonitor: true,
      WebSocketPortNumber: 8096,
      CompletedInstallations: [],
      CanSelfRestart: true,
      CanLaunchWebBrowser: false,
      ProgramDataPath: '/config',
      WebPath: '/jellyfin/jellyfin-web',
      ItemsByNamePath: '/config/metadata',
      CachePath: '/cache',
      LogPath: '/config/log',
      InternalMetadataPath: '/config/metadata',
      TranscodingTempPath: '/cache/transcodes',
      CastReceiverApplications: [],
      HasUpdateAvailable: false,
      EncoderLocation: 'System',
      SystemArchitecture: 'X64',
      LocalAddress: address,
      ServerName: serverName,
      Version: version,
      OperatingSystem: '',
      Id: serverId,
      StartupWizardCompleted: true,
      ProductName: 'Jellyfin Server',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const url = new URL(raw, 'http://fake');
    const method = req.method ?? 'GET';
    const call: JellyfinFakeCall = { method, path: raw, status: 0, bytes: 0 };
    calls.push(call);
    const send = (status: number, body?: unknown) => {
      const text =
        body === undefined ? '' : typeof body === 'string' && status !== 200 ? body : JSON.stringify(body);
      const type =
        body === undefined
          ? undefined
          : typeof body === 'string' && status !== 200
            ? 'text/plain'
            : 'application/json';
      call.status = status;
      call.bytes = Buffer.byteLength(text);
      res.writeHead(status, {
        Date: now().toUTCString(),
        ...(type !== undefined && { 'Content-Type': `${type}; charset=utf-8` }),
      });
      res.end(text);
    };

    const requestText = await readBody(req);
    if (requestText !== '') {
      try {
        call.body = JSON.parse(requestText);
      } catch {
        call.body = requestText;
      }
    }
    if (down === 'unavailable') {
      send(503, 'Service Unavailable');
      return;
    }

    const route = url.pathname.replace(/\/+$/, '').toLowerCase();
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    const query = new Query(url.searchParams);

    if (method === 'GET' && route === '/system/ping') return send(200, 'Jellyfin Server');
    if (method === 'GET' && route === '/system/info/public') {
      const { LocalAddress, ServerName, Version, ProductName, OperatingSystem, Id, StartupWizardCompleted } =
        systemInfo(`http://${req.headers.host ?? '127.0.0.1'}`);
      return send(200, {
        LocalAddress,
        ServerName,
        Version,
        ProductName,
        OperatingSystem,
        Id,
        StartupWizardCompleted,
      });
    }
    if (method === 'POST' && route === '/users/authenticatebyname') {
      if (!/json/i.test(String(req.headers['content-type'] ?? ''))) return send(415);
      const answer = authenticateByName(req, call.body);
      if (answer === undefined) return send(400, 'Error processing request.');
      return send(answer.status, answer.body ?? 'Error processing request.');
    }
    if (method === 'POST' && route === '/sessions/logout') {
      const token = tokenOf(req, query);
      if (token === undefined || !userSessions.has(token)) return send(401);
      userSessions.delete(token);
      return send(204);
    }
    if (tokenOf(req, query) !== apiKey) return send(401);

    try {
      if (method === 'GET' && route === '/system/info') {
        return send(200, systemInfo(`http://${req.headers.host ?? '127.0.0.1'}`));
      }
      if (method === 'GET' && route === '/items') return send(200, getItems(query));
      const userItem =
        /^\/items\/[^/]+$/.test(route) && segments[1] !== undefined
          ? { user: query.first('userId'), item: segments[1] }
          : /^\/users\/[^/]+\/items\/[^/]+$/.test(route) && segments[3] !== undefined
            ? { user: segments[1], item: segments[3] }
            : null;
      if (method === 'GET' && userItem !== null) {
        // 10.9+: the user is looked up first; an API key has none, so without a userId it is 404.
        const user = userItem.user === undefined ? null : parseGuid(userItem.user);
        const itemId = parseGuid(userItem.item);
        const item = itemId === null ? undefined : items.get(itemId);
        if (user !== userId || !item || item.pending) return send(404);
        return send(
          200,
          dto(item, new Set(['datecreated', 'originaltitle', 'path', 'providerids', 'parentid']), true),
        );
      }
      const shows = /^\/shows\/([^/]+)\/(episodes|seasons)$/.exec(route);
      if (method === 'GET' && shows && segments[1] !== undefined) {
        const answer =
          shows[2] === 'episodes' ? getEpisodes(segments[1], query) : getSeasons(segments[1], query);
        return send(answer.status, answer.body);
      }
      if (method === 'POST' && (route === '/library/movies/updated' || route === '/library/movies/added')) {
        const tmdbId = query.first('tmdbId');
        const imdbId = query.first('imdbId');
        const movies = visible().filter((item) => {
          if (item.type !== 'Movie') return false;
          const ids = Object.fromEntries(
            Object.entries(item.providerIds).map(([k, v]) => [k.toLowerCase(), v]),
          );
          if (imdbId) return ids.imdb?.toLowerCase() === imdbId.toLowerCase();
          if (tmdbId) return ids.tmdb?.toLowerCase() === tmdbId.toLowerCase();
          return false;
        });
        const folders = movies.flatMap((movie) => (movie.path === null ? [] : [parentFolder(movie.path)]));
        scan('movies', folders, {
          ...(tmdbId !== undefined && { tmdbId }),
          ...(imdbId !== undefined && { imdbId }),
        });
        return send(204);
      }
      if (method === 'POST' && (route === '/library/series/updated' || route === '/library/series/added')) {
        const tvdbId = query.first('tvdbId');
        const series = visible().filter(
          (item) =>
            item.type === 'Series' &&
            Object.entries(item.providerIds).some(
              ([key, value]) => key.toLowerCase() === 'tvdb' && value.toLowerCase() === tvdbId?.toLowerCase(),
            ),
        );
        scan(
          'series',
          series.flatMap((item) => (item.path === null ? [] : [item.path])),
          tvdbId === undefined ? {} : { tvdbId },
        );
        return send(204);
      }
      if (method === 'POST' && route === '/library/media/updated') {
        if (!/json/i.test(String(req.headers['content-type'] ?? ''))) return send(415);
        const body = call.body;
        const updates =
          typeof body === 'object' && body !== null
            ? Object.entries(body).find(([key]) => key.toLowerCase() === 'updates')?.[1]
            : undefined;
        if (!Array.isArray(updates)) throw new BadRequest('The dto field is required.');
        const paths = updates.map((update: unknown) => {
          const path =
            typeof update === 'object' && update !== null
              ? Object.entries(update).find(([key]) => key.toLowerCase() === 'path')?.[1]
              : undefined;
          if (typeof path !== 'string') throw new BadRequest("Item path can't be null.");
          return path;
        });
        const roots = paths.map((path) => scanRootFor(path)).filter((root): root is string => root !== null);
        const revealed = reveal(roots);
        scanHandler?.({ kind: 'media', paths, revealed });
        return send(204);
      }
      if (method === 'POST' && route === '/library/refresh') {
        scan('refresh', [], {});
        return send(204);
      }
      return send(404);
    } catch (error) {
      if (error instanceof BadRequest) {
        return send(400, {
          type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
          title: 'One or more validation errors occurred.',
          status: 400,
          detail: error.message,
        });
      }
      throw error;
    }
  }

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
    serverId,
    userId,
    calls,
    clearCalls: () => {
      calls.length = 0;
    },
    traffic: () => ({ calls: calls.length, bytes: calls.reduce((sum, call) => sum + call.bytes, 0) }),
    addMovie,
    addSeries,
    addEpisode,
    update,
    remove,
    item: (id) => {
      const itemId = parseGuid(id);
      return itemId === null ? undefined : items.get(itemId);
    },
    items: () => [...items.values()],
    onScan: (handler) => {
      scanHandler = handler;
    },
    addUser,
    sessions: () => [...userSessions.values()],
    async setDown(next, mode = 'unavailable') {
      if (!next) {
        down = null;
        if (refused) {
          await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
          refused = false;
        }
        return;
      }
      if (mode === 'unavailable') {
        down = 'unavailable';
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
