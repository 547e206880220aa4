/**
 * One story, one line per step: a fact that reaches the tracker through two doors (the Download
 * webhook and Radarr's history; the Jellyfin webhook and the verify job) is written once.
 */
import { afterEach, expect, it } from 'vitest';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { type RadarrApiFake, startRadarrApiFake } from '../src/integrations/radarr/radarr-api.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const HASH = 'F6'.repeat(20);
const matrix = { movieId: 1, tmdbId: 603, title: 'The Matrix', year: 1999 };
let t: TestApp;
let radarr: RadarrApiFake;
afterEach(async () => {
  await t.close();
  await radarr.close();
});

it('writes an import told by webhook and by the history once', async () => {
  radarr = await startRadarrApiFake({ apiKey: 'k' });
  radarr.addMovie({ id: 1, tmdbId: 603, title: 'The Matrix', year: 1999 });
  t = await startTestApp({ RADARR_URL: radarr.url, RADARR_API_KEY: 'k', RECONCILE_INTERVAL_SECONDS: '3600' });
  const record = radarr.grab({ movieId: 1, downloadId: HASH });
  radarr.importDownload({ path: record.outputPath ?? '', downloadClientId: HASH });
  await t.hooks([
    ['radarr', radarrGrab({ ...matrix, downloadId: HASH })],
    ['radarr', radarrDownload({ ...matrix, downloadId: HASH, movieFileId: 1 })],
  ]);
  await t.app.reconcile.runOnce();
  await t.app.reconcile.runOnce();
  const { items } = await t.list();
  const messages = (await t.detail(items[0]!.id)).timeline.map((e) => e.message);
  expect(messages.filter((m) => m.startsWith('Radarr imported'))).toHaveLength(1);
  expect(messages.filter((m) => m.startsWith('Radarr grabbed'))).toHaveLength(1);
});

it('writes the approval once when Jellyseerr tells it again in other words', async () => {
  radarr = await startRadarrApiFake({ apiKey: 'k' });
  t = await startTestApp({});
  const notification = (type: 'MEDIA_APPROVED' | 'MEDIA_AUTO_APPROVED') =>
    jellyseerrNotification({
      type,
      mediaType: 'movie',
      tmdbId: 603,
      requestId: 1,
      title: 'The Matrix',
      year: 1999,
    });
  await t.hooks([
    ['jellyseerr', notification('MEDIA_APPROVED')],
    ['jellyseerr', notification('MEDIA_AUTO_APPROVED')],
  ]);
  const { items } = await t.list();
  const messages = (await t.detail(items[0]!.id)).timeline.map((e) => e.message);
  expect(messages.filter((m) => m.startsWith('Approved'))).toEqual(['Approved in Jellyseerr']);
});
