/**
 * Shoko Server's SignalR aggregate hub (contracts.md §5), through the official `@microsoft/signalr`
 * client: negotiate, then WebSockets with the JSON hub protocol. Every (re)connection first reads
 * `GET /api/v3/Init/Version` to choose the event names, because Shoko renamed them all in v6:
 *
 * | what          | v5 (`releases/v5.x.y`)        | v6 (`master`, 6.0 dev)                                  |
 * |---------------|-------------------------------|---------------------------------------------------------|
 * | feeds         | `?feeds=shoko`                | `?feeds=file,release` (lowercased emitter names)        |
 * | greeting      | `ShokoEvent:OnConnected`(null)| `<feed>:connected`, only feeds with an initial state    |
 * | detected      | `ShokoEvent:FileDetected`     | `file:detected`                                         |
 * | hashed        | `ShokoEvent:FileHashed`       | `file:hashed`                                           |
 * | matched       | `ShokoEvent:FileMatched`      | `release:saved` (`{ FileID, Release }`, no path)        |
 * | not matched   | `ShokoEvent:FileNotMatched`   | `release:search.completed` with `ReleaseInfo: null`     |
 * | moved/renamed | `ShokoEvent:FileMoved`/`FileRenamed` | `file:relocated` (`Moved`/`Renamed` flags)       |
 * | deleted       | `ShokoEvent:FileDeleted`      | `file:deleted`                                          |
 * | folder field  | `ImportFolderID`              | `ManagedFolderID`                                       |
 *
 * v6 names come from `Aggregate/FileEventEmitter.cs` and `Aggregate/ReleaseEventEmitter.cs` (group =
 * type name minus "EventEmitter", lowercased, `BaseEventEmitter.GetName`). v6 has no "not matched"
 * file event any more and no AutoMatchAttempts/IsUDPBanned: a release search that found nothing is
 * the nearest, and `release:saved` carries no path, so the path is taken from an earlier
 * `file:hashed` or read with `GET /api/v3/File/{id}` (what Shokofin does on v6).
 *
 * The key goes in the `apikey` header and, for hops that drop headers, in `?apikey=`; Shoko's auth
 * handler reads both. Reconnection is ours, not `withAutomaticReconnect`, so that a first connection
 * that fails is retried too and each retry re-reads the version: backoff from `backoffMs`, the last
 * delay repeating, until `stop()`. A refused key (401/403 on negotiate) stops retrying: only a new
 * key can fix it. `onState` reports every change so the tracker can catch up over REST
 * (`findFilesByPath`) after each (re)connection.
 */
import {
  HttpTransportType,
  type HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  JsonHubProtocol,
  LogLevel,
} from '@microsoft/signalr';
import type { z } from 'zod';
import { isIntegrationError } from '../shared/integration-error.js';
import { DEFAULT_RESILIENCE, type ResilienceOptions } from '../shared/service-http.js';
import {
  createShokoClient,
  type ShokoCrossReference,
  type ShokoEventNaming,
  type ShokoFile,
} from './shoko.client.js';
import {
  type shokoEventCrossReferenceSchema,
  shokoFileDetectedSchema,
  shokoFileEventSchema,
  shokoFileNotMatchedSchema,
  shokoFileRelocatedSchema,
  type shokoReleaseCrossReferenceSchema,
  shokoReleaseSavedSchema,
  shokoReleaseSearchCompletedSchema,
} from './shoko.schemas.js';

export { pathTailMatches } from './shoko.client.js';

export type ShokoEventsState = 'connected' | 'reconnecting' | 'disconnected';

export type ShokoFileEventKind =
  | 'detected'
  | 'hashed'
  | 'matched'
  | 'not_matched'
  | 'moved'
  | 'renamed'
  | 'deleted';

/** One file event from Shoko, the same for v5 and v6. */
export interface ShokoFileEvent {
  kind: ShokoFileEventKind;
  /** Relative to the import (v6: managed) folder, with Shoko's OS separators; see `pathTailMatches`. */
  relativePath: string;
  /** Import folder (v5) or managed folder (v6) id. */
  folderId: number;
  /** Shoko's file (VideoLocal) id; absent on `detected`, which comes before hashing. */
  fileId?: number | undefined;
  crossReferences: ShokoCrossReference[];
  /** Why Shoko could not match the file, in words for the user (`not_matched` only). */
  reason?: string | undefined;
  /** Where the file was before (`moved`/`renamed`). */
  previousRelativePath?: string | undefined;
  /** The hub method it came from, e.g. `ShokoEvent:FileMatched` or `release:saved`. */
  source: string;
}

export interface ShokoStateChange {
  state: ShokoEventsState;
  /** The event names in use; null before the first version answer. */
  naming: ShokoEventNaming | null;
  /** Why the connection is down, when it is. */
  error?: string | undefined;
  /** Shoko refused the key: retrying stopped until `start()` is called again. */
  unauthorized?: boolean | undefined;
}

export interface ShokoEvents {
  /** Starts connecting in the background; does nothing while already running. */
  start(): void;
  /** Closes the connection and cancels retries; resolves once closed. */
  stop(): Promise<void>;
  state(): ShokoEventsState;
}

/** Milliseconds between attempts, the last one repeating. */
export const DEFAULT_SHOKO_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

const FEEDS: Record<ShokoEventNaming, string> = { v5: 'shoko', v6: 'file,release' };

/** The hub methods we turn into events. */
const TARGETS: Record<ShokoEventNaming, string[]> = {
  v5: [
    'ShokoEvent:FileDetected',
    'ShokoEvent:FileHashed',
    'ShokoEvent:FileMatched',
    'ShokoEvent:FileNotMatched',
    'ShokoEvent:FileMoved',
    'ShokoEvent:FileRenamed',
    'ShokoEvent:FileDeleted',
  ],
  v6: [
    'file:detected',
    'file:hashed',
    'file:relocated',
    'file:deleted',
    'release:saved',
    'release:search.completed',
  ],
};
/** Sent to us but of no use: handled so the client does not look for a missing method. */
const IGNORED: Record<ShokoEventNaming, string[]> = {
  v5: [
    'ShokoEvent:OnConnected',
    'ShokoEvent:SeriesUpdated',
    'ShokoEvent:EpisodeUpdated',
    'ShokoEvent:MovieUpdated',
  ],
  v6: ['file:connected', 'release:connected', 'release:removed', 'release:search.started'],
};

/** Our own loop retries, so each REST call is tried once and never opens the breaker. */
const EVENTS_RESILIENCE: ResilienceOptions = {
  ...DEFAULT_RESILIENCE,
  maxAttempts: 1,
  breakAfter: Number.MAX_SAFE_INTEGER,
};

/** File ids whose v6 location we remember from `file:hashed`/`file:relocated`. */
const REMEMBERED_LOCATIONS = 5_000;

/** The hub URL with the feeds for `naming` and the key as a query fallback. */
export function shokoHubUrl({
  url,
  apiKey,
  naming,
}: {
  url: string;
  apiKey: string;
  naming: ShokoEventNaming;
}): string {
  const base = url.replace(/\/+$/, '');
  return `${base}/signalr/aggregate?feeds=${FEEDS[naming]}&apikey=${encodeURIComponent(apiKey)}`;
}

/** v5 `FileNotMatched` in words: a ban, a file that keeps its old links, or AniDB not knowing it. */
export function notMatchedReason({
  autoMatchAttempts,
  hasCrossReferences,
  isUdpBanned,
}: {
  autoMatchAttempts?: number | null | undefined;
  hasCrossReferences?: boolean | null | undefined;
  isUdpBanned?: boolean | null | undefined;
}): string {
  if (isUdpBanned) return 'AniDB UDP ban: matching paused; Shoko retries once the ban is lifted';
  if (hasCrossReferences) {
    return 'AniDB still does not know the file; Shoko keeps the episode links it already had';
  }
  const attempts = autoMatchAttempts ?? 0;
  if (attempts <= 0) return 'Shoko could not match the file on AniDB';
  return `Shoko could not match the file on AniDB after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/** v6 `release:search.completed` without a release, in words. */
export function releaseSearchFailedReason({
  attemptedProviders,
  exceptionMessage,
}: {
  attemptedProviders?: string[] | null | undefined;
  exceptionMessage?: string | null | undefined;
}): string {
  if (exceptionMessage && /\bban/i.test(exceptionMessage)) {
    return `AniDB UDP ban: matching paused (${exceptionMessage})`;
  }
  if (exceptionMessage) return `Shoko's release search failed: ${exceptionMessage}`;
  const tried = attemptedProviders?.length ?? 0;
  if (tried === 0) return 'Shoko has no release provider enabled, so it could not match the file';
  return `Shoko could not match the file: none of its ${tried} release provider${tried === 1 ? '' : 's'} knew it`;
}

function eventCrossReferences(
  list: z.infer<typeof shokoEventCrossReferenceSchema>[] | null | undefined,
): ShokoCrossReference[] {
  return (list ?? []).map((xref) => ({
    shokoSeriesId: xref.SeriesID ?? undefined,
    shokoEpisodeId: xref.EpisodeID ?? undefined,
    anidbAnimeId: xref.AnidbAnimeID ?? undefined,
    anidbEpisodeId: xref.AnidbEpisodeID ?? undefined,
  }));
}

function providerId(
  ids: Record<string, string | number> | null | undefined,
  key: RegExp,
): number | undefined {
  for (const [name, value] of Object.entries(ids ?? {})) {
    if (!key.test(name)) continue;
    const number = Number(value);
    if (Number.isInteger(number)) return number;
  }
  return undefined;
}

function releaseCrossReferences(
  list: z.infer<typeof shokoReleaseCrossReferenceSchema>[] | null | undefined,
): ShokoCrossReference[] {
  return (list ?? []).map((xref) => ({
    anidbAnimeId: xref.AnidbAnimeID ?? providerId(xref.ProviderIDs, /anidb.*(anime|series)/i),
    anidbEpisodeId: xref.AnidbEpisodeID ?? providerId(xref.ProviderIDs, /anidb.*episode/i),
  }));
}

const folderOf = (payload: { ManagedFolderID?: number | null; ImportFolderID?: number | null }) =>
  payload.ManagedFolderID ?? payload.ImportFolderID ?? 0;

interface Location {
  relativePath: string;
  folderId: number;
}

export function createShokoEvents({
  url,
  apiKey,
  onEvent,
  onState,
  backoffMs = DEFAULT_SHOKO_BACKOFF_MS,
  resilience = EVENTS_RESILIENCE,
  log = () => {},
}: {
  url: string;
  apiKey: string;
  /** Called in arrival order; the next event waits for a returned promise. */
  onEvent: (event: ShokoFileEvent) => void | Promise<void>;
  onState?: ((change: ShokoStateChange) => void) | undefined;
  /** Milliseconds before each retry, the last repeating. */
  backoffMs?: number[] | undefined;
  /** For the version and file look-ups (tried once each: this loop does the retrying). */
  resilience?: ResilienceOptions | undefined;
  /** Payloads that could not be read and events that could not be placed. */
  log?: ((message: string) => void) | undefined;
}): ShokoEvents {
  const client = createShokoClient({ url, apiKey, resilience });
  const delays = backoffMs.length > 0 ? backoffMs : DEFAULT_SHOKO_BACKOFF_MS;
  let current: ShokoEventsState = 'disconnected';
  let naming: ShokoEventNaming | null = null;
  let running = false;
  /** Bumped by stop() so callbacks of an older run do nothing. */
  let run = 0;
  let failures = 0;
  let connection: HubConnection | null = null;
  let retry: NodeJS.Timeout | null = null;
  let queue: Promise<void> = Promise.resolve();
  const locations = new Map<number, Location>();

  function setState(state: ShokoEventsState, extra: Omit<ShokoStateChange, 'state' | 'naming'> = {}): void {
    // A refused key is reported even on the first attempt, when the state was already disconnected.
    if (state === current && !extra.unauthorized) return;
    current = state;
    onState?.({ state, naming, ...extra });
  }

  function remember(fileId: number, location: Location): void {
    locations.delete(fileId);
    locations.set(fileId, location);
    if (locations.size > REMEMBERED_LOCATIONS) {
      const oldest = locations.keys().next().value;
      if (oldest !== undefined) locations.delete(oldest);
    }
  }

  async function locate(fileId: number): Promise<{ location: Location; file: ShokoFile | null } | null> {
    const known = locations.get(fileId);
    if (known) return { location: known, file: null };
    try {
      const file = await client.getFile(fileId);
      const first = file?.locations[0];
      if (file && first) return { location: first, file };
    } catch (error) {
      log(`Shoko file ${fileId}: ${(error as Error).message}`);
    }
    return null;
  }

  function parse<T extends z.ZodType>(schema: T, target: string, payload: unknown): z.infer<T> | null {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return parsed.data;
    log(`unreadable ${target} payload: ${parsed.error.message}`);
    return null;
  }

  /** Turns one hub message into an event, or null for messages we do not track. */
  async function normalise(target: string, payload: unknown): Promise<ShokoFileEvent | null> {
    switch (target) {
      case 'ShokoEvent:FileDetected':
      case 'file:detected': {
        const data = parse(shokoFileDetectedSchema, target, payload);
        if (!data) return null;
        return {
          kind: 'detected',
          relativePath: data.RelativePath,
          folderId: folderOf(data),
          crossReferences: [],
          source: target,
        };
      }
      case 'ShokoEvent:FileHashed':
      case 'ShokoEvent:FileMatched':
      case 'ShokoEvent:FileDeleted':
      case 'file:hashed':
      case 'file:deleted': {
        const data = parse(shokoFileEventSchema, target, payload);
        if (!data) return null;
        const kind = target.endsWith('Matched') ? 'matched' : /deleted$/i.test(target) ? 'deleted' : 'hashed';
        if (target === 'file:hashed') {
          remember(data.FileID, { relativePath: data.RelativePath, folderId: folderOf(data) });
        }
        if (target === 'file:deleted') locations.delete(data.FileID);
        return {
          kind,
          relativePath: data.RelativePath,
          folderId: folderOf(data),
          fileId: data.FileID,
          crossReferences: eventCrossReferences(data.CrossReferences),
          source: target,
        };
      }
      case 'ShokoEvent:FileNotMatched': {
        const data = parse(shokoFileNotMatchedSchema, target, payload);
        if (!data) return null;
        return {
          kind: 'not_matched',
          relativePath: data.RelativePath,
          folderId: folderOf(data),
          fileId: data.FileID,
          crossReferences: eventCrossReferences(data.CrossReferences),
          reason: notMatchedReason({
            autoMatchAttempts: data.AutoMatchAttempts,
            hasCrossReferences: data.HasCrossReferences,
            isUdpBanned: data.IsUDPBanned,
          }),
          source: target,
        };
      }
      case 'ShokoEvent:FileMoved':
      case 'ShokoEvent:FileRenamed':
      case 'file:relocated': {
        const data = parse(shokoFileRelocatedSchema, target, payload);
        if (!data) return null;
        const moved = target === 'file:relocated' ? data.Moved !== false : target.endsWith('Moved');
        remember(data.FileID, { relativePath: data.RelativePath, folderId: folderOf(data) });
        return {
          kind: moved ? 'moved' : 'renamed',
          relativePath: data.RelativePath,
          folderId: folderOf(data),
          fileId: data.FileID,
          crossReferences: eventCrossReferences(data.CrossReferences),
          previousRelativePath: data.PreviousRelativePath ?? undefined,
          source: target,
        };
      }
      case 'release:saved': {
        const data = parse(shokoReleaseSavedSchema, target, payload);
        if (!data) return null;
        const found = await locate(data.FileID);
        if (!found) {
          log(`release:saved for Shoko file ${data.FileID}, whose path Shoko did not give`);
          return null;
        }
        const fromRelease = releaseCrossReferences(data.Release?.CrossReferences);
        const fromFile = found.file?.crossReferences ?? [];
        return {
          kind: 'matched',
          ...found.location,
          fileId: data.FileID,
          // The file's own links also carry Shoko's series and episode ids.
          crossReferences: fromFile.length > 0 ? fromFile : fromRelease,
          source: target,
        };
      }
      case 'release:search.completed': {
        const data = parse(shokoReleaseSearchCompletedSchema, target, payload);
        if (!data || data.ReleaseInfo) return null;
        const found = await locate(data.FileID);
        if (!found) {
          log(`release search for Shoko file ${data.FileID}, whose path Shoko did not give`);
          return null;
        }
        return {
          kind: 'not_matched',
          ...found.location,
          fileId: data.FileID,
          crossReferences: [],
          reason: releaseSearchFailedReason({
            attemptedProviders: data.AttemptedProviders,
            exceptionMessage: data.ExceptionMessage,
          }),
          source: target,
        };
      }
      default:
        return null;
    }
  }

  function receive(target: string, payload: unknown): void {
    queue = queue.then(async () => {
      try {
        const event = await normalise(target, payload);
        if (event) await onEvent(event);
      } catch (error) {
        log(`${target}: ${(error as Error).message}`);
      }
    });
  }

  function build(names: ShokoEventNaming): HubConnection {
    const hub = new HubConnectionBuilder()
      .withUrl(shokoHubUrl({ url, apiKey, naming: names }), {
        transport: HttpTransportType.WebSockets,
        skipNegotiation: false,
        headers: { apikey: apiKey },
      })
      .withHubProtocol(new JsonHubProtocol())
      .configureLogging(LogLevel.None)
      .build();
    for (const target of TARGETS[names]) hub.on(target, (payload: unknown) => receive(target, payload));
    for (const target of IGNORED[names]) hub.on(target, () => {});
    return hub;
  }

  function scheduleRetry(myRun: number): void {
    const delay = delays[Math.min(failures, delays.length - 1)] ?? 1_000;
    failures++;
    retry = setTimeout(() => {
      retry = null;
      void connect(myRun);
    }, delay);
  }

  function lost(myRun: number, error: unknown): void {
    if (myRun !== run) return;
    connection = null;
    const message = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
    // The negotiate error keeps only its text: "… Status code '401'".
    const refused = isIntegrationError(error)
      ? error.kind === 'unauthorized'
      : message !== undefined && /Status code '40[13]'/.test(message);
    if (refused) {
      running = false;
      setState('disconnected', { error: 'Shoko refused the API key', unauthorized: true });
      return;
    }
    setState('reconnecting', { error: message ?? 'connection to Shoko lost' });
    scheduleRetry(myRun);
  }

  async function connect(myRun: number): Promise<void> {
    let hub: HubConnection | null = null;
    try {
      const version = await client.version();
      if (myRun !== run) return;
      naming = version.naming;
      hub = build(version.naming);
      const thisHub = hub;
      let live = false;
      hub.onclose((error) => {
        if (live && connection === thisHub) lost(myRun, error ?? new Error('Shoko closed the connection'));
      });
      connection = hub;
      await hub.start();
      if (myRun !== run) {
        await hub.stop();
        return;
      }
      if (hub.state !== HubConnectionState.Connected) throw new Error('Shoko closed the connection at once');
      live = true;
      failures = 0;
      setState('connected');
    } catch (error) {
      if (myRun !== run) return;
      if (hub) void hub.stop().catch(() => {});
      lost(myRun, error);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      failures = 0;
      void connect(run);
    },
    async stop() {
      run++;
      running = false;
      if (retry) clearTimeout(retry);
      retry = null;
      const hub = connection;
      connection = null;
      if (hub) await hub.stop().catch(() => {});
      await queue;
      setState('disconnected');
    },
    state: () => current,
  };
}
