/**
 * Issue 4 through HTTP: the four paths end in `available` only once Jellyfin has a playable item,
 * with the Jellyfin and Shoko contract fakes behind the tracker. Webhooks drive the requests; the
 * verify job (run by hand here, `VERIFY_INTERVAL_SECONDS` is an hour) and Shoko's SignalR events do
 * the rest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jellyfinItemAddedMovie } from '../src/integrations/jellyfin/jellyfin.fake.js';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../src/integrations/jellyfin/jellyfin-api.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { type ShokoFake, startShokoFake } from '../src/integrations/shoko/shoko.fake.js';
import {
  sonarrDownloadFile,
  sonarrEpisodes,
  sonarrGrab,
  sonarrImportComplete,
} from '../src/integrations/sonarr/sonarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const HASH_A = 'A1'.repeat(20);
const HASH_B = 'B2'.repeat(20);
const matrix = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999, imdbId: 'tt0133093' };
const koe = { movieId: 30, tmdbId: 378064, title: 'Koe no Katachi', year: 2016, tags: ['anime'] };
const breakingBad = { seriesId: 3, tvdbId: 81189, title: 'Breaking Bad', year: 2008 };
const frieren = { seriesId: 9, tvdbId: 424536, title: 'Frieren', year: 2023, type: 'anime' as const };

let t: TestApp;
let jf: JellyfinApiFake;
let shoko: ShokoFake;

beforeEach(async () => {
  jf = await startJellyfinApiFake({ apiKey: 'jf-key' });
  shoko = await startShokoFake({ apiKey: 'shoko-key' });
  t = await startTestApp({
    JELLYFIN_URL: jf.url,
    JELLYFIN_API_KEY: 'jf-key',
    SHOKO_URL: shoko.url,
    SHOKO_API_KEY: 'shoko-key',
    VERIFY_INTERVAL_SECONDS: '3600',
  });
});
afterEach(async () => {
  await t.close();
  await jf.close();
  await shoko.close();
});

const verify = () => t.app.verifyLibrary.runOnce();
async function only() {
  const { items } = await t.list();
  expect(items).toHaveLength(1);
  return t.detail(items[0]!.id);
}
const shokoConnected = () => expect.poll(() => t.app.shoko.state(), { timeout: 5_000 }).toBe('connected');

describe('regular movie', () => {
  it('is available once Jellyfin has it, though Jellyfin never sent a webhook', async () => {
    await t.hooks([
      ['radarr', radarrGrab({ ...matrix, downloadId: HASH_A })],
      ['radarr', radarrDownload({ ...matrix, downloadId: HASH_A, movieFileId: 5 })],
    ]);
    await verify();
    expect((await only()).state).toBe('importing');

    const item = jf.addMovie({ name: 'The Matrix', year: 1999, tmdbId: 603, imdbId: 'tt0133093' });
    await verify();
    const detail = await only();
    expect(detail).toMatchObject({ state: 'available', jellyfinId: item.id });
    expect(detail.timeline.at(-1)).toMatchObject({ state: 'available', source: 'jellyfin' });
  });

  it('waits for the Jellyfin item when the ItemAdded webhook carries no provider ids', async () => {
    await t.hooks([
      ['radarr', radarrGrab({ ...matrix, downloadId: HASH_A })],
      ['radarr', radarrDownload({ ...matrix, downloadId: HASH_A, movieFileId: 5 })],
    ]);
    // Jellyfin's webhook has no ids, and a title the request does not have: it matches nothing...
    const itemId = '0f'.repeat(16);
    await t.hooks([['jellyfin', jellyfinItemAddedMovie({ itemId, name: 'Matrix', year: 1999 })]]);
    await verify();
    expect((await only()).state).toBe('importing');
    // ...the verify job finds the item by its ids.
    jf.addMovie({ id: itemId, name: 'Matrix', year: 1999, tmdbId: 603 });
    await verify();
    const detail = await only();
    expect(detail).toMatchObject({ state: 'available', jellyfinId: itemId });
  });

  it('survives Jellyfin being down for a while, shows it on the health page, and completes after', async () => {
    await t.hooks([
      ['radarr', radarrGrab({ ...matrix, downloadId: HASH_A })],
      ['radarr', radarrDownload({ ...matrix, downloadId: HASH_A, movieFileId: 5 })],
    ]);
    jf.addMovie({ name: 'The Matrix', year: 1999, tmdbId: 603 });
    await jf.setDown(true);
    await verify();
    await verify();
    expect((await only()).state).toBe('importing');
    const health = (await t.api('/api/health')).body as {
      status: string;
      services: Array<Record<string, unknown>>;
    };
    expect(health.status).toBe('degraded');
    expect(health.services.find((s) => s.kind === 'jellyfin')).toMatchObject({ ok: false });

    await jf.setDown(false);
    await verify();
    expect((await only()).state).toBe('available');
    const after = (await t.api('/api/health')).body as { services: Array<Record<string, unknown>> };
    expect(after.services.find((s) => s.kind === 'jellyfin')).toMatchObject({
      ok: true,
      lastError: expect.any(String),
    });
  });

  it('asks Jellyfin once to scan for an import it still lacks, and says so in the timeline', async () => {
    // Radarr and Jellyfin see the library at the same path (the usual one-mount setup).
    const importedPath = '/media/movies/The Matrix (1999)/The Matrix (1999).mkv';
    await t.hooks([
      ['radarr', radarrGrab({ ...matrix, downloadId: HASH_A })],
      ['radarr', radarrDownload({ ...matrix, downloadId: HASH_A, movieFileId: 5, path: importedPath })],
    ]);
    jf.addMovie({ name: 'The Matrix', year: 1999, tmdbId: 603, path: importedPath, pending: true });
    for (let i = 0; i < 4; i++) await verify();
    const scans = jf.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/Library/Media/Updated'));
    expect(scans).toHaveLength(1);
    expect(scans[0]?.body).toEqual({ Updates: [{ Path: importedPath, UpdateType: 'Created' }] });
    const detail = await only();
    expect(detail.timeline.map((e) => e.message)).toContain(
      'Asked Jellyfin to scan for "The Matrix (1999).mkv"',
    );
    await verify();
    expect((await only()).state).toBe('available');
  });

  it('goes straight to available when the title is already in the library at request time', async () => {
    const item = jf.addMovie({ name: 'The Matrix', year: 1999, tmdbId: 603 });
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'movie',
          tmdbId: 603,
          requestId: 7,
          title: 'The Matrix',
          year: 1999,
        }),
      ],
    ]);
    await verify();
    expect(await only()).toMatchObject({ state: 'available', jellyfinId: item.id, downloads: [] });
  });

  it('takes Jellyseerr’s "available" as a hint only, while Jellyfin is configured', async () => {
    const request = {
      mediaType: 'movie' as const,
      tmdbId: 603,
      requestId: 8,
      title: 'The Matrix',
      year: 1999,
    };
    await t.hooks([
      ['jellyseerr', jellyseerrNotification({ type: 'MEDIA_AUTO_APPROVED', ...request })],
      ['jellyseerr', jellyseerrNotification({ type: 'MEDIA_AVAILABLE', ...request })],
    ]);
    await verify();
    expect((await only()).state).toBe('approved');
    jf.addMovie({ name: 'The Matrix', year: 1999, tmdbId: 603 });
    await verify();
    expect((await only()).state).toBe('available');
  });
});

describe('regular TV', () => {
  it('is available only when every episode of the season pack plays in Jellyfin', async () => {
    const episodes = sonarrEpisodes({ seasonNumber: 1, count: 3, firstId: 100 });
    await t.hooks([
      ['sonarr', sonarrGrab({ ...breakingBad, episodes, downloadId: HASH_A })],
      ['sonarr', sonarrImportComplete({ ...breakingBad, episodes, downloadId: HASH_A })],
    ]);
    const series = jf.addSeries({ name: 'Breaking Bad', year: 2008, tvdbId: 81189 });
    jf.addEpisode({ seriesId: series.id, seasonNumber: 1, episodeNumber: 1 });
    jf.addEpisode({ seriesId: series.id, seasonNumber: 1, episodeNumber: 2 });
    jf.addEpisode({ seriesId: series.id, seasonNumber: 1, episodeNumber: 3, missing: true });
    await verify();
    let detail = await only();
    expect(detail.episodes.map((e) => e.state)).toEqual(['available', 'available', 'importing']);
    expect(detail.state).toBe('importing');

    jf.update(jf.items().find((i) => i.type === 'Episode' && i.indexNumber === 3)!.id, {
      missing: false,
      path: '/media/tv/Breaking Bad (2008)/Season 01/Breaking Bad - S01E03.mkv',
    });
    await verify();
    detail = await only();
    expect(detail.state).toBe('available');
    expect(detail.jellyfinId).toBe(series.id);
  });

  it('keeps a new season of a show already in the library open until that season plays', async () => {
    const series = jf.addSeries({ name: 'Breaking Bad', year: 2008, tvdbId: 81189 });
    for (const n of [1, 2]) jf.addEpisode({ seriesId: series.id, seasonNumber: 1, episodeNumber: n });
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'tv',
          tmdbId: 1396,
          tvdbId: 81189,
          requestId: 9,
          title: 'Breaking Bad',
          year: 2008,
          seasons: [2],
        }),
      ],
    ]);
    await verify();
    expect((await only()).state).toBe('approved');

    const season2 = sonarrEpisodes({ seasonNumber: 2, count: 2, firstId: 200 });
    await t.hooks([
      ['sonarr', sonarrGrab({ ...breakingBad, episodes: season2, downloadId: HASH_A })],
      ['sonarr', sonarrImportComplete({ ...breakingBad, episodes: season2, downloadId: HASH_A })],
    ]);
    await verify();
    expect((await only()).state).toBe('importing');
    for (const n of [1, 2]) jf.addEpisode({ seriesId: series.id, seasonNumber: 2, episodeNumber: n });
    await verify();
    expect((await only()).state).toBe('available');
  });
});

describe('anime movie', () => {
  const path = '/data/media/movies/Koe no Katachi (2016)/Koe no Katachi (2016).mkv';

  async function imported() {
    await t.hooks([
      ['radarr', radarrGrab({ ...koe, downloadId: HASH_A })],
      ['radarr', radarrDownload({ ...koe, downloadId: HASH_A, movieFileId: 8 })],
    ]);
    expect((await only()).state).toBe('anime_matching');
  }

  it('goes anime_matching → importing on Shoko’s match → available via a Shokofin item without TMDB id', async () => {
    await shokoConnected();
    await imported();
    const file = shoko.addFile({
      relativePath: 'Koe no Katachi (2016)/Koe no Katachi (2016).mkv',
      matched: false,
    });
    shoko.emitMatched(file);
    await expect.poll(async () => (await only()).state, { timeout: 5_000 }).toBe('importing');

    jf.addMovie({
      name: 'Koe no Katachi',
      year: 2016,
      shoko: { seriesId: 12110, fileId: 77 },
      path: '/media/anime/movies/Koe no Katachi (2016)/Koe no Katachi (2016).mkv',
    });
    await verify();
    const detail = await only();
    expect(detail.state).toBe('available');
    expect(detail.timeline.map((e) => e.state)).toEqual([
      'grabbing',
      'anime_matching',
      'importing',
      'available',
    ]);
  });

  it('shows Shoko’s reason when it cannot match, and completes when Jellyfin has the movie anyway', async () => {
    await shokoConnected();
    await imported();
    const file = shoko.addFile({
      relativePath: 'Koe no Katachi (2016)/Koe no Katachi (2016).mkv',
      matched: false,
    });
    shoko.emitNotMatched(file, { autoMatchAttempts: 3, hasCrossReferences: false, isUdpBanned: false });
    await expect.poll(async () => (await only()).problem?.code, { timeout: 5_000 }).toBe('anime_not_matched');
    expect((await only()).problem?.message).toMatch(
      /^Shoko could not match "Koe no Katachi \(2016\)\.mkv": /,
    );

    jf.addMovie({ name: 'Koe no Katachi', year: 2016, tmdbId: 378064 });
    await verify();
    expect(await only()).toMatchObject({ state: 'available', problem: null });
  });

  const shokoCommands = () => shoko.calls.filter((c) => /\/Rescan|\/Action\//.test(c));

  it('asks Shoko to look the unmatched file up on AniDB again, by itself, at most once an hour', async () => {
    await shokoConnected();
    await imported();
    const file = shoko.addFile({
      relativePath: 'Koe no Katachi (2016)/Koe no Katachi (2016).mkv',
      matched: false,
    });
    shoko.emitNotMatched(file, { autoMatchAttempts: 1, hasCrossReferences: false, isUdpBanned: false });
    await expect
      .poll(async () => (await only()).problem?.actions, { timeout: 5_000 })
      .toEqual(['shoko_rescan']);

    for (let round = 0; round < 2; round++) {
      await t.app.reviewRequests.runOnce();
      await t.app.runOutbox.runOnce();
    }
    expect(shokoCommands()).toEqual([`POST /api/v3/File/${file.fileId}/Rescan?priority=true`]);
    expect((await only()).timeline.map((e) => e.message)).toContain(
      'Asked Shoko to rescan the imported file',
    );

    t.clock.advance(61 * 60_000);
    await t.app.reviewRequests.runOnce();
    await t.app.runOutbox.runOnce();
    expect(shokoCommands()).toHaveLength(2);
  });

  it('asks Shoko to scan its import folders when it never saw the file', async () => {
    await shokoConnected();
    await imported();
    t.clock.advance(61 * 60_000);
    await t.app.reviewRequests.runOnce();
    expect((await only()).problem).toMatchObject({ code: 'anime_not_matched', actions: ['shoko_rescan'] });
    await t.app.runOutbox.runOnce();
    expect(shokoCommands()).toEqual(['GET /api/v3/Action/RunImport']);
  });

  it('catches up through Shoko’s REST API on a match made while disconnected', async () => {
    await shokoConnected();
    shoko.setDown(true);
    shoko.dropConnections();
    await expect.poll(() => t.app.shoko.state(), { timeout: 5_000 }).not.toBe('connected');
    await imported();
    shoko.addFile({
      relativePath: 'Koe no Katachi (2016)/Koe no Katachi (2016).mkv',
      crossReferences: [{ anidbAnimeId: 12110, anidbEpisodeId: 185_000 }],
    });
    shoko.setDown(false);
    await expect.poll(async () => (await only()).state, { timeout: 15_000, interval: 200 }).toBe('importing');
    expect(shoko.calls.some((c) => c.includes('PathEndsWith'))).toBe(true);
    expect((await only()).timeline.at(-1)?.message).toBe(`Shoko matched "${path.split('/').pop()}"`);
  });
});

describe('anime TV', () => {
  it('follows episodes arriving in several downloads through Shoko to available', async () => {
    await shokoConnected();
    const episodes = sonarrEpisodes({ seasonNumber: 1, count: 3, firstId: 300 });
    const [e1, e2, e3] = episodes as [(typeof episodes)[0], (typeof episodes)[0], (typeof episodes)[0]];
    await t.hooks([
      ['sonarr', sonarrGrab({ ...frieren, episodes: [e1, e2], downloadId: HASH_A })],
      ['sonarr', sonarrGrab({ ...frieren, episodes: [e3], downloadId: HASH_B })],
      ['sonarr', sonarrDownloadFile({ ...frieren, episodes: [e1], downloadId: HASH_A, episodeFileId: 1 })],
      ['sonarr', sonarrDownloadFile({ ...frieren, episodes: [e2], downloadId: HASH_A, episodeFileId: 2 })],
    ]);
    let detail = await only();
    expect(detail.isAnime).toBe(true);
    expect(detail.episodes.map((e) => e.state)).toEqual(['anime_matching', 'anime_matching', 'grabbing']);

    for (const n of [1, 2]) {
      shoko.emitMatched(
        shoko.addFile({ relativePath: `Frieren/Season 1/Frieren - S01E0${n}.mkv`, matched: false }),
      );
    }
    await expect
      .poll(async () => (await only()).episodes.map((e) => e.state), { timeout: 5_000 })
      .toEqual(['importing', 'importing', 'grabbing']);

    await t.hooks([
      ['sonarr', sonarrDownloadFile({ ...frieren, episodes: [e3], downloadId: HASH_B, episodeFileId: 3 })],
    ]);
    shoko.emitMatched(
      shoko.addFile({ relativePath: 'Frieren/Season 1/Frieren - S01E03.mkv', matched: false }),
    );
    await expect.poll(async () => (await only()).state, { timeout: 5_000 }).toBe('importing');

    // Shokofin: no TVDB id on the series, found by its title.
    const series = jf.addSeries({ name: 'Frieren', year: 2023, shoko: { seriesId: 17617 } });
    for (const n of [1, 2, 3])
      jf.addEpisode({
        seriesId: series.id,
        seasonNumber: 1,
        episodeNumber: n,
        shoko: { episodeId: 270_000 + n },
      });
    await verify();
    detail = await only();
    expect(detail.state).toBe('available');
    expect(detail.episodes.map((e) => e.state)).toEqual(['available', 'available', 'available']);
  });
});
