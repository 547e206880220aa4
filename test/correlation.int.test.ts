import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jellyfinItemAddedMovie } from '../src/integrations/jellyfin/jellyfin.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import {
  radarrDownload,
  radarrGrab,
  radarrManualInteractionRequired,
  radarrMovieDelete,
} from '../src/integrations/radarr/radarr.fake.js';
import { sonarrEpisodes, sonarrGrab } from '../src/integrations/sonarr/sonarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ JELLYFIN_URL: 'http://jellyfin:8096', JELLYFIN_API_KEY: 'jf-key' });
});
afterEach(async () => {
  await t.close();
});

const movie = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999 };
const request = (requestId: number) =>
  jellyseerrNotification({
    type: 'MEDIA_AUTO_APPROVED',
    mediaType: 'movie',
    tmdbId: 603,
    requestId,
    title: 'The Matrix',
    year: 1999,
  });
const jellyfinMatrix = (itemId: string) =>
  jellyfinItemAddedMovie({ itemId, name: 'The Matrix', year: 1999, tmdbId: 603 });

describe('correlation', () => {
  it('never re-opens an available request: a re-request gets all the new events', async () => {
    await t.hooks([
      ['jellyseerr', request(1)],
      ['radarr', radarrGrab({ ...movie, downloadId: 'A'.repeat(40) })],
      ['radarr', radarrDownload({ ...movie, downloadId: 'A'.repeat(40), movieFileId: 1 })],
      ['jellyfin', jellyfinMatrix('1'.repeat(32))],
    ]);
    const [old] = (await t.list()).items;
    expect(old?.state).toBe('available');
    const oldTimeline = (await t.detail(old!.id)).timeline;

    await t.hooks([
      ['jellyseerr', request(2)],
      ['radarr', radarrGrab({ ...movie, downloadId: 'B'.repeat(40) })],
    ]);
    const { items } = await t.list();
    expect(items).toHaveLength(2);
    const fresh = items.find((r) => r.jellyseerrRequestId === 2)!;
    expect(fresh.state).toBe('grabbing');
    const oldAfter = await t.detail(old!.id);
    expect(oldAfter.state).toBe('available');
    expect(oldAfter.timeline).toEqual(oldTimeline);
  });

  it('adopts *arr activity that arrived before the Jellyseerr webhook', async () => {
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: 'C'.repeat(40) })]]);
    let { items } = await t.list();
    expect(items[0]).toMatchObject({ source: 'radarr', jellyseerrRequestId: null, state: 'grabbing' });
    await t.hooks([['jellyseerr', request(3)]]);
    ({ items } = await t.list());
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'jellyseerr', jellyseerrRequestId: 3, state: 'grabbing' });
  });

  it('tracks *arr activity that no request explains, marked as such', async () => {
    await t.hooks([
      [
        'radarr',
        radarrGrab({
          movieId: 77,
          tmdbId: 78,
          title: 'Blade Runner',
          year: 1982,
          downloadId: 'D'.repeat(40),
        }),
      ],
    ]);
    const { items } = await t.list();
    expect(items[0]).toMatchObject({ source: 'radarr', title: 'Blade Runner', state: 'grabbing' });
  });

  it('keeps a Jellyfin event that came first and applies it when the request appears', async () => {
    await t.hooks([['jellyfin', jellyfinMatrix('2'.repeat(32))]]);
    expect((await t.list()).total).toBe(0);
    await t.hooks([['jellyseerr', request(4)]]);
    const { items } = await t.list();
    expect(items[0]).toMatchObject({ state: 'available', jellyseerrRequestId: 4 });
  });

  it('matches a Jellyfin item without provider ids by title and year', async () => {
    await t.hooks([
      ['jellyseerr', request(5)],
      ['radarr', radarrDownload({ ...movie, downloadId: 'E'.repeat(40), movieFileId: 2 })],
      ['jellyfin', jellyfinItemAddedMovie({ itemId: '3'.repeat(32), name: 'The Matrix', year: 1999 })],
    ]);
    expect((await t.list()).items[0]?.state).toBe('available');
  });

  it('tracks a second-season request on its own', async () => {
    const series = { seriesId: 31, tvdbId: 81189, title: 'Breaking Bad', year: 2008 };
    const s1 = sonarrEpisodes({ seasonNumber: 1, count: 3, firstId: 100 });
    const s2 = sonarrEpisodes({ seasonNumber: 2, count: 3, firstId: 200 });
    const tvRequest = (requestId: number, season: number) =>
      jellyseerrNotification({
        type: 'MEDIA_AUTO_APPROVED',
        mediaType: 'tv',
        tmdbId: 1396,
        tvdbId: 81189,
        requestId,
        title: 'Breaking Bad',
        year: 2008,
        seasons: [season],
      });
    await t.hooks([
      ['jellyseerr', tvRequest(10, 1)],
      ['sonarr', sonarrGrab({ ...series, episodes: s1, downloadId: '5'.repeat(40) })],
      ['jellyseerr', tvRequest(11, 2)],
      ['sonarr', sonarrGrab({ ...series, episodes: s2, downloadId: '6'.repeat(40) })],
    ]);
    const { items } = await t.list();
    expect(items).toHaveLength(2);
    for (const item of items) {
      const detail = await t.detail(item.id);
      const season = item.jellyseerrRequestId === 10 ? 1 : 2;
      expect(detail.episodes.map((e) => e.seasonNumber)).toEqual([season, season, season]);
      expect(detail.downloads).toHaveLength(1);
    }
  });

  it('shows a blocked import with the *arr message, and a deletion', async () => {
    await t.hooks([
      ['jellyseerr', request(6)],
      ['radarr', radarrGrab({ ...movie, downloadId: 'F'.repeat(40) })],
      [
        'radarr',
        radarrManualInteractionRequired({
          ...movie,
          downloadId: 'F'.repeat(40),
          statusMessages: [{ title: 'The.Matrix.mkv', messages: ['Not a Custom Format upgrade'] }],
        }),
      ],
    ]);
    let summary = (await t.list()).items[0]!;
    expect(summary.state).toBe('downloaded');
    expect(summary.problem).toMatchObject({ code: 'import_blocked' });
    expect(summary.problem?.message).toMatch(/Not a Custom Format upgrade/);
    await t.hooks([['radarr', radarrMovieDelete(movie)]]);
    summary = (await t.list()).items[0]!;
    expect(summary.state).toBe('deleted');
    expect((await t.list('active=false')).total).toBe(1);
    expect((await t.list('active=true')).total).toBe(0);
  });

  it('filters and pages the list', async () => {
    await t.hooks([
      ['jellyseerr', request(7)],
      [
        'radarr',
        radarrGrab({
          movieId: 77,
          tmdbId: 78,
          title: 'Blade Runner',
          year: 1982,
          downloadId: '7'.repeat(40),
        }),
      ],
      [
        'sonarr',
        sonarrGrab({
          seriesId: 1,
          tvdbId: 2,
          title: 'Dark',
          year: 2017,
          episodes: sonarrEpisodes({ seasonNumber: 1, count: 2, firstId: 1 }),
          downloadId: '8'.repeat(40),
        }),
      ],
    ]);
    expect((await t.list('mediaType=tv')).items.map((r) => r.title)).toEqual(['Dark']);
    expect((await t.list('q=blade')).items.map((r) => r.title)).toEqual(['Blade Runner']);
    expect((await t.list('state=approved')).items.map((r) => r.title)).toEqual(['The Matrix']);
    const page = await t.list('limit=2&offset=2');
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
  });
});
