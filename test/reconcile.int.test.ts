/**
 * Reconciliation through HTTP: what happened in Jellyseerr while the tracker was down is read back
 * from its API (the Seerr API fake, whose answers are checked against the official spec in its own
 * tests) and lands as if the webhooks had arrived; a fact seen both ways is stored once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import {
  type JellyseerrApiFake,
  startJellyseerrApiFake,
} from '../src/integrations/jellyseerr/jellyseerr-api.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const API_KEY = 'seerr-key';
let seerr: JellyseerrApiFake;
let t: TestApp;

beforeEach(async () => {
  seerr = await startJellyseerrApiFake({ apiKey: API_KEY });
});
afterEach(async () => {
  await t?.close();
  await seerr.close();
});

const start = async () => {
  t = await startTestApp({
    JELLYSEERR_URL: seerr.url,
    JELLYSEERR_API_KEY: API_KEY,
    RECONCILE_INTERVAL_SECONDS: '3600',
  });
};
const byTitle = async (title: string) => (await t.list(`q=${encodeURIComponent(title)}`)).items[0];

describe('Jellyseerr backfill', () => {
  it('brings in requests created, approved and declined while the tracker was down', async () => {
    const alice = seerr.addUser({ username: 'alice', jellyfinUsername: 'alice' });
    const matrix = seerr.addRequest({
      mediaType: 'movie',
      tmdbId: 603,
      title: 'The Matrix',
      year: 1999,
      requestedBy: alice.id,
    });
    seerr.addRequest({
      mediaType: 'tv',
      tmdbId: 1396,
      tvdbId: 81189,
      title: 'Breaking Bad',
      year: 2008,
      seasons: [1, 2],
      status: 'approved',
      requestedBy: alice.id,
    });
    seerr.addRequest({
      mediaType: 'movie',
      tmdbId: 999,
      title: 'Bad Movie',
      year: 2001,
      status: 'declined',
      modifiedBy: 1,
      requestedBy: alice.id,
    });

    await start();
    await t.app.reconcile.runOnce();
    expect(await byTitle('The Matrix')).toMatchObject({
      state: 'requested',
      requestedBy: 'alice',
      year: 1999,
      tmdbId: 603,
    });
    expect(await byTitle('Breaking Bad')).toMatchObject({
      state: 'approved',
      requestedSeasons: [1, 2],
      tvdbId: 81189,
    });
    expect(await byTitle('Bad Movie')).toMatchObject({ state: 'declined' });
    expect(t.app.reconcile.lastCycle()).toMatchObject({ jellyseerrRequests: 3, observations: 3 });

    // Approved later, still while no webhook reaches the tracker.
    seerr.updateRequest(matrix.id, { status: 'approved', modifiedBy: 1 });
    await t.app.reconcile.runOnce();
    expect((await byTitle('The Matrix'))?.state).toBe('approved');
  });

  it('stores a request seen by webhook and by backfill once', async () => {
    const alice = seerr.addUser({ username: 'alice', jellyfinUsername: 'alice' });
    const request = seerr.addRequest({
      mediaType: 'movie',
      tmdbId: 603,
      title: 'The Matrix',
      year: 1999,
      requestedBy: alice.id,
    });
    await start();
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_PENDING',
          mediaType: 'movie',
          tmdbId: 603,
          requestId: request.id,
          title: 'The Matrix',
          year: 1999,
        }),
      ],
    ]);
    await t.app.reconcile.runOnce();
    const { items } = await t.list();
    expect(items).toHaveLength(1);
    const detail = await t.detail(items[0]!.id);
    expect(detail.timeline.map((e) => e.state)).toEqual(['requested']);
    const stored = t.app.db.$client
      .prepare("select count(*) as n from observations where kind = 'requested'")
      .get() as { n: number };
    expect(stored.n).toBe(1);
  });

  it('survives Jellyseerr being down and catches up from where it was', async () => {
    await start();
    await t.app.reconcile.runOnce();
    await seerr.setDown(true);
    seerr.addRequest({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999 });
    await t.app.reconcile.runOnce();
    expect((await t.list()).items).toHaveLength(0);
    const health = (await t.api('/api/health')).body as { services: Array<Record<string, unknown>> };
    expect(health.services.find((s) => s.kind === 'jellyseerr')).toMatchObject({ ok: false });

    await seerr.setDown(false);
    await t.app.reconcile.runOnce();
    expect((await t.list()).items.map((r) => r.title)).toEqual(['The Matrix']);
  });
});
