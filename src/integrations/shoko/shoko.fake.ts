/**
 * A contract fake of Shoko Server (contracts.md §5) on 127.0.0.1: REST v3 and the SignalR aggregate
 * hub, spoken for real so that the official `@microsoft/signalr` client connects to it. It poses as
 * stable v5 (ShokoAnime/ShokoServer `releases/v5.x.y`, tag v5.3.3) or as v6 (`master`, 6.0 dev); the
 * version answer, the event names and the folder field follow the pose. Sources read:
 *
 * - `API/v3/Controllers/InitController.cs` + `Models/Common/ComponentVersion*.cs`: `Init/Version`
 *   needs no key; `{ Server: { Version, Commit, ReleaseChannel, Tag, ReleaseDate }, MediaInfo, … }`.
 * - `API/Authentication/CustomAuthHandler.cs`: the key is read from the `apikey` header and `?apikey=`;
 *   under `/signalr/` also from `Authorization: Bearer …` and `?access_token=`. The hubs are mapped
 *   with `RequireAuthorization()` (`Server/Startup`), so negotiate without a valid key is 401.
 * - API v0 `AuthenticationController`: `POST /api/auth` `{ user, pass, device }` → `{ apikey }`, the
 *   same key again for the same user and device.
 * - `API/v3/Controllers/FileController.cs`: `File/PathEndsWith?path=` and `/PathEndsWith/{*path}`
 *   match the ABSOLUTE location path case-insensitively (`/` and `\` made the same); v5 takes
 *   `includeXRefs` (default true there), v6 `include=XRefs`; `limit` 0..100. `File/{id}` (404 unknown).
 *   `Models/Shoko/File.cs`: `ID`, `SeriesIDs[] { SeriesID { ID, AniDB }, EpisodeIDs[] { ID, AniDB } }`
 *   (only episodes Shoko has created), `Locations[] { ID, FileID, ImportFolderID (v6: ManagedFolderID),
 *   RelativePath, IsAccessible }`. The v6 location field name is inferred from the v6 rename.
 *   `POST File/{id}/Rescan?priority=` queues a forced AniDB look-up and answers `Ok()` (404 unknown id).
 * - `API/v3/Controllers/ActionController.cs`: `GET Action/RunImport` queues the import-folder scan, `Ok()`.
 * - SignalR: `AggregateHub` reads `?feeds=` (comma list, case-insensitive). v5 (`Aggregate/BaseEmitter`,
 *   `ShokoEventEmitter`) names methods `ShokoEvent:<Event>` and first sends `ShokoEvent:OnConnected`
 *   with `null`; payloads are `FileDetectedEventSignalRModel`/`FileEventSignalRModel`/
 *   `FileNotMatchedEventSignalRModel`. v6 (`Aggregate/BaseEventEmitter`, `FileEventEmitter`,
 *   `ReleaseEventEmitter`) names methods `<feed>:<subject>`: `file:detected|hashed|relocated|deleted`,
 *   `release:saved|removed|search.completed`, with `ManagedFolderID`; `<feed>:connected` is sent only
 *   by feeds with an initial state, which `file` and `release` do not have.
 * - The ASP.NET Core SignalR transport protocol: `POST …/negotiate?negotiateVersion=1` →
 *   `{ negotiateVersion, connectionId, connectionToken, availableTransports }`, then a WebSocket at
 *   `…?id=<connectionToken>` carrying JSON records ended by 0x1E: handshake `{"protocol":"json",
 *   "version":1}` → `{}`, invocations (type 1), pings (type 6, every 15 s by default), close (type 7).
 *
 * Test controls: `addFile`, `emitDetected|Hashed|Matched|NotMatched|Deleted`, `emit` (any target),
 * `dropConnections` (kills the sockets), `setDown` (refuses negotiate and upgrades), `setVersion`,
 * `clients`, `calls`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

const RECORD_SEPARATOR = '\u001e';

export type ShokoFakeVersion = 'v5' | 'v6';

export interface ShokoFakeCrossReference {
  anidbAnimeId: number;
  anidbEpisodeId: number;
  /** Assigned by the fake when left out, as Shoko creates its series once AniDB answered. */
  shokoSeriesId?: number | undefined;
  shokoEpisodeId?: number | undefined;
}

export interface ShokoFakeFile {
  fileId: number;
  /** The `VideoLocal_Place` id. */
  locationId: number;
  relativePath: string;
  folderId: number;
  matched: boolean;
  crossReferences: Required<ShokoFakeCrossReference>[];
  /** Bytes. */
  size: number;
}

export interface ShokoFakeFileInput {
  /** Relative to the folder; use `\` to pose as a Windows server. */
  relativePath: string;
  folderId?: number;
  /** Defaults to whether any cross-reference is given; `true` without any invents one. */
  matched?: boolean;
  crossReferences?: ShokoFakeCrossReference[];
}

export interface ShokoFakeNotMatched {
  autoMatchAttempts?: number;
  hasCrossReferences?: boolean;
  isUdpBanned?: boolean;
}

export interface ShokoFakeOptions {
  /** The key that is valid from the start. */
  apiKey?: string;
  version?: ShokoFakeVersion;
  /** Who may `POST /api/auth`. */
  users?: Array<{ user: string; pass: string }>;
  /** Import (v6: managed) folder id → its absolute path on the Shoko host. */
  folders?: Record<number, string>;
  /** Milliseconds between server pings; ASP.NET's default KeepAliveInterval is 15 s. */
  pingIntervalMs?: number;
  /** Pose behind a proxy that drops the `apikey` header, so only `?apikey=` (or a bearer) works. */
  ignoreApiKeyHeader?: boolean;
}

export interface ShokoFake {
  url: string;
  apiKey: string;
  /** Requests seen, oldest first: `METHOD /path?query` (WebSocket upgrades as `UPGRADE …`). */
  calls: string[];
  setVersion(version: ShokoFakeVersion): void;
  addFile(input: ShokoFakeFileInput): ShokoFakeFile;
  /** Each `emit*` returns how many connections the message was written to. */
  emitDetected(file: ShokoFakeFile): number;
  emitHashed(file: ShokoFakeFile): number;
  /** v5 `ShokoEvent:FileMatched`; v6 `release:saved`. Marks the file matched. */
  emitMatched(file: ShokoFakeFile): number;
  /** v5 `ShokoEvent:FileNotMatched`; v6 `release:search.completed` without a release. */
  emitNotMatched(file: ShokoFakeFile, details?: ShokoFakeNotMatched): number;
  emitDeleted(file: ShokoFakeFile): number;
  /** Any invocation, to the connections that joined `feed`. */
  emit(input: { feed: string; target: string; payload: unknown }): number;
  /** Kills every socket without a close message, as a restart or a network cut would. */
  dropConnections(): void;
  /** While down, negotiate answers 503 and WebSocket upgrades are refused. */
  setDown(down: boolean): void;
  /** Connections past the handshake. */
  clients(): number;
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  feeds: Set<string>;
  handshaken: boolean;
  buffer: string;
  pinger: NodeJS.Timeout;
}

const FAKE_COMMIT = 'e09dffe6c1a4b2d3e4f5a6b7c8d9e0f1a2b3c4d5';
const SERVER_TIME = '2026-01-01T00:00:00Z';

function versionSet(version: ShokoFakeVersion): unknown {
  if (version === 'v5') {
    return {
      Server: { Version: '5.3.3.0', Commit: FAKE_COMMIT, ReleaseChannel: 'Stable', Tag: 'v5.3.3' },
      Commons: { Version: '5.3.3.0' },
      Models: { Version: '5.3.3.0' },
      MediaInfo: { Version: '24.12' },
    };
  }
  return {
    Server: {
      Version: '6.0.0-dev.4',
      Commit: FAKE_COMMIT,
      ReleaseChannel: 'Dev',
      Tag: 'v6.0.0-dev.4',
      ReleaseDate: SERVER_TIME,
    },
    MediaInfo: { Version: '24.12' },
  };
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A stable stand-in for a file's hash, `length` hex digits. */
function digest(fileId: number, length: number): string {
  return fileId.toString(16).toUpperCase().padStart(length, '0');
}

export async function startShokoFake(options: ShokoFakeOptions = {}): Promise<ShokoFake> {
  const apiKey = options.apiKey ?? 'shoko-fake-key';
  const users = options.users ?? [{ user: 'admin', pass: 'admin-pass' }];
  const folders: Record<number, string> = options.folders ?? { 1: '/mnt/anime' };
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  let version: ShokoFakeVersion = options.version ?? 'v5';
  let down = false;

  const validKeys = new Set([apiKey]);
  /** `user\u0000device` → key. */
  const issuedKeys = new Map<string, string>();
  const files = new Map<number, ShokoFakeFile>();
  const shokoSeriesIds = new Map<number, number>();
  const shokoEpisodeIds = new Map<number, number>();
  /** Tokens from negotiate that no WebSocket has used yet. */
  const pendingTokens = new Map<string, string>();
  const connections = new Set<Connection>();
  const calls: string[] = [];
  let nextFileId = 1;
  let nextLocationId = 1;

  const folderField = () => (version === 'v5' ? 'ImportFolderID' : 'ManagedFolderID');

  function keysOf(request: IncomingMessage, url: URL): string[] {
    const keys: string[] = [];
    const header = request.headers.apikey;
    if (!options.ignoreApiKeyHeader && typeof header === 'string') keys.push(header);
    keys.push(...url.searchParams.getAll('apikey'));
    if (keys.length === 0 && url.pathname.startsWith('/signalr/')) {
      const authorization = request.headers.authorization ?? '';
      if (authorization.startsWith('Bearer ')) keys.push(authorization.slice('Bearer '.length));
      keys.push(...url.searchParams.getAll('access_token'));
    }
    return keys.map((key) => key.trim());
  }

  const authorized = (request: IncomingMessage, url: URL) =>
    keysOf(request, url).some((key) => validKeys.has(key));

  function send(response: ServerResponse, status: number, body?: unknown): void {
    if (body === undefined) {
      response.writeHead(status, { 'Content-Length': '0' });
      response.end();
      return;
    }
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  function validationProblem(response: ServerResponse, field: string, message: string): void {
    send(response, 400, {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { [field]: [message] },
    });
  }

  function crossReferenceTree(file: ShokoFakeFile): unknown[] {
    const bySeries = new Map<number, Required<ShokoFakeCrossReference>[]>();
    for (const xref of file.crossReferences) {
      const list = bySeries.get(xref.shokoSeriesId) ?? [];
      list.push(xref);
      bySeries.set(xref.shokoSeriesId, list);
    }
    return [...bySeries.values()].map((xrefs) => ({
      SeriesID: { ID: xrefs[0]!.shokoSeriesId, AniDB: xrefs[0]!.anidbAnimeId },
      EpisodeIDs: xrefs.map((xref) => ({ ID: xref.shokoEpisodeId, AniDB: xref.anidbEpisodeId })),
    }));
  }

  function fileJson(file: ShokoFakeFile, withXRefs: boolean): unknown {
    return {
      ID: file.fileId,
      ...(withXRefs ? { SeriesIDs: file.matched ? crossReferenceTree(file) : [] } : {}),
      Size: file.size,
      IsVariation: false,
      Hashes: {
        ED2K: digest(file.fileId, 32),
        SHA1: digest(file.fileId, 40),
        CRC32: digest(file.fileId, 8),
        MD5: digest(file.fileId, 32),
      },
      Locations: [
        {
          ID: file.locationId,
          FileID: file.fileId,
          [folderField()]: file.folderId,
          RelativePath: file.relativePath,
          IsAccessible: true,
        },
      ],
      Resolution: '1080p',
      Duration: '00:23:40',
      ResumePosition: null,
      Viewed: null,
      Watched: null,
      Imported: file.matched ? SERVER_TIME : null,
      Created: SERVER_TIME,
      Updated: SERVER_TIME,
    };
  }

  function wantsXRefs(url: URL, defaultInV5: boolean): boolean {
    if (version === 'v5') {
      const value = url.searchParams.get('includeXRefs');
      return value === null ? defaultInV5 : value.toLowerCase() === 'true';
    }
    return url.searchParams
      .getAll('include')
      .flatMap((value) => value.split(','))
      .some((value) => value.trim().toLowerCase() === 'xrefs');
  }

  function absolutePath(file: ShokoFakeFile): string {
    const base = (folders[file.folderId] ?? '/').replace(/[\\/]+$/, '');
    return `${base}/${file.relativePath}`;
  }

  const comparable = (path: string) => path.replaceAll('\\', '/').toLowerCase();

  function pathEndsWith(response: ServerResponse, url: URL, path: string): void {
    const limitText = url.searchParams.get('limit') ?? '0';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 0 || limit > 100) {
      validationProblem(response, 'limit', 'The field limit must be between 0 and 100.');
      return;
    }
    if (path.trim() === '') {
      send(response, 200, []);
      return;
    }
    const query = comparable(path);
    let found = [...files.values()].filter((file) => comparable(absolutePath(file)).endsWith(query));
    if (limit > 0) found = found.slice(0, limit);
    const withXRefs = wantsXRefs(url, true);
    send(
      response,
      200,
      found.map((file) => fileJson(file, withXRefs)),
    );
  }

  async function readBody(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: { user?: unknown; pass?: unknown; device?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      validationProblem(response, 'body', 'A non-empty request body is required.');
      return;
    }
    if (typeof body.user !== 'string' || typeof body.device !== 'string' || body.device.trim() === '') {
      validationProblem(response, 'user', 'The user and device fields are required.');
      return;
    }
    const known = users.find((entry) => entry.user === body.user && entry.pass === (body.pass ?? ''));
    if (!known) {
      send(response, 401);
      return;
    }
    const slot = `${known.user}\u0000${body.device}`;
    const key = issuedKeys.get(slot) ?? randomUUID();
    issuedKeys.set(slot, key);
    validKeys.add(key);
    send(response, 200, { apikey: key });
  }

  function negotiate(response: ServerResponse, url: URL): void {
    const connectionId = hex(11);
    const connectionToken = hex(11);
    pendingTokens.set(connectionToken, connectionId);
    const negotiateVersion = Number(url.searchParams.get('negotiateVersion') ?? '0');
    const availableTransports = [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }];
    send(
      response,
      200,
      negotiateVersion >= 1
        ? { negotiateVersion: 1, connectionId, connectionToken, availableTransports }
        : { negotiateVersion: 0, connectionId, availableTransports },
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    calls.push(`${method} ${url.pathname}${url.search}`);
    const path = url.pathname.replace(/\/+$/, '');
    const lower = path.toLowerCase();

    if (lower === '/signalr/aggregate/negotiate') {
      if (method !== 'POST') return send(response, 405);
      if (down) return send(response, 503);
      if (!authorized(request, url)) return send(response, 401);
      return negotiate(response, url);
    }
    if (lower === '/api/auth' && method === 'POST') return login(request, response);
    if (lower === '/api/v3/init/version' && method === 'GET') return send(response, 200, versionSet(version));
    if (!lower.startsWith('/api/')) return send(response, 404);
    if (!authorized(request, url)) return send(response, 401);

    if (lower === '/api/v3/user/current' && method === 'GET') {
      return send(response, 200, {
        ID: 1,
        Username: users[0]?.user ?? 'admin',
        IsAdmin: true,
        CommunitySites: ['AniDB'],
        RestrictedTags: [],
        Avatar: '',
      });
    }
    if (lower === '/api/v3/file/pathendswith' && method === 'GET') {
      return pathEndsWith(response, url, url.searchParams.get('path') ?? '');
    }
    const routePath = /^\/api\/v3\/file\/pathendswith\/(.+)$/i.exec(url.pathname);
    if (routePath?.[1] !== undefined && method === 'GET') {
      return pathEndsWith(response, url, decodeURIComponent(routePath[1]));
    }
    const byId = /^\/api\/v3\/file\/(\d+)$/.exec(lower);
    if (byId?.[1] !== undefined && method === 'GET') {
      const file = files.get(Number(byId[1]));
      if (!file) return send(response, 404, { title: 'No File entry for the given fileID', status: 404 });
      return send(response, 200, fileJson(file, wantsXRefs(url, false)));
    }
    // FileController.RescanFile: queues a forced AniDB look-up; `Ok()` with no body, 404 unknown id.
    const rescan = /^\/api\/v3\/file\/(\d+)\/rescan$/.exec(lower);
    if (rescan?.[1] !== undefined && method === 'POST') {
      if (!files.has(Number(rescan[1]))) {
        return send(response, 404, { title: 'No File entry for the given fileID', status: 404 });
      }
      return send(response, 200);
    }
    // ActionController.RunImport: a GET that queues the import-folder scan; `Ok()`.
    if (lower === '/api/v3/action/runimport' && method === 'GET') return send(response, 200);
    return send(response, 404);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { title: String(error) });
    });
  });
  const wss = new WebSocketServer({ noServer: true });

  function refuseUpgrade(socket: Duplex, status: number): void {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  }

  function write(connection: Connection, message: unknown): void {
    if (connection.ws.readyState === connection.ws.OPEN) {
      connection.ws.send(JSON.stringify(message) + RECORD_SEPARATOR);
    }
  }

  function onRecord(connection: Connection, record: string): void {
    let message: {
      type?: unknown;
      protocol?: unknown;
      version?: unknown;
      target?: unknown;
      invocationId?: unknown;
    };
    try {
      message = JSON.parse(record) as typeof message;
    } catch {
      write(connection, { type: 7, error: 'Connection closed with an error. Invalid JSON.' });
      connection.ws.close();
      return;
    }
    if (!connection.handshaken) {
      if (message.protocol !== 'json' || message.version !== 1) {
        write(connection, { error: `The protocol '${String(message.protocol)}' is not supported.` });
        connection.ws.close();
        return;
      }
      connection.handshaken = true;
      connection.ws.send(`{}${RECORD_SEPARATOR}`);
      // v5's AggregateHub greets every joined feed; v6 feeds without initial state stay silent.
      if (version === 'v5' && connection.feeds.has('shoko')) {
        write(connection, { type: 1, target: 'ShokoEvent:OnConnected', arguments: [null] });
      }
      return;
    }
    if (message.type === 7) {
      connection.ws.close();
      return;
    }
    if (message.type === 1 && typeof message.invocationId === 'string') {
      write(connection, {
        type: 3,
        invocationId: message.invocationId,
        error: `Failed to invoke '${String(message.target)}' due to an error on the server.`,
      });
    }
  }

  function attach(ws: WebSocket, feeds: Set<string>): void {
    const connection: Connection = {
      ws,
      feeds,
      handshaken: false,
      buffer: '',
      pinger: setInterval(() => {
        if (connection.handshaken) write(connection, { type: 6 });
      }, pingIntervalMs),
    };
    connection.pinger.unref();
    connections.add(connection);
    ws.on('message', (data) => {
      connection.buffer += data.toString();
      const records = connection.buffer.split(RECORD_SEPARATOR);
      connection.buffer = records.pop() ?? '';
      for (const record of records) onRecord(connection, record);
    });
    ws.on('close', () => {
      clearInterval(connection.pinger);
      connections.delete(connection);
    });
    ws.on('error', () => ws.terminate());
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    calls.push(`UPGRADE ${url.pathname}${url.search}`);
    socket.on('error', () => socket.destroy());
    if (url.pathname.replace(/\/+$/, '').toLowerCase() !== '/signalr/aggregate')
      return refuseUpgrade(socket, 404);
    if (down) return refuseUpgrade(socket, 503);
    if (!authorized(request, url)) return refuseUpgrade(socket, 401);
    const token = url.searchParams.get('id') ?? '';
    if (!pendingTokens.delete(token)) return refuseUpgrade(socket, 404);
    const feeds = new Set(
      url.searchParams
        .getAll('feeds')
        .flatMap((value) => value.split(','))
        .map((feed) => feed.trim().toLowerCase())
        .filter((feed) => feed !== ''),
    );
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws, feeds));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake did not bind a port');

  function broadcast(feed: string, target: string, payload: unknown): number {
    let sent = 0;
    for (const connection of connections) {
      if (!connection.handshaken || !connection.feeds.has(feed)) continue;
      write(connection, { type: 1, target, arguments: [payload] });
      sent++;
    }
    return sent;
  }

  function eventCrossReferences(file: ShokoFakeFile): unknown[] {
    return file.crossReferences.map((xref) => ({
      EpisodeID: xref.shokoEpisodeId,
      AnidbEpisodeID: xref.anidbEpisodeId,
      SeriesID: xref.shokoSeriesId,
      AnidbAnimeID: xref.anidbAnimeId,
      GroupID: xref.shokoSeriesId,
    }));
  }

  function fileEvent(file: ShokoFakeFile): Record<string, unknown> {
    return {
      FileID: file.fileId,
      FileLocationID: file.locationId,
      [folderField()]: file.folderId,
      RelativePath: file.relativePath,
      CrossReferences: file.matched ? eventCrossReferences(file) : [],
    };
  }

  function complete(xref: ShokoFakeCrossReference): Required<ShokoFakeCrossReference> {
    const seriesId = xref.shokoSeriesId ?? shokoSeriesIds.get(xref.anidbAnimeId) ?? shokoSeriesIds.size + 1;
    shokoSeriesIds.set(xref.anidbAnimeId, seriesId);
    const episodeId =
      xref.shokoEpisodeId ?? shokoEpisodeIds.get(xref.anidbEpisodeId) ?? shokoEpisodeIds.size + 1;
    shokoEpisodeIds.set(xref.anidbEpisodeId, episodeId);
    return { ...xref, shokoSeriesId: seriesId, shokoEpisodeId: episodeId };
  }

  function ensureLinked(file: ShokoFakeFile): void {
    if (file.crossReferences.length === 0) {
      file.crossReferences.push(
        complete({ anidbAnimeId: 10_000 + file.fileId, anidbEpisodeId: 200_000 + file.fileId }),
      );
    }
    file.matched = true;
  }

  return {
    url: `http://127.0.0.1:${address.port}`,
    apiKey,
    calls,
    setVersion(next) {
      version = next;
    },
    addFile(input) {
      const crossReferences = (input.crossReferences ?? []).map(complete);
      const file: ShokoFakeFile = {
        fileId: nextFileId++,
        locationId: nextLocationId++,
        relativePath: input.relativePath,
        folderId: input.folderId ?? Number(Object.keys(folders)[0] ?? 1),
        matched: input.matched ?? crossReferences.length > 0,
        crossReferences,
        size: 734_003_200,
      };
      if (file.matched) ensureLinked(file);
      files.set(file.fileId, file);
      return file;
    },
    emitDetected(file) {
      const payload = { RelativePath: file.relativePath, [folderField()]: file.folderId };
      return version === 'v5'
        ? broadcast('shoko', 'ShokoEvent:FileDetected', payload)
        : broadcast('file', 'file:detected', payload);
    },
    emitHashed(file) {
      return version === 'v5'
        ? broadcast('shoko', 'ShokoEvent:FileHashed', fileEvent(file))
        : broadcast('file', 'file:hashed', fileEvent(file));
    },
    emitMatched(file) {
      ensureLinked(file);
      if (version === 'v5') return broadcast('shoko', 'ShokoEvent:FileMatched', fileEvent(file));
      return broadcast('release', 'release:saved', {
        FileID: file.fileId,
        Release: {
          ID: String(300_000 + file.fileId),
          ProviderName: 'AniDB',
          ReleaseURI: `https://anidb.net/file/${300_000 + file.fileId}`,
          Version: 1,
          FileSize: file.size,
          Comment: null,
          OriginalFilename: file.relativePath.split(/[\\/]/).pop(),
          IsCensored: null,
          IsChaptered: null,
          IsCreditless: null,
          IsCorrupted: false,
          Source: 'Web',
          Group: null,
          Hashes: null,
          MediaInfo: null,
          CrossReferences: file.crossReferences.map((xref) => ({
            AnidbEpisodeID: xref.anidbEpisodeId,
            AnidbAnimeID: xref.anidbAnimeId,
            PercentageStart: null,
            PercentageEnd: null,
          })),
          Metadata: null,
          Released: null,
          Updated: SERVER_TIME,
          Created: SERVER_TIME,
          IsPublic: true,
          PreventRescan: false,
        },
      });
    },
    emitNotMatched(file, details = {}) {
      file.matched = false;
      if (version === 'v5') {
        return broadcast('shoko', 'ShokoEvent:FileNotMatched', {
          ...fileEvent(file),
          AutoMatchAttempts: details.autoMatchAttempts ?? 1,
          HasCrossReferences: details.hasCrossReferences ?? false,
          IsUDPBanned: details.isUdpBanned ?? false,
        });
      }
      return broadcast('release', 'release:search.completed', {
        FileID: file.fileId,
        IsSaved: true,
        IsAutomatic: true,
        AttemptedProviders: ['f3b2c9a0-5d1e-4c8f-9a7b-0e6d5c4b3a21'],
        SelectedProvider: null,
        ReleaseInfo: null,
        ExceptionMessage: details.isUdpBanned ? 'Request failed: AniDB UDP API is banned.' : null,
        StartedAt: SERVER_TIME,
        CompletedAt: SERVER_TIME,
      });
    },
    emitDeleted(file) {
      files.delete(file.fileId);
      return version === 'v5'
        ? broadcast('shoko', 'ShokoEvent:FileDeleted', fileEvent(file))
        : broadcast('file', 'file:deleted', fileEvent(file));
    },
    emit({ feed, target, payload }) {
      return broadcast(feed.toLowerCase(), target, payload);
    },
    dropConnections() {
      for (const connection of connections) connection.ws.terminate();
    },
    setDown(next) {
      down = next;
    },
    clients() {
      return [...connections].filter((connection) => connection.handshaken).length;
    },
    async close() {
      for (const connection of connections) {
        clearInterval(connection.pinger);
        connection.ws.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
