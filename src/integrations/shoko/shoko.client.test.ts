import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { integrationFailure as failure } from '../shared/integration-error.test-utils.js';
import {
  createShokoClient,
  loginToShoko,
  pathTail,
  SHOKO_DEVICE_NAME,
  shokoNamingFor,
} from './shoko.client.js';
import { type ShokoFake, type ShokoFakeOptions, startShokoFake } from './shoko.fake.js';

let fake: ShokoFake | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function start(options: ShokoFakeOptions = {}): Promise<ShokoFake> {
  fake = await startShokoFake({ apiKey: 'key-1', ...options });
  return fake;
}

const connect = (server: ShokoFake, apiKey = server.apiKey) =>
  createShokoClient({ url: server.url, apiKey, resilience: TEST_RESILIENCE });

describe('connection test and version', () => {
  it('returns the server version with a good key', async () => {
    const server = await start();
    const client = connect(server);
    expect(await client.testConnection()).toEqual({ version: '5.3.3.0' });
    expect(client.status().lastSuccessAt).not.toBeNull();
  });

  it('says unauthorized for a wrong key although Init/Version needs none', async () => {
    const server = await start();
    const error = await failure(connect(server, 'wrong').testConnection());
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
  });

  it('says unreachable when nothing listens', async () => {
    const port = await freePort();
    const client = createShokoClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      resilience: TEST_RESILIENCE,
    });
    expect((await failure(client.testConnection())).kind).toBe('unreachable');
  });

  it('picks v5 or v6 event naming from Init/Version', async () => {
    const server = await start();
    expect(await connect(server).version()).toEqual({
      version: '5.3.3.0',
      major: 5,
      naming: 'v5',
      releaseChannel: 'Stable',
      commit: expect.any(String),
    });
    server.setVersion('v6');
    expect(await connect(server).version()).toMatchObject({ major: 6, naming: 'v6', releaseChannel: 'Dev' });
  });

  it('reads the major version of every form Shoko has used', () => {
    expect(shokoNamingFor('4.2.2.0')).toBe('v5');
    expect(shokoNamingFor('5.1.0.0')).toBe('v5');
    expect(shokoNamingFor('6.0.0-dev.12')).toBe('v6');
    expect(shokoNamingFor('v6.1.0')).toBe('v6');
    expect(shokoNamingFor('10.0.0')).toBe('v6');
    expect(shokoNamingFor(null)).toBe('v5');
    expect(shokoNamingFor('unknown')).toBe('v5');
  });
});

describe('login', () => {
  it('trades user and password for a key that works, the same key on every login', async () => {
    const server = await start({ users: [{ user: 'admin', pass: 'pw' }] });
    const first = await loginToShoko({
      url: server.url,
      user: 'admin',
      pass: 'pw',
      resilience: TEST_RESILIENCE,
    });
    const again = await loginToShoko({
      url: server.url,
      user: 'admin',
      pass: 'pw',
      resilience: TEST_RESILIENCE,
    });
    expect(again.apiKey).toBe(first.apiKey);
    expect(first.apiKey).not.toBe(server.apiKey);
    expect(await connect(server, first.apiKey).testConnection()).toEqual({ version: '5.3.3.0' });
    const body = server.calls.filter((call) => call.startsWith('POST /api/auth'));
    expect(body).toHaveLength(2);
    expect(SHOKO_DEVICE_NAME).toBe('status-tracker');
  });

  it('says unauthorized for a wrong password', async () => {
    const server = await start({ users: [{ user: 'admin', pass: 'pw' }] });
    const error = await failure(
      loginToShoko({ url: server.url, user: 'admin', pass: 'bad', resilience: TEST_RESILIENCE }),
    );
    expect(error.kind).toBe('unauthorized');
  });
});

describe('finding files by path (the REST catch-up)', () => {
  it('asks PathEndsWith for the tail of the imported path and normalises the answer', async () => {
    const server = await start();
    const file = server.addFile({
      relativePath: 'Frieren/Season 01/Frieren - S01E01.mkv',
      crossReferences: [
        { anidbAnimeId: 17617, anidbEpisodeId: 271_234, shokoSeriesId: 12, shokoEpisodeId: 340 },
      ],
    });
    const found = await connect(server).findFilesByPath('/tv/anime/Frieren/Season 01/Frieren - S01E01.mkv');
    expect(found).toEqual([
      {
        fileId: file.fileId,
        relativePaths: ['Frieren/Season 01/Frieren - S01E01.mkv'],
        locations: [{ folderId: 1, relativePath: 'Frieren/Season 01/Frieren - S01E01.mkv' }],
        matched: true,
        crossReferences: [
          { shokoSeriesId: 12, anidbAnimeId: 17617, shokoEpisodeId: 340, anidbEpisodeId: 271_234 },
        ],
      },
    ]);
    const call = server.calls.find((entry) => entry.includes('PathEndsWith'));
    const query = new URL(`http://x${call?.slice('GET '.length)}`).searchParams;
    expect(query.get('path')).toBe('Season 01/Frieren - S01E01.mkv');
    expect(query.get('includeXRefs')).toBe('true');
    expect(query.get('include')).toBe('XRefs');
  });

  it('reports a file Shoko has not matched as such', async () => {
    const server = await start({ version: 'v6' });
    server.addFile({ relativePath: 'Unknown/Unknown - 01.mkv', folderId: 1 });
    const [file] = await connect(server).findFilesByPath('/data/Unknown/Unknown - 01.mkv');
    expect(file).toMatchObject({ matched: false, crossReferences: [], locations: [{ folderId: 1 }] });
  });

  it('drops what Shoko matched case-insensitively or by a shorter tail', async () => {
    const server = await start();
    server.addFile({ relativePath: 'frieren/season 01/frieren - s01e01.mkv' });
    server.addFile({ relativePath: 'Other Show/Season 01/Frieren - S01E01.mkv' });
    const found = await connect(server).findFilesByPath('/tv/Frieren/Season 01/Frieren - S01E01.mkv');
    expect(found).toEqual([]);
    expect(server.calls.filter((call) => call.includes('PathEndsWith'))).toHaveLength(1);
  });

  it('matches a Windows Shoko whose relative paths use backslashes', async () => {
    const server = await start({ folders: { 3: 'D:\\Anime' } });
    const file = server.addFile({ relativePath: 'Frieren\\Season 01\\Frieren - S01E01.mkv', folderId: 3 });
    const found = await connect(server).findFilesByPath('/tv/Frieren/Season 01/Frieren - S01E01.mkv');
    expect(found.map((entry) => entry.fileId)).toEqual([file.fileId]);
  });

  it('needs the key', async () => {
    const server = await start();
    expect((await failure(connect(server, 'wrong').findFilesByPath('/a/b.mkv'))).kind).toBe('unauthorized');
  });

  it('builds tails from either separator', () => {
    expect(pathTail({ path: 'C:\\tv\\Show\\Season 1\\e.mkv', segments: 2 })).toBe('Season 1/e.mkv');
    expect(pathTail({ path: '/e.mkv', segments: 2 })).toBe('e.mkv');
    expect(pathTail({ path: '/', segments: 2 })).toBe('');
  });
});

describe('one file by id', () => {
  it('returns the file with its cross-references, or null when Shoko does not know it', async () => {
    const server = await start({ version: 'v6' });
    const file = server.addFile({
      relativePath: 'A/a.mkv',
      crossReferences: [{ anidbAnimeId: 1, anidbEpisodeId: 2 }],
    });
    const client = connect(server);
    expect(await client.getFile(file.fileId)).toMatchObject({
      fileId: file.fileId,
      matched: true,
      crossReferences: [{ anidbAnimeId: 1, anidbEpisodeId: 2, shokoSeriesId: expect.any(Number) }],
      locations: [{ folderId: 1, relativePath: 'A/a.mkv' }],
    });
    expect(await client.getFile(4242)).toBeNull();
  });
});

describe('commands', () => {
  it('asks for a file to be rescanned first in the queue, and says so when Shoko no longer has it', async () => {
    const server = await start();
    const file = server.addFile({ relativePath: 'Frieren/Frieren - 01.mkv', matched: false });
    const client = connect(server);
    await client.rescanFile(file.fileId);
    expect(server.calls.at(-1)).toBe(`POST /api/v3/File/${file.fileId}/Rescan?priority=true`);
    const error = await failure(client.rescanFile(9_999));
    expect(error).toMatchObject({ kind: 'bad_response', status: 404 });
  });

  it('kicks the importer with a GET, and refuses a wrong key', async () => {
    const server = await start();
    await connect(server).runImport();
    expect(server.calls.at(-1)).toBe('GET /api/v3/Action/RunImport');
    expect((await failure(connect(server, 'wrong').runImport())).kind).toBe('unauthorized');
  });
});
