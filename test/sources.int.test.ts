import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrHealth } from '../src/integrations/radarr/radarr.fake.js';
import { startArrApiFake } from '../src/integrations/shared/arr-api.fake.js';
import { sonarrDownloadFile, sonarrEpisodes } from '../src/integrations/sonarr/sonarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const movieRequest = (type: 'MEDIA_AUTO_APPROVED' | 'MEDIA_AVAILABLE') =>
  jellyseerrNotification({
    type,
    mediaType: 'movie',
    tmdbId: 603,
    requestId: 1,
    title: 'The Matrix',
    year: 1999,
  });

interface Health {
  status: string;
  services: Array<{ kind: string; ok: boolean; message: string | null }>;
}

describe('what each source reports', () => {
  it('shows a Radarr health issue in /api/health until Radarr says it is restored', async () => {
    const radarr = await startArrApiFake({ app: 'Radarr', apiKey: 'key' });
    t = await startTestApp({ RADARR_URL: radarr.url, RADARR_API_KEY: 'key' });
    onTestFinished(() => radarr.close());
    let health = (await t.api('/api/health')).body as Health;
    expect(health.services).toEqual([
      expect.objectContaining({ kind: 'radarr', ok: true, message: 'no webhook received yet' }),
    ]);

    await t.hooks([
      ['radarr', radarrHealth({ level: 'error', message: 'Unable to communicate with qBittorrent' })],
    ]);
    health = (await t.api('/api/health')).body as Health;
    expect(health.status).toBe('degraded');
    expect(health.services[0]).toMatchObject({
      ok: false,
      message: 'error: Unable to communicate with qBittorrent',
    });
    const open = await t.app.server.inject({ method: 'GET', url: '/api/health' });
    expect(open.json()).toEqual({ status: 'degraded' });

    await t.hooks([
      [
        'radarr',
        radarrHealth({ level: 'error', message: 'Unable to communicate with qBittorrent', restored: true }),
      ],
    ]);
    health = (await t.api('/api/health')).body as Health;
    expect(health.status).toBe('ok');
  });

  it('takes Jellyseerr "available" as is when Jellyfin is not configured', async () => {
    t = await startTestApp();
    await t.hooks([
      ['jellyseerr', movieRequest('MEDIA_AUTO_APPROVED')],
      ['jellyseerr', movieRequest('MEDIA_AVAILABLE')],
    ]);
    expect((await t.list()).items[0]?.state).toBe('available');
  });

  it('waits for Jellyfin itself when Jellyfin is configured', async () => {
    t = await startTestApp({ JELLYFIN_URL: 'http://jellyfin:8096', JELLYFIN_API_KEY: 'key' });
    await t.hooks([
      ['jellyseerr', movieRequest('MEDIA_AUTO_APPROVED')],
      [
        'radarr',
        radarrDownload({ movieId: 1, tmdbId: 603, title: 'The Matrix', year: 1999, movieFileId: 4 }),
      ],
      ['jellyseerr', movieRequest('MEDIA_AVAILABLE')],
    ]);
    const detail = await t.detail((await t.list()).items[0]!.id);
    expect(detail.state).toBe('importing');
    expect(detail.timeline.at(-1)).toMatchObject({ source: 'jellyseerr', state: 'importing' });
  });

  it('matches a manual Sonarr import (no download id) to the request by TVDB id and season', async () => {
    t = await startTestApp();
    const series = { seriesId: 8, tvdbId: 121361, title: 'Game of Thrones', year: 2011 };
    const [episode] = sonarrEpisodes({ seasonNumber: 2, count: 1, firstId: 50 });
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'tv',
          tmdbId: 1399,
          tvdbId: 121361,
          requestId: 2,
          title: 'Game of Thrones',
          year: 2011,
          seasons: [2],
        }),
      ],
      ['sonarr', sonarrDownloadFile({ ...series, episodes: [episode!], episodeFileId: 7 })],
    ]);
    const { items } = await t.list();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      state: 'importing',
      jellyseerrRequestId: 2,
      episodeCounts: { importing: 1 },
    });
    expect((await t.api('/api/observations/99999/raw')).status).toBe(404);
  });
});
