import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  jellyfinItemAddedEpisode,
  jellyfinItemAddedMovie,
} from '../src/integrations/jellyfin/jellyfin.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { loadCapture } from '../src/integrations/shared/webhook.test-utils.js';
import {
  sonarrDownloadFile,
  sonarrEpisodes,
  sonarrGrab,
  sonarrImportComplete,
} from '../src/integrations/sonarr/sonarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

async function only() {
  const { items, total } = await t.list();
  expect(total).toBe(1);
  return t.detail(items[0]!.id);
}

describe('regular movie', () => {
  const movie = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999, imdbId: 'tt0133093' };
  const hash = '9F3A2B1C0D9F3A2B1C0D9F3A2B1C0D9F3A2B1C0D';
  const request = {
    mediaType: 'movie' as const,
    tmdbId: 603,
    requestId: 41,
    title: 'The Matrix',
    year: 1999,
    requestedBy: 'alice',
  };

  it('goes requested → approved → grabbing → importing → available through HTTP', async () => {
    await t.hooks([['jellyseerr', jellyseerrNotification({ type: 'MEDIA_PENDING', ...request })]]);
    let detail = await only();
    expect(detail).toMatchObject({
      state: 'requested',
      title: 'The Matrix',
      year: 1999,
      mediaType: 'movie',
      tmdbId: 603,
      jellyseerrRequestId: 41,
      requestedBy: 'alice',
      source: 'jellyseerr',
      isAnime: false,
    });
    expect(detail.posterUrl).toMatch(/^https:\/\//);

    await t.hooks([['jellyseerr', jellyseerrNotification({ type: 'MEDIA_APPROVED', ...request })]]);
    expect((await only()).state).toBe('approved');

    await t.hooks([
      ['radarr', radarrGrab({ ...movie, downloadId: hash, downloadClient: 'qBittorrent (VPN)' })],
    ]);
    detail = await only();
    expect(detail.state).toBe('grabbing');
    expect(detail.downloads).toEqual([
      expect.objectContaining({
        downloadId: hash,
        client: 'qBittorrent (VPN)',
        state: 'grabbed',
        sizeBytes: 8_000_000_000,
      }),
    ]);

    await t.hooks([['radarr', radarrDownload({ ...movie, downloadId: hash, movieFileId: 5 })]]);
    detail = await only();
    expect(detail.state).toBe('importing');
    expect(detail.problem).toBeNull();

    await t.hooks([
      [
        'jellyfin',
        jellyfinItemAddedMovie({
          itemId: '5b1f0c3e-7d2a-4e1b-9c3d-2a1b0c9d8e7f',
          name: 'The Matrix',
          year: 1999,
          tmdbId: 603,
          imdbId: 'tt0133093',
        }),
      ],
    ]);
    detail = await only();
    expect(detail.state).toBe('available');
    expect(detail.jellyfinId).toBe('5b1f0c3e7d2a4e1b9c3d2a1b0c9d8e7f');
    expect(detail.timeline.map((e) => e.state)).toEqual([
      'requested',
      'approved',
      'grabbing',
      'importing',
      'available',
    ]);
    expect(detail.timeline.map((e) => e.source)).toEqual([
      'jellyseerr',
      'jellyseerr',
      'radarr',
      'radarr',
      'jellyfin',
    ]);
    for (const entry of detail.timeline) expect(entry.message.length).toBeGreaterThan(5);
    expect(detail.timeline.map((e) => e.message)).toEqual([
      expect.stringMatching(/requested by alice/i),
      expect.stringMatching(/approved/i),
      expect.stringMatching(
        /^Radarr grabbed "The\.Matrix\.1999.*" \(7\.5 GB\) and sent it to qBittorrent \(VPN\)$/,
      ),
      expect.stringMatching(/^Radarr imported/),
      expect.stringMatching(/Jellyfin/),
    ]);

    // Every timeline entry can show the payload it came from.
    const raw = await t.api(`/api/observations/${detail.timeline[2]!.observationId}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({ source: 'radarr', eventType: 'Grab', payload: { downloadId: hash } });
  });
});

describe('regular TV season pack', () => {
  const series = { seriesId: 31, tvdbId: 81189, tmdbId: 1396, title: 'Breaking Bad', year: 2008 };
  const episodes = sonarrEpisodes({ seasonNumber: 1, count: 7, firstId: 100, firstTvdbId: 349232 });
  const hash = 'AA11BB22CC33DD44EE55FF66AA11BB22CC33DD44';

  it('tracks every episode of the pack to importing, then to available as Jellyfin gets each episode', async () => {
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'tv',
          tmdbId: 1396,
          tvdbId: 81189,
          requestId: 50,
          title: 'Breaking Bad',
          year: 2008,
          seasons: [1],
        }),
      ],
      ['sonarr', sonarrGrab({ ...series, episodes, downloadId: hash })],
    ]);
    let detail = await only();
    expect(detail.state).toBe('grabbing');
    expect(detail.requestedSeasons).toEqual([1]);
    expect(detail.episodes).toHaveLength(7);
    expect(detail.downloads).toHaveLength(1);

    // Sonarr "On File Import": one webhook per file.
    await t.hooks(
      episodes
        .slice(0, 4)
        .map((e) => [
          'sonarr',
          sonarrDownloadFile({ ...series, episodes: [e], downloadId: hash, episodeFileId: 900 + e.id }),
        ]),
    );
    detail = await only();
    expect(detail.state).toBe('grabbing'); // least advanced of the episodes still on their way
    expect(detail.episodeCounts).toEqual({ importing: 4, grabbing: 3 });
    await t.hooks(
      episodes
        .slice(4)
        .map((e) => [
          'sonarr',
          sonarrDownloadFile({ ...series, episodes: [e], downloadId: hash, episodeFileId: 900 + e.id }),
        ]),
    );
    expect((await only()).state).toBe('importing');

    await t.hooks(
      episodes.slice(0, 6).map((e) => [
        'jellyfin',
        jellyfinItemAddedEpisode({
          itemId: `e${e.id}`.padEnd(32, '0'),
          seriesId: 'f'.repeat(32),
          seriesName: 'Breaking Bad',
          year: 2008,
          seasonNumber: 1,
          episodeNumber: e.episodeNumber,
          episodeTvdbId: e.tvdbId,
        }),
      ]),
    );
    detail = await only();
    expect(detail.state).toBe('importing');
    expect(detail.episodeCounts).toEqual({ available: 6, importing: 1 });
    const last = episodes[6]!;
    await t.hooks([
      [
        'jellyfin',
        jellyfinItemAddedEpisode({
          itemId: 'e'.repeat(32),
          seriesId: 'f'.repeat(32),
          seriesName: 'Breaking Bad',
          year: 2008,
          seasonNumber: 1,
          episodeNumber: last.episodeNumber,
          episodeTvdbId: last.tvdbId,
        }),
      ],
    ]);
    expect((await only()).state).toBe('available');
  });
});

describe('anime movie (captured payloads)', () => {
  it('goes from the captured Jellyseerr and Radarr webhooks to anime_matching', async () => {
    const grab = loadCapture('radarr-grab');
    await t.hooks([
      ['jellyseerr', loadCapture('jellyseerr-movie-auto-approved')],
      ['radarr', grab],
    ]);
    let detail = await only();
    expect(detail).toMatchObject({
      state: 'grabbing',
      title: 'Violet Evergarden: The Movie',
      year: 2020,
      tmdbId: 533514,
      jellyseerrRequestId: 69,
      requestedBy: 'adept',
      isAnime: true,
    });
    expect(detail.downloads[0]).toMatchObject({
      downloadId: 'C2C60F66C126652A86F7F2EE73DC83D4E255929E',
      client: 'qBittorrent (VPN)',
    });

    // The import of the same movie, in Radarr's real Download shape.
    await t.hooks([
      [
        'radarr',
        radarrDownload({
          movieId: 52,
          tmdbId: 533514,
          title: 'Violet Evergarden: The Movie',
          year: 2020,
          tags: ['anime'],
          folderPath: '/data/anime/movies/Violet Evergarden - The Movie (2020)',
          downloadId: 'C2C60F66C126652A86F7F2EE73DC83D4E255929E',
          movieFileId: 37,
        }),
      ],
    ]);
    detail = await only();
    expect(detail.state).toBe('anime_matching');
    expect(detail.timeline.at(-1)?.state).toBe('anime_matching');
  });

  it('takes the captured Radarr import as proof of download even with no grab seen', async () => {
    await t.hooks([['radarr', loadCapture('radarr-import')]]);
    const detail = await only();
    expect(detail).toMatchObject({
      state: 'anime_matching',
      source: 'radarr',
      isAnime: true,
      tmdbId: 1052946,
    });
  });
});

describe('anime TV (captured payloads)', () => {
  it('follows the captured season pack from request to anime_matching', async () => {
    await t.hooks([
      ['jellyseerr', loadCapture('jellyseerr-tv-auto-approved')],
      ['sonarr', loadCapture('sonarr-grab')],
    ]);
    let detail = await only();
    expect(detail).toMatchObject({ state: 'grabbing', isAnime: true, tvdbId: 414057, requestedSeasons: [1] });
    expect(detail.episodes).toHaveLength(13);

    await t.hooks([['sonarr', loadCapture('sonarr-import')]]);
    detail = await only();
    expect(detail.state).toBe('anime_matching');
    expect(detail.episodeCounts).toEqual({ anime_matching: 13 });
  });

  it('counts episodes that arrive in several downloads', async () => {
    const series = {
      seriesId: 23,
      tvdbId: 414057,
      title: 'Lycoris Recoil',
      year: 2022,
      type: 'anime' as const,
    };
    const all = sonarrEpisodes({ seasonNumber: 1, count: 6, firstId: 739, firstTvdbId: 8916235 });
    const first = all.slice(0, 3);
    const second = all.slice(3);
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'tv',
          tmdbId: 154494,
          tvdbId: 414057,
          requestId: 68,
          title: 'Lycoris Recoil',
          year: 2022,
          seasons: [1],
        }),
      ],
      ['sonarr', sonarrGrab({ ...series, episodes: first, downloadId: '1'.repeat(40) })],
      ['sonarr', sonarrGrab({ ...series, episodes: second, downloadId: '2'.repeat(40) })],
      ['sonarr', sonarrImportComplete({ ...series, episodes: first, downloadId: '1'.repeat(40) })],
    ]);
    let detail = await only();
    expect(detail.downloads).toHaveLength(2);
    expect(detail.state).toBe('grabbing');
    expect(detail.episodeCounts).toEqual({ anime_matching: 3, grabbing: 3 });
    await t.hooks([
      ['sonarr', sonarrImportComplete({ ...series, episodes: second, downloadId: '2'.repeat(40) })],
    ]);
    detail = await only();
    expect(detail.state).toBe('anime_matching');
  });
});

/**
 * The captures are of anime titles; the regular paths start from the same real payloads with the
 * anime markers (tag, series type, anime root folder) taken out, as a regular title would send them.
 */
describe('regular paths from the captured payloads', () => {
  function regular(payload: unknown, key: 'movie' | 'series'): unknown {
    const copy = structuredClone(payload) as Record<string, Record<string, unknown>>;
    const media = copy[key]!;
    media.tags = [];
    if (key === 'series') media.type = 'standard';
    for (const field of ['folderPath', 'path']) {
      if (typeof media[field] === 'string')
        media[field] = (media[field] as string).replace('/anime/', '/media/');
    }
    return copy;
  }

  it('regular movie: captured Jellyseerr + Radarr grab, then import and Jellyfin → available', async () => {
    await t.hooks([
      ['jellyseerr', loadCapture('jellyseerr-movie-auto-approved')],
      ['radarr', regular(loadCapture('radarr-grab'), 'movie')],
    ]);
    let detail = await only();
    expect(detail).toMatchObject({ state: 'grabbing', isAnime: false, tmdbId: 533514 });
    await t.hooks([
      [
        'radarr',
        radarrDownload({
          movieId: 52,
          tmdbId: 533514,
          title: 'Violet Evergarden: The Movie',
          year: 2020,
          downloadId: 'C2C60F66C126652A86F7F2EE73DC83D4E255929E',
          movieFileId: 40,
        }),
      ],
    ]);
    expect((await only()).state).toBe('importing');
    await t.hooks([
      [
        'jellyfin',
        jellyfinItemAddedMovie({
          itemId: 'a'.repeat(32),
          name: 'Violet Evergarden: The Movie',
          year: 2020,
          tmdbId: 533514,
        }),
      ],
    ]);
    detail = await only();
    expect(detail.state).toBe('available');
  });

  it('regular TV season pack: captured Jellyseerr + Sonarr grab and Import Complete → importing', async () => {
    await t.hooks([
      ['jellyseerr', loadCapture('jellyseerr-tv-auto-approved')],
      ['sonarr', regular(loadCapture('sonarr-grab'), 'series')],
      ['sonarr', regular(loadCapture('sonarr-import'), 'series')],
    ]);
    const detail = await only();
    expect(detail).toMatchObject({ state: 'importing', isAnime: false, episodeCounts: { importing: 13 } });
  });
});
