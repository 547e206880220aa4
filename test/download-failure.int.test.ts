/**
 * Issue 3: an NZB that cannot download (the news server answers 430 for its articles) surfaces on
 * the request as `failed` with NZBGet's reason — through the whole tracker: Radarr's Grab webhook
 * names the download by the `drone` GUID it gave NZBGet, the poll job finds it in NZBGet's history.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { describeWithBinaries } from './support/daemons/daemon-process.js';
import { type NzbgetDaemon, startNzbgetDaemon } from './support/daemons/nzbget.daemon.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describeWithBinaries(['nzbget'], 'NZBGet failure followed by the tracker', () => {
  let nzbget: NzbgetDaemon;
  let t: TestApp;

  beforeAll(async () => {
    nzbget = await startNzbgetDaemon();
    t = await startTestApp({
      NZBGET_URL: nzbget.url,
      NZBGET_USERNAME: nzbget.username,
      NZBGET_PASSWORD: nzbget.password,
      POLL_INTERVAL_SECONDS: '0.25',
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await nzbget?.stop();
  });

  it('shows the request failed with NZBGet’s reason', async () => {
    const drone = randomBytes(16).toString('hex');
    const name = `Missing.Movie.2024.1080p.WEB-DL.${drone.slice(0, 6)}`;
    await t.hooks([
      [
        'radarr',
        radarrGrab({
          movieId: 41,
          tmdbId: 424_242,
          title: 'Missing Movie',
          year: 2024,
          downloadId: drone,
          downloadClient: 'NZBGet',
          downloadClientType: 'Nzbget',
        }),
      ],
    ]);
    await nzbget.append({ name, nzb: nzbget.nntp.missingNzb({ name }), category: 'radarr', drone });

    await expect
      .poll(async () => (await t.list()).items[0]?.state, { timeout: 20_000, interval: 200 })
      .toBe('failed');
    const request = (await t.list()).items[0]!;
    expect(request.problem?.code).toBe('download_failed');
    expect(request.problem?.message).toMatch(/FAILURE\/HEALTH/);
    const detail = await t.detail(request.id);
    expect(detail.downloads[0]).toMatchObject({ downloadId: drone, state: 'failed' });
    expect(detail.downloads[0]?.failureReason).toMatch(/articles are missing/);
  });
});
