import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ShokoFake, type ShokoFakeOptions, startShokoFake } from './shoko.fake.js';

const RS = '\u001e';
const HANDSHAKE = `{"protocol":"json","version":1}${RS}`;

let fake: ShokoFake | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await fake?.close();
  fake = null;
});

async function start(options: ShokoFakeOptions = {}): Promise<ShokoFake> {
  fake = await startShokoFake({ apiKey: 'key-1', ...options });
  return fake;
}

function negotiate(
  server: ShokoFake,
  {
    headers = { apikey: server.apiKey },
    query = '',
  }: { headers?: Record<string, string>; query?: string } = {},
) {
  return fetch(`${server.url}/signalr/aggregate/negotiate?negotiateVersion=1&feeds=shoko${query}`, {
    method: 'POST',
    headers,
  });
}

/** A bare WebSocket client that records raw frames and the records inside them. */
interface Raw {
  socket: WebSocket;
  frames: string[];
  records: unknown[];
  /** Resolves with the first record (from `from` on) that `match` accepts. */
  next(match: (record: Record<string, unknown>) => boolean, from?: number): Promise<Record<string, unknown>>;
  closed: Promise<number>;
}

async function openRaw(
  server: ShokoFake,
  { feeds = 'shoko', token, handshake = true }: { feeds?: string; token?: string; handshake?: boolean } = {},
): Promise<Raw> {
  let id = token;
  if (id === undefined) {
    const answer = await negotiate(server);
    id = ((await answer.json()) as { connectionToken: string }).connectionToken;
  }
  const socket = new WebSocket(
    `${server.url.replace('http', 'ws')}/signalr/aggregate?feeds=${feeds}&id=${id}`,
    {
      headers: { apikey: server.apiKey },
    },
  );
  sockets.push(socket);
  const frames: string[] = [];
  const records: unknown[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    for (const part of text.split(RS).slice(0, -1)) records.push(JSON.parse(part));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (handshake) socket.send(HANDSHAKE);
  const next: Raw['next'] = (match, from = 0) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching record in ${JSON.stringify(records)}`)),
        2_000,
      );
      const look = () => {
        const found = records.slice(from).find((record) => match(record as Record<string, unknown>));
        if (found) {
          clearTimeout(timer);
          resolve(found as Record<string, unknown>);
        } else waiters.push(look);
      };
      look();
    });
  return { socket, frames, records, next, closed };
}

const invocation = (target: string) => (record: Record<string, unknown>) =>
  record.type === 1 && record.target === target;

describe('negotiate', () => {
  it('answers 401 without a key or with a wrong one', async () => {
    const server = await start();
    expect((await negotiate(server, { headers: {} })).status).toBe(401);
    expect((await negotiate(server, { headers: { apikey: 'wrong' } })).status).toBe(401);
    expect((await negotiate(server, { headers: {}, query: '&apikey=wrong' })).status).toBe(401);
  });

  it('takes the key from the apikey header, ?apikey=, a bearer token or ?access_token=', async () => {
    const server = await start();
    const answer = await negotiate(server);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toEqual({
      negotiateVersion: 1,
      connectionId: expect.any(String),
      connectionToken: expect.any(String),
      availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
    });
    expect(body.connectionToken).not.toBe(body.connectionId);
    expect((await negotiate(server, { headers: {}, query: '&apikey=key-1' })).status).toBe(200);
    expect((await negotiate(server, { headers: { Authorization: 'Bearer key-1' } })).status).toBe(200);
    expect((await negotiate(server, { headers: {}, query: '&access_token=key-1' })).status).toBe(200);
  });

  it('can pose behind a proxy that drops the apikey header', async () => {
    const server = await start({ ignoreApiKeyHeader: true });
    expect((await negotiate(server)).status).toBe(401);
    expect((await negotiate(server, { query: '&apikey=key-1' })).status).toBe(200);
  });

  it('answers 503 while down', async () => {
    const server = await start();
    server.setDown(true);
    expect((await negotiate(server)).status).toBe(503);
    server.setDown(false);
    expect((await negotiate(server)).status).toBe(200);
  });
});

describe('WebSocket transport and JSON hub protocol', () => {
  it('answers the handshake with {} and a record separator, then greets the v5 feed', async () => {
    const server = await start();
    const raw = await openRaw(server, { handshake: false });
    // The handshake and a ping in one frame: the server must split on 0x1E.
    raw.socket.send(`${HANDSHAKE}{"type":6}${RS}`);
    await raw.next(invocation('ShokoEvent:OnConnected'));
    expect(raw.frames[0]).toBe(`{}${RS}`);
    expect(raw.records[1]).toEqual({ type: 1, target: 'ShokoEvent:OnConnected', arguments: [null] });
    for (const frame of raw.frames) expect(frame.endsWith(RS)).toBe(true);
    expect(server.clients()).toBe(1);
  });

  it('puts together a handshake split over two frames', async () => {
    const server = await start();
    const raw = await openRaw(server, { handshake: false });
    raw.socket.send('{"protocol":"json",');
    raw.socket.send(`"version":1}${RS}`);
    await raw.next(invocation('ShokoEvent:OnConnected'));
    expect(raw.frames[0]).toBe(`{}${RS}`);
  });

  it('refuses a protocol it does not speak', async () => {
    const server = await start();
    const raw = await openRaw(server, { handshake: false });
    raw.socket.send(`{"protocol":"messagepack","version":1}${RS}`);
    const error = await raw.next((record) => typeof record.error === 'string');
    expect(error.error).toMatch(/messagepack/);
    await raw.closed;
    expect(server.clients()).toBe(0);
  });

  it('refuses an unknown or used connection token', async () => {
    const server = await start();
    await expect(openRaw(server, { token: 'nope' })).rejects.toThrow(/404/);
    const answer = await negotiate(server);
    const { connectionToken } = (await answer.json()) as { connectionToken: string };
    await openRaw(server, { token: connectionToken });
    await expect(openRaw(server, { token: connectionToken })).rejects.toThrow(/404/);
  });

  it('sends v5 file events as ShokoEvent:* invocations with PascalCase payloads', async () => {
    const server = await start();
    const raw = await openRaw(server);
    await raw.next(invocation('ShokoEvent:OnConnected'));
    const file = server.addFile({
      relativePath: 'Frieren/Season 1/Frieren - 01.mkv',
      crossReferences: [
        { anidbAnimeId: 17617, anidbEpisodeId: 271_234, shokoSeriesId: 12, shokoEpisodeId: 340 },
      ],
    });
    expect(server.emitMatched(file)).toBe(1);
    const matched = await raw.next(invocation('ShokoEvent:FileMatched'));
    expect(matched.arguments).toEqual([
      {
        FileID: file.fileId,
        FileLocationID: file.locationId,
        ImportFolderID: 1,
        RelativePath: 'Frieren/Season 1/Frieren - 01.mkv',
        CrossReferences: [
          { EpisodeID: 340, AnidbEpisodeID: 271_234, SeriesID: 12, AnidbAnimeID: 17617, GroupID: 12 },
        ],
      },
    ]);
    server.emitNotMatched(file, { autoMatchAttempts: 3, hasCrossReferences: false, isUdpBanned: true });
    const notMatched = await raw.next(invocation('ShokoEvent:FileNotMatched'));
    expect(notMatched.arguments).toEqual([
      expect.objectContaining({
        FileID: file.fileId,
        AutoMatchAttempts: 3,
        HasCrossReferences: false,
        IsUDPBanned: true,
      }),
    ]);
    server.emitDetected(file);
    const detected = await raw.next(invocation('ShokoEvent:FileDetected'));
    expect(detected.arguments).toEqual([{ RelativePath: file.relativePath, ImportFolderID: 1 }]);
  });

  it('poses as v6: file:* and release:* per feed, ManagedFolderID, no greeting', async () => {
    const server = await start({ version: 'v6' });
    const raw = await openRaw(server, { feeds: 'file,release' });
    const onlyShoko = await openRaw(server, { feeds: 'shoko' });
    await expect.poll(() => server.clients()).toBe(2);
    const file = server.addFile({ relativePath: 'Frieren/Frieren - 02.mkv' });
    expect(server.emitHashed(file)).toBe(1);
    const hashed = await raw.next(invocation('file:hashed'));
    expect(hashed.arguments).toEqual([
      {
        FileID: file.fileId,
        FileLocationID: file.locationId,
        ManagedFolderID: 1,
        RelativePath: 'Frieren/Frieren - 02.mkv',
        CrossReferences: [],
      },
    ]);
    server.emitMatched(file);
    const saved = await raw.next(invocation('release:saved'));
    const release = (
      saved.arguments as Array<{ FileID: number; Release: { CrossReferences: unknown[] } }>
    )[0];
    expect(release?.FileID).toBe(file.fileId);
    expect(release?.Release.CrossReferences).toEqual([
      expect.objectContaining({ AnidbAnimeID: file.crossReferences[0]?.anidbAnimeId }),
    ]);
    server.emitNotMatched(file);
    const search = await raw.next(invocation('release:search.completed'));
    expect(search.arguments).toEqual([expect.objectContaining({ FileID: file.fileId, ReleaseInfo: null })]);
    const targets = (records: unknown[]) =>
      (records as Array<{ type?: number; target?: string }>).filter((r) => r.type === 1).map((r) => r.target);
    expect(targets(raw.records)).toEqual(['file:hashed', 'release:saved', 'release:search.completed']);
    // The handshake answer only: v6 has no `shoko` feed to greet or send to.
    expect(onlyShoko.records).toEqual([{}]);
  });

  it('pings on its interval and closes when the client sends a close message', async () => {
    const server = await start({ pingIntervalMs: 20 });
    const raw = await openRaw(server);
    await raw.next((record) => record.type === 6);
    raw.socket.send(`{"type":7}${RS}`);
    await raw.closed;
    await expect.poll(() => server.clients()).toBe(0);
  });

  it('dropConnections kills the sockets without a close message', async () => {
    const server = await start();
    const raw = await openRaw(server);
    await raw.next(invocation('ShokoEvent:OnConnected'));
    server.dropConnections();
    expect(await raw.closed).toBe(1006);
    await expect.poll(() => server.clients()).toBe(0);
    expect(raw.records.some((record) => (record as { type?: number }).type === 7)).toBe(false);
  });

  it('refuses the upgrade while down', async () => {
    const server = await start();
    const { connectionToken } = (await (await negotiate(server)).json()) as { connectionToken: string };
    server.setDown(true);
    await expect(openRaw(server, { token: connectionToken })).rejects.toThrow(/503/);
  });
});

describe('REST', () => {
  const get = (server: ShokoFake, path: string, key: string | null = server.apiKey) =>
    fetch(`${server.url}${path}`, { headers: key === null ? {} : { apikey: key } });

  it('answers Init/Version without a key, shaped by the version it poses as', async () => {
    const server = await start();
    const v5 = (await (await get(server, '/api/v3/Init/Version', null)).json()) as {
      Server: { Version: string };
    };
    expect(v5.Server).toMatchObject({ Version: '5.3.3.0', ReleaseChannel: 'Stable', Tag: 'v5.3.3' });
    server.setVersion('v6');
    const v6 = (await (await get(server, '/api/v3/Init/Version', null)).json()) as {
      Server: { Version: string };
    };
    expect(v6.Server.Version).toMatch(/^6\./);
  });

  it('checks the key on User/Current', async () => {
    const server = await start();
    expect((await get(server, '/api/v3/User/Current', null)).status).toBe(401);
    expect((await get(server, '/api/v3/User/Current', 'wrong')).status).toBe(401);
    expect((await get(server, '/api/v3/User/Current')).status).toBe(200);
    expect((await get(server, '/api/v3/User/Current?apikey=key-1', null)).status).toBe(200);
  });

  it('finds files by the end of their absolute path, in the query and the route form', async () => {
    const server = await start({ folders: { 1: '/mnt/anime', 2: '/mnt/other' } });
    const file = server.addFile({
      relativePath: 'Frieren/Season 1/Frieren - 01.mkv',
      crossReferences: [{ anidbAnimeId: 17617, anidbEpisodeId: 271_234 }],
    });
    server.addFile({ relativePath: 'Other/Frieren - 01.mkv', folderId: 2 });
    const byQuery = await get(server, '/api/v3/File/PathEndsWith?path=season%201/FRIEREN%20-%2001.mkv');
    const list = (await byQuery.json()) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      ID: file.fileId,
      SeriesIDs: [{ SeriesID: { AniDB: 17617 }, EpisodeIDs: [{ AniDB: 271_234 }] }],
      Locations: [
        { ImportFolderID: 1, RelativePath: 'Frieren/Season 1/Frieren - 01.mkv', IsAccessible: true },
      ],
    });
    const byRoute = await get(
      server,
      `/api/v3/File/PathEndsWith/${encodeURIComponent('anime/Frieren/Season 1/Frieren - 01.mkv')}`,
    );
    expect(((await byRoute.json()) as unknown[]).length).toBe(1);
    const both = (await (
      await get(server, '/api/v3/File/PathEndsWith?path=Frieren%20-%2001.mkv')
    ).json()) as unknown[];
    expect(both).toHaveLength(2);
    const noXRefs = (await (
      await get(server, '/api/v3/File/PathEndsWith?path=Season%201/Frieren%20-%2001.mkv&includeXRefs=false')
    ).json()) as Array<Record<string, unknown>>;
    expect(noXRefs[0]).not.toHaveProperty('SeriesIDs');
    expect((await get(server, '/api/v3/File/PathEndsWith?path=x&limit=101')).status).toBe(400);
    expect((await get(server, '/api/v3/File/PathEndsWith?path=x', null)).status).toBe(401);
  });

  it('gives v6 cross-references only for include=XRefs and names the folder ManagedFolderID', async () => {
    const server = await start({ version: 'v6' });
    const file = server.addFile({ relativePath: 'A/a.mkv', matched: true });
    const plain = (await (await get(server, `/api/v3/File/${file.fileId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(plain).not.toHaveProperty('SeriesIDs');
    expect(plain.Locations).toEqual([
      expect.objectContaining({ ManagedFolderID: 1, RelativePath: 'A/a.mkv' }),
    ]);
    const withXRefs = (await (await get(server, `/api/v3/File/${file.fileId}?include=XRefs`)).json()) as {
      SeriesIDs: unknown[];
    };
    expect(withXRefs.SeriesIDs).toHaveLength(1);
    expect((await get(server, '/api/v3/File/999')).status).toBe(404);
  });

  it('logs in: the same user and device get the same key, which then works', async () => {
    const server = await start({ users: [{ user: 'admin', pass: 'pw' }] });
    const login = (body: unknown) =>
      fetch(`${server.url}/api/auth`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = (await (await login({ user: 'admin', pass: 'pw', device: 'tracker' })).json()) as {
      apikey: string;
    };
    const again = (await (await login({ user: 'admin', pass: 'pw', device: 'tracker' })).json()) as {
      apikey: string;
    };
    expect(again.apikey).toBe(first.apikey);
    expect((await get(server, '/api/v3/User/Current', first.apikey)).status).toBe(200);
    expect((await login({ user: 'admin', pass: 'nope', device: 'tracker' })).status).toBe(401);
    expect((await login({ user: 'admin', pass: 'pw' })).status).toBe(400);
  });
});
