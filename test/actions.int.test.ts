/**
 * Actions through HTTP: a problem's safe fix runs by itself through the durable outbox, once; a person
 * can ask for one; a dry run records and sends nothing; a command that keeps failing is retried with
 * backoff and given up with the reason on the timeline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../src/integrations/jellyfin/jellyfin-api.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const matrix = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999 };
const HASH = 'D4'.repeat(20);
const MINUTE = 60_000;

let t: TestApp;
let jf: JellyfinApiFake;

async function start(env: Record<string, string> = {}) {
  t = await startTestApp({
    JELLYFIN_URL: jf.url,
    JELLYFIN_API_KEY: 'jf-key',
    VERIFY_INTERVAL_SECONDS: '3600',
    STUCK_NOT_IN_LIBRARY_MINUTES: '30',
    ...env,
  });
}
async function importedMovie() {
  await t.hooks([
    ['radarr', radarrGrab({ ...matrix, downloadId: HASH })],
    ['radarr', radarrDownload({ ...matrix, downloadId: HASH, movieFileId: 1 })],
  ]);
  return (await t.list()).items[0]!;
}
const scans = () =>
  jf.calls.filter(
    (c) => c.method === 'POST' && c.path.startsWith('/Library/Media/Updated') && c.status === 204,
  );
const messages = async (id: string) => (await t.detail(id)).timeline.map((e) => e.message);

beforeEach(async () => {
  jf = await startJellyfinApiFake({ apiKey: 'jf-key' });
});
afterEach(async () => {
  await t.close();
  await jf.close();
});

describe('actions', () => {
  it('runs the safe fix of a problem by itself, once, and says so on the timeline', async () => {
    await start();
    const request = await importedMovie();
    t.clock.advance(31 * MINUTE);
    await t.app.reviewRequests.runOnce();
    const detail = await t.detail(request.id);
    expect(detail.problem).toMatchObject({ code: 'not_in_library', actions: ['jellyfin_scan'] });
    await t.app.runOutbox.runOnce();
    expect(scans()).toHaveLength(1);
    expect(scans()[0]?.body).toEqual({
      Updates: [
        { Path: '/data/media/movies/The Matrix (1999)/The Matrix (1999).mkv', UpdateType: 'Created' },
      ],
    });
    expect(await messages(request.id)).toContain('Asked Jellyfin to scan for the imported file');

    // Found again on the next reviews: not queued again.
    await t.app.reviewRequests.runOnce();
    await t.app.reviewRequests.runOnce();
    await t.app.runOutbox.runOnce();
    expect(scans()).toHaveLength(1);
  });

  it('sends nothing in a dry run, and writes what it would have done', async () => {
    await start({ DRY_RUN: 'true' });
    const request = await importedMovie();
    t.clock.advance(31 * MINUTE);
    await t.app.reviewRequests.runOnce();
    await t.app.runOutbox.runOnce();
    expect(scans()).toHaveLength(0);
    expect(await messages(request.id)).toContain(
      'Dry run: would ask Jellyfin to scan for the imported file (nothing was sent)',
    );
  });

  it('runs a fix a person asks for through the API, once, and answers clearly when it cannot', async () => {
    await start({ AUTO_ACTIONS: 'none' });
    const request = await importedMovie();
    const first = await t.send('POST', `/api/requests/${request.id}/actions/jellyfin_scan`);
    expect(first).toMatchObject({
      status: 202,
      body: { action: 'jellyfin_scan', status: 'pending', created: true },
    });
    const again = await t.send('POST', `/api/requests/${request.id}/actions/jellyfin_scan`);
    expect(again).toMatchObject({ status: 202, body: { created: false, id: first.body.id } });
    await t.app.runOutbox.runOnce();
    expect(scans()).toHaveLength(1);

    expect((await t.send('POST', '/api/requests/nope/actions/jellyfin_scan')).status).toBe(404);
    expect((await t.send('POST', `/api/requests/${request.id}/actions/reboot`)).status).toBe(400);
    const unauthenticated = await t.app.server.inject({
      method: 'POST',
      url: `/api/requests/${request.id}/actions/jellyfin_scan`,
    });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('says why an action does not apply', async () => {
    await start({ AUTO_ACTIONS: 'none' });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    const request = (await t.list()).items[0]!;
    const res = await t.send('POST', `/api/requests/${request.id}/actions/jellyfin_scan`);
    expect(res).toMatchObject({
      status: 409,
      body: { code: 'not_applicable', error: 'nothing was imported yet' },
    });
  });

  it('retries a command that fails with backoff, and gives up with the reason on the timeline', async () => {
    await start({ AUTO_ACTIONS: 'none' });
    const request = await importedMovie();
    await t.send('POST', `/api/requests/${request.id}/actions/jellyfin_scan`);
    await jf.setDown(true);
    for (let attempt = 0; attempt < 5; attempt++) {
      await t.app.runOutbox.runOnce();
      await t.app.runOutbox.runOnce(); // not due yet: nothing happens
      t.clock.advance(31 * MINUTE);
    }
    const log = await messages(request.id);
    expect(
      log.filter((m) => m.startsWith('Could not ask Jellyfin to scan for the imported file:')),
    ).toHaveLength(1);
    await jf.setDown(false);
    await t.app.runOutbox.runOnce();
    expect(scans()).toHaveLength(0);
  });
});
