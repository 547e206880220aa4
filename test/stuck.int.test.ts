/**
 * Time-based problems through the tracker: the review job derives open requests again with the
 * current (fake) time; problems appear once a stage takes too long and clear when the evidence
 * changes; a stage whose service is down collects no evidence against it (the outage guard).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../src/integrations/jellyfin/jellyfin-api.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const matrix = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999 };
const HASH = 'C3'.repeat(20);
const MINUTE = 60_000;

let t: TestApp;
let jf: JellyfinApiFake | undefined;
afterEach(async () => {
  await t.close();
  await jf?.close();
  jf = undefined;
});

async function only() {
  const { items } = await t.list();
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('stuck requests', () => {
  it('shows no_release once approved too long without a grab, and clears it when Radarr grabs', async () => {
    t = await startTestApp({ STUCK_NO_RELEASE_MINUTES: '60' });
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'movie',
          tmdbId: 603,
          requestId: 1,
          title: 'The Matrix',
          year: 1999,
        }),
      ],
    ]);
    t.clock.advance(59 * MINUTE);
    await t.app.reviewRequests.runOnce();
    expect((await only()).problem).toBeNull();
    t.clock.advance(2 * MINUTE);
    await t.app.reviewRequests.runOnce();
    expect((await only()).problem).toMatchObject({
      code: 'no_release',
      message: expect.stringMatching(/^Radarr has not grabbed a release in (60|61) minutes/),
    });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    expect(await only()).toMatchObject({ state: 'grabbing', problem: null });
  });

  it('says so when no download client has reported a grab for half an hour', async () => {
    t = await startTestApp({});
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    t.clock.advance(31 * MINUTE);
    await t.app.reviewRequests.runOnce();
    expect((await only()).problem).toMatchObject({
      code: 'stalled',
      message: expect.stringMatching(/no download client has reported it since/),
      actions: ['remove_and_search'],
    });
  });

  it('shows not_in_library after the threshold, but not while Jellyfin is down', async () => {
    jf = await startJellyfinApiFake({ apiKey: 'jf-key' });
    t = await startTestApp({
      JELLYFIN_URL: jf.url,
      JELLYFIN_API_KEY: 'jf-key',
      VERIFY_INTERVAL_SECONDS: '3600',
      STUCK_NOT_IN_LIBRARY_MINUTES: '30',
    });
    await t.hooks([
      ['radarr', radarrGrab({ ...matrix, downloadId: HASH })],
      ['radarr', radarrDownload({ ...matrix, downloadId: HASH, movieFileId: 1 })],
    ]);
    await jf.setDown(true);
    await t.app.verifyLibrary.runOnce();
    t.clock.advance(45 * MINUTE);
    await t.app.reviewRequests.runOnce();
    expect(await only()).toMatchObject({ state: 'importing', problem: null });

    await jf.setDown(false);
    await t.app.verifyLibrary.runOnce();
    await t.app.reviewRequests.runOnce();
    expect((await only()).problem).toMatchObject({
      code: 'not_in_library',
      message: expect.stringMatching(
        /^Radarr imported it \d+ minutes ago, but Jellyfin does not have it yet$/,
      ),
    });
  });
});
