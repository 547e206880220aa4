/**
 * Jellyfin REST API (contracts.md §4.2): `Authorization: MediaBrowser Token="…"`, the form that keeps
 * working once legacy auth is off (Jellyfin 12). DTOs are PascalCase.
 *
 * Read from jellyfin/jellyfin (10.9–10.11): `ItemsController.GetItems`, `TvShowsController`,
 * `LibraryController`, `UserLibraryController` and `BaseItemRepository.TranslateQuery`. What shaped
 * this client:
 * - `/Items` has no provider-id filter (Emby's `AnyProviderIdEquals` is an unknown parameter, and
 *   unknown parameters are ignored: the answer is the unfiltered list). Ids are matched here.
 * - `searchTerm` is a case-insensitive *contains* on the item's clean name (diacritics removed;
 *   10.11 also turns punctuation into spaces, earlier versions keep it) or its original title. So
 *   terms are sent without diacritics or punctuation: one run of words that any version matches.
 * - `GET /Items/{id}` needs a `userId` when the caller is an API key (404 otherwise); `/Items?ids=`
 *   does not, so single items are read through it.
 * - With an API key, `/Shows/{id}/Episodes` includes missing (virtual) episodes unless
 *   `isMissing=false`; older servers ignore the flag, so virtual items are dropped here as well.
 * - `POST /Library/Movies/Updated` and `/Library/Series/Updated` only rescan items Jellyfin already
 *   has with that id; a title Jellyfin has never seen is only picked up by `/Library/Media/Updated`
 *   with its path (or a library scan). All three answer 204.
 * - `POST /Users/AuthenticateByName` (`UserController`, `SessionManager.AuthenticateNewSessionInternal`,
 *   `UserManager.AuthenticateUser`, `ExceptionMiddleware`) needs no API key but the `MediaBrowser`
 *   client fields `Client`, `Device`, `DeviceId` and `Version` (400 without one). The name is matched
 *   case-insensitively; a wrong name or password is 401 (`AuthenticationException`), a disabled
 *   account or one outside its access schedule 403 (`SecurityException`), both with a plain-text
 *   body. Each success opens a Jellyfin session for that device; `POST /Sessions/Logout` with its
 *   token ends it (204).
 *
 * Lookups come in two strategies: per-item searches (the find* methods of the client) and a
 * provider-id index of every Movie and Series kept fresh with `minDateLastSaved`
 * ({@link createJellyfinLibrary}). bench/jellyfin-verify.bench.ts measures both; the index is the
 * default because it costs one or two calls per verification cycle instead of one to two per item.
 */
import type { ServiceConnection } from '../service-connection.js';
import { IntegrationError } from '../shared/integration-error.js';
import {
  createServiceHttp,
  type HttpAnswer,
  parseJsonAnswer,
  type ResilienceOptions,
} from '../shared/service-http.js';
import {
  type JellyfinItemDto,
  jellyfinAuthenticationResultSchema,
  jellyfinItemsResultSchema,
  jellyfinSystemInfoSchema,
  normaliseJellyfinId,
} from './jellyfin.api.schemas.js';

/** A library item, normalised. Episode fields are null on other types. */
export interface JellyfinItem {
  /** 32 lowercase hex, no dashes. */
  id: string;
  /** Jellyfin's `BaseItemKind`: `Movie`, `Series`, `Season`, `Episode`, ... */
  type: string;
  name: string;
  originalTitle: string | null;
  /** Production year (an episode's is its own, not the series'). */
  year: number | null;
  /**
   * Every provider id as Jellyfin keys it: `Tmdb`, `Tvdb`, `Imdb`, Shokofin's `Shoko Series`,
   * `Shoko Episode`, `Shoko File`, ... Values are strings; empty ones are left out. An episode's ids
   * are the episode's own.
   */
  providerIds: Record<string, string>;
  tmdbId: number | null;
  tvdbId: number | null;
  /** `tt…`, lower-cased. */
  imdbId: string | null;
  /** As Jellyfin sees it (its own mount root; a Shokofin VFS path for VFS libraries). */
  path: string | null;
  seriesId: string | null;
  seriesName: string | null;
  seasonId: string | null;
  /** `ParentIndexNumber`. */
  seasonNumber: number | null;
  /** `IndexNumber`. */
  episodeNumber: number | null;
  /** Last episode of a multi-episode file. */
  episodeNumberEnd: number | null;
  /** ISO 8601. */
  premiereDate: string | null;
  /** False for virtual items (a missing or unaired episode): they are metadata, not media. */
  playable: boolean;
}

/** Provider ids to look a title up by; at least one should be given. */
export interface MediaIds {
  tmdbId?: number | undefined;
  tvdbId?: number | undefined;
  imdbId?: string | undefined;
}

export interface FindMovieInput {
  tmdbId?: number | undefined;
  imdbId?: string | undefined;
  /** The title as the *arr or Jellyseerr has it; only used to narrow the search. */
  title: string;
  year?: number | undefined;
}

export interface FindSeriesInput extends FindMovieInput {
  tvdbId?: number | undefined;
}

export interface FindByTitleInput {
  type: 'movie' | 'series';
  title: string;
  /** Other titles of the same work (romanised, English, original). */
  alternativeTitles?: string[] | undefined;
  /** Matched with ±1 tolerance when both sides know it. */
  year?: number | undefined;
}

export interface FindByPathInput {
  /**
   * The end of the file's (or movie/series folder's) path, at least `folder/file` for a file, e.g.
   * `Frieren (2023)/Season 01/Frieren - S01E01.mkv`. Compared segment by segment from the end,
   * case-sensitively, `\` read as `/`: Jellyfin and the *arrs mount the same files under different
   * roots.
   */
  pathSuffix: string;
}

/** One page of `/Items`. */
export interface ItemsQuery {
  /** `BaseItemKind` names. */
  includeItemTypes?: string[];
  recursive?: boolean;
  searchTerm?: string;
  years?: number[];
  hasTmdbId?: boolean;
  hasTvdbId?: boolean;
  hasImdbId?: boolean;
  ids?: string[];
  parentId?: string;
  /** ISO 8601 with zone; a zone-less time is read as the server's local time. */
  minDateLastSaved?: string;
  /** Extra DTO fields; `ProviderIds` and `Path` are always asked for. */
  fields?: string[];
  startIndex?: number;
  limit?: number;
}

export interface ItemsPage {
  items: JellyfinItem[];
  /** The server's clock when it answered (HTTP `Date`, 1 s resolution), epoch ms. */
  serverTime: number;
}

/** Who asks Jellyfin to sign a person in: shown in Jellyfin's list of devices and sessions. */
export interface JellyfinDevice {
  /** Stable per installation: Jellyfin keeps one device (and its sessions) per id. */
  deviceId: string;
  /** The tracker's version. */
  appVersion: string;
}

/** A person Jellyfin signed in. */
export interface JellyfinSignedIn {
  /** 32 lowercase hex. */
  userId: string;
  /** As Jellyfin spells it, whatever case was typed. */
  name: string;
  isAdministrator: boolean;
  /** The new Jellyfin session's token; {@link JellyfinClient.logout} ends it. */
  accessToken: string;
  serverId: string | null;
}

export interface JellyfinClient extends ServiceConnection {
  /**
   * `POST /Users/AuthenticateByName`: checks a person's Jellyfin name and password (the API key is
   * not involved). Null when Jellyfin refuses them: wrong name or password (401), or an account that
   * is disabled or outside its access schedule (403). Anything else throws an IntegrationError.
   */
  authenticateByName(
    input: { username: string; password: string } & JellyfinDevice,
  ): Promise<JellyfinSignedIn | null>;
  /** `POST /Sessions/Logout` with a signed-in person's token: ends that Jellyfin session. */
  logout(input: { accessToken: string } & JellyfinDevice): Promise<void>;
  /**
   * A playable Movie whose `ProviderIds` agree with the given ids (at least one equal, none
   * different), found by up to two searches: the main words of the title within ±1 year, then the
   * title's most distinctive word in any year. Null when none.
   */
  findMovie(input: FindMovieInput): Promise<JellyfinItem | null>;
  /** Like {@link findMovie} for a Series (`tvdbId` first, then `tmdbId`, `imdbId`). */
  findSeries(input: FindSeriesInput): Promise<JellyfinItem | null>;
  /**
   * For items without Tmdb/Tvdb ids (Shokofin): a playable Movie/Series whose normalised name or
   * original title equals one of the titles, year ±1. At most two searches per title, two titles.
   */
  findByTitle(input: FindByTitleInput): Promise<JellyfinItem | null>;
  /**
   * The Movie, Episode (or Series, for a series folder) whose `Path` ends with `pathSuffix`. Without
   * an index this lists every Movie and Series first (one call per 1000 items): use the library's.
   */
  findByPath(input: FindByPathInput): Promise<JellyfinItem | null>;
  /** Any item by id (dashes allowed), virtual ones included (`playable: false`); null when unknown. */
  itemById(id: string): Promise<JellyfinItem | null>;
  /** Several items in one call per 40 ids; unknown ids are left out. */
  itemsByIds(ids: string[]): Promise<JellyfinItem[]>;
  /**
   * The series' playable episodes (of one season), in Jellyfin's order; [] when Jellyfin answers 404
   * ("Series not found": deleted since).
   */
  episodes(input: { seriesId: string; seasonNumber?: number | undefined }): Promise<JellyfinItem[]>;
  /** One page of `GET /Items`; for the library index and tests. */
  queryItems(query: ItemsQuery): Promise<ItemsPage>;
  /**
   * Every item of the types (paged, `pageSize` per call), optionally only those saved since
   * `minDateLastSaved`. `serverTime` is the server's clock at the first answer.
   */
  listItems(input: {
    includeItemTypes: string[];
    minDateLastSaved?: string | undefined;
    pageSize?: number | undefined;
  }): Promise<ItemsPage>;
  /**
   * `POST /Library/Movies/Updated`: Jellyfin rescans the movies it already has with this id. For a
   * movie it does not have yet, use {@link notifyMediaUpdated} with the folder.
   */
  notifyMovieUpdated(
    input: { tmdbId: number; imdbId?: string | undefined } | { tmdbId?: number | undefined; imdbId: string },
  ): Promise<void>;
  /** `POST /Library/Series/Updated`: rescans the series Jellyfin already has with this TVDB id. */
  notifySeriesUpdated(input: { tvdbId: number }): Promise<void>;
  /**
   * `POST /Library/Media/Updated` `{Updates:[{Path, UpdateType:"Created"}]}`: Jellyfin scans these
   * paths (as Jellyfin sees them) and picks up new files.
   */
  notifyMediaUpdated(input: { paths: string[] }): Promise<void>;
}

/** Page size of full listings: about 450 bytes per item without images. */
export const JELLYFIN_PAGE_SIZE = 1000;
/** Ids per `/Items?ids=` call, to keep the URL short (1.4 kB). */
const IDS_PER_CALL = 40;
/** Results read from one search; a miss beyond them is a miss. */
const SEARCH_LIMIT = 100;
const KEYWORD_SEARCH_LIMIT = 200;
/** Listing pages before giving up on a server that never sends a short page. */
const MAX_PAGES = 2000;

const ITEM_FIELDS = ['ProviderIds', 'Path'];

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests and the library).
// ---------------------------------------------------------------------------------------------

export function stripDiacritics(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

const YEAR_SUFFIX = /\s*[([]\s*(?:18|19|20)\d{2}\s*[)\]]\s*$/;
const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'part',
  'season',
  'movie',
  'film',
  'les',
  'der',
  'die',
  'das',
]);

/**
 * What to put in `searchTerm` for a title. `core`: the first run of words between punctuation
 * (diacritics removed, lower case, without a trailing "(2019)", a leading article or lone letters at
 * the ends), which
 * every Jellyfin version matches whether its clean names keep punctuation or not. `keyword`: the
 * longest word that is not a stop word, for titles that differ around the core ("Marvel's The
 * Punisher" vs "The Punisher", anime romanisations); null when the title has none.
 */
export function searchTermsFor(title: string): { core: string; keyword: string | null } {
  const plain = stripDiacritics(title).toLowerCase().replace(YEAR_SUFFIX, '').trim();
  const segments = plain
    .split(/[^\p{L}\p{N}\s]+/u)
    .map(trimLoneLetters)
    .filter((segment) => /[\p{L}\p{N}]{2}/u.test(segment));
  const core = segments[0] ?? plain.replace(/\s+/g, ' ');
  let keyword: string | null = null;
  for (const word of plain.split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 3 || STOP_WORDS.has(word) || !/\p{L}/u.test(word)) continue;
    if (keyword === null || word.length > keyword.length) keyword = word;
  }
  return { core, keyword };
}

/** Lone letters (the "s" of "Marvel's") and a leading article go: names often differ there. */
function trimLoneLetters(segment: string): string {
  const words = segment.trim().split(/\s+/);
  while (words.length > 1 && ((words[0]?.length ?? 0) <= 1 || /^(?:the|an)$/.test(words[0] ?? '')))
    words.shift();
  while (words.length > 1 && (words.at(-1)?.length ?? 0) <= 1) words.pop();
  return words.join(' ');
}

/**
 * A title reduced for equality: no diacritics, lower case, `&` as "and", no trailing "(2019)", no
 * punctuation, no leading article.
 */
export function normaliseTitle(title: string): string {
  return stripDiacritics(title)
    .toLowerCase()
    .replace(YEAR_SUFFIX, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(?:the|a|an) /, '');
}

function pathSegments(path: string): string[] {
  return path
    .replaceAll('\\', '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
}

/** Whether `path` ends with every segment of `suffix` (`\` read as `/`, case-sensitive). */
export function pathEndsWith({ path, suffix }: { path: string; suffix: string }): boolean {
  const have = pathSegments(path);
  const want = pathSegments(suffix);
  if (want.length === 0 || want.length > have.length) return false;
  const offset = have.length - want.length;
  return want.every((segment, index) => have[offset + index] === segment);
}

function parentPath(path: string): string {
  return pathSegments(path).slice(0, -1).join('/');
}

function providerId(ids: Record<string, string>, key: string): string | null {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(ids)) if (name.toLowerCase() === wanted) return value;
  return null;
}

function numericId(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function imdbOf(value: string | null | undefined): string | null {
  const text = value?.trim().toLowerCase() ?? '';
  return /^tt\d+$/.test(text) ? text : null;
}

export function toJellyfinItem(dto: JellyfinItemDto): JellyfinItem {
  const providerIds: Record<string, string> = {};
  for (const [name, value] of Object.entries(dto.ProviderIds ?? {})) {
    const text = value?.trim() ?? '';
    if (text !== '') providerIds[name] = text;
  }
  return {
    id: dto.Id,
    type: dto.Type,
    name: dto.Name ?? '',
    originalTitle: dto.OriginalTitle ?? null,
    year: dto.ProductionYear ?? null,
    providerIds,
    tmdbId: numericId(providerId(providerIds, 'Tmdb')),
    tvdbId: numericId(providerId(providerIds, 'Tvdb')),
    imdbId: imdbOf(providerId(providerIds, 'Imdb')),
    path: dto.Path ?? null,
    seriesId: dto.SeriesId,
    seriesName: dto.SeriesName ?? null,
    seasonId: dto.SeasonId,
    seasonNumber: dto.ParentIndexNumber ?? null,
    episodeNumber: dto.IndexNumber ?? null,
    episodeNumberEnd: dto.IndexNumberEnd ?? null,
    premiereDate: dto.PremiereDate ?? null,
    playable: dto.LocationType !== 'Virtual' && dto.IsMissing !== true,
  };
}

/**
 * At least one wanted id equals the item's and none differs: an item whose Imdb id agrees but
 * whose Tmdb id is another film is a different film (a wrong "available" is worse than a late one).
 */
export function idsAgree(item: JellyfinItem, wanted: MediaIds): boolean {
  let agreed = false;
  const pairs: Array<[unknown, unknown]> = [
    [wanted.tmdbId, item.tmdbId],
    [wanted.tvdbId, item.tvdbId],
    [wanted.imdbId === undefined ? undefined : imdbOf(wanted.imdbId), item.imdbId],
  ];
  for (const [want, have] of pairs) {
    if (want === undefined || want === null || have === null) continue;
    if (want !== have) return false;
    agreed = true;
  }
  return agreed;
}

/** Same work by title: normalised name or original title equal, years within one when both known. */
export function titleMatches(item: JellyfinItem, input: FindByTitleInput): boolean {
  if (input.year !== undefined && item.year !== null && Math.abs(item.year - input.year) > 1) return false;
  const wanted = new Set([input.title, ...(input.alternativeTitles ?? [])].map(normaliseTitle));
  return [item.name, item.originalTitle].some((name) => name !== null && wanted.has(normaliseTitle(name)));
}

/** The item Jellyfin type a request type is. */
export function itemTypeOf(type: 'movie' | 'series'): 'Movie' | 'Series' {
  return type === 'movie' ? 'Movie' : 'Series';
}

/**
 * The matching rules of {@link JellyfinClient.findByPath} over a list of Movies and Series;
 * `episodes` is asked only for series whose folder contains the path.
 */
export async function findByPathIn({
  items,
  pathSuffix,
  episodes,
}: {
  items: Iterable<JellyfinItem>;
  pathSuffix: string;
  episodes: (seriesId: string) => Promise<JellyfinItem[]>;
}): Promise<JellyfinItem | null> {
  const want = pathSegments(pathSuffix);
  if (want.length === 0) return null;
  const seriesFolders: JellyfinItem[] = [];
  for (const item of items) {
    if (!item.playable || item.path === null) continue;
    if (item.type === 'Movie') {
      if (pathEndsWith({ path: item.path, suffix: pathSuffix })) return item;
      if (pathEndsWith({ path: parentPath(item.path), suffix: pathSuffix })) return item;
    } else if (item.type === 'Series') {
      if (pathEndsWith({ path: item.path, suffix: pathSuffix })) return item;
      // The file lies inside this series folder when the folder ends with a leading part of it.
      for (let take = want.length - 1; take >= 1; take--) {
        if (pathEndsWith({ path: item.path, suffix: want.slice(0, take).join('/') })) {
          seriesFolders.push(item);
          break;
        }
      }
    }
  }
  for (const series of seriesFolders) {
    const found = (await episodes(series.id)).find(
      (episode) => episode.path !== null && pathEndsWith({ path: episode.path, suffix: pathSuffix }),
    );
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

function refuseOrFail(answer: HttpAnswer, what: string): void {
  if (answer.status === 401 || answer.status === 403) {
    throw new IntegrationError('unauthorized', 'Jellyfin refused the API key', { status: answer.status });
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new IntegrationError('bad_response', `Jellyfin ${what} answered HTTP ${answer.status}`, {
      status: answer.status,
    });
  }
}

function serverTimeOf(answer: HttpAnswer): number {
  const date = Date.parse(answer.headers.get('date') ?? '');
  return Number.isNaN(date) ? Date.now() : date;
}

function readItems(answer: HttpAnswer, what: string): ItemsPage {
  refuseOrFail(answer, what);
  const parsed = jellyfinItemsResultSchema.safeParse(parseJsonAnswer(answer, `Jellyfin ${what}`));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IntegrationError(
      'bad_response',
      `Jellyfin ${what}: not a QueryResult (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
      { status: answer.status },
    );
  }
  return { items: parsed.data.Items.map(toJellyfinItem), serverTime: serverTimeOf(answer) };
}

/**
 * The `MediaBrowser` header a client sends on its own behalf: Jellyfin requires the client fields
 * to open a session, and takes the token of a signed-in person from the same header.
 */
function clientAuthorization({ deviceId, appVersion }: JellyfinDevice, token?: string): string {
  return mediaBrowser({
    Client: 'Status Tracker',
    Device: 'Status Tracker',
    DeviceId: deviceId,
    Version: appVersion,
    ...(token !== undefined && { Token: token }),
  });
}

/** `MediaBrowser Name="value", …`: Jellyfin's authorization header, for an API key or a client. */
function mediaBrowser(fields: Record<string, string>): string {
  return `MediaBrowser ${Object.entries(fields)
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ')}`;
}

function readSignIn(answer: HttpAnswer): JellyfinSignedIn | null {
  if (answer.status === 401 || answer.status === 403) return null;
  if (answer.status !== 200) {
    throw new IntegrationError(
      'bad_response',
      `Jellyfin Users/AuthenticateByName answered HTTP ${answer.status}`,
      { status: answer.status },
    );
  }
  const parsed = jellyfinAuthenticationResultSchema.safeParse(
    parseJsonAnswer(answer, 'Jellyfin Users/AuthenticateByName'),
  );
  if (!parsed.success) {
    throw new IntegrationError(
      'bad_response',
      'Jellyfin Users/AuthenticateByName: not an AuthenticationResult',
      {
        status: answer.status,
      },
    );
  }
  const { User, AccessToken, ServerId } = parsed.data;
  return {
    userId: User.Id,
    name: User.Name,
    isAdministrator: User.Policy.IsAdministrator,
    accessToken: AccessToken,
    serverId: ServerId ?? null,
  };
}

function normalisedIdOrThrow(id: string): string {
  const normalised = normaliseJellyfinId(id);
  if (normalised === null) throw new TypeError(`not a Jellyfin id: ${JSON.stringify(id)}`);
  return normalised;
}

export function createJellyfinClient({
  url,
  apiKey,
  resilience,
}: {
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}): JellyfinClient {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { Authorization: mediaBrowser({ Token: apiKey }), Accept: 'application/json' };

  function queryItems(query: ItemsQuery): Promise<ItemsPage> {
    const params = new URLSearchParams();
    if (query.recursive !== undefined) params.set('recursive', String(query.recursive));
    if (query.includeItemTypes?.length) params.set('includeItemTypes', query.includeItemTypes.join(','));
    if (query.ids?.length) params.set('ids', query.ids.join(','));
    if (query.parentId !== undefined) params.set('parentId', query.parentId);
    if (query.hasTmdbId !== undefined) params.set('hasTmdbId', String(query.hasTmdbId));
    if (query.hasTvdbId !== undefined) params.set('hasTvdbId', String(query.hasTvdbId));
    if (query.hasImdbId !== undefined) params.set('hasImdbId', String(query.hasImdbId));
    if (query.searchTerm !== undefined) params.set('searchTerm', query.searchTerm);
    if (query.years?.length) params.set('years', query.years.join(','));
    if (query.minDateLastSaved !== undefined) params.set('minDateLastSaved', query.minDateLastSaved);
    params.set('fields', [...new Set([...ITEM_FIELDS, ...(query.fields ?? [])])].join(','));
    if (query.startIndex !== undefined) params.set('startIndex', String(query.startIndex));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    // Images, user data and the total count are never read; leaving them out halves the answer
    // and spares 10.10 a COUNT query.
    params.set('enableImages', 'false');
    params.set('enableUserData', 'false');
    params.set('enableTotalRecordCount', 'false');
    return http.call(`Items?${params}`, { headers }, (answer) => readItems(answer, 'Items'));
  }

  async function listItems({
    includeItemTypes,
    minDateLastSaved,
    pageSize = JELLYFIN_PAGE_SIZE,
  }: {
    includeItemTypes: string[];
    minDateLastSaved?: string | undefined;
    pageSize?: number | undefined;
  }): Promise<ItemsPage> {
    const items: JellyfinItem[] = [];
    let serverTime: number | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await queryItems({
        recursive: true,
        includeItemTypes,
        ...(minDateLastSaved !== undefined && { minDateLastSaved }),
        startIndex: page * pageSize,
        limit: pageSize,
      });
      serverTime ??= answer.serverTime;
      items.push(...answer.items);
      // A short page ends the listing; a page longer than asked means paging was ignored and this
      // was everything.
      if (answer.items.length !== pageSize) break;
    }
    return { items, serverTime: serverTime ?? Date.now() };
  }

  async function itemsByIds(ids: string[]): Promise<JellyfinItem[]> {
    const unique = [...new Set(ids.map(normalisedIdOrThrow))];
    const found: JellyfinItem[] = [];
    for (let start = 0; start < unique.length; start += IDS_PER_CALL) {
      const chunk = unique.slice(start, start + IDS_PER_CALL);
      const page = await queryItems({ ids: chunk, recursive: true });
      const wanted = new Set(chunk);
      found.push(...page.items.filter((item) => wanted.has(item.id)));
    }
    return found;
  }

  /**
   * The bounded search behind the find* methods: the core words within ±1 year, then (when that
   * found nothing) the keyword in any year. `accept` picks the item from a page.
   */
  async function search({
    type,
    title,
    year,
    has,
    accept,
  }: {
    type: 'Movie' | 'Series';
    title: string;
    year?: number | undefined;
    has?: Pick<ItemsQuery, 'hasTmdbId' | 'hasTvdbId' | 'hasImdbId'>;
    accept: (item: JellyfinItem) => boolean;
  }): Promise<JellyfinItem | null> {
    const { core, keyword } = searchTermsFor(title);
    const base: ItemsQuery = { recursive: true, includeItemTypes: [type], fields: ['OriginalTitle'], ...has };
    const attempts: ItemsQuery[] = [];
    if (core !== '') {
      attempts.push({
        ...base,
        searchTerm: core,
        ...(year !== undefined && { years: [year - 1, year, year + 1] }),
        limit: SEARCH_LIMIT,
      });
    }
    const keywordTerm = keyword ?? core;
    if (keywordTerm !== '' && (keywordTerm !== core || year !== undefined)) {
      attempts.push({ ...base, searchTerm: keywordTerm, limit: KEYWORD_SEARCH_LIMIT });
    }
    for (const attempt of attempts) {
      const { items } = await queryItems(attempt);
      const found = items.find((item) => item.type === type && item.playable && accept(item));
      if (found) return found;
    }
    return null;
  }

  async function episodes({
    seriesId,
    seasonNumber,
  }: {
    seriesId: string;
    seasonNumber?: number | undefined;
  }): Promise<JellyfinItem[]> {
    const id = normalisedIdOrThrow(seriesId);
    const params = new URLSearchParams();
    if (seasonNumber !== undefined) params.set('season', String(seasonNumber));
    params.set('fields', ITEM_FIELDS.join(','));
    params.set('isMissing', 'false');
    params.set('enableImages', 'false');
    params.set('enableUserData', 'false');
    return http.call(`Shows/${id}/Episodes?${params}`, { headers }, (answer) => {
      if (answer.status === 404) return [];
      return readItems(answer, 'Shows/Episodes').items.filter(
        (item) => item.type === 'Episode' && item.playable,
      );
    });
  }

  function post(path: string, body?: unknown): Promise<void> {
    return http.call(
      path,
      {
        method: 'POST',
        headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      },
      (answer) => refuseOrFail(answer, path.split('?')[0] ?? path),
    );
  }

  return {
    status: http.status,
    testConnection: () =>
      http.call('System/Info', { headers }, (answer) => {
        refuseOrFail(answer, 'System/Info');
        const parsed = jellyfinSystemInfoSchema.safeParse(parseJsonAnswer(answer, 'Jellyfin System/Info'));
        if (!parsed.success) throw new IntegrationError('bad_response', 'not a Jellyfin System/Info answer');
        return { version: parsed.data.Version };
      }),

    authenticateByName({ username, password, ...device }) {
      return http.call(
        'Users/AuthenticateByName',
        {
          method: 'POST',
          headers: {
            Authorization: clientAuthorization(device),
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ Username: username, Pw: password }),
        },
        readSignIn,
      );
    },

    logout({ accessToken, ...device }) {
      return http.call(
        'Sessions/Logout',
        { method: 'POST', headers: { Authorization: clientAuthorization(device, accessToken) } },
        (answer) => refuseOrFail(answer, 'Sessions/Logout'),
      );
    },

    findMovie({ tmdbId, imdbId, title, year }) {
      if (tmdbId === undefined && imdbId === undefined) return Promise.resolve(null);
      const wanted = { tmdbId, imdbId };
      const has = tmdbId !== undefined ? { hasTmdbId: true } : { hasImdbId: true };
      return search({ type: 'Movie', title, year, has, accept: (item) => idsAgree(item, wanted) });
    },

    findSeries({ tvdbId, tmdbId, imdbId, title, year }) {
      const wanted = { tvdbId, tmdbId, imdbId };
      if (tvdbId === undefined && tmdbId === undefined && imdbId === undefined) return Promise.resolve(null);
      const has =
        tvdbId !== undefined
          ? { hasTvdbId: true }
          : tmdbId !== undefined
            ? { hasTmdbId: true }
            : { hasImdbId: true };
      return search({ type: 'Series', title, year, has, accept: (item) => idsAgree(item, wanted) });
    },

    async findByTitle(input) {
      const titles = [input.title, ...(input.alternativeTitles ?? [])].slice(0, 2);
      for (const title of titles) {
        const found = await search({
          type: itemTypeOf(input.type),
          title,
          year: input.year,
          accept: (item) => titleMatches(item, input),
        });
        if (found) return found;
      }
      return null;
    },

    async findByPath({ pathSuffix }) {
      const { items } = await listItems({ includeItemTypes: ['Movie', 'Series'] });
      return findByPathIn({ items, pathSuffix, episodes: (seriesId) => episodes({ seriesId }) });
    },

    async itemById(id) {
      const [item] = await itemsByIds([id]);
      return item ?? null;
    },
    itemsByIds,
    episodes,
    queryItems,
    listItems,

    notifyMovieUpdated({ tmdbId, imdbId }) {
      const params = new URLSearchParams();
      if (tmdbId !== undefined) params.set('tmdbId', String(tmdbId));
      if (imdbId !== undefined) params.set('imdbId', imdbId);
      return post(`Library/Movies/Updated?${params}`);
    },
    notifySeriesUpdated({ tvdbId }) {
      return post(`Library/Series/Updated?${new URLSearchParams({ tvdbId: String(tvdbId) })}`);
    },
    async notifyMediaUpdated({ paths }) {
      if (paths.length === 0) return;
      await post('Library/Media/Updated', {
        Updates: paths.map((path) => ({ Path: path, UpdateType: 'Created' })),
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Library: the lookup strategy the tracker uses.
// ---------------------------------------------------------------------------------------------

export type JellyfinLookupStrategy = 'index' | 'search';

export interface JellyfinLibrary {
  strategy: JellyfinLookupStrategy;
  findMovie(input: FindMovieInput): Promise<JellyfinItem | null>;
  findSeries(input: FindSeriesInput): Promise<JellyfinItem | null>;
  findByTitle(input: FindByTitleInput): Promise<JellyfinItem | null>;
  findByPath(input: FindByPathInput): Promise<JellyfinItem | null>;
  itemById(id: string): Promise<JellyfinItem | null>;
  episodes(input: { seriesId: string; seasonNumber?: number | undefined }): Promise<JellyfinItem[]>;
  /** Index strategy: bring the index up to date now (a full listing when one is due). */
  refresh(): Promise<void>;
  /** Index strategy: forget everything; the next lookup lists the library again. */
  reset(): void;
  /** Movies and Series in the index (0 for the search strategy). */
  size(): number;
}

export interface JellyfinLibraryOptions {
  client: JellyfinClient;
  /** `index` (default): a provider-id map of every Movie/Series; `search`: the client's searches. */
  strategy?: JellyfinLookupStrategy | undefined;
  now?: (() => Date) | undefined;
  /**
   * Milliseconds an index refresh stays good: lookups within it share one refresh, so a verify
   * cycle of a hundred lookups costs one incremental call. Default 10 s.
   */
  maxStalenessMs?: number | undefined;
  /**
   * Milliseconds between full listings. Deletions are invisible to `minDateLastSaved`; hits are
   * re-read by id anyway, so this only bounds memory held by deleted items. Default 6 h.
   */
  fullRefreshEveryMs?: number | undefined;
  /**
   * Milliseconds subtracted from the last refresh's server time for the next `minDateLastSaved`, for
   * the `Date` header's 1 s resolution and saves that commit late. Default 5 min.
   */
  overlapMs?: number | undefined;
  pageSize?: number | undefined;
}

const INDEX_TYPES = ['Movie', 'Series'];

interface Index {
  items: Map<string, JellyfinItem>;
  /** `<type>|tmdb:<id>`, `<type>|tvdb:<id>`, `<type>|imdb:<id>`, `<type>|title:<normalised>` → ids. */
  keys: Map<string, Set<string>>;
}

function keysOf(item: JellyfinItem): string[] {
  const keys: string[] = [];
  if (item.tmdbId !== null) keys.push(`${item.type}|tmdb:${item.tmdbId}`);
  if (item.tvdbId !== null) keys.push(`${item.type}|tvdb:${item.tvdbId}`);
  if (item.imdbId !== null) keys.push(`${item.type}|imdb:${item.imdbId}`);
  for (const name of [item.name, item.originalTitle]) {
    if (name) keys.push(`${item.type}|title:${normaliseTitle(name)}`);
  }
  return keys;
}

function emptyIndex(): Index {
  return { items: new Map(), keys: new Map() };
}

function indexRemove(index: Index, id: string): void {
  const old = index.items.get(id);
  if (!old) return;
  for (const key of keysOf(old)) {
    const ids = index.keys.get(key);
    ids?.delete(id);
    if (ids?.size === 0) index.keys.delete(key);
  }
  index.items.delete(id);
}

function indexPut(index: Index, item: JellyfinItem): void {
  indexRemove(index, item.id);
  if (!INDEX_TYPES.includes(item.type)) return;
  index.items.set(item.id, item);
  for (const key of keysOf(item)) {
    let ids = index.keys.get(key);
    if (!ids) {
      ids = new Set();
      index.keys.set(key, ids);
    }
    ids.add(item.id);
  }
}

/**
 * The lookups the tracker uses, behind one strategy. The index strategy lists every Movie and Series
 * once (`fields=ProviderIds,Path`, 1000 per call), then asks only for what was saved since the last
 * refresh (`minDateLastSaved`); lookups are map reads. A hit is re-read by id before it is returned
 * (all hits of one turn of the event loop in one call), because the index cannot see deletions and a
 * deleted item must never make a request "available".
 */
export function createJellyfinLibrary({
  client,
  strategy = 'index',
  now = () => new Date(),
  maxStalenessMs = 10_000,
  fullRefreshEveryMs = 6 * 60 * 60 * 1000,
  overlapMs = 5 * 60 * 1000,
  pageSize = JELLYFIN_PAGE_SIZE,
}: JellyfinLibraryOptions): JellyfinLibrary {
  const passThrough = { itemById: client.itemById, episodes: client.episodes };
  if (strategy === 'search') {
    return {
      strategy,
      findMovie: client.findMovie,
      findSeries: client.findSeries,
      findByTitle: client.findByTitle,
      findByPath: client.findByPath,
      ...passThrough,
      refresh: async () => {},
      reset: () => {},
      size: () => 0,
    };
  }

  let index = emptyIndex();
  /** Server time (epoch ms) the index is complete up to. */
  let syncedTo: number | null = null;
  /** Local time of the last full listing and of the last successful refresh. */
  let fullAt: number | null = null;
  let checkedAt: number | null = null;
  let running: Promise<void> | null = null;

  async function doRefresh(): Promise<void> {
    const started = now().getTime();
    if (syncedTo === null || fullAt === null || started - fullAt >= fullRefreshEveryMs) {
      const { items, serverTime } = await client.listItems({ includeItemTypes: INDEX_TYPES, pageSize });
      const fresh = emptyIndex();
      for (const item of items) indexPut(fresh, item);
      index = fresh;
      fullAt = started;
      syncedTo = serverTime;
    } else {
      const { items, serverTime } = await client.listItems({
        includeItemTypes: INDEX_TYPES,
        minDateLastSaved: new Date(syncedTo - overlapMs).toISOString(),
        pageSize,
      });
      for (const item of items) indexPut(index, item);
      syncedTo = serverTime;
    }
    checkedAt = now().getTime();
  }

  function refresh(): Promise<void> {
    running ??= doRefresh().finally(() => {
      running = null;
    });
    return running;
  }

  async function fresh(): Promise<Index> {
    if (running) await running;
    else if (checkedAt === null || now().getTime() - checkedAt >= maxStalenessMs) await refresh();
    return index;
  }

  // Hits of one turn of the event loop are re-read together.
  let batch: { ids: Set<string>; result: Promise<Map<string, JellyfinItem>> } | null = null;
  function reread(id: string): Promise<JellyfinItem | null> {
    if (batch === null) {
      const ids = new Set<string>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        batch = null;
        const items = await client.itemsByIds([...ids]);
        const found = new Map(items.map((item) => [item.id, item]));
        for (const wanted of ids) {
          const item = found.get(wanted);
          if (item) indexPut(index, item);
          else indexRemove(index, wanted);
        }
        return found;
      });
      batch = { ids, result };
    }
    batch.ids.add(id);
    return batch.result.then((found) => found.get(id) ?? null);
  }

  /** The first candidate that is still there and playable after a re-read. */
  async function confirmFirst(
    candidates: JellyfinItem[],
    still: (item: JellyfinItem) => boolean,
  ): Promise<JellyfinItem | null> {
    for (const candidate of candidates) {
      const current = await reread(candidate.id);
      if (current?.playable && still(current)) return current;
    }
    return null;
  }

  async function byIds(type: 'Movie' | 'Series', wanted: MediaIds): Promise<JellyfinItem | null> {
    const current = await fresh();
    const ids = new Set<string>();
    const keys = [
      wanted.tmdbId !== undefined && `${type}|tmdb:${wanted.tmdbId}`,
      wanted.tvdbId !== undefined && `${type}|tvdb:${wanted.tvdbId}`,
      wanted.imdbId !== undefined && `${type}|imdb:${imdbOf(wanted.imdbId)}`,
    ];
    for (const key of keys) if (key) for (const id of current.keys.get(key) ?? []) ids.add(id);
    const candidates = [...ids]
      .map((id) => current.items.get(id))
      .filter(isPlayable)
      .filter((item) => idsAgree(item, wanted));
    return confirmFirst(candidates, (item) => idsAgree(item, wanted));
  }

  return {
    strategy,
    findMovie: ({ tmdbId, imdbId }) => byIds('Movie', { tmdbId, imdbId }),
    findSeries: ({ tvdbId, tmdbId, imdbId }) => byIds('Series', { tvdbId, tmdbId, imdbId }),
    async findByTitle(input) {
      const current = await fresh();
      const type = itemTypeOf(input.type);
      const ids = new Set<string>();
      for (const title of [input.title, ...(input.alternativeTitles ?? [])]) {
        for (const id of current.keys.get(`${type}|title:${normaliseTitle(title)}`) ?? []) ids.add(id);
      }
      const candidates = [...ids]
        .map((id) => current.items.get(id))
        .filter(isPlayable)
        .filter((item) => titleMatches(item, input))
        .sort((a, b) => yearDistance(a, input.year) - yearDistance(b, input.year));
      return confirmFirst(candidates, (item) => titleMatches(item, input));
    },
    async findByPath({ pathSuffix }) {
      const current = await fresh();
      const found = await findByPathIn({
        items: current.items.values(),
        pathSuffix,
        episodes: (seriesId) => client.episodes({ seriesId }),
      });
      if (found === null || found.type === 'Episode') return found;
      return confirmFirst([found], (item) => item.path === found.path);
    },
    ...passThrough,
    async refresh() {
      if (running) await running;
      checkedAt = null;
      await refresh();
    },
    reset() {
      index = emptyIndex();
      syncedTo = null;
      fullAt = null;
      checkedAt = null;
    },
    size: () => index.items.size,
  };
}

function isPlayable(item: JellyfinItem | undefined): item is JellyfinItem {
  return item?.playable === true;
}

function yearDistance(item: JellyfinItem, year: number | undefined): number {
  return year === undefined || item.year === null ? 0 : Math.abs(item.year - year);
}
