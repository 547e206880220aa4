import { afterEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { type ShokoFake, type ShokoFakeOptions, startShokoFake } from './shoko.fake.js';
import {
  createShokoEvents,
  notMatchedReason,
  pathTailMatches,
  releaseSearchFailedReason,
  type ShokoEvents,
  type ShokoFileEvent,
  type ShokoStateChange,
  shokoHubUrl,
} from './shoko-events.js';

let fake: ShokoFake | null = null;
const running: ShokoEvents[] = [];

afterEach(async () => {
  for (const events of running.splice(0)) await events.stop();
  await fake?.close();
  fake = null;
});

async function start(options: ShokoFakeOptions = {}): Promise<ShokoFake> {
  fake = await startShokoFake({ apiKey: 'key-1', ...options });
  return fake;
}

function listen(server: ShokoFake, { apiKey = server.apiKey }: { apiKey?: string } = {}) {
  const events: ShokoFileEvent[] = [];
  const states: ShokoStateChange[] = [];
  const logged: string[] = [];
  const shoko = createShokoEvents({
    url: server.url,
    apiKey,
    onEvent: (event) => {
      events.push(event);
    },
    onState: (change) => states.push(change),
    backoffMs: [20, 40],
    resilience: TEST_RESILIENCE,
    log: (message) => logged.push(message),
  });
  running.push(shoko);
  shoko.start();
  return { shoko, events, states, logged };
}

const negotiations = (server: ShokoFake) =>
  server.calls.filter((call) => call.startsWith('POST /signalr/aggregate/negotiate'));

/** One query parameter of a logged call (`METHOD /path?query`). */
const param = (call: string | undefined, name: string) =>
  new URL(call?.split(' ')[1] ?? '/', 'http://x').searchParams.get(name);

describe('v5 naming (ShokoEvent:*)', () => {
  it('connects through negotiate and WebSockets and normalises file events', async () => {
    const server = await start();
    const { shoko, events, states } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    expect(states).toEqual([{ state: 'connected', naming: 'v5' }]);
    expect(server.clients()).toBe(1);
    expect(param(negotiations(server)[0], 'feeds')).toBe('shoko');
    expect(server.calls.some((call) => call.startsWith('UPGRADE /signalr/aggregate'))).toBe(true);

    const file = server.addFile({ relativePath: 'Frieren/Season 01/Frieren - S01E01.mkv' });
    server.emitDetected(file);
    server.emitHashed(file);
    server.emitNotMatched(file, { autoMatchAttempts: 3 });
    const linked = server.addFile({
      relativePath: 'Frieren/Season 01/Frieren - S01E02.mkv',
      crossReferences: [
        { anidbAnimeId: 17617, anidbEpisodeId: 271_235, shokoSeriesId: 12, shokoEpisodeId: 341 },
      ],
    });
    server.emitMatched(linked);
    await expect.poll(() => events.length).toBe(4);

    expect(events.map((event) => event.kind)).toEqual(['detected', 'hashed', 'not_matched', 'matched']);
    expect(events[0]).toEqual({
      kind: 'detected',
      relativePath: 'Frieren/Season 01/Frieren - S01E01.mkv',
      folderId: 1,
      crossReferences: [],
      source: 'ShokoEvent:FileDetected',
    });
    expect(events[2]).toMatchObject({
      fileId: file.fileId,
      reason: 'Shoko could not match the file on AniDB after 3 attempts',
    });
    expect(events[3]).toEqual({
      kind: 'matched',
      relativePath: 'Frieren/Season 01/Frieren - S01E02.mkv',
      folderId: 1,
      fileId: linked.fileId,
      crossReferences: [
        { shokoSeriesId: 12, shokoEpisodeId: 341, anidbAnimeId: 17617, anidbEpisodeId: 271_235 },
      ],
      source: 'ShokoEvent:FileMatched',
    });
  });

  it('explains a UDP ban', async () => {
    const server = await start();
    const { shoko, events } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    server.emitNotMatched(server.addFile({ relativePath: 'A/a.mkv' }), {
      autoMatchAttempts: 1,
      isUdpBanned: true,
    });
    await expect.poll(() => events[0]?.reason).toMatch(/^AniDB UDP ban/);
  });

  it('skips a payload it cannot read and goes on', async () => {
    const server = await start();
    const { shoko, events, logged } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    server.emit({ feed: 'shoko', target: 'ShokoEvent:FileMatched', payload: { FileID: 'seven' } });
    server.emitMatched(server.addFile({ relativePath: 'A/a.mkv' }));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]?.kind).toBe('matched');
    expect(logged.join('\n')).toMatch(/unreadable ShokoEvent:FileMatched/);
  });
});

describe('v6 naming (file:*, release:*)', () => {
  it('subscribes to the file and release feeds and reads matched from release:saved', async () => {
    const server = await start({ version: 'v6' });
    const { shoko, events, states } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    expect(states).toEqual([{ state: 'connected', naming: 'v6' }]);
    expect(param(negotiations(server)[0], 'feeds')).toBe('file,release');

    // No file:hashed seen: the path comes from GET /api/v3/File/{id}.
    const unseen = server.addFile({
      relativePath: 'Frieren/Frieren - 01.mkv',
      crossReferences: [
        { anidbAnimeId: 17617, anidbEpisodeId: 271_234, shokoSeriesId: 12, shokoEpisodeId: 340 },
      ],
    });
    server.emitMatched(unseen);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toEqual({
      kind: 'matched',
      relativePath: 'Frieren/Frieren - 01.mkv',
      folderId: 1,
      fileId: unseen.fileId,
      crossReferences: [
        { shokoSeriesId: 12, shokoEpisodeId: 340, anidbAnimeId: 17617, anidbEpisodeId: 271_234 },
      ],
      source: 'release:saved',
    });
    expect(server.calls.some((call) => call.startsWith(`GET /api/v3/File/${unseen.fileId}?`))).toBe(true);

    // Seen hashed first: the remembered location is used, no look-up.
    const hashed = server.addFile({ relativePath: 'Frieren/Frieren - 02.mkv' });
    server.emitHashed(hashed);
    server.emitNotMatched(hashed, { isUdpBanned: true });
    await expect.poll(() => events.length).toBe(3);
    expect(events[1]).toMatchObject({ kind: 'hashed', fileId: hashed.fileId, source: 'file:hashed' });
    expect(events[2]).toMatchObject({
      kind: 'not_matched',
      relativePath: 'Frieren/Frieren - 02.mkv',
      fileId: hashed.fileId,
      source: 'release:search.completed',
      reason: expect.stringMatching(/^AniDB UDP ban/),
    });
    expect(server.calls.some((call) => call.startsWith(`GET /api/v3/File/${hashed.fileId}?`))).toBe(false);
  });

  it('reads file:relocated as moved or renamed, and file:deleted', async () => {
    const server = await start({ version: 'v6' });
    const { shoko, events } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    const file = server.addFile({ relativePath: 'A/new name.mkv' });
    const relocated = (flags: { Moved: boolean; Renamed: boolean }) => ({
      FileID: file.fileId,
      FileLocationID: file.locationId,
      ManagedFolderID: 2,
      RelativePath: 'A/new name.mkv',
      CrossReferences: [],
      PreviousRelativePath: 'A/old name.mkv',
      PreviousManagedFolderID: 2,
      ...flags,
    });
    server.emit({
      feed: 'file',
      target: 'file:relocated',
      payload: relocated({ Moved: false, Renamed: true }),
    });
    server.emit({
      feed: 'file',
      target: 'file:relocated',
      payload: relocated({ Moved: true, Renamed: true }),
    });
    server.emitDeleted(file);
    await expect.poll(() => events.length).toBe(3);
    expect(events.map((event) => [event.kind, event.folderId, event.previousRelativePath])).toEqual([
      ['renamed', 2, 'A/old name.mkv'],
      ['moved', 2, 'A/old name.mkv'],
      ['deleted', 1, undefined],
    ]);
  });

  it('switches naming when Shoko comes back as another version', async () => {
    const server = await start();
    const { shoko, events, states } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    server.setVersion('v6');
    server.dropConnections();
    await expect.poll(() => states.length).toBe(3);
    expect(states.map((change) => [change.state, change.naming])).toEqual([
      ['connected', 'v5'],
      ['reconnecting', 'v5'],
      ['connected', 'v6'],
    ]);
    server.emitMatched(server.addFile({ relativePath: 'B/b.mkv' }));
    await expect.poll(() => events[0]?.source).toBe('release:saved');
  });
});

describe('connection lifecycle', () => {
  it('reconnects after the sockets are killed and reports reconnecting then connected', async () => {
    const server = await start();
    const { shoko, events, states } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    server.dropConnections();
    await expect
      .poll(() => states.map((change) => change.state))
      .toEqual(['connected', 'reconnecting', 'connected']);
    expect(states[1]?.error).toEqual(expect.any(String));
    expect(server.clients()).toBe(1);
    expect(negotiations(server)).toHaveLength(2);
    server.emitMatched(server.addFile({ relativePath: 'A/a.mkv' }));
    await expect.poll(() => events.length).toBe(1);
  });

  it('retries a first connection that fails', async () => {
    const server = await start();
    server.setDown(true);
    const { shoko, states } = listen(server);
    await expect.poll(() => negotiations(server).length).toBeGreaterThanOrEqual(3);
    expect(shoko.state()).toBe('reconnecting');
    server.setDown(false);
    await expect.poll(() => shoko.state()).toBe('connected');
    expect(states.map((change) => change.state)).toEqual(['reconnecting', 'connected']);
    expect(states[0]?.error).toMatch(/503/);
  });

  it('retries while Shoko does not answer at all', async () => {
    const server = await start();
    const url = server.url;
    await server.close();
    fake = null;
    const states: ShokoStateChange[] = [];
    const shoko = createShokoEvents({
      url,
      apiKey: 'key-1',
      onEvent: () => {},
      onState: (change) => states.push(change),
      backoffMs: [20],
      resilience: TEST_RESILIENCE,
    });
    running.push(shoko);
    shoko.start();
    await expect.poll(() => states[0]?.state).toBe('reconnecting');
    expect(states[0]?.error).toMatch(/cannot reach/);
    expect(states[0]?.naming).toBeNull();
  });

  it('stops retrying when Shoko refuses the key', async () => {
    const server = await start();
    const { shoko, states } = listen(server, { apiKey: 'wrong' });
    await expect.poll(() => states.length).toBe(1);
    expect(states[0]).toEqual({
      state: 'disconnected',
      naming: 'v5',
      error: 'Shoko refused the API key',
      unauthorized: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(negotiations(server)).toHaveLength(1);
    expect(shoko.state()).toBe('disconnected');
  });

  it('sends the key in the query too, for hops that drop the header', async () => {
    const server = await start({ ignoreApiKeyHeader: true });
    const { shoko } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    expect(param(negotiations(server)[0], 'apikey')).toBe('key-1');
  });

  it('stop() closes the connection and cancels retries', async () => {
    const server = await start();
    const { shoko, states } = listen(server);
    await expect.poll(() => shoko.state()).toBe('connected');
    await shoko.stop();
    expect(shoko.state()).toBe('disconnected');
    await expect.poll(() => server.clients()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(negotiations(server)).toHaveLength(1);
    expect(states.map((change) => change.state)).toEqual(['connected', 'disconnected']);
  });
});

describe('pathTailMatches', () => {
  const matches = (shokoRelativePath: string, importedPath: string) =>
    pathTailMatches({ shokoRelativePath, importedPath });

  it('compares the file name, its folder and the one above, whatever the mount root', () => {
    expect(matches('Frieren/Season 01/e01.mkv', '/tv/anime/Frieren/Season 01/e01.mkv')).toBe(true);
    expect(matches('anime/Frieren/Season 01/e01.mkv', '/data/Frieren/Season 01/e01.mkv')).toBe(true);
    expect(matches('Other/Season 01/e01.mkv', '/tv/Frieren/Season 01/e01.mkv')).toBe(false);
    expect(matches('Frieren/Season 02/e01.mkv', '/tv/Frieren/Season 01/e01.mkv')).toBe(false);
  });

  it('reads backslashes as separators on either side', () => {
    expect(matches('Frieren\\Season 01\\e01.mkv', '/tv/Frieren/Season 01/e01.mkv')).toBe(true);
    expect(matches('Frieren/Season 01/e01.mkv', 'D:\\TV\\Frieren\\Season 01\\e01.mkv')).toBe(true);
  });

  it('is case-sensitive', () => {
    expect(matches('frieren/Season 01/e01.mkv', '/tv/Frieren/Season 01/e01.mkv')).toBe(false);
    expect(matches('Frieren/Season 01/E01.mkv', '/tv/Frieren/Season 01/e01.mkv')).toBe(false);
  });

  it('compares as many segments as the shorter path has', () => {
    expect(matches('e01.mkv', '/tv/Frieren/e01.mkv')).toBe(true);
    expect(matches('Frieren/e01.mkv', '/tv/Frieren/e01.mkv')).toBe(true);
    expect(matches('Other/e01.mkv', '/tv/Frieren/e01.mkv')).toBe(false);
    expect(matches('e02.mkv', '/tv/Frieren/e01.mkv')).toBe(false);
  });

  it('ignores empty and dot segments and refuses empty paths', () => {
    expect(matches('/Frieren/./Season 01//e01.mkv', '/tv//Frieren/Season 01/e01.mkv/')).toBe(true);
    expect(matches('', '/tv/e01.mkv')).toBe(false);
    expect(matches('e01.mkv', '')).toBe(false);
  });
});

describe('reasons and hub URL', () => {
  it('words v5 FileNotMatched for a user', () => {
    expect(notMatchedReason({ autoMatchAttempts: 1 })).toBe(
      'Shoko could not match the file on AniDB after 1 attempt',
    );
    expect(notMatchedReason({ autoMatchAttempts: 0 })).toBe('Shoko could not match the file on AniDB');
    expect(notMatchedReason({ autoMatchAttempts: 5, isUdpBanned: true })).toMatch(
      /^AniDB UDP ban: matching paused/,
    );
    expect(notMatchedReason({ autoMatchAttempts: 2, hasCrossReferences: true })).toMatch(
      /keeps the episode links/,
    );
  });

  it('words a v6 release search that found nothing', () => {
    expect(releaseSearchFailedReason({ attemptedProviders: ['a', 'b'] })).toBe(
      'Shoko could not match the file: none of its 2 release providers knew it',
    );
    expect(releaseSearchFailedReason({ attemptedProviders: [] })).toMatch(/no release provider enabled/);
    expect(releaseSearchFailedReason({ exceptionMessage: 'timeout' })).toBe(
      "Shoko's release search failed: timeout",
    );
  });

  it('puts the feeds and the key in the hub URL', () => {
    expect(shokoHubUrl({ url: 'http://shoko:8111/', apiKey: 'a b', naming: 'v5' })).toBe(
      'http://shoko:8111/signalr/aggregate?feeds=shoko&apikey=a%20b',
    );
    expect(shokoHubUrl({ url: 'http://shoko:8111', apiKey: 'k', naming: 'v6' })).toBe(
      'http://shoko:8111/signalr/aggregate?feeds=file,release&apikey=k',
    );
  });
});
