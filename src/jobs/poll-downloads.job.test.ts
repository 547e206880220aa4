import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/test-app.js';
import type { Downloader, DownloaderKind, DownloadItem } from '../integrations/downloader/downloader.js';
import { radarrGrab } from '../integrations/radarr/radarr.fake.js';
import { IntegrationError } from '../integrations/shared/integration-error.js';
import { sonarrEpisodes, sonarrGrab } from '../integrations/sonarr/sonarr.fake.js';
import type { Connected } from '../services/service-connections.js';
import type { ServiceInstance } from '../services/service-directory.js';
import { createDownloadQueries } from '../tracker/download-queries.js';
import { candidateInstances, createPollDownloadsJob } from './poll-downloads.job.js';

/**
 * The poll job against scripted Downloaders (the interface, not a client: each client is proven
 * against its own fake and daemon elsewhere). The job is run by hand, one cycle per `run()`.
 */
class ScriptedDownloader implements Downloader {
  items: DownloadItem[] = [];
  calls = 0;
  failure: IntegrationError | null = null;
  /** While set, listItems waits for it: a client that does not answer. */
  hang: Promise<void> | null = null;
  constructor(readonly kind: DownloaderKind) {}
  logins = 0;
  async testConnection() {
    this.logins += 1;
    return { version: '1' };
  }
  async listItems() {
    this.calls += 1;
    if (this.hang) await this.hang;
    if (this.failure) throw this.failure;
    return this.items.map((item) => ({ ...item }));
  }
  status() {
    return {
      circuit: 'closed' as const,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      lastErrorKind: null,
    };
  }
}

type Polled = Connected & { downloader: ScriptedDownloader };

function instance(kind: DownloaderKind, name: string): Polled {
  const i: ServiceInstance = {
    id: `${kind}-${name}`,
    kind,
    name,
    origin: 'api',
    url: 'http://x',
    username: null,
    secrets: {},
    version: '1',
  };
  const downloader = new ScriptedDownloader(kind);
  return {
    instance: i,
    connection: downloader,
    downloader,
    jellyfin: null,
    shoko: null,
    jellyseerr: null,
    arr: null,
  };
}

function item(arrId: string, patch: Partial<DownloadItem> = {}): DownloadItem {
  const sizeBytes = patch.sizeBytes ?? 1_000_000;
  const progress = patch.progress ?? 0;
  return {
    clientId: arrId.toLowerCase(),
    arrId,
    name: `Release ${arrId.slice(0, 6)}`,
    category: 'radarr',
    state: 'downloading',
    progress,
    sizeBytes,
    remainingBytes: Math.round(sizeBytes * (1 - progress)),
    downloadSpeed: 500_000,
    uploadSpeed: 0,
    etaSeconds: 60,
    error: null,
    savePath: '/downloads',
    contentPath: `/downloads/Release ${arrId.slice(0, 6)}`,
    addedAt: '2026-03-01T11:00:00.000Z',
    completedAt: null,
    ...patch,
  };
}

const HASH_A = 'A'.repeat(40);
const HASH_B = 'B'.repeat(40);
const movie = { movieId: 7, tmdbId: 603, title: 'The Matrix', year: 1999 };

describe('poll-downloads job', () => {
  let t: TestApp;
  let clients: Polled[];

  beforeEach(async () => {
    t = await startTestApp();
    clients = [instance('qbittorrent', 'qBittorrent')];
  });
  afterEach(async () => {
    await t.close();
  });

  const job = () =>
    createPollDownloadsJob({
      connections: { downloaders: () => clients },
      downloads: createDownloadQueries({ db: t.app.db }),
      tracker: t.app.tracker,
      clock: t.clock,
      logger: pino({ level: 'silent' }),
      activeIntervalMs: 5_000,
      idleIntervalMs: 60_000,
    });
  const only = async () => (await t.list()).items[0]!;

  it('follows a movie from grab through downloading to downloaded, one call per cycle', async () => {
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    const poll = job();
    const qb = clients[0]!.downloader;

    qb.items = [item(HASH_A, { progress: 0.25, etaSeconds: 90 })];
    expect(await poll.run()).toBe(5_000);
    expect(await only()).toMatchObject({ state: 'downloading', progress: 0.25 });
    const detail = await t.detail((await only()).id);
    expect(detail.downloads[0]).toMatchObject({
      downloadId: HASH_A,
      state: 'downloading',
      progress: 0.25,
      etaSeconds: 90,
      sizeBytes: 1_000_000,
    });

    qb.items = [item(HASH_A, { progress: 0.6 })];
    await poll.run();
    expect((await only()).progress).toBe(0.6);

    qb.items = [
      item(HASH_A, {
        state: 'completed',
        progress: 1,
        etaSeconds: null,
        completedAt: '2026-03-01T12:00:00.000Z',
      }),
    ];
    await poll.run();
    expect(await only()).toMatchObject({ state: 'downloaded', progress: 1 });
    expect(qb.calls).toBe(3);
    const timeline = (await t.detail((await only()).id)).timeline;
    const states = timeline.map((e) => e.state);
    expect(states).toEqual(['grabbing', 'downloading', 'downloaded']);
  });

  it('takes a download that is complete the moment it is grabbed straight to downloaded', async () => {
    clients[0]!.downloader.items = [item(HASH_A, { state: 'completed', progress: 1, etaSeconds: null })];
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    await job().run();
    expect((await only()).state).toBe('downloaded');
  });

  it('turns a failure in the client into a failed request with the client’s reason', async () => {
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    clients[0]!.downloader.items = [
      item(HASH_A, { state: 'failed', error: 'Download failed: health 0.0% (FAILURE/HEALTH)' }),
    ];
    await job().run();
    const request = await only();
    expect(request.state).toBe('failed');
    expect(request.problem?.message).toContain('FAILURE/HEALTH');
  });

  it('shows a stalled download as stalled while the request stays downloading', async () => {
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    clients[0]!.downloader.items = [
      item(HASH_A, { state: 'stalled', progress: 0.1, downloadSpeed: 0, etaSeconds: null }),
    ];
    await job().run();
    const detail = await t.detail((await only()).id);
    expect(detail.state).toBe('downloading');
    expect(detail.downloads[0]).toMatchObject({ state: 'stalled', progress: 0.1, etaSeconds: null });
  });

  it('gives every episode of a season pack its progress, and several downloads for one season each theirs', async () => {
    const series = { seriesId: 3, tvdbId: 81189, title: 'Breaking Bad', year: 2008 };
    const episodes = sonarrEpisodes({ seasonNumber: 1, count: 4, firstId: 100 });
    await t.hooks([
      ['sonarr', sonarrGrab({ ...series, episodes: episodes.slice(0, 2), downloadId: HASH_A })],
      ['sonarr', sonarrGrab({ ...series, episodes: episodes.slice(2), downloadId: HASH_B })],
    ]);
    clients[0]!.downloader.items = [
      item(HASH_A, { state: 'completed', progress: 1, etaSeconds: null, category: 'tv-sonarr' }),
      item(HASH_B, { progress: 0.5, category: 'tv-sonarr' }),
    ];
    await job().run();
    const detail = await t.detail((await only()).id);
    expect(detail.episodes.map((e) => [e.episodeNumber, e.state, e.progress])).toEqual([
      [1, 'downloaded', 1],
      [2, 'downloaded', 1],
      [3, 'downloading', 0.5],
      [4, 'downloading', 0.5],
    ]);
    expect(detail.state).toBe('downloading');
    expect(detail.progress).toBe(0.75);
  });

  it('asks only the instance the grab names, else every instance of the kind or protocol', () => {
    const vpn = instance('qbittorrent', 'qBit VPN');
    const plain = instance('qbittorrent', 'qBittorrent');
    const tr = instance('transmission', 'Transmission');
    const sab = instance('sabnzbd', 'SABnzbd');
    const all = [vpn, plain, tr, sab];
    const view = (downloadId: string, clientType: string | null, client: string | null) => ({
      downloadId,
      client,
      clientType,
    });
    const names = (list: Polled[]) => list.map((c) => c.instance.name);
    expect(names(candidateInstances(view(HASH_A, 'qBittorrent', 'qbit vpn'), all) as Polled[])).toEqual([
      'qBit VPN',
    ]);
    expect(names(candidateInstances(view(HASH_A, 'qBittorrent', 'qBit 4K'), all) as Polled[])).toEqual([
      'qBit VPN',
      'qBittorrent',
    ]);
    expect(names(candidateInstances(view(HASH_A, 'Flood', 'Flood'), all) as Polled[])).toEqual([
      'qBit VPN',
      'qBittorrent',
      'Transmission',
    ]);
    expect(names(candidateInstances(view('SABnzbd_nzo_x1', 'Sabnzbd', 'SABnzbd'), all) as Polled[])).toEqual([
      'SABnzbd',
    ]);
    expect(names(candidateInstances(view('0123abcd', null, null), all) as Polled[])).toEqual(['SABnzbd']);
  });

  it('finds a download on whichever client holds it, then asks only that one', async () => {
    const vpn = instance('qbittorrent', 'qBit VPN');
    const other = instance('qbittorrent', 'qBit 4K');
    clients = [vpn, other];
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A, downloadClient: 'qBittorrent' })]]);
    other.downloader.items = [item(HASH_A, { progress: 0.3 })];
    const poll = job();
    await poll.run();
    expect(poll.lastCycle().polled.sort()).toEqual(['qBit 4K', 'qBit VPN']);
    expect((await only()).progress).toBe(0.3);
    await poll.run();
    expect(poll.lastCycle().polled).toEqual(['qBit 4K']);
    expect(vpn.downloader.calls).toBe(1);
  });

  it('ignores a copy of the torrent on a client the grab did not name (a seeding copy)', async () => {
    const tr = instance('transmission', 'Transmission');
    clients = [clients[0]!, tr];
    clients[0]!.downloader.items = [item(HASH_A, { state: 'completed', progress: 1, category: 'seed' })];
    tr.downloader.items = [item(HASH_A, { progress: 0.2 })];
    await t.hooks([
      [
        'radarr',
        radarrGrab({
          ...movie,
          downloadId: HASH_A,
          downloadClient: 'Transmission',
          downloadClientType: 'Transmission',
        }),
      ],
    ]);
    await job().run();
    expect(await only()).toMatchObject({ state: 'downloading', progress: 0.2 });
  });

  it('keeps polling the clients that answer when one is down', async () => {
    const down = instance('transmission', 'Transmission');
    down.downloader.failure = new IntegrationError('unreachable', 'cannot reach http://x: ECONNREFUSED');
    clients = [down, clients[0]!];
    await t.hooks([
      [
        'radarr',
        radarrGrab({ ...movie, downloadId: HASH_A, downloadClientType: 'Flood', downloadClient: 'Flood' }),
      ],
    ]);
    clients[1]!.downloader.items = [item(HASH_A, { progress: 0.4 })];
    await job().run();
    expect((await only()).progress).toBe(0.4);
  });

  it('applies each client’s answer at once, so one that does not answer holds up no other', async () => {
    const slow = instance('transmission', 'Transmission');
    let answer = () => {};
    slow.downloader.hang = new Promise<void>((resolve) => {
      answer = resolve;
    });
    clients = [slow, clients[0]!];
    await t.hooks([
      [
        'radarr',
        radarrGrab({ ...movie, downloadId: HASH_A, downloadClientType: 'Flood', downloadClient: 'Flood' }),
      ],
    ]);
    clients[1]!.downloader.items = [item(HASH_A, { progress: 0.4 })];
    const cycle = job().run();
    await expect.poll(async () => (await only()).progress).toBe(0.4);
    answer();
    await cycle;
  });

  it('tries a fresh login on a client that refused the credentials, every five minutes', async () => {
    const qb = clients[0]!.downloader;
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    qb.failure = new IntegrationError('unauthorized', 'qBittorrent refused the password');
    const poll = job();
    await poll.run();
    t.clock.advance(4 * 60_000);
    await poll.run();
    expect(qb.logins).toBe(0);
    qb.failure = null;
    qb.items = [item(HASH_A, { progress: 0.5 })];
    t.clock.advance(60_000);
    await poll.run();
    expect(qb.logins).toBe(1);
    expect((await only()).progress).toBe(0.5);
  });

  it('remembers completed downloads in *arr categories that no request knows, until one claims them', async () => {
    const downloads = createDownloadQueries({ db: t.app.db });
    clients[0]!.downloader.items = [
      item(HASH_A, { state: 'completed', progress: 1, category: 'radarr' }),
      item(HASH_B, { state: 'completed', progress: 1, category: 'music' }),
      item('C'.repeat(40), { state: 'downloading', progress: 0.5, category: 'radarr' }),
    ];
    const poll = job();
    expect(await poll.run()).toBe(60_000);
    expect(downloads.unclaimed().map((d) => [d.arrId, d.category])).toEqual([[HASH_A, 'radarr']]);

    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    await poll.run();
    expect(downloads.unclaimed()).toEqual([]);
    expect((await only()).state).toBe('downloaded');
  });

  it('writes nothing when nothing changed, and keeps only the first and latest report of a state', async () => {
    await t.hooks([['radarr', radarrGrab({ ...movie, downloadId: HASH_A })]]);
    const poll = job();
    const qb = clients[0]!.downloader;
    for (let i = 1; i <= 10; i++) {
      qb.items = [item(HASH_A, { progress: i / 20 })];
      await poll.run();
    }
    await poll.run();
    expect(poll.lastCycle().observations).toBe(0);
    const rows = t.app.db.$client
      .prepare("select count(*) as n from observations where kind = 'download_progress'")
      .get() as { n: number };
    expect(rows.n).toBe(2);
    expect((await only()).progress).toBe(0.5);
  });
});
