import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type JellyfinApiFake,
  type JellyfinApiFakeOptions,
  startJellyfinApiFake,
} from './jellyfin-api.fake.js';

/**
 * The fake's own contract (see its header): what a client can rely on, and the quirks of Jellyfin
 * 10.10/10.11 it reproduces on purpose.
 */

let fake: JellyfinApiFake;
let clock: number;

async function restart(options: JellyfinApiFakeOptions = {}): Promise<void> {
  await fake.close();
  fake = await startJellyfinApiFake({ now: () => new Date(clock), ...options });
}

beforeEach(async () => {
  clock = Date.parse('2026-03-01T12:00:00Z');
  fake = await startJellyfinApiFake({ now: () => new Date(clock) });
});
afterEach(async () => {
  await fake.close();
});

const auth = () => ({ Authorization: `MediaBrowser Token="${fake.apiKey}"` });

async function get(path: string, headers: Record<string, string> = auth()) {
  const response = await fetch(`${fake.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function items(query: string): Promise<{ names: string[]; body: Record<string, unknown> }> {
  const answer = await get(`/Items?${query}`);
  expect(answer.status).toBe(200);
  const body = answer.json();
  return { names: (body.Items as Array<{ Name: string }>).map((item) => item.Name), body };
}

function library() {
  const dune = fake.addMovie({ name: 'Dune', year: 2021, tmdbId: 438631, imdbId: 'tt1160419' });
  const dune84 = fake.addMovie({ name: 'Dune', year: 1984, tmdbId: 841, imdbId: 'tt0087182' });
  const amelie = fake.addMovie({
    name: 'Amélie',
    year: 2001,
    tmdbId: 194,
    originalTitle: 'Le Fabuleux Destin',
  });
  const spider = fake.addMovie({ name: 'Spider-Man: No Way Home', year: 2021, tmdbId: 634649 });
  const office = fake.addSeries({ name: 'The Office', year: 2005, tvdbId: 73244, tmdbId: 2316 });
  return { dune, dune84, amelie, spider, office };
}

describe('auth', () => {
  it('answers 401 with an empty body without a token or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: 'MediaBrowser Token="wrong"' }];
    for (const headers of attempts) {
      const answer = await get('/System/Info', headers);
      expect(answer.status).toBe(401);
      expect(answer.text).toBe('');
    }
  });

  it('accepts the MediaBrowser and Emby schemes, with or without quotes, among other parts', async () => {
    const forms = [
      `MediaBrowser Token="${fake.apiKey}"`,
      `MediaBrowser Token=${fake.apiKey}`,
      `Emby Token="${fake.apiKey}"`,
      `MediaBrowser Client="tracker", Device="server", DeviceId="x", Version="1", Token="${fake.apiKey}"`,
    ];
    for (const form of forms) expect((await get('/System/Info', { Authorization: form })).status).toBe(200);
    expect((await get('/System/Info', { Authorization: `Bearer ${fake.apiKey}` })).status).toBe(401);
  });

  it('takes the legacy forms only while legacy authorization is on (Jellyfin 12 turns it off)', async () => {
    const legacy: Array<{ path: string; headers: Record<string, string> }> = [
      { path: '/System/Info', headers: { 'X-Emby-Token': fake.apiKey } },
      { path: '/System/Info', headers: { 'X-MediaBrowser-Token': fake.apiKey } },
      { path: '/System/Info', headers: { 'X-Emby-Authorization': `MediaBrowser Token="${fake.apiKey}"` } },
      { path: `/System/Info?api_key=${fake.apiKey}`, headers: {} },
    ];
    for (const { path, headers } of legacy) expect((await get(path, headers)).status).toBe(200);
    await restart({ legacyAuthorization: false });
    for (const { path, headers } of legacy) expect((await get(path, headers)).status).toBe(401);
    expect((await get(`/System/Info?ApiKey=${fake.apiKey}`, {})).status).toBe(200);
    expect((await get('/System/Info')).status).toBe(200);
  });

  it('serves /System/Info/Public without a token; /System/Info names version, server and id', async () => {
    expect((await get('/System/Info/Public', {})).json()).toMatchObject({ Version: '10.11.6' });
    expect((await get('/System/Info')).json()).toMatchObject({
      Version: '10.11.6',
      ServerName: 'jellyfin-fake',
      Id: fake.serverId,
    });
  });
});

describe('GET /Items', () => {
  it('ignores AnyProviderIdEquals (an Emby parameter) and returns the unfiltered list', async () => {
    library();
    const all = await items('recursive=true&includeItemTypes=Movie');
    const filtered = await items('recursive=true&includeItemTypes=Movie&AnyProviderIdEquals=Tmdb.438631');
    expect(all.names).toHaveLength(4);
    expect(filtered.names).toEqual(all.names);
  });

  it('reads parameter names and routes case-insensitively and drops list values it cannot parse', async () => {
    library();
    expect((await items('Recursive=TRUE&IncludeItemTypes=series')).names).toEqual(['The Office']);
    expect((await get('/items?recursive=true&includeItemTypes=Series')).status).toBe(200);
    // `Movies` is not a BaseItemKind: dropped, so the type filter disappears.
    const typo = await items('recursive=true&includeItemTypes=Movies');
    expect(typo.names).toContain('The Office');
    expect(typo.names).toEqual((await items('recursive=true')).names);
  });

  it('answers 400 to a scalar it cannot parse', async () => {
    expect((await get('/Items?recursive=true&limit=ten')).status).toBe(400);
    expect((await get('/Items?recursive=yes')).status).toBe(400);
    expect((await get('/Items?recursive=true&minDateLastSaved=yesterday')).status).toBe(400);
  });

  it('lists only the library folders without recursive, ids or parentId', async () => {
    library();
    const root = await items('includeItemTypes=Movie');
    expect(root.names).toEqual(['Movies', 'Shows']);
    expect(root.body.Items).toEqual([
      expect.objectContaining({ Type: 'CollectionFolder', CollectionType: 'movies' }),
      expect.objectContaining({ Type: 'CollectionFolder', CollectionType: 'tvshows' }),
    ]);
  });

  it('sends PascalCase DTOs with N-format ids; ProviderIds and Path only when asked; no IsMissing key', async () => {
    const { dune } = library();
    const bare = await items(`ids=${dune.id}`);
    const item = (bare.body.Items as Array<Record<string, unknown>>)[0];
    expect(item).toMatchObject({
      Name: 'Dune',
      Id: dune.id,
      ServerId: fake.serverId,
      Type: 'Movie',
      ProductionYear: 2021,
      LocationType: 'FileSystem',
      ChannelId: null,
      PremiereDate: '2021-01-01T00:00:00.0000000Z',
    });
    expect(item?.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(item).not.toHaveProperty('ProviderIds');
    expect(item).not.toHaveProperty('Path');
    expect(item).not.toHaveProperty('IsMissing');
    expect(item).toHaveProperty('ImageTags');

    const dashed = `${dune.id.slice(0, 8)}-${dune.id.slice(8, 12)}-${dune.id.slice(12, 16)}-${dune.id.slice(16, 20)}-${dune.id.slice(20)}`;
    const full = await items(`ids=${dashed}&fields=ProviderIds,Path&enableImages=false`);
    expect(full.body.Items).toEqual([
      expect.objectContaining({
        ProviderIds: { Tmdb: '438631', Imdb: 'tt1160419' },
        Path: '/media/movies/Dune (2021)/Dune (2021).mkv',
        ImageBlurHashes: {},
      }),
    ]);
    expect(full.body.Items).toEqual([expect.not.objectContaining({ ImageTags: expect.anything() })]);
  });

  it('counts the whole result when paging, the page alone with enableTotalRecordCount=false', async () => {
    library();
    const paged = await items('recursive=true&includeItemTypes=Movie&startIndex=1&limit=2');
    expect(paged.body).toMatchObject({ TotalRecordCount: 4, StartIndex: 1 });
    expect(paged.names).toHaveLength(2);
    const cheap = await items('recursive=true&includeItemTypes=Movie&limit=2&enableTotalRecordCount=false');
    expect(cheap.body).toMatchObject({ TotalRecordCount: 2, StartIndex: 0 });
  });

  it('sorts by name without a leading article', async () => {
    fake.addSeries({ name: 'The Zebra', year: 2000 });
    fake.addSeries({ name: 'Alpha', year: 2000 });
    fake.addSeries({ name: 'Mango', year: 2000 });
    expect((await items('recursive=true&includeItemTypes=Series')).names).toEqual([
      'Alpha',
      'Mango',
      'The Zebra',
    ]);
  });

  it('filters by hasTmdbId, years, parentId and minDateLastSaved', async () => {
    const { office } = library();
    fake.addSeries({ name: 'Frieren', year: 2023, shoko: { seriesId: 17 } });
    fake.addEpisode({ seriesId: office.id, seasonNumber: 1, episodeNumber: 1 });
    expect((await items('recursive=true&includeItemTypes=Series&hasTvdbId=false')).names).toEqual([
      'Frieren',
    ]);
    expect((await items('recursive=true&includeItemTypes=Movie&years=2001,1984')).names).toEqual([
      'Amélie',
      'Dune',
    ]);
    expect((await items(`recursive=true&parentId=${office.id}`)).names).toEqual(['Episode 1', 'Season 1']);
    expect((await items(`parentId=${office.id}`)).names).toEqual(['Season 1']);

    const before = new Date(clock + 1).toISOString();
    clock += 60_000;
    fake.addMovie({ name: 'Arrival', year: 2016, tmdbId: 329865 });
    expect((await items(`recursive=true&minDateLastSaved=${before}`)).names).toEqual(['Arrival']);
    expect(
      (await items(`recursive=true&minDateLastSaved=${new Date(clock + 1).toISOString()}`)).names,
    ).toEqual([]);
  });

  describe('searchTerm', () => {
    it('10.11: a contains match with diacritics and punctuation cleaned on both sides', async () => {
      library();
      const search = async (term: string) =>
        (await items(`recursive=true&includeItemTypes=Movie&searchTerm=${encodeURIComponent(term)}`)).names;
      expect(await search('dune')).toEqual(['Dune', 'Dune']);
      expect(await search('AMELIE')).toEqual(['Amélie']);
      expect(await search('amélie')).toEqual(['Amélie']);
      expect(await search('spider man no way')).toEqual(['Spider-Man: No Way Home']);
      expect(await search('fabuleux')).toEqual(['Amélie']);
      expect(await search('interstellar')).toEqual([]);
    });

    it('10.10 / early 10.11: the name keeps its punctuation, the term is only lower-cased', async () => {
      await restart({ cleanNames: 'punctuation-kept' });
      library();
      const search = async (term: string) =>
        (await items(`recursive=true&includeItemTypes=Movie&searchTerm=${encodeURIComponent(term)}`)).names;
      expect(await search('spider man no way')).toEqual([]);
      expect(await search('spider-man: no way')).toEqual(['Spider-Man: No Way Home']);
      expect(await search('no way home')).toEqual(['Spider-Man: No Way Home']);
      expect(await search('amelie')).toEqual(['Amélie']);
      expect(await search('amélie')).toEqual([]);
      expect(await search('sp%man')).toEqual(['Spider-Man: No Way Home']);
    });
  });
});

describe('single items and episodes', () => {
  it('answers GET /Items/{id} only with a userId: an API key alone gets 404', async () => {
    const { dune } = library();
    expect((await get(`/Items/${dune.id}`)).status).toBe(404);
    const answer = await get(`/Items/${dune.id}?userId=${fake.userId}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({
      Id: dune.id,
      ProviderIds: { Tmdb: '438631' },
      Path: expect.any(String),
    });
    expect((await get(`/Users/${fake.userId}/Items/${dune.id}`)).status).toBe(200);
  });

  it('lists episodes with the virtual ones unless isMissing=false; [] for an unknown season; 404 for an unknown series', async () => {
    const { office } = library();
    fake.addEpisode({ seriesId: office.id, seasonNumber: 1, episodeNumber: 2, tvdbId: 2 });
    fake.addEpisode({ seriesId: office.id, seasonNumber: 1, episodeNumber: 1, tvdbId: 1 });
    fake.addEpisode({ seriesId: office.id, seasonNumber: 1, episodeNumber: 3, missing: true });
    fake.addEpisode({ seriesId: office.id, seasonNumber: 2, episodeNumber: 1 });

    const all = (await get(`/Shows/${office.id}/Episodes?season=1&fields=ProviderIds,Path`)).json();
    expect(all.Items).toEqual([
      expect.objectContaining({
        IndexNumber: 1,
        ParentIndexNumber: 1,
        LocationType: 'FileSystem',
        SeriesId: office.id,
      }),
      expect.objectContaining({ IndexNumber: 2, ProviderIds: { Tvdb: '2' } }),
      expect.objectContaining({ IndexNumber: 3, LocationType: 'Virtual' }),
    ]);
    expect((all.Items as Array<Record<string, unknown>>)[2]).not.toHaveProperty('Path');
    const present = (await get(`/Shows/${office.id}/Episodes?season=1&isMissing=false`)).json();
    expect((present.Items as unknown[]).length).toBe(2);
    expect((await get(`/Shows/${office.id}/Episodes`)).json()).toMatchObject({ TotalRecordCount: 4 });
    expect((await get(`/Shows/${office.id}/Episodes?season=7`)).json()).toMatchObject({ Items: [] });
    const unknown = await get(`/Shows/${'0'.repeat(31)}1/Episodes`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('Series not found');
    expect((await get(`/Shows/${office.id}/Seasons`)).json()).toMatchObject({
      Items: [expect.objectContaining({ Name: 'Season 1' }), expect.objectContaining({ Name: 'Season 2' })],
    });
  });

  it('makes Shokofin items with Shoko ids and no Tmdb/Tvdb', async () => {
    const show = fake.addSeries({ name: 'Sousou no Frieren', year: 2023, shoko: { seriesId: 4242 } });
    fake.addEpisode({
      seriesId: show.id,
      seasonNumber: 1,
      episodeNumber: 1,
      shoko: { episodeId: 9, fileId: 77 },
    });
    const answer = (await get(`/Shows/${show.id}/Episodes?fields=ProviderIds`)).json();
    expect(answer.Items).toEqual([
      expect.objectContaining({ ProviderIds: { 'Shoko Episode': '9', 'Shoko File': '77' } }),
    ]);
    expect((await items(`ids=${show.id}&fields=ProviderIds`)).body.Items).toEqual([
      expect.objectContaining({ ProviderIds: { 'Shoko Series': '4242' } }),
    ]);
  });
});

describe('library updates', () => {
  async function post(path: string, body?: unknown) {
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { ...auth(), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return response.status;
  }

  it('Movies/Updated and Series/Updated rescan known items only; Media/Updated picks up new files', async () => {
    const { office } = library();
    const scans: string[] = [];
    fake.onScan((scan) => scans.push(`${scan.kind}:${scan.revealed.map((item) => item.name).sort()}`));
    const arrival = fake.addMovie({ name: 'Arrival', year: 2016, tmdbId: 329865, pending: true });
    const episode = fake.addEpisode({
      seriesId: office.id,
      seasonNumber: 3,
      episodeNumber: 1,
      pending: true,
    });

    expect(await post('/Library/Movies/Updated?tmdbId=329865')).toBe(204);
    expect(fake.item(arrival.id)?.pending).toBe(true);
    expect((await items('recursive=true&searchTerm=arrival')).names).toEqual([]);

    expect(await post('/Library/Series/Updated?tvdbId=73244')).toBe(204);
    expect(fake.item(episode.id)?.pending).toBe(false);

    clock += 1000;
    expect(
      await post('/Library/Media/Updated', { Updates: [{ Path: arrival.path, UpdateType: 'Created' }] }),
    ).toBe(204);
    expect((await items('recursive=true&searchTerm=arrival')).names).toEqual(['Arrival']);
    expect(fake.item(arrival.id)?.dateLastSaved?.getTime()).toBe(clock);
    expect(scans).toEqual(['movies:', 'series:Episode 1,Season 3', 'media:Arrival']);
    expect(fake.calls.at(-2)).toMatchObject({
      method: 'POST',
      path: '/Library/Media/Updated',
      status: 204,
      body: { Updates: [{ Path: arrival.path, UpdateType: 'Created' }] },
    });
  });

  it('ignores paths outside its libraries and refuses a body that is not JSON', async () => {
    const lost = fake.addMovie({ name: 'Lost', year: 2000, pending: true });
    expect(await post('/Library/Media/Updated', { Updates: [{ Path: '/data/other/Lost.mkv' }] })).toBe(204);
    expect(fake.item(lost.id)?.pending).toBe(true);
    expect(await post('/Library/Media/Updated', { Updates: [{ UpdateType: 'Created' }] })).toBe(400);
    const text = await fetch(`${fake.url}/Library/Media/Updated`, {
      method: 'POST',
      headers: auth(),
      body: '{}',
    });
    expect(text.status).toBe(415);
    expect(await post('/Library/Refresh')).toBe(204);
    expect(fake.item(lost.id)?.pending).toBe(false);
  });
});

describe('signing people in', () => {
  const client =
    'MediaBrowser Client="Status Tracker", Device="Status Tracker", DeviceId="dev1", Version="1"';
  const authenticate = (body: unknown, authorization = client, type = 'application/json') =>
    fetch(`${fake.url}/Users/AuthenticateByName`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': type },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    await restart({ users: [{ name: 'Bob', password: 'pw', isAdmin: false }] });
  });

  it('needs the client fields but no token; names match case-insensitively, property names too', async () => {
    const withoutDevice = await authenticate(
      { Username: 'Bob', Pw: 'pw' },
      'MediaBrowser Client="Status Tracker", Version="1"',
    );
    expect(withoutDevice.status).toBe(400);
    expect((await authenticate({ Pw: 'pw' })).status).toBe(400);
    expect((await authenticate({ Username: 'Bob', Pw: 'pw' }, client, 'text/plain')).status).toBe(415);
    const ok = await authenticate({ username: 'BOB', pw: 'pw' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      User: { Name: 'Bob', Policy: { IsAdministrator: false } },
      AccessToken: expect.stringMatching(/^[0-9a-f]{32}$/),
      ServerId: fake.serverId,
    });
  });

  it('refuses a wrong password with 401 and a disabled user with 403, in plain text', async () => {
    const wrong = await authenticate({ Username: 'Bob', Pw: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('Error processing request.');
    fake.addUser({ name: 'Eve', password: 'pw', disabled: true });
    expect((await authenticate({ Username: 'Eve', Pw: 'pw' })).status).toBe(403);
  });

  it("keeps one token per user and device; logout ends it; a person's token is not the API key", async () => {
    const token = async () =>
      ((await (await authenticate({ Username: 'Bob', Pw: 'pw' })).json()) as { AccessToken: string })
        .AccessToken;
    const first = await token();
    const second = await token();
    expect(fake.sessions().map((s) => s.accessToken)).toEqual([second]);
    expect((await get('/System/Info', { Authorization: `MediaBrowser Token="${second}"` })).status).toBe(401);
    const logout = (token: string) =>
      fetch(`${fake.url}/Sessions/Logout`, {
        method: 'POST',
        headers: { Authorization: `MediaBrowser Token="${token}"` },
      });
    expect((await logout(first)).status).toBe(401);
    expect((await logout(second)).status).toBe(204);
    expect(fake.sessions()).toEqual([]);
  });
});

describe('test controls', () => {
  it('logs every call with the response bytes', async () => {
    library();
    fake.clearCalls();
    const answer = await get('/Items?recursive=true&includeItemTypes=Movie');
    const bytes = Buffer.byteLength(answer.text);
    expect(bytes).toBeGreaterThan(answer.text.length); // Amélie: bytes, not characters
    expect(fake.calls).toEqual([
      { method: 'GET', path: '/Items?recursive=true&includeItemTypes=Movie', status: 200, bytes },
    ]);
    expect(fake.traffic()).toEqual({ calls: 1, bytes });
  });

  it('update bumps DateLastSaved and merges provider ids; remove takes the children along', async () => {
    const { office } = library();
    const episode = fake.addEpisode({ seriesId: office.id, seasonNumber: 1, episodeNumber: 1 });
    clock += 5000;
    fake.update(office.id, { imdbId: 'tt0386676' });
    expect(fake.item(office.id)).toMatchObject({
      providerIds: { Tvdb: '73244', Tmdb: '2316', Imdb: 'tt0386676' },
      dateLastSaved: new Date(clock),
    });
    fake.remove(office.id);
    expect(fake.item(episode.id)).toBeUndefined();
    expect((await items('recursive=true&includeItemTypes=Season,Episode,Series')).names).toEqual([]);
  });

  it('goes down with 503 or refused connections and comes back', async () => {
    await fake.setDown(true);
    expect((await get('/System/Info')).status).toBe(503);
    await fake.setDown(false);
    expect((await get('/System/Info')).status).toBe(200);
    await fake.setDown(true, 'refuse');
    const code = async () => {
      const error = await fetch(`${fake.url}/System/Info`, { headers: auth() }).catch((e: unknown) => e);
      return (error as { cause?: { code?: string } }).cause?.code;
    };
    // An idle keep-alive connection may first report the close; a new one is refused.
    expect(['ECONNREFUSED', 'UND_ERR_SOCKET']).toContain(await code());
    expect(await code()).toBe('ECONNREFUSED');
    await fake.setDown(false);
    expect((await get('/System/Info')).status).toBe(200);
  });
});
