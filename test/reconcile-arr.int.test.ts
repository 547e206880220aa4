/**
 * Self-healing with Radarr through HTTP (issue 5 scenarios): the Radarr API fake (its answers are
 * checked against Radarr's OpenAPI document in its own tests) stands for Radarr; webhooks are lost on
 * purpose; the reconcile, poll, review and outbox jobs are run by hand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import {
  type QbittorrentFake,
  startQbittorrentFake,
} from '../src/integrations/qbittorrent/qbittorrent.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { type RadarrApiFake, startRadarrApiFake } from '../src/integrations/radarr/radarr-api.fake.js';
import { startSonarrApiFake } from '../src/integrations/sonarr/sonarr-api.fake.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const KEY = 'radarr-key';
const HASH = 'E5'.repeat(20);
const MINUTE = 60_000;
const matrix = { movieId: 1, tmdbId: 603, title: 'The Matrix', year: 1999 };

let t: TestApp;
let radarr: RadarrApiFake;
let qb: QbittorrentFake | undefined;

afterEach(async () => {
  await t.close();
  await radarr.close();
  await qb?.close();
  qb = undefined;
});

async function start(env: Record<string, string> = {}) {
  radarr = await startRadarrApiFake({ apiKey: KEY });
  radarr.addMovie({ id: 1, tmdbId: 603, title: 'The Matrix', year: 1999 });
  t = await startTestApp({
    RADARR_URL: radarr.url,
    RADARR_API_KEY: KEY,
    RECONCILE_INTERVAL_SECONDS: '3600',
    ...env,
  });
}
const approve = () =>
  t.hooks([
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
async function only() {
  const { items } = await t.list();
  expect(items).toHaveLength(1);
  return t.detail(items[0]!.id);
}

describe('reconcile with Radarr', () => {
  it('follows a movie whose Grab and Download webhooks were never sent', async () => {
    await start();
    await approve();
    const record = radarr.grab({ movieId: 1, downloadId: HASH });
    await t.app.reconcile.runOnce();
    expect(await only()).toMatchObject({
      state: 'grabbing',
      downloads: [expect.objectContaining({ downloadId: HASH })],
    });

    radarr.importDownload({ path: record.outputPath ?? '', downloadClientId: HASH });
    await t.app.reconcile.runOnce();
    expect((await only()).state).toBe('importing');
  });

  it('moves on a movie that is already on disk when it is requested', async () => {
    await start();
    radarr.addMovieFile({ movieId: 1 });
    await approve();
    await t.app.reconcile.runOnce();
    const detail = await only();
    expect(detail.state).toBe('importing');
    expect(detail.timeline.at(-1)).toMatchObject({
      source: 'radarr',
      message: expect.stringMatching(/^Radarr imported/),
    });
    // Looked up once, not on every cycle.
    radarr.clearCalls();
    await t.app.reconcile.runOnce();
    expect(radarr.calls.some((c) => c.startsWith('GET /api/v3/movie'))).toBe(false);
  });

  it('looks an approved movie up in Radarr’s library at most once an hour while nothing is grabbed', async () => {
    await start();
    await approve();
    const lookups = () => radarr.calls.filter((c) => c.startsWith('GET /api/v3/movie?tmdbId=603')).length;
    await t.app.reconcile.runOnce();
    await t.app.reconcile.runOnce();
    expect(lookups()).toBe(1);
    expect((await only()).state).toBe('approved');
    t.clock.advance(61 * MINUTE);
    await t.app.reconcile.runOnce();
    expect(lookups()).toBe(2);
  });

  it('moves on a season already on disk in Sonarr when it is requested', async () => {
    radarr = await startRadarrApiFake({ apiKey: KEY });
    const sonarr = await startSonarrApiFake({ apiKey: 'sonarr-key' });
    onTestFinished(() => sonarr.close());
    const series = sonarr.addSeries({ tvdbId: 81189, title: 'Breaking Bad', year: 2008 });
    const [e1, e2] = sonarr.addEpisodes({ seriesId: series.id, seasonNumber: 1, count: 2 });
    const [s2] = sonarr.addEpisodes({ seriesId: series.id, seasonNumber: 2, count: 1 });
    sonarr.addEpisodeFile({ episodeIds: [e1!.id] });
    sonarr.addEpisodeFile({ episodeIds: [e2!.id] });
    sonarr.addEpisodeFile({ episodeIds: [s2!.id] });
    t = await startTestApp({
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: 'sonarr-key',
      RECONCILE_INTERVAL_SECONDS: '3600',
    });
    await t.hooks([
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'tv',
          tmdbId: 1396,
          tvdbId: 81189,
          requestId: 5,
          title: 'Breaking Bad',
          year: 2008,
          seasons: [1],
        }),
      ],
    ]);
    await t.app.reconcile.runOnce();
    const detail = await only();
    expect(detail.state).toBe('importing');
    expect(
      detail.episodes.filter((e) => e.inScope).map((e) => [e.seasonNumber, e.episodeNumber, e.state]),
    ).toEqual([
      [1, 1, 'importing'],
      [1, 2, 'importing'],
    ]);
  });

  it('shows a blocked import with Radarr’s own message', async () => {
    await start();
    await approve();
    radarr.grab({
      movieId: 1,
      downloadId: HASH,
      status: 'completed',
      trackedDownloadStatus: 'warning',
      trackedDownloadState: 'importBlocked',
      statusMessages: [
        { title: 'The.Matrix.1999.mkv', messages: ['Not an upgrade for existing movie file(s)'] },
      ],
    });
    await t.app.reconcile.runOnce();
    expect((await only()).problem).toMatchObject({
      code: 'import_blocked',
      message: 'Radarr cannot import the download: Not an upgrade for existing movie file(s)',
    });
  });

  it('shows a failed download with its reason, and a new grab recovers', async () => {
    await start();
    await approve();
    radarr.grab({
      movieId: 1,
      downloadId: HASH,
      status: 'failed',
      trackedDownloadStatus: 'error',
      trackedDownloadState: 'failedPending',
      errorMessage: 'The torrent is unregistered',
    });
    await t.app.reconcile.runOnce();
    expect(await only()).toMatchObject({
      state: 'failed',
      problem: { code: 'download_failed', message: 'Download failed: The torrent is unregistered' },
    });

    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: 'F6'.repeat(20) })]]);
    expect(await only()).toMatchObject({ state: 'grabbing', problem: null });
  });

  it('survives Radarr being down: no crash, no strikes, and catches up after', async () => {
    await start({ STUCK_NO_RELEASE_MINUTES: '60' });
    await approve();
    await radarr.setDown(true);
    await t.app.reconcile.runOnce();
    t.clock.advance(3 * 60 * MINUTE);
    await t.app.reviewRequests.runOnce();
    expect(await only()).toMatchObject({ state: 'approved', problem: null });
    const health = (await t.api('/api/health')).body as { services: Array<Record<string, unknown>> };
    expect(health.services.find((s) => s.kind === 'radarr')).toMatchObject({ ok: false });

    await radarr.setDown(false);
    radarr.grab({ movieId: 1, downloadId: HASH });
    await t.app.reconcile.runOnce();
    expect((await only()).state).toBe('grabbing');
  });
});

describe('restart', () => {
  it('catches up on a request that went from approved to imported while the tracker was stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-tracker-restart-'));
    const databaseFile = join(dir, 'tracker.db');
    radarr = await startRadarrApiFake({ apiKey: KEY });
    radarr.addMovie({ id: 1, tmdbId: 603, title: 'The Matrix', year: 1999 });
    const env = { RADARR_URL: radarr.url, RADARR_API_KEY: KEY, RECONCILE_INTERVAL_SECONDS: '3600' };
    t = await startTestApp(env, { databaseFile });
    await approve();
    await t.app.reconcile.runOnce();
    expect((await only()).state).toBe('approved');
    await t.close();

    // While the tracker is stopped, Radarr grabs and imports; every webhook is lost.
    const record = radarr.grab({ movieId: 1, downloadId: HASH });
    radarr.importDownload({ path: record.outputPath ?? '', downloadClientId: HASH });

    t = await startTestApp(env, { databaseFile });
    await t.app.reconcile.runOnce();
    const detail = await only();
    expect(detail.state).toBe('importing');
    expect(detail.timeline.map((e) => e.state)).toEqual(['approved', 'grabbing', 'importing']);
  });
});

describe('search actions', () => {
  it('searches again for the movie', async () => {
    await start({ AUTO_ACTIONS: 'none' });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    const request = await only();
    const res = await t.send('POST', `/api/requests/${request.id}/actions/search`);
    expect(res.status).toBe(202);
    await t.app.runOutbox.runOnce();
    expect(radarr.sentCommands('MoviesSearch')).toEqual([{ name: 'MoviesSearch', movieIds: [1] }]);
  });

  it('removes and blocklists a stuck download, then searches; never a download over 99 %', async () => {
    qb = await startQbittorrentFake({ username: 'admin', password: 'adminadmin' });
    await start({
      AUTO_ACTIONS: 'none',
      QBITTORRENT_URL: qb.url,
      QBITTORRENT_USERNAME: 'admin',
      QBITTORRENT_PASSWORD: 'adminadmin',
      POLL_INTERVAL_SECONDS: '0.2',
    });
    radarr.grab({ movieId: 1, downloadId: HASH });
    qb.addTorrent({
      hash: HASH.toLowerCase(),
      name: 'The.Matrix.1999.1080p',
      category: 'radarr',
      progress: 0.995,
    });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    await expect.poll(async () => (await only()).progress, { timeout: 5_000 }).toBe(0.995);
    const request = await only();
    const refused = await t.send('POST', `/api/requests/${request.id}/actions/remove_and_search`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'the download is over 99 % done' } });

    qb.updateTorrent(HASH.toLowerCase(), { progress: 0.3, state: 'stalledDL' });
    await expect.poll(async () => (await only()).progress, { timeout: 5_000 }).toBe(0.3);
    expect((await t.send('POST', `/api/requests/${request.id}/actions/remove_and_search`)).status).toBe(202);
    await t.app.runOutbox.runOnce();
    expect(radarr.removals).toEqual([
      expect.objectContaining({ downloadId: HASH, blocklist: true, removeFromClient: true }),
    ]);
    expect(radarr.sentCommands('MoviesSearch')).toEqual([{ name: 'MoviesSearch', movieIds: [1] }]);
  });
});

describe('automatic remove and search', () => {
  /** A grab whose torrent stalls at 30 %, seen by the poller, then left for 31 minutes. */
  async function stalledFor31Minutes(env: Record<string, string>, tags: string[] = []) {
    qb = await startQbittorrentFake({ username: 'admin', password: 'adminadmin' });
    await start({
      QBITTORRENT_URL: qb.url,
      QBITTORRENT_USERNAME: 'admin',
      QBITTORRENT_PASSWORD: 'adminadmin',
      POLL_INTERVAL_SECONDS: '0.2',
      ...env,
    });
    radarr.grab({ movieId: 1, downloadId: HASH });
    qb.addTorrent({
      hash: HASH.toLowerCase(),
      name: 'The.Matrix.1999.1080p',
      category: 'radarr',
      progress: 0.3,
    });
    qb.updateTorrent(HASH.toLowerCase(), { state: 'stalledDL' });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH, tags })]]);
    await expect.poll(async () => (await only()).downloads[0]?.state, { timeout: 5_000 }).toBe('stalled');
    t.clock.advance(31 * MINUTE);
    await t.app.reviewRequests.runOnce();
    await t.app.runOutbox.runOnce();
    return only();
  }

  it('removes, blocklists and searches again by itself when AUTO_ACTIONS names it', async () => {
    const request = await stalledFor31Minutes({ AUTO_ACTIONS: 'remove_and_search' });
    expect(request.problem).toMatchObject({ code: 'stalled', actions: ['remove_and_search'] });
    expect(radarr.removals).toEqual([expect.objectContaining({ downloadId: HASH, blocklist: true })]);
    expect(radarr.sentCommands('MoviesSearch')).toEqual([{ name: 'MoviesSearch', movieIds: [1] }]);
  });

  it('leaves a title with the protect tag alone, but a person may still ask', async () => {
    const request = await stalledFor31Minutes({ AUTO_ACTIONS: 'remove_and_search' }, [
      'status-tracker-protect',
    ]);
    expect(request.problem?.code).toBe('stalled');
    expect(radarr.removals).toEqual([]);
    expect((await t.send('POST', `/api/requests/${request.id}/actions/remove_and_search`)).status).toBe(202);
    await t.app.runOutbox.runOnce();
    expect(radarr.removals).toHaveLength(1);
  });

  it('never removes a private tracker’s download by itself unless allowed', async () => {
    const env = { AUTO_ACTIONS: 'remove_and_search', PRIVATE_INDEXERS: 'Other, test indexer (prowlarr)' };
    const request = await stalledFor31Minutes(env);
    expect(request.problem?.code).toBe('stalled');
    expect(radarr.removals).toEqual([]);
    await t.close();
    await radarr.close();
    await qb?.close();

    await stalledFor31Minutes({ ...env, REMOVE_PRIVATE_AUTOMATICALLY: 'true' });
    expect(radarr.removals).toHaveLength(1);
  });
});

describe('reconcile cost', () => {
  it('asks Radarr once for the queue and once for the history, however many requests are open', async () => {
    await start();
    const hooks: Array<[string, unknown]> = [];
    for (let n = 0; n < 200; n++) {
      radarr.addMovie({ id: 100 + n, tmdbId: 10_000 + n, title: `Movie ${n}`, year: 2000 + (n % 20) });
      radarr.grab({ movieId: 100 + n, downloadId: (n + 1).toString(16).padStart(40, '0').toUpperCase() });
      hooks.push([
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'movie',
          tmdbId: 10_000 + n,
          requestId: 100 + n,
          title: `Movie ${n}`,
          year: 2000 + (n % 20),
        }),
      ]);
    }
    await t.hooks(hooks);
    radarr.clearCalls();
    await t.app.reconcile.runOnce();
    expect(radarr.calls.map((c) => c.split('?')[0])).toEqual([
      'GET /api/v3/queue',
      'GET /api/v3/history/since',
    ]);
    expect((await t.list('state=grabbing&limit=500')).total).toBe(200);
  });
});

describe('queue desync (edge case 23)', () => {
  async function desynced(env: Record<string, string> = {}, { radarrLostIt = true } = {}) {
    qb = await startQbittorrentFake({ username: 'admin', password: 'adminadmin' });
    await start({
      QBITTORRENT_URL: qb.url,
      QBITTORRENT_USERNAME: 'admin',
      QBITTORRENT_PASSWORD: 'adminadmin',
      STUCK_NOT_IMPORTED_MINUTES: '20',
      ...env,
    });
    await approve();
    // Radarr handed the torrent to qBittorrent and lost it from its own queue.
    qb.addTorrent({
      hash: HASH.toLowerCase(),
      name: 'The.Matrix.1999.1080p',
      category: 'radarr',
      progress: 1,
    });
    radarr.grab({
      movieId: 1,
      downloadId: HASH,
      queued: !radarrLostIt,
      status: 'completed',
      trackedDownloadState: 'importPending',
    });
    await t.hooks([['radarr', radarrGrab({ ...matrix, downloadId: HASH })]]);
    await t.app.pollDownloads.settled();
    await expect.poll(async () => (await only()).state).toBe('downloaded');
    t.clock.advance(21 * MINUTE);
  }

  it('sends the exact DownloadedMoviesScan once, and the request moves on', async () => {
    await desynced();
    for (let cycle = 0; cycle < 3; cycle++) {
      await t.app.reconcile.runOnce();
      await t.app.reviewRequests.runOnce();
      await t.app.runOutbox.runOnce();
    }
    const sent = radarr.sentCommands('DownloadedMoviesScan');
    expect(sent).toEqual([
      {
        name: 'DownloadedMoviesScan',
        path: qb!.torrent(HASH.toLowerCase())!.content_path,
        downloadClientId: HASH,
      },
    ]);
    const detail = await only();
    expect(detail.problem?.code).toBe('import_desync');
    expect(detail.timeline.map((e) => e.message)).toContain(
      'Asked Radarr to import the completed download (DownloadedMoviesScan)',
    );

    // Radarr imports it and says so.
    await t.hooks([['radarr', radarrDownload({ ...matrix, downloadId: HASH, movieFileId: 3 })]]);
    expect(await only()).toMatchObject({ state: 'importing', problem: null });
  });

  it('does not import by hand while Radarr still lists the download', async () => {
    await desynced({}, { radarrLostIt: false });
    for (let cycle = 0; cycle < 3; cycle++) {
      await t.app.reconcile.runOnce();
      await t.app.reviewRequests.runOnce();
      await t.app.runOutbox.runOnce();
    }
    expect((await only()).problem?.code).toBe('import_desync');
    expect(radarr.sentCommands('DownloadedMoviesScan')).toEqual([]);
  });

  it('sends nothing in a dry run', async () => {
    await desynced({ DRY_RUN: 'true' });
    await t.app.reconcile.runOnce();
    await t.app.reconcile.runOnce();
    await t.app.reviewRequests.runOnce();
    await t.app.runOutbox.runOnce();
    expect(radarr.sentCommands('DownloadedMoviesScan')).toEqual([]);
    expect((await only()).timeline.map((e) => e.message)).toContain(
      'Dry run: would ask Radarr to import the completed download (nothing was sent)',
    );
  });
});
