import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import { integrationFailure as failure } from '../shared/integration-error.test-utils.js';
import {
  createJellyfinClient,
  createJellyfinLibrary,
  type JellyfinClient,
  type JellyfinLibraryOptions,
  normaliseTitle,
  pathEndsWith,
  searchTermsFor,
} from './jellyfin.client.js';
import {
  type JellyfinApiFake,
  type JellyfinApiFakeOptions,
  startJellyfinApiFake,
} from './jellyfin-api.fake.js';

let fake: JellyfinApiFake;
let clock: number;

async function start(options: JellyfinApiFakeOptions = {}): Promise<void> {
  fake = await startJellyfinApiFake({ now: () => new Date(clock), ...options });
}

beforeEach(async () => {
  clock = Date.parse('2026-03-01T12:00:00Z');
  await start();
});
afterEach(async () => {
  await fake.close();
});

function connect(apiKey = fake.apiKey, url = fake.url): JellyfinClient {
  return createJellyfinClient({ url, apiKey, resilience: TEST_RESILIENCE });
}

const itemCalls = () => fake.calls.filter((call) => call.path.startsWith('/Items'));
const dashed = (id: string) =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`.toUpperCase();

describe('helpers', () => {
  it('searches the first run of words without diacritics, and the longest word as a fallback', () => {
    expect(searchTermsFor('Spider-Man: No Way Home')).toEqual({ core: 'spider', keyword: 'spider' });
    expect(searchTermsFor('Amélie (2001)')).toEqual({ core: 'amelie', keyword: 'amelie' });
    expect(searchTermsFor("Marvel's The Punisher")).toEqual({ core: 'marvel', keyword: 'punisher' });
    expect(searchTermsFor('Demon Slayer: Kimetsu no Yaiba')).toEqual({
      core: 'demon slayer',
      keyword: 'kimetsu',
    });
    expect(searchTermsFor('I, Robot').core).toBe('robot');
    expect(searchTermsFor('The Office (US)').core).toBe('office');
  });

  it('normalises titles for equality', () => {
    expect(normaliseTitle('The Lord of the Rings: The Two Towers (2002)')).toBe(
      'lord of the rings the two towers',
    );
    expect(normaliseTitle('Frieren – Beyond Journey’s End')).toBe(
      normaliseTitle("Frieren - Beyond Journey's End"),
    );
    expect(normaliseTitle('Law & Order')).toBe(normaliseTitle('Law and Order'));
  });

  it('compares path ends segment by segment, with either separator', () => {
    const path = '/media/tv/Frieren (2023)/Season 01/Frieren - S01E01.mkv';
    expect(pathEndsWith({ path, suffix: 'Season 01/Frieren - S01E01.mkv' })).toBe(true);
    expect(pathEndsWith({ path, suffix: 'Frieren (2023)\\Season 01\\Frieren - S01E01.mkv' })).toBe(true);
    expect(pathEndsWith({ path, suffix: 'n 01/Frieren - S01E01.mkv' })).toBe(false);
    expect(pathEndsWith({ path, suffix: 'season 01/Frieren - S01E01.mkv' })).toBe(false);
  });
});

describe('connection', () => {
  it('returns the version, with the MediaBrowser header that still works without legacy auth', async () => {
    await fake.close();
    await start({ legacyAuthorization: false, version: '10.11.6' });
    await expect(connect().testConnection()).resolves.toEqual({ version: '10.11.6' });
  });

  it('says unauthorized for a wrong key, on every call', async () => {
    const client = connect('wrong');
    expect((await failure(client.testConnection())).kind).toBe('unauthorized');
    expect((await failure(client.findMovie({ tmdbId: 1, title: 'x' }))).kind).toBe('unauthorized');
    expect((await failure(client.episodes({ seriesId: 'a'.repeat(32) }))).kind).toBe('unauthorized');
    expect((await failure(client.notifyMediaUpdated({ paths: ['/x'] }))).kind).toBe('unauthorized');
  });

  it('reports a 503 as a bad response and a closed port as unreachable', async () => {
    const client = connect();
    await fake.setDown(true);
    expect(await failure(client.testConnection())).toMatchObject({ kind: 'bad_response', status: 503 });
    await fake.setDown(true, 'refuse');
    await client.testConnection().catch(() => undefined);
    expect((await failure(client.testConnection())).kind).toBe('unreachable');
    await fake.setDown(false);
    await expect(client.testConnection()).resolves.toEqual({ version: '10.11.6' });
  });
});

describe('signing people in', () => {
  const device = { deviceId: 'd'.repeat(32), appVersion: '0.1.0' };
  const signIn = (username: string, password: string, client = connect()) =>
    client.authenticateByName({ username, password, ...device });

  beforeEach(() => {
    fake.addUser({ name: 'Alice', password: 'alice-password', isAdmin: true });
    fake.addUser({ name: 'bob', password: 'bob-password' });
    fake.addUser({ name: 'kid', password: '' });
    fake.addUser({ name: 'gone', password: 'gone-password', disabled: true });
  });

  it('returns the user as Jellyfin spells it, with the admin flag, asking as a client and not with the key', async () => {
    const alice = await signIn('alice', 'alice-password');
    expect(alice).toMatchObject({
      name: 'Alice',
      userId: expect.stringMatching(/^[0-9a-f]{32}$/),
      isAdministrator: true,
      accessToken: expect.any(String),
      serverId: fake.serverId,
    });
    expect(await signIn('bob', 'bob-password')).toMatchObject({ name: 'bob', isAdministrator: false });
    const call = fake.calls.find((c) => c.path === '/Users/AuthenticateByName');
    expect(call?.body).toEqual({ Username: 'alice', Pw: 'alice-password' });
    expect(fake.sessions()[0]).toMatchObject({
      userName: 'Alice',
      client: 'Status Tracker',
      device: 'Status Tracker',
      deviceId: device.deviceId,
      version: '0.1.0',
    });
  });

  it('answers null for a wrong password, an unknown user or a disabled account, and lets a user without a password in', async () => {
    expect(await signIn('bob', 'wrong')).toBeNull();
    expect(await signIn('nobody', 'bob-password')).toBeNull();
    expect(await signIn('gone', 'gone-password')).toBeNull();
    expect(await signIn('kid', '')).toMatchObject({ name: 'kid' });
    // A refused password is Jellyfin answering: no failure on the health page.
    expect(connect().status().lastError).toBeNull();
  });

  it('works without the API key, as Jellyfin does not need one to sign someone in', async () => {
    expect(await signIn('bob', 'bob-password', connect('not-the-key'))).toMatchObject({ name: 'bob' });
  });

  it('ends the Jellyfin session with logout', async () => {
    const client = connect();
    const bob = await signIn('bob', 'bob-password', client);
    expect(fake.sessions()).toHaveLength(1);
    await client.logout({ accessToken: bob!.accessToken, ...device });
    expect(fake.sessions()).toEqual([]);
    expect((await failure(client.logout({ accessToken: bob!.accessToken, ...device }))).kind).toBe(
      'unauthorized',
    );
  });

  it('tells a Jellyfin that cannot be asked apart from a refused password', async () => {
    const client = connect();
    await fake.setDown(true);
    expect(await failure(signIn('bob', 'bob-password', client))).toMatchObject({
      kind: 'bad_response',
      status: 503,
    });
    await fake.setDown(true, 'refuse');
    expect((await failure(signIn('bob', 'bob-password', client))).kind).toBe('unreachable');
    await fake.setDown(false);
    expect(await signIn('bob', 'bob-password', client)).toMatchObject({ name: 'bob' });
  });

  it('rejects a 400 and an answer that is not an AuthenticationResult as bad responses', async () => {
    const answers = [
      { status: 400, body: 'Error processing request.' },
      { status: 200, body: JSON.stringify({ User: { Id: 'x', Name: 'bob' }, AccessToken: 't' }) },
      { status: 200, body: '<html>login</html>' },
    ];
    let next = 0;
    const odd: Server = createServer((_req, res) => {
      const answer = answers[next++]!;
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const address = odd.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const client = connect('key', `http://127.0.0.1:${port}`);
      for (const status of [400, 200, 200]) {
        expect(await failure(signIn('bob', 'pw', client))).toMatchObject({ kind: 'bad_response', status });
      }
    } finally {
      odd.closeAllConnections();
      await new Promise((resolve) => odd.close(resolve));
    }
  });
});

describe('search lookups', () => {
  it('finds the movie whose ProviderIds match, among others with the same title', async () => {
    fake.addMovie({ name: 'Dune', year: 1984, tmdbId: 841, imdbId: 'tt0087182' });
    const dune = fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631, imdbId: 'tt1160419' });
    const client = connect();
    await expect(client.findMovie({ tmdbId: 438631, title: 'Dune', year: 2021 })).resolves.toMatchObject({
      id: dune.id,
      type: 'Movie',
      tmdbId: 438631,
      imdbId: 'tt1160419',
      providerIds: { Tmdb: '438631', Imdb: 'tt1160419' },
      path: '/media/movies/Dune (2021)/Dune (2021).mkv',
      playable: true,
    });
    await expect(client.findMovie({ imdbId: 'TT1160419', title: 'Dune' })).resolves.toMatchObject({
      id: dune.id,
    });
    await expect(client.findMovie({ tmdbId: 999, title: 'Dune', year: 2021 })).resolves.toBeNull();
    const first = itemCalls()[0]?.path ?? '';
    expect(first).toContain('searchTerm=dune');
    expect(first).toContain('hasTmdbId=true');
    expect(first).toContain('years=2020%2C2021%2C2022');
    expect(first).toContain('fields=ProviderIds%2CPath');
  });

  it('does not take a movie whose other id contradicts (edge case 65)', async () => {
    fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631, imdbId: 'tt0000001' });
    await expect(
      connect().findMovie({ tmdbId: 438631, imdbId: 'tt1160419', title: 'Dune' }),
    ).resolves.toBeNull();
  });

  it('survives titles that differ between services, in both search flavours', async () => {
    for (const cleanNames of ['punctuation-as-space', 'punctuation-kept'] as const) {
      await fake.close();
      await start({ cleanNames });
      const spider = fake.addMovie({ name: 'Spider-Man: No Way Home', year: 2021, tmdbId: 634649 });
      const amelie = fake.addMovie({ name: 'Amélie', year: 2001, tmdbId: 194 });
      const punisher = fake.addSeries({ name: 'The Punisher', year: 2017, tvdbId: 331980 });
      const slayer = fake.addSeries({ name: 'Kimetsu no Yaiba', year: 2019, tvdbId: 348545 });
      const client = connect();
      expect(
        (await client.findMovie({ tmdbId: 634649, title: 'Spider-Man - No Way Home', year: 2021 }))?.id,
      ).toBe(spider.id);
      expect((await client.findMovie({ tmdbId: 194, title: 'Amelie', year: 2001 }))?.id).toBe(amelie.id);
      // Jellyfin's production year may be a year off TMDB's release year.
      expect((await client.findMovie({ tmdbId: 194, title: 'Amélie', year: 2002 }))?.id).toBe(amelie.id);
      expect(
        (await client.findSeries({ tvdbId: 331980, title: "Marvel's The Punisher", year: 2017 }))?.id,
      ).toBe(punisher.id);
      expect((await client.findSeries({ tvdbId: 348545, title: 'Demon Slayer: Kimetsu no Yaiba' }))?.id).toBe(
        slayer.id,
      );
    }
  });

  it('spends at most two searches on a title that is not there', async () => {
    fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const client = connect();
    fake.clearCalls();
    await expect(
      client.findMovie({ tmdbId: 1, title: 'The Silent Orchard: Returns', year: 2020 }),
    ).resolves.toBeNull();
    expect(fake.calls.map((call) => new URL(call.path, fake.url).searchParams.get('searchTerm'))).toEqual([
      'silent orchard',
      'orchard',
    ]);
  });

  it('finds a series by TVDB id, or by TMDB id when the request has no TVDB id', async () => {
    const office = fake.addSeries({ name: 'The Office', year: 2005, tvdbId: 73244, tmdbId: 2316 });
    fake.addSeries({ name: 'The Office', year: 2001, tvdbId: 78107, tmdbId: 2996 });
    const client = connect();
    expect((await client.findSeries({ tvdbId: 73244, title: 'The Office (US)', year: 2005 }))?.id).toBe(
      office.id,
    );
    expect((await client.findSeries({ tmdbId: 2316, title: 'The Office' }))?.id).toBe(office.id);
    expect(itemCalls().at(-1)?.path).toContain('hasTmdbId=true');
    expect(await client.findSeries({ title: 'The Office' })).toBeNull();
  });

  it('finds Shokofin items without Tmdb/Tvdb ids by title, with alternative titles and year ±1', async () => {
    const frieren = fake.addSeries({
      name: 'Sousou no Frieren',
      originalTitle: '葬送のフリーレン',
      year: 2023,
      shoko: { seriesId: 4242 },
    });
    fake.addMovie({ name: 'Dune: Part Two', year: 2024, tmdbId: 693134 });
    const client = connect();
    await expect(
      client.findByTitle({
        type: 'series',
        title: "Frieren: Beyond Journey's End",
        alternativeTitles: ['Sousou no Frieren'],
        year: 2024,
      }),
    ).resolves.toMatchObject({ id: frieren.id, providerIds: { 'Shoko Series': '4242' }, tvdbId: null });
    await expect(client.findByTitle({ type: 'series', title: '葬送のフリーレン' })).resolves.toMatchObject({
      id: frieren.id,
    });
    await expect(
      client.findByTitle({ type: 'series', title: 'Sousou no Frieren', year: 2020 }),
    ).resolves.toBeNull();
    await expect(client.findByTitle({ type: 'movie', title: 'Sousou no Frieren' })).resolves.toBeNull();
    await expect(client.findByTitle({ type: 'movie', title: 'Dune', year: 2024 })).resolves.toBeNull();
  });

  it('finds by path suffix: a movie file or folder, an episode under another mount root', async () => {
    const movie = fake.addMovie({
      name: 'Arrival',
      year: 2016,
      path: '/mnt/media/movies/Arrival (2016)/Arrival.mkv',
    });
    const show = fake.addSeries({ name: 'Frieren', year: 2023, path: '/mnt/media/anime/Frieren (2023)' });
    const episode = fake.addEpisode({
      seriesId: show.id,
      seasonNumber: 1,
      episodeNumber: 2,
      path: '/mnt/media/anime/Frieren (2023)/Season 01/Frieren - S01E02.mkv',
      shoko: { fileId: 77 },
    });
    fake.addEpisode({ seriesId: show.id, seasonNumber: 1, episodeNumber: 3, missing: true });
    const client = connect();
    expect((await client.findByPath({ pathSuffix: 'Arrival (2016)/Arrival.mkv' }))?.id).toBe(movie.id);
    expect((await client.findByPath({ pathSuffix: 'movies/Arrival (2016)' }))?.id).toBe(movie.id);
    await expect(
      client.findByPath({ pathSuffix: 'Frieren (2023)/Season 01/Frieren - S01E02.mkv' }),
    ).resolves.toMatchObject({ id: episode.id, seriesId: show.id, seasonNumber: 1, episodeNumber: 2 });
    expect(
      await client.findByPath({ pathSuffix: 'Frieren (2023)/Season 01/Frieren - S01E03.mkv' }),
    ).toBeNull();
    expect(await client.findByPath({ pathSuffix: 'Other (2023)/Season 01/Frieren - S01E02.mkv' })).toBeNull();
  });
});

describe('items and episodes', () => {
  it('reads one item by id (dashed ids too) through /Items?ids=, which an API key may use', async () => {
    const show = fake.addSeries({ name: 'The Office', year: 2005, tvdbId: 73244 });
    const episode = fake.addEpisode({
      seriesId: show.id,
      seasonNumber: 2,
      episodeNumber: 5,
      tvdbId: 312345,
      premiereDate: '2005-10-20T00:00:00Z',
    });
    const client = connect();
    await expect(client.itemById(dashed(episode.id))).resolves.toEqual({
      id: episode.id,
      type: 'Episode',
      name: 'Episode 5',
      originalTitle: null,
      year: 2005,
      providerIds: { Tvdb: '312345' },
      tmdbId: null,
      tvdbId: 312345,
      imdbId: null,
      path: '/media/tv/The Office (2005)/Season 02/The Office - S02E05.mkv',
      seriesId: show.id,
      seriesName: 'The Office',
      seasonId: expect.stringMatching(/^[0-9a-f]{32}$/),
      seasonNumber: 2,
      episodeNumber: 5,
      episodeNumberEnd: null,
      premiereDate: '2005-10-20T00:00:00.0000000Z',
      playable: true,
    });
    await expect(client.itemById(`${'0'.repeat(31)}1`)).resolves.toBeNull();
    expect(fake.calls.every((call) => call.path.startsWith('/Items?'))).toBe(true);
  });

  it('lists the playable episodes of a season; [] when the series is gone', async () => {
    const show = fake.addSeries({ name: 'The Office', year: 2005, tvdbId: 73244 });
    fake.addEpisode({ seriesId: show.id, seasonNumber: 1, episodeNumber: 1, tvdbId: 1 });
    fake.addEpisode({ seriesId: show.id, seasonNumber: 1, episodeNumber: 2, missing: true });
    fake.addEpisode({ seriesId: show.id, seasonNumber: 2, episodeNumber: 1, episodeNumberEnd: 2 });
    const client = connect();
    const season1 = await client.episodes({ seriesId: show.id, seasonNumber: 1 });
    expect(season1.map((e) => [e.seasonNumber, e.episodeNumber, e.tvdbId, e.playable])).toEqual([
      [1, 1, 1, true],
    ]);
    expect(fake.calls.at(-1)?.path).toContain('isMissing=false');
    const all = await client.episodes({ seriesId: dashed(show.id) });
    expect(all.map((e) => [e.seasonNumber, e.episodeNumber, e.episodeNumberEnd])).toEqual([
      [1, 1, null],
      [2, 1, 2],
    ]);
    fake.remove(show.id);
    await expect(client.episodes({ seriesId: show.id })).resolves.toEqual([]);
  });

  it('drops virtual episodes itself when a server ignores isMissing', async () => {
    const episode = (index: number, locationType: string) => ({
      Id: `${'c'.repeat(31)}${index}`,
      Name: `Episode ${index}`,
      Type: 'Episode',
      IndexNumber: index,
      ParentIndexNumber: 1,
      LocationType: locationType,
      ProviderIds: {},
    });
    const old: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ Items: [episode(1, 'FileSystem'), episode(2, 'Virtual')], TotalRecordCount: 2 }),
      );
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const address = old.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const client = connect('key', `http://127.0.0.1:${port}`);
      const episodes = await client.episodes({ seriesId: 'd'.repeat(32), seasonNumber: 1 });
      expect(episodes.map((e) => e.episodeNumber)).toEqual([1]);
    } finally {
      old.closeAllConnections();
      await new Promise((resolve) => old.close(resolve));
    }
  });

  it('rejects an answer that is not a QueryResult as a bad response', async () => {
    const odd: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Items: [{ Name: 'no id', Type: 'Movie' }] }));
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const address = odd.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const error = await failure(connect('key', `http://127.0.0.1:${port}`).itemById('e'.repeat(32)));
      expect(error.kind).toBe('bad_response');
      expect(error.message).toMatch(/Items\.0\.Id/);
    } finally {
      odd.closeAllConnections();
      await new Promise((resolve) => odd.close(resolve));
    }
  });
});

describe('library notifications', () => {
  it('posts Movies/Updated, Series/Updated and Media/Updated (204)', async () => {
    const client = connect();
    await client.notifyMovieUpdated({ tmdbId: 438631 });
    await client.notifyMovieUpdated({ imdbId: 'tt1160419' });
    await client.notifySeriesUpdated({ tvdbId: 73244 });
    await client.notifyMediaUpdated({ paths: ['/media/movies/Dune (2021)', '/media/tv/Frieren (2023)'] });
    await client.notifyMediaUpdated({ paths: [] });
    expect(fake.calls).toEqual([
      expect.objectContaining({ method: 'POST', path: '/Library/Movies/Updated?tmdbId=438631', status: 204 }),
      expect.objectContaining({
        method: 'POST',
        path: '/Library/Movies/Updated?imdbId=tt1160419',
        status: 204,
      }),
      expect.objectContaining({ method: 'POST', path: '/Library/Series/Updated?tvdbId=73244', status: 204 }),
      expect.objectContaining({
        method: 'POST',
        path: '/Library/Media/Updated',
        status: 204,
        body: {
          Updates: [
            { Path: '/media/movies/Dune (2021)', UpdateType: 'Created' },
            { Path: '/media/tv/Frieren (2023)', UpdateType: 'Created' },
          ],
        },
      }),
    ]);
  });

  it('makes a new file visible only through Media/Updated, not through the id endpoints', async () => {
    const arrival = fake.addMovie({ name: 'Arrival', year: 2016, tmdbId: 329865, pending: true });
    const client = connect();
    await client.notifyMovieUpdated({ tmdbId: 329865 });
    expect(await client.findMovie({ tmdbId: 329865, title: 'Arrival', year: 2016 })).toBeNull();
    await client.notifyMediaUpdated({ paths: ['/media/movies/Arrival (2016)'] });
    expect((await client.findMovie({ tmdbId: 329865, title: 'Arrival', year: 2016 }))?.id).toBe(arrival.id);
  });
});

describe('library (index strategy)', () => {
  function library(options: Partial<JellyfinLibraryOptions> = {}) {
    return createJellyfinLibrary({ client: connect(), now: () => new Date(clock), ...options });
  }

  it('lists the library once, then answers lookups from the index and re-reads only the hits', async () => {
    const dune = fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const office = fake.addSeries({ name: 'The Office', year: 2005, tvdbId: 73244, tmdbId: 2316 });
    const lib = library();
    const [movie, series, missing] = await Promise.all([
      lib.findMovie({ tmdbId: 438631, title: 'anything' }),
      lib.findSeries({ tvdbId: 73244, title: 'anything' }),
      lib.findMovie({ tmdbId: 1, title: 'Dune' }),
    ]);
    expect(movie?.id).toBe(dune.id);
    expect(series?.id).toBe(office.id);
    expect(missing).toBeNull();
    expect(lib.size()).toBe(2);
    const paths = itemCalls().map((call) => new URL(call.path, fake.url).searchParams);
    expect(paths).toHaveLength(2);
    expect(paths[0]?.get('includeItemTypes')).toBe('Movie,Series');
    expect(paths[0]?.get('limit')).toBe('1000');
    expect(paths[0]?.get('searchTerm')).toBeNull();
    expect(paths[1]?.get('ids')?.split(',').sort()).toEqual([dune.id, office.id].sort());
  });

  it('pages through a library larger than a page', async () => {
    for (let i = 0; i < 7; i++) fake.addMovie({ name: `Movie ${i}`, year: 2000 + i, tmdbId: 100 + i });
    const lib = library({ pageSize: 3 });
    expect((await lib.findMovie({ tmdbId: 106, title: 'x' }))?.name).toBe('Movie 6');
    expect(lib.size()).toBe(7);
    const starts = itemCalls().map((call) => new URL(call.path, fake.url).searchParams.get('startIndex'));
    expect(starts).toEqual(['0', '3', '6', null]);
  });

  it('catches up with minDateLastSaved: new items, ids added later', async () => {
    const lib = library();
    expect(await lib.findMovie({ tmdbId: 329865, title: 'Arrival' })).toBeNull();
    clock += 30_000;
    const arrival = fake.addMovie({ name: 'Arrival', year: 2016 });
    expect(await lib.findMovie({ tmdbId: 329865, title: 'Arrival' })).toBeNull();
    clock += 30_000;
    fake.update(arrival.id, { tmdbId: 329865 });
    fake.clearCalls();
    expect((await lib.findMovie({ tmdbId: 329865, title: 'Arrival' }))?.id).toBe(arrival.id);
    const refresh = new URL(fake.calls[0]?.path ?? '', fake.url).searchParams;
    // The last refresh's server time minus the 5 min overlap.
    expect(refresh.get('minDateLastSaved')).toBe(new Date(clock - 30_000 - 5 * 60_000).toISOString());
  });

  it('shares one refresh among the lookups of a cycle', async () => {
    fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const lib = library({ maxStalenessMs: 10_000 });
    await lib.findMovie({ tmdbId: 438631, title: 'Dune' });
    fake.clearCalls();
    clock += 5_000;
    await lib.findMovie({ tmdbId: 1, title: 'x' });
    await lib.findMovie({ tmdbId: 2, title: 'x' });
    expect(fake.calls).toEqual([]);
    clock += 10_000;
    await Promise.all([lib.findMovie({ tmdbId: 1, title: 'x' }), lib.findMovie({ tmdbId: 2, title: 'x' })]);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.path).toContain('minDateLastSaved=');
  });

  it('never returns an item deleted since it was indexed (edge case 22: re-requested after deletion)', async () => {
    const dune = fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const lib = library();
    await lib.refresh();
    fake.remove(dune.id);
    expect(await lib.findMovie({ tmdbId: 438631, title: 'Dune' })).toBeNull();
    expect(lib.size()).toBe(0);
  });

  it('lists everything again after fullRefreshEveryMs', async () => {
    const lib = library({ fullRefreshEveryMs: 60_000 });
    await lib.refresh();
    clock += 61_000;
    fake.clearCalls();
    await lib.refresh();
    expect(fake.calls[0]?.path).not.toContain('minDateLastSaved');
  });

  it('fails lookups while Jellyfin is down instead of calling everything absent', async () => {
    fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const lib = library({ maxStalenessMs: 0 });
    await fake.setDown(true);
    expect((await failure(lib.findMovie({ tmdbId: 438631, title: 'Dune' }))).kind).toBe('bad_response');
    await fake.setDown(false);
    expect(await lib.findMovie({ tmdbId: 438631, title: 'Dune' })).not.toBeNull();
  });

  it('finds by title and by path from the index, and sees a scanned file after a refresh', async () => {
    const frieren = fake.addSeries({
      name: 'Sousou no Frieren',
      year: 2023,
      path: '/media/anime/Sousou no Frieren',
      shoko: { seriesId: 4242 },
    });
    const episode = fake.addEpisode({
      seriesId: frieren.id,
      seasonNumber: 1,
      episodeNumber: 1,
      pending: true,
      shoko: { fileId: 1 },
    });
    const lib = library({ maxStalenessMs: 0 });
    expect((await lib.findByTitle({ type: 'series', title: 'Sousou no Frieren', year: 2023 }))?.id).toBe(
      frieren.id,
    );
    const suffix = 'Sousou no Frieren/Season 01/Sousou no Frieren - S01E01.mkv';
    expect(await lib.findByPath({ pathSuffix: suffix })).toBeNull();
    await connect().notifyMediaUpdated({ paths: [`/media/anime/${suffix}`] });
    await expect(lib.findByPath({ pathSuffix: suffix })).resolves.toMatchObject({
      id: episode.id,
      providerIds: { 'Shoko File': '1' },
    });
  });

  it('passes lookups to the client with the search strategy', async () => {
    const dune = fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631 });
    const lib = library({ strategy: 'search' });
    expect((await lib.findMovie({ tmdbId: 438631, title: 'Dune', year: 2021 }))?.id).toBe(dune.id);
    expect(itemCalls()[0]?.path).toContain('searchTerm=dune');
    expect(lib.size()).toBe(0);
  });
});
